//! Facet counts for the filters' "(123)": hits counted by the value of a
//! string fast field. A field of this kind holds one short value per
//! product (a top-level category, a province code), so a segment's counts
//! are an array indexed by the value's ordinal, and only the ordinals that
//! were hit are turned back into text. tantivy's `FacetCollector` does the
//! same for a facet hierarchy, but first walks every facet term of each
//! segment on every search, which cost more than the search itself.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts hits by a string fast field's value.
pub struct CountBy {
    field: &'static str,
}

impl CountBy {
    pub fn field(field: &'static str) -> CountBy {
        CountBy { field }
    }
}

pub struct SegmentCounts {
    column: Option<StrColumn>,
    counts: Vec<u64>,
}

impl Collector for CountBy {
    type Fruit = HashMap<String, u64>;
    type Child = SegmentCounts;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentCounts> {
        let column = segment.fast_fields().str(self.field)?;
        let terms = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(SegmentCounts {
            column,
            counts: vec![0; terms],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<HashMap<String, u64>>,
    ) -> tantivy::Result<HashMap<String, u64>> {
        let mut all = HashMap::new();
        for fruit in fruits {
            for (value, n) in fruit {
                *all.entry(value).or_insert(0) += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentCounts {
    type Fruit = HashMap<String, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(column) = &self.column {
            for ord in column.term_ords(doc) {
                self.counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let mut found = HashMap::new();
        let Some(column) = self.column else {
            return found;
        };
        for (ord, n) in self.counts.into_iter().enumerate() {
            let mut value = String::new();
            if n > 0 && column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                found.insert(value, n);
            }
        }
        found
    }
}

/// Counts hits whose i64 fast field is at least a value (the rating
/// filter's "(12)": hits rated 4 stars and up).
pub struct CountAtLeast {
    field: &'static str,
    at_least: i64,
}

impl CountAtLeast {
    pub fn new(field: &'static str, at_least: i64) -> CountAtLeast {
        CountAtLeast { field, at_least }
    }
}

pub struct SegmentAtLeast {
    column: Option<tantivy::columnar::Column<i64>>,
    at_least: i64,
    count: u64,
}

impl Collector for CountAtLeast {
    type Fruit = u64;
    type Child = SegmentAtLeast;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentAtLeast> {
        Ok(SegmentAtLeast {
            column: segment.fast_fields().i64(self.field).ok(),
            at_least: self.at_least,
            count: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<u64>) -> tantivy::Result<u64> {
        Ok(fruits.into_iter().sum())
    }
}

impl SegmentCollector for SegmentAtLeast {
    type Fruit = u64;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(column) = &self.column
            && column.first(doc).is_some_and(|v| v >= self.at_least)
        {
            self.count += 1;
        }
    }

    fn harvest(self) -> u64 {
        self.count
    }
}

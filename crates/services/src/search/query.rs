//! A buyer's search as a tantivy query: every word must match (in the
//! title, worth more, or anywhere else); a longer word no product has also
//! matches with a typo or two (a word products do have is taken as meant:
//! "hijab" finds hijabs, not "hijau"); then the filters. Built from at most 10 words, and no query syntax
//! is read from the text, so any input makes a small, plain query.

use std::ops::Bound;

use etalase_domain::search::{stem, words};
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, FuzzyTermQuery, Occur, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};

use super::{Fields, SearchQuery, ShippingCover};

/// Words past this are ignored.
pub(super) const MAX_WORDS: usize = 10;

/// `known(term)`: whether some product has this term.
pub(super) fn build(f: &Fields, q: &SearchQuery, known: &dyn Fn(&Term) -> bool) -> Box<dyn Query> {
    let mut must: Vec<(Occur, Box<dyn Query>)> = words(&q.text)
        .iter()
        .take(MAX_WORDS)
        .map(|w| (Occur::Must, word(f, w, known)))
        .collect();
    if let Some(category) = &q.category {
        must.push((Occur::Must, facet_under(f.category, category)));
    }
    if let Some(province) = &q.province {
        must.push((Occur::Must, facet_under(f.place, province)));
    }
    if q.min_price.is_some() || q.max_price.is_some() {
        let lower = q.min_price.map_or(Bound::Unbounded, |p| {
            Bound::Included(Term::from_field_i64(f.price, p))
        });
        let upper = q.max_price.map_or(Bound::Unbounded, |p| {
            Bound::Included(Term::from_field_i64(f.price, p))
        });
        must.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
    }
    if let Some(tenths) = q.min_rating {
        let lower = Bound::Included(Term::from_field_i64(f.rating, tenths));
        must.push((
            Occur::Must,
            Box::new(RangeQuery::new(lower, Bound::Unbounded)),
        ));
    }
    if q.cod_only {
        must.push((
            Occur::Must,
            exact(Term::from_field_u64(f.cod, 1), IndexRecordOption::Basic),
        ));
    }
    if let Some(covers) = &q.free_shipping {
        must.push((Occur::Must, covered(f, covers)));
    }
    if must.is_empty() {
        Box::new(AllQuery)
    } else {
        Box::new(BooleanQuery::new(must))
    }
}

/// One typed word: its stem in the title (boosted) or the rest, and, when
/// no product has it, from 5 letters within one edit (two from 8) at half
/// the weight.
fn word(f: &Fields, typed: &str, known: &dyn Fn(&Term) -> bool) -> Box<dyn Query> {
    let term = stem(typed);
    let exists = [f.title, f.text]
        .iter()
        .any(|field| known(&Term::from_field_text(*field, &term)));
    let mut either: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, boost) in [(f.title, 3.0), (f.text, 1.0)] {
        let t = Term::from_field_text(field, &term);
        either.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                exact(t.clone(), IndexRecordOption::WithFreqs),
                boost,
            )),
        ));
        let typos = if exists { 0 } else { typos_allowed(&term) };
        if typos > 0 {
            either.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(FuzzyTermQuery::new(t, typos, true)),
                    boost * 0.5,
                )),
            ));
        }
    }
    Box::new(BooleanQuery::new(either))
}

/// Edits a word of this length may carry and still match.
pub(super) fn typos_allowed(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

fn exact(term: Term, record: IndexRecordOption) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, record))
}

/// A facet and everything under it: a facet is indexed with each of its
/// ancestors, so one term finds them all.
fn facet_under(field: Field, path: &str) -> Box<dyn Query> {
    let facet = Facet::from(&format!("/{path}"));
    exact(Term::from_facet(field, &facet), IndexRecordOption::Basic)
}

/// Products one of the running free-shipping vouchers covers.
fn covered(f: &Fields, covers: &[ShippingCover]) -> Box<dyn Query> {
    if covers.is_empty() {
        return Box::new(EmptyQuery);
    }
    let any: Vec<(Occur, Box<dyn Query>)> = covers
        .iter()
        .map(|cover| {
            let mut all: Vec<(Occur, Box<dyn Query>)> = vec![(
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_i64(f.max_price, cover.min_spend)),
                    Bound::Unbounded,
                )),
            )];
            if let Some(seller) = cover.seller {
                all.push((
                    Occur::Must,
                    exact(
                        Term::from_field_text(f.seller, &seller.to_string()),
                        IndexRecordOption::Basic,
                    ),
                ));
            }
            if let Some(products) = &cover.products {
                let ids: Vec<(Occur, Box<dyn Query>)> = products
                    .iter()
                    .map(|p| {
                        (
                            Occur::Should,
                            exact(
                                Term::from_field_text(f.id, &p.to_string()),
                                IndexRecordOption::Basic,
                            ),
                        )
                    })
                    .collect();
                let ids: Box<dyn Query> = if ids.is_empty() {
                    Box::new(EmptyQuery)
                } else {
                    Box::new(BooleanQuery::new(ids))
                };
                all.push((Occur::Must, ids));
            }
            (
                Occur::Should,
                Box::new(BooleanQuery::new(all)) as Box<dyn Query>,
            )
        })
        .collect();
    Box::new(BooleanQuery::new(any))
}

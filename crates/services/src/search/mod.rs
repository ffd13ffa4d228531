//! The Shop's full-text search: a tantivy index of the listed products, fed
//! by the projection after each batch it commits and rebuilt from the
//! Shop's read model when it is missing. Text goes through the domain's
//! Indonesian analysis (folding, a light stemmer); query words of 5 letters
//! or more also match with one typo (two from 8 letters). Hits are only ids:
//! the Shop reads and prices the products from the read model, so a stale
//! hit for a product that has left the Shop is simply dropped.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use etalase_domain::id::{ProductId, SellerId};
use etalase_domain::listing::Visibility;
use etalase_domain::regions::regions;
use etalase_store::shop::{self, ShopListing};
use tantivy::collector::{Count, MultiCollector, TopDocs};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term, doc,
};

use crate::listing_document::ListingDocument;

mod answers;
mod counts;
mod query;
mod suggest;
#[cfg(test)]
mod tests;
mod tokenizer;

pub use suggest::Suggestion;

use crate::{ServiceError, ServiceResult, Services};
use answers::Answers;
use tokenizer::IndonesianTokenizer;

const ANALYZER: &str = "id_stem";
const ID: &str = "id";
const TOP_CATEGORY: &str = "top_category";
const PROVINCE: &str = "province";
const FOLDED: &str = "id_fold";

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    seller: Field,
    title: Field,
    text: Field,
    /// Title and brand words, folded but not stemmed: what buyers type,
    /// for completions and "did you mean".
    words: Field,
    category: Field,
    /// `/<province>/<regency>` the shop ships from.
    place: Field,
    /// The category's top level and the province alone, for the counts
    /// beside the filters (see [`counts`]).
    top_category: Field,
    province: Field,
    price: Field,
    max_price: Field,
    cod: Field,
    fresh: Field,
    rank: Field,
    sold: Field,
    /// The buyers' average in tenths of a star (0 before a review).
    rating: Field,
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    Relevance,
    Newest,
    PriceLow,
    PriceHigh,
    /// Most units sold first.
    BestSelling,
}

impl Sort {
    pub fn parse(text: &str) -> Sort {
        match text {
            "newest" => Sort::Newest,
            "price_asc" => Sort::PriceLow,
            "price_desc" => Sort::PriceHigh,
            "best_selling" => Sort::BestSelling,
            _ => Sort::Relevance,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::PriceLow => "price_asc",
            Sort::PriceHigh => "price_desc",
            Sort::BestSelling => "best_selling",
        }
    }
}

/// The rating filter's threshold, in tenths of a star ("★ 4 and up").
pub const FOUR_UP: i64 = 40;

/// A search as asked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchQuery {
    pub text: String,
    /// A category id, its sub-categories included.
    pub category: Option<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub cod_only: bool,
    /// Only products whose buyers rate them at least this, in tenths of a
    /// star (40: "4 and up").
    pub min_rating: Option<i64>,
    /// A province code: shops shipping from there only.
    pub province: Option<String>,
    /// Only products a free-shipping voucher covers now (`Some(vec![])`:
    /// none runs, so nothing matches).
    pub free_shipping: Option<Vec<ShippingCover>>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// Count hits per category and province too.
    pub facets: bool,
}

/// What a search found.
#[derive(Debug, Clone, Default)]
pub struct Hits {
    pub ids: Vec<ProductId>,
    pub total: usize,
    /// Hits per top-level category, most first.
    pub categories: Vec<(String, u64)>,
    /// Hits per province the shops ship from, most first.
    pub provinces: Vec<(String, u64)>,
    /// Hits its buyers rate [`FOUR_UP`] or more (the rating filter's count).
    pub rated_four_up: u64,
}

/// What one running free-shipping voucher covers: a shop's products (or
/// every shop's), some products only, from a minimum spend (a product
/// counts when one unit of its dearest SKU reaches it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShippingCover {
    pub seller: Option<SellerId>,
    pub products: Option<Vec<ProductId>>,
    pub min_spend: i64,
}

pub struct SearchIndex {
    reader: IndexReader,
    writer: Mutex<Writing>,
    fields: Fields,
    /// Searches answered at the current generation.
    answers: Answers<SearchQuery, Hits>,
    /// "Did you mean" for words typed, at the current generation.
    corrections: Answers<String, Option<Suggestion>>,
    /// Completions of what is typed (and how many), likewise.
    completions: Answers<(String, usize), Vec<Suggestion>>,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analyzed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let typed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(FOLDED)
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        // A column, so a page of hits reads its ids without the doc store.
        id: b.add_text_field(ID, STRING | FAST),
        seller: b.add_text_field("seller", STRING),
        title: b.add_text_field("title", analyzed.clone()),
        text: b.add_text_field("text", analyzed),
        words: b.add_text_field("words", typed),
        category: b.add_facet_field("category", FacetOptions::default()),
        place: b.add_facet_field("place", FacetOptions::default()),
        top_category: b.add_text_field(TOP_CATEGORY, FAST),
        province: b.add_text_field(PROVINCE, FAST),
        price: b.add_i64_field("price", INDEXED | FAST),
        max_price: b.add_i64_field("max_price", FAST),
        cod: b.add_u64_field("cod", INDEXED),
        fresh: b.add_i64_field("fresh", FAST),
        rank: b.add_i64_field("rank", FAST),
        sold: b.add_i64_field("sold", FAST),
        rating: b.add_i64_field("rating", INDEXED | FAST),
    };
    (b.build(), fields)
}

/// The index's writer, and what it last wrote of each product.
struct Writing {
    writer: IndexWriter,
    /// Each product's document as last committed (its fingerprint), or
    /// `None` when it was taken out. A change that would write the same
    /// again is skipped: most changes the projection passes on are to stock,
    /// which the index does not hold (a flash sale projects its product
    /// after every batch of orders), and a commit costs a new segment and
    /// empties the answers kept for the current generation. A product not
    /// here is unknown (since the start, or since a write failed) and is
    /// always written.
    written: HashMap<ProductId, Option<u128>>,
}

/// Identifies a document by its fields and values (a collision would only
/// keep an outdated entry until the product's next change; at 128 bits, it
/// does not happen).
fn fingerprint(document: &TantivyDocument) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (field, _) in document.field_values() {
        hasher.update(&field.field_id().to_le_bytes());
    }
    hasher.update(&document.node_data);
    hasher.digest128()
}

fn failed(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::internal(std::io::Error::other(e.to_string()))
}

impl SearchIndex {
    /// An index in memory (tests; a node that could not open its folder).
    pub fn in_memory() -> SearchIndex {
        let (schema, fields) = schema();
        Self::with(Index::create_in_ram(schema), fields).expect("an index in memory")
    }

    /// The index kept in `dir` (made when missing). When another process
    /// holds it, this node keeps its own in memory instead.
    pub fn open(dir: &Path) -> ServiceResult<SearchIndex> {
        let (schema, fields) = schema();
        std::fs::create_dir_all(dir).map_err(ServiceError::internal)?;
        let open = || -> tantivy::Result<Index> {
            let directory = tantivy::directory::MmapDirectory::open(dir)?;
            Index::open_or_create(directory, schema.clone())
        };
        let index = match open() {
            Ok(index) => index,
            Err(e) => {
                // An index of another version (or a damaged one) is only a
                // cache of the read model: start it again, empty, and the
                // server refills it.
                tracing::warn!(error = %e, dir = %dir.display(), "search: index unreadable, starting a new one");
                std::fs::remove_dir_all(dir).map_err(ServiceError::internal)?;
                std::fs::create_dir_all(dir).map_err(ServiceError::internal)?;
                open().map_err(failed)?
            }
        };
        match Self::with(index, fields) {
            Ok(found) => Ok(found),
            Err(e) => {
                tracing::warn!(error = %e, dir = %dir.display(), "search: index held elsewhere, keeping one in memory");
                Ok(Self::with(Index::create_in_ram(schema), fields)?)
            }
        }
    }

    fn with(index: Index, fields: Fields) -> ServiceResult<SearchIndex> {
        index
            .tokenizers()
            .register(ANALYZER, IndonesianTokenizer { stemmed: true });
        index
            .tokenizers()
            .register(FOLDED, IndonesianTokenizer { stemmed: false });
        let writer = index.writer(20_000_000).map_err(failed)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(failed)?;
        Ok(SearchIndex {
            reader,
            writer: Mutex::new(Writing {
                writer,
                written: HashMap::new(),
            }),
            fields,
            answers: Answers::new(),
            corrections: Answers::new(),
            completions: Answers::new(),
        })
    }

    /// Every product id in the index.
    fn ids(&self) -> ServiceResult<Vec<ProductId>> {
        let searcher = self.reader.searcher();
        let all = searcher
            .search(
                &tantivy::query::AllQuery,
                &tantivy::collector::DocSetCollector,
            )
            .map_err(failed)?;
        self.ids_of(&searcher, all)
    }

    /// Merges the index into one segment when it has several: a search
    /// works through each segment in turn (its terms looked up, its
    /// columns opened), so after a full build one segment answers fastest.
    /// Later changes add small segments that tantivy merges as usual.
    pub fn compact(&self) -> ServiceResult<()> {
        let segments: Vec<tantivy::index::SegmentId> = self
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        if segments.len() < 2 {
            return Ok(());
        }
        // Changes go on being written while the merge runs.
        let merged = self.writer.lock().map_err(failed)?.writer.merge(&segments);
        merged.wait().map_err(failed)?;
        self.reader.reload().map_err(failed)
    }

    /// Documents in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts products in (listed) or takes them out (anything else), then
    /// commits and makes them searchable. A product whose document would
    /// be the same as the one written last is left alone; when nothing
    /// changes, nothing is committed.
    pub fn apply(&self, changes: &[Change]) -> ServiceResult<()> {
        let mut writing = self.writer.lock().map_err(failed)?;
        let written = self.write(&mut writing, changes);
        if written.is_err() {
            // What the writer holds uncommitted is no longer known.
            writing.written.clear();
        }
        let written = written?;
        if written.is_empty() {
            return Ok(());
        }
        writing.written.extend(written);
        drop(writing);
        self.reader.reload().map_err(failed)
    }

    /// Writes and commits the changes that differ from what was written
    /// last; returns what it wrote of each product.
    fn write(
        &self,
        writing: &mut Writing,
        changes: &[Change],
    ) -> ServiceResult<Vec<(ProductId, Option<u128>)>> {
        let mut written = Vec::new();
        for (id, listing) in changes {
            let document = listing
                .as_ref()
                .filter(|(l, _)| l.visibility == Visibility::Listed)
                .map(|(l, d)| self.document(*id, l, d));
            let print = document.as_ref().map(fingerprint);
            if writing.written.get(id) == Some(&print) {
                continue;
            }
            writing
                .writer
                .delete_term(Term::from_field_text(self.fields.id, &id.to_string()));
            if let Some(document) = document {
                writing.writer.add_document(document).map_err(failed)?;
            }
            written.push((*id, print));
        }
        if !written.is_empty() {
            writing.writer.commit().map_err(failed)?;
        }
        Ok(written)
    }

    /// A listed product's document.
    fn document(&self, id: ProductId, l: &ShopListing, d: &ListingDocument) -> TantivyDocument {
        let f = self.fields;
        // Variant values count too: buyers type "kaos hitam".
        let options: Vec<&str> = d
            .options
            .iter()
            .flat_map(|(_, values)| values.iter().map(String::as_str))
            .collect();
        let text = format!(
            "{} {} {} {} {} {} {}",
            l.title,
            l.brand.as_deref().unwrap_or_default(),
            d.description_text,
            d.attributes.values().cloned().collect::<Vec<_>>().join(" "),
            d.tags.join(" "),
            options.join(" "),
            l.shop_name
        );
        let mut document = doc!(
            f.id => id.to_string(),
            f.seller => l.seller_id.to_string(),
            f.title => l.title.clone(),
            f.text => text,
            f.words => format!("{} {}", l.title, l.brand.as_deref().unwrap_or_default()),
            f.price => l.min_price,
            f.max_price => l.max_price,
            f.cod => u64::from(l.cod_allowed),
            f.fresh => l.product_updated_at.unix_millis(),
            f.rank => l.rank_score,
            f.sold => l.sold_count,
            f.rating => l.rating.tenths().unwrap_or(0),
        );
        if let Some(category) = &l.category {
            document.add_facet(f.category, Facet::from(&format!("/{category}")));
            let top = category.split('/').next().unwrap_or(category);
            document.add_text(f.top_category, top);
        }
        if let Some(regency) = l.shop_regency.as_deref().and_then(|r| regions().regency(r)) {
            let (province, regency) = (regency.parent, regency.code);
            document.add_facet(f.place, Facet::from(&format!("/{province}/{regency}")));
            document.add_text(f.province, province);
        }
        document
    }

    /// What a search finds: kept for the next buyer asking the same until
    /// the index changes (see [`answers`]).
    pub fn search(&self, q: &SearchQuery) -> ServiceResult<Hits> {
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        self.answers
            .get_or_find(q, generation, || self.find(&searcher, q))
    }

    fn find(&self, searcher: &tantivy::Searcher, q: &SearchQuery) -> ServiceResult<Hits> {
        let query = query::build(&self.fields, q, &|t| has_term(searcher, t));
        let limit = q.limit.clamp(1, 100);
        let top = TopDocs::with_limit(limit).and_offset(q.offset.min(10_000));
        let mut multi = MultiCollector::new();
        let count = multi.add_collector(Count);
        // Counting facets walks every hit's facets: only when they are shown.
        let facet_handles = q.facets.then(|| {
            (
                multi.add_collector(counts::CountBy::field(TOP_CATEGORY)),
                multi.add_collector(counts::CountBy::field(PROVINCE)),
                multi.add_collector(counts::CountAtLeast::new("rating", FOUR_UP)),
            )
        });
        let order = match q.sort {
            Sort::Relevance if !q.text.trim().is_empty() => None,
            // Without words, "relevance" is the feed's own order (rank
            // points; see the ranking pass).
            Sort::Relevance => Some(("rank", Order::Desc)),
            Sort::Newest => Some(("fresh", Order::Desc)),
            Sort::PriceLow => Some(("price", Order::Asc)),
            Sort::PriceHigh => Some(("price", Order::Desc)),
            Sort::BestSelling => Some(("sold", Order::Desc)),
        };
        let (addresses, mut fruits): (Vec<DocAddress>, _) = match order {
            None => {
                let handle = multi.add_collector(top);
                let mut fruits = searcher.search(&query, &multi).map_err(failed)?;
                let hits = handle.extract(&mut fruits);
                (hits.into_iter().map(|(_, a)| a).collect(), fruits)
            }
            Some((field, order)) => {
                let handle = multi.add_collector(top.order_by_fast_field::<i64>(field, order));
                let mut fruits = searcher.search(&query, &multi).map_err(failed)?;
                let hits = handle.extract(&mut fruits);
                (hits.into_iter().map(|(_, a)| a).collect(), fruits)
            }
        };
        let total = count.extract(&mut fruits);
        let facet_counts = facet_handles.map(|(categories, places, rated)| Facets {
            categories: categories.extract(&mut fruits),
            places: places.extract(&mut fruits),
            rated_four_up: rated.extract(&mut fruits),
        });
        self.hits(searcher, addresses, total, facet_counts)
    }

    /// The product ids of these documents, in their order.
    fn ids_of(
        &self,
        searcher: &tantivy::Searcher,
        addresses: impl IntoIterator<Item = DocAddress>,
    ) -> ServiceResult<Vec<ProductId>> {
        let mut columns: HashMap<u32, Option<tantivy::columnar::StrColumn>> = HashMap::new();
        let mut ids = Vec::new();
        let mut text = String::new();
        for address in addresses {
            let column = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(found) => found.into_mut(),
                std::collections::hash_map::Entry::Vacant(slot) => slot.insert(
                    searcher
                        .segment_reader(address.segment_ord)
                        .fast_fields()
                        .str(ID)
                        .map_err(failed)?,
                ),
            };
            let Some(column) = column else { continue };
            let Some(ord) = column.term_ords(address.doc_id).next() else {
                continue;
            };
            text.clear();
            if column.ord_to_str(ord, &mut text).map_err(failed)?
                && let Ok(id) = text.parse()
            {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    fn hits(
        &self,
        searcher: &tantivy::Searcher,
        addresses: Vec<DocAddress>,
        total: usize,
        facets: Option<Facets>,
    ) -> ServiceResult<Hits> {
        let ids = self.ids_of(searcher, addresses)?;
        // Most first, then by name: the same order on every search.
        let top_level = |counts: HashMap<String, u64>| {
            let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            counts
        };
        let Some(facets) = facets else {
            return Ok(Hits {
                ids,
                total,
                ..Hits::default()
            });
        };
        Ok(Hits {
            ids,
            total,
            categories: top_level(facets.categories),
            provinces: top_level(facets.places),
            rated_four_up: facets.rated_four_up,
        })
    }
}

/// The counts beside the filters, as collected.
struct Facets {
    categories: HashMap<String, u64>,
    places: HashMap<String, u64>,
    rated_four_up: u64,
}

/// Whether some document has this term.
fn has_term(searcher: &tantivy::Searcher, term: &Term) -> bool {
    searcher.segment_readers().iter().any(|segment| {
        segment
            .inverted_index(term.field())
            .is_ok_and(|index| index.doc_freq(term).is_ok_and(|n| n > 0))
    })
}

/// Brings these products' entries in line with the read model (after the
/// projection committed them).
pub async fn refresh(svc: &Services, products: &[ProductId]) -> ServiceResult<()> {
    if products.is_empty() || svc.search.is_none() {
        return Ok(());
    }
    let mut changes = Vec::with_capacity(products.len());
    for id in products {
        let found = match shop::get(&svc.store, *id).await? {
            Some(l) => Some(with_document(l)?),
            None => None,
        };
        changes.push((*id, found));
    }
    apply(svc, changes).await
}

fn with_document(l: ShopListing) -> ServiceResult<(ShopListing, ListingDocument)> {
    let d = serde_json::from_str(&l.document).map_err(ServiceError::internal)?;
    Ok((l, d))
}

pub(crate) type Change = (ProductId, Option<(ShopListing, ListingDocument)>);

async fn apply(svc: &Services, changes: Vec<Change>) -> ServiceResult<()> {
    let Some(index) = svc.search.clone() else {
        return Ok(());
    };
    tokio::task::spawn_blocking(move || index.apply(&changes))
        .await
        .map_err(ServiceError::internal)?
}

/// Fills the index from the read model when they disagree on how many
/// products are listed (a first start, a lost folder, a `rebuild-shop` run
/// beside the server). Returns the products indexed.
pub async fn ensure_built(svc: &Services) -> ServiceResult<u64> {
    let Some(index) = svc.search.clone() else {
        return Ok(0);
    };
    if index.len() == shop::count(&svc.store, Visibility::Listed).await? as u64 {
        compact(&index).await?;
        return Ok(0);
    }
    let stale: Vec<Change> = index.ids()?.into_iter().map(|id| (id, None)).collect();
    apply(svc, stale).await?;
    // A page at a time: the read model's documents never all sit in memory.
    let mut indexed = 0;
    let mut after = None;
    loop {
        let page = shop::page_after(&svc.store, after, 2_000).await?;
        let Some(last) = page.last().map(|l| l.product_id) else {
            break;
        };
        let mut changes = Vec::with_capacity(page.len());
        for l in page {
            if l.visibility == Visibility::Listed {
                changes.push((l.product_id, Some(with_document(l)?)));
            }
        }
        indexed += changes.len() as u64;
        apply(svc, changes).await?;
        after = Some(last);
    }
    compact(&index).await?;
    Ok(indexed)
}

async fn compact(index: &Arc<SearchIndex>) -> ServiceResult<()> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || index.compact())
        .await
        .map_err(ServiceError::internal)?
}

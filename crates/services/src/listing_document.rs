//! What the Shop's read model keeps of a product besides its columns:
//! everything its page shows. Written by the sync's projection, read by the
//! Shop's pages, its search index and its API.

use std::collections::BTreeMap;

use etalase_domain::id::{ImageId, SkuId};
use serde::{Deserialize, Serialize};

/// What a listing row carries besides its columns: everything the
/// product page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingDocument {
    pub description_html: String,
    /// The description as plain text (search, meta descriptions).
    #[serde(default)]
    pub description_text: String,
    pub bullets: Vec<String>,
    pub attributes: BTreeMap<String, String>,
    pub condition: String,
    pub tags: Vec<String>,
    pub preorder_days: Option<i32>,
    pub options: Vec<(String, Vec<String>)>,
    pub images: Vec<ImageId>,
    pub skus: Vec<ListingSku>,
}

#[cfg(test)]
impl ListingDocument {
    /// A document with a description and nothing else (tests).
    pub(crate) fn described(text: &str) -> ListingDocument {
        ListingDocument {
            description_html: String::new(),
            description_text: text.into(),
            bullets: Vec::new(),
            attributes: BTreeMap::new(),
            condition: "new".into(),
            tags: Vec::new(),
            preorder_days: None,
            options: Vec::new(),
            images: Vec::new(),
            skus: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingSku {
    pub id: SkuId,
    pub combination: Vec<String>,
    pub price: i64,
    pub original_price: Option<i64>,
    pub stock: i64,
    pub image: Option<ImageId>,
    /// For the product page's shipping estimate (a listing projected
    /// before these were carried has none until its next change).
    #[serde(default)]
    pub weight_grams: Option<i32>,
    #[serde(default)]
    pub dimensions: Option<(i32, i32, i32)>,
    /// Scheduled and ongoing promotions on it: the Shop prices it with the
    /// one pricing function at the moment a page is asked for, so a
    /// promotion starts and ends on time without waiting for an event.
    #[serde(default)]
    pub offers: Vec<etalase_domain::pricing::Offer>,
}

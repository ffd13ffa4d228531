//! The catalog: products, their options and SKUs, categories, and the rules
//! that decide what a seller may save, what may be published, and how good
//! a listing is. Pure: the store keeps products, the services run the
//! commands, and every limit lives here once.

pub mod bulk;
pub mod category;
pub mod gtin;
pub mod image_source;
pub mod lifecycle;
pub mod product;
pub mod quality;
pub mod sheet;
pub mod similarity;
pub mod sku;
pub mod snapshot;
pub mod text;
pub mod variants;

use crate::ErrorCode;

/// A problem with one field of a product (`title`, `skus[2].price`,
/// `attributes.bahan`, `options[0].values`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub code: ErrorCode,
}

impl Problem {
    pub fn new(field: impl Into<String>, code: ErrorCode) -> Problem {
        Problem {
            field: field.into(),
            code,
        }
    }
}

//! The seller's catalog: products, their SKUs and images, listing quality.
//! Reads need catalog read access; changes need catalog write access (the
//! owner and marketing by default; an API key with `catalog:write`).

pub mod editor;
pub mod export;
pub mod import;
mod import_photos;
pub mod listing;
pub mod media;
pub(crate) mod records;
pub mod status;

use etalase_domain::catalog::Problem;
use etalase_domain::catalog::quality::Quality;
use etalase_domain::id::ProductId;
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::catalog::{
    self, CatalogCounts, ListCursor, Product, ProductFilter, ProductImage, Sku,
};

use crate::error::FieldError;
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

pub use editor::{ProductForm, SaveOutcome, create, save};
pub use status::{
    deactivate, delete, moderate, moderation_list, moderation_view, publish, reinstate,
    request_review,
};

/// Domain problems as field errors (every one at once).
pub fn problems(list: Vec<Problem>) -> ServiceError {
    ServiceError::fields(
        list.into_iter()
            .map(|p| FieldError::new(p.field, p.code))
            .collect(),
    )
}

/// Everything the product page of the Seller Center shows.
#[derive(Debug, Clone)]
pub struct ProductView {
    pub product: Product,
    pub skus: Vec<Sku>,
    pub images: Vec<ProductImage>,
    pub quality: Quality,
    /// What publishing would still refuse (empty: ready).
    pub publish_problems: Vec<Problem>,
    /// The listing this description nearly copies: its title and shop.
    pub copied_from: Option<(String, String)>,
}

pub async fn view(
    svc: &Services,
    scope: &SellerScope,
    id: ProductId,
) -> ServiceResult<ProductView> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    let product = catalog::get_product(&svc.store, scope.seller_id, id).await?;
    let skus = catalog::skus_of(&svc.store, scope.seller_id, id).await?;
    let images = catalog::images_of(&svc.store, scope.seller_id, id).await?;
    let copied_from = match product.listing.copied_from {
        Some(other) => catalog::product_title_and_shop(&svc.store, other).await?,
        None => None,
    };
    let quality = listing::assess(
        &product,
        &skus,
        &images,
        copied_from.as_ref().map(|(title, _)| title.clone()),
    );
    let publish_problems = listing::publish_problems(&product, &skus, images.len());
    Ok(ProductView {
        product,
        skus,
        images,
        quality,
        publish_problems,
        copied_from,
    })
}

/// One page of the catalog list.
#[derive(Debug, Clone)]
pub struct ProductPage {
    pub products: Vec<Product>,
    /// Where the next page starts, when there is one.
    pub next: Option<ListCursor>,
}

pub const PAGE_SIZE: i64 = 50;

pub async fn list(
    svc: &Services,
    scope: &SellerScope,
    filter: &ProductFilter,
    after: Option<ListCursor>,
    limit: i64,
) -> ServiceResult<ProductPage> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    let limit = limit.clamp(1, 200);
    let mut products =
        catalog::list_products(&svc.store, scope.seller_id, filter, after, limit + 1).await?;
    let next = if products.len() as i64 > limit {
        products.truncate(limit as usize);
        products.last().map(|p| ListCursor {
            updated_at: p.updated_at.unix_millis(),
            id: p.id,
        })
    } else {
        None
    };
    Ok(ProductPage { products, next })
}

pub async fn counts(svc: &Services, scope: &SellerScope) -> ServiceResult<CatalogCounts> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    Ok(catalog::catalog_counts(&svc.store, scope.seller_id).await?)
}

//! The Shop's reads for buyers: only the read model the sync keeps (never
//! the Seller Center's tables), so what a buyer sees is what the sync
//! decided, and a product that left the Shop is simply not found.

use etalase_domain::ErrorCode;
use etalase_domain::id::{ImageId, ProductId};
use etalase_store::shop::{self, ShopListing};

use crate::catalog::media;
use crate::sync::ListingDocument;
use crate::{ServiceError, ServiceResult, Services};

/// A product as its Shop page shows it.
#[derive(Debug, Clone)]
pub struct ShopProduct {
    pub listing: ShopListing,
    pub document: ListingDocument,
}

/// The product, if buyers can open it (listed or sold out).
pub async fn product(svc: &Services, id: ProductId) -> ServiceResult<Option<ShopProduct>> {
    let Some(listing) = shop::get(&svc.store, id).await? else {
        return Ok(None);
    };
    let document = serde_json::from_str(&listing.document).map_err(ServiceError::internal)?;
    Ok(Some(ShopProduct { listing, document }))
}

/// A photo of a product buyers can open (the full image or a thumbnail).
pub async fn image(
    svc: &Services,
    id: ProductId,
    image: ImageId,
    size: Option<u32>,
) -> ServiceResult<Vec<u8>> {
    let found = product(svc, id).await?.ok_or(ErrorCode::NotFound)?;
    if !found.document.images.contains(&image) {
        return Err(ErrorCode::NotFound.into());
    }
    media::stored_bytes(svc, found.listing.seller_id, id, image, size).await
}

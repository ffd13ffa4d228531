//! The shipping estimate of a product page: what sending one unit of a SKU
//! from the shop's city to a regency costs with each courier service, and
//! how long it takes — the rate table and chargeable weight the checkout
//! quotes with, so the estimate is the price the checkout will show for
//! that unit (a cart of several units or shops is quoted there whole).

use etalase_domain::ErrorCode;
use etalase_domain::catalog::sku::{Dimensions, WeightGrams};
use etalase_domain::id::SkuId;
use etalase_domain::regions::regions;
use etalase_domain::shipping::{Parcel, ShippingOption};

use super::ShopProduct;
use crate::{ServiceResult, Services};

/// One SKU's estimate to one regency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    pub sku: SkuId,
    /// Where the shop ships from (a regency code).
    pub origin: String,
    pub destination: String,
    /// Cheapest first; empty when no service goes there.
    pub options: Vec<ShippingOption>,
}

/// The estimate for `sku` (the first SKU in stock when none or another
/// product's is asked for) to the regency `destination`. Refused with
/// `shipping_unavailable` when the shop has no pickup address yet or the
/// SKU no weight, `invalid_district` for a regency that does not exist.
pub fn estimate(
    svc: &Services,
    product: &ShopProduct,
    sku: Option<SkuId>,
    destination: &str,
) -> ServiceResult<Estimate> {
    let destination = regions()
        .regency(destination.trim())
        .ok_or(ErrorCode::InvalidDistrict)?
        .code;
    let skus = &product.document.skus;
    let chosen = sku
        .and_then(|id| skus.iter().find(|s| s.id == id))
        .or_else(|| skus.iter().find(|s| s.stock > 0))
        .or_else(|| skus.first())
        .ok_or(ErrorCode::ShippingUnavailable)?;
    let origin = product
        .listing
        .shop_regency
        .clone()
        .ok_or(ErrorCode::ShippingUnavailable)?;
    let weight = chosen
        .weight_grams
        .and_then(|g| WeightGrams::new(i64::from(g)).ok())
        .ok_or(ErrorCode::ShippingUnavailable)?;
    let dimensions = chosen
        .dimensions
        .and_then(|(a, b, c)| Dimensions::new(i64::from(a), i64::from(b), i64::from(c)).ok());
    let options = svc
        .config
        .shipping_rates
        .quote(&origin, destination, &Parcel::single(weight, dimensions))
        .map_err(|_| ErrorCode::ShippingUnavailable)?;
    Ok(Estimate {
        sku: chosen.id,
        origin,
        destination: destination.to_owned(),
        options,
    })
}

//! Pricing: seller promotions and vouchers, platform vouchers, price
//! quotes and price history. Every price is computed by the domain's one
//! pricing function (`etalase_domain::pricing::Pricer`) over what the
//! system of record holds; this module only gathers its inputs and keeps
//! its records.

mod candidates;
pub mod kept;
pub mod promotions;
pub mod quote;
mod review;
pub mod vouchers;

use etalase_domain::Timestamp;
use etalase_domain::id::{ProductId, SellerId, SkuId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::pricing::PricePoint;
use etalase_store::{Tx, catalog, outbox};

use crate::teams::SellerScope;
use crate::{ServiceResult, Services};

/// The outbox topic of a pricing change on a product (a promotion or a
/// voucher on it began, changed or stopped): the sync re-projects it.
pub const PROMOTION_CHANGED: &str = "pricing.promotion_changed";

/// One outbox event per product, so the Shop shows the new offers within
/// the sync lag.
pub(crate) async fn announce_products(
    tx: &mut Tx,
    seller: SellerId,
    products: &[ProductId],
    cause: &str,
    action: &str,
    now: Timestamp,
) -> ServiceResult<()> {
    let ids: Vec<String> = products.iter().map(ToString::to_string).collect();
    let payloads: Vec<serde_json::Value> = products
        .iter()
        .map(|p| serde_json::json!({ "product_id": p, "cause": cause, "action": action }))
        .collect();
    let events: Vec<outbox::NewEvent<'_, serde_json::Value>> = ids
        .iter()
        .zip(&payloads)
        .map(|(id, payload)| outbox::NewEvent {
            topic: PROMOTION_CHANGED,
            aggregate_type: "product",
            aggregate_id: id,
            seller_id: Some(seller),
            payload,
        })
        .collect();
    outbox::append_many(tx, &events, now).await?;
    Ok(())
}

/// "Kaos Polos — Hitam / L": how a SKU is named in lists and warnings.
pub fn sku_label(title: &str, combination: &[String]) -> String {
    if combination.is_empty() {
        title.to_owned()
    } else {
        format!("{title} — {}", combination.join(" / "))
    }
}

/// A SKU's base prices, newest first (the seller's own SKUs only).
pub async fn history(
    svc: &Services,
    scope: &SellerScope,
    sku: SkuId,
) -> ServiceResult<Vec<PricePoint>> {
    scope.authorize(SellerAction::read(Area::Promotions))?;
    catalog::get_sku(&svc.store, scope.seller_id, sku).await?;
    Ok(etalase_store::pricing::price_history(&svc.store, scope.seller_id, sku, 200).await?)
}

/// A SKU's base price and cost as set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkuPrice {
    pub sku: SkuId,
    pub price: i64,
    pub cost: Option<i64>,
}

/// Sets one SKU's base price and (when given) its cost, in one
/// transaction: the price history, the product's new version, the audit
/// line and the sync event are written with it.
pub async fn set_price(
    svc: &Services,
    scope: &SellerScope,
    sku: SkuId,
    price: i64,
    cost: Option<Option<i64>>,
) -> ServiceResult<SkuPrice> {
    use etalase_domain::ErrorCode;
    use etalase_domain::catalog::sku::Price;
    scope.authorize(SellerAction::write(Area::Promotions))?;
    let price = Price::new(price)
        .map_err(|c| crate::ServiceError::field("price", c))?
        .rupiah();
    if let Some(Some(c)) = cost
        && !(0..=Price::MAX).contains(&c)
    {
        return Err(crate::ServiceError::field(
            "cost",
            ErrorCode::PriceOutOfRange,
        ));
    }
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let current = catalog::sku_in_tx(&mut tx, scope.seller_id, sku).await?;
    let repriced = current.price != Some(price);
    if repriced {
        catalog::set_sku_price(&mut tx, scope.seller_id, sku, price, now).await?;
    }
    if let Some(cost) = cost {
        catalog::set_sku_cost(&mut tx, scope.seller_id, sku, cost, now).await?;
    }
    crate::inventory::product_edited(&mut tx, scope, current.product_id, repriced, now).await?;
    let id = sku.to_string();
    let mut entry = scope.audit("pricing.price_set", "sku", &id);
    entry.before = current
        .price
        .map(|p| format!("price={p} cost={:?}", current.cost));
    let after = format!("price={price} cost={:?}", cost.unwrap_or(current.cost));
    entry.after = Some(after);
    etalase_store::audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(SkuPrice {
        sku,
        price,
        cost: cost.unwrap_or(current.cost),
    })
}

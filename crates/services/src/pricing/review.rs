//! The price guards over a promotion and the price changes it makes:
//! what the seller sees before saving or scheduling it.

use etalase_domain::id::{ProductId, SkuId};
use etalase_domain::pricing::guard::{Finding, SkuFacts};
use etalase_domain::pricing::{BuyerContext, Channel, SkuPricing};
use etalase_store::Tx;
use etalase_store::catalog;
use etalase_store::pricing::{self as store, Promotion};

use crate::teams::SellerScope;
use crate::{FieldError, ServiceError, ServiceResult, Services};

/// The 30 days of the "a discount may not start from a raised price" rule.
const RECENT_DAYS: i64 = 30;

/// What the guards found on one SKU.
#[derive(Debug, Clone)]
pub struct SkuFinding {
    pub sku: SkuId,
    pub product: ProductId,
    pub label: String,
    pub finding: Finding,
}

/// One place whose price the promotion changes, with the price before
/// and during it (the places of videos, lives and carts join here as they
/// come to the Shop).
#[derive(Debug, Clone)]
pub struct PriceChange {
    pub product: ProductId,
    pub sku: SkuId,
    pub label: String,
    pub place: Place,
    pub now: i64,
    pub during: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    ProductPage,
}

/// The guards' findings and the price changes of a promotion.
#[derive(Debug, Clone, Default)]
pub struct Review {
    pub findings: Vec<SkuFinding>,
    pub changes: Vec<PriceChange>,
}

impl Review {
    pub fn refusals(&self) -> impl Iterator<Item = &SkuFinding> {
        self.findings.iter().filter(|f| f.finding.refuses())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &SkuFinding> {
        self.findings.iter().filter(|f| !f.finding.refuses())
    }

    pub(super) fn refusal_error(&self) -> Option<ServiceError> {
        let fields: Vec<FieldError> = self
            .refusals()
            .map(|f| FieldError::new(format!("items.{}", f.sku), f.finding.code()))
            .collect();
        (!fields.is_empty()).then(|| ServiceError::fields(fields))
    }
}

/// Runs the guards over every SKU of the promotion and lists the price
/// changes it makes.
pub(super) async fn guard(
    svc: &Services,
    tx: &mut Tx,
    scope: &SellerScope,
    promotion: &Promotion,
) -> ServiceResult<Review> {
    let pricer = svc.config.pricer;
    let now = svc.now();
    let products = promotion.products();
    let others = store::live_offers_of_products(tx, &products, now).await?;
    let vouchers = super::vouchers::running_shop_vouchers(svc, scope.seller_id, now).await?;
    let mut review = Review::default();
    for item in &promotion.items {
        let sku = catalog::sku_in_tx(tx, scope.seller_id, item.sku_id).await?;
        let product = catalog::lock_product(tx, scope.seller_id, item.product_id).await?;
        let label = super::sku_label(&product.title, &sku.combination);
        let base = sku.price.unwrap_or_default();
        let offer = promotion.offer(item);
        let since = now.plus_seconds(-RECENT_DAYS * 24 * 3600);
        let mut lowest = etalase_store::pricing::lowest_base_since(tx, sku.id, since).await?;
        for recent in store::recent_offers_of_sku(tx, sku.id, since, now).await? {
            if recent.promotion != promotion.id {
                let price = recent.rule.apply(base).max(pricer.floor.min(base));
                lowest = Some(lowest.map_or(price, |l| l.min(price)));
            }
        }
        let others_here: Vec<_> = others
            .iter()
            .filter(|o| o.sku_id == sku.id && o.offer.promotion != promotion.id)
            .map(|o| o.offer)
            .collect();
        let covering: Vec<(etalase_domain::pricing::Benefit, i64)> = vouchers
            .iter()
            .filter(|v| v.products.as_ref().is_none_or(|p| p.contains(&product.id)))
            .map(|v| (v.benefit, v.min_spend))
            .collect();
        let facts = SkuFacts {
            sku: sku.id,
            base,
            cost: sku.cost,
            lowest_recent: lowest,
            others: &others_here,
            vouchers: &covering,
        };
        for finding in pricer.check_offer(&offer, &facts) {
            review.findings.push(SkuFinding {
                sku: sku.id,
                product: product.id,
                label: label.clone(),
                finding,
            });
        }
        let pricing = SkuPricing {
            sku: sku.id,
            base,
            compare_at: sku.original_price,
            offers: others_here.clone(),
        };
        let anyone = BuyerContext::anonymous();
        let shop = Channel::Shop;
        let at = promotion.window.starts_at.max(now);
        let before = pricer.price(&pricing, &anyone, shop, at).unit;
        let mut with = pricing.clone();
        with.offers.push(offer);
        let during = pricer.price(&with, &anyone, shop, at).unit;
        review.changes.push(PriceChange {
            product: product.id,
            sku: sku.id,
            label,
            place: Place::ProductPage,
            now: before,
            during,
        });
    }
    Ok(review)
}

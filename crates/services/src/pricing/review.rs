//! The price guards over a promotion and the price changes it makes:
//! what the seller sees before saving or scheduling it.

use etalase_domain::id::{LiveId, ProductId, SkuId, VideoId};
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
/// and during it: the product page, each published video that tags the
/// product, each live announced or on air that features it (priced on
/// that live, whose own prices may still win), and the carts holding the
/// SKU.
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
    Video(VideoId),
    Live(LiveId),
    /// This many carts hold the SKU.
    Carts(i64),
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
        let at = promotion.window.starts_at.max(now);
        let change = |pricing: &SkuPricing, channel: Channel| {
            let before = pricer.price(pricing, &anyone, channel, at).unit;
            let mut with = pricing.clone();
            with.offers.push(offer);
            (before, pricer.price(&with, &anyone, channel, at).unit)
        };
        let mut places = vec![(Place::ProductPage, change(&pricing, Channel::Shop))];
        for video in etalase_store::videos::published_tagging(&svc.store, product.id, 20).await? {
            places.push((
                Place::Video(video.id),
                change(&pricing, Channel::Video(video.id)),
            ));
        }
        for live in
            etalase_store::lives::upcoming_featuring(&svc.store, scope.seller_id, product.id)
                .await?
        {
            // Priced on that live, its own prices included: a live price
            // below the promotion's keeps winning there.
            let mut on_live = pricing.clone();
            let since = live.started_at.unwrap_or(at);
            on_live.offers.extend(
                etalase_store::lives::prices::offers_of_live(&svc.store, live.id, since, at)
                    .await?
                    .into_iter()
                    .filter(|o| o.sku_id == sku.id)
                    .map(|o| o.offer),
            );
            places.push((
                Place::Live(live.id),
                change(&on_live, Channel::Live(live.id)),
            ));
        }
        let carts = etalase_store::checkout::carts_holding(&svc.store, sku.id).await?;
        if carts > 0 {
            places.push((Place::Carts(carts), change(&pricing, Channel::Shop)));
        }
        for (place, (before, during)) in places {
            review.changes.push(PriceChange {
                product: product.id,
                sku: sku.id,
                label: label.clone(),
                place,
                now: before,
                during,
            });
        }
    }
    Ok(review)
}

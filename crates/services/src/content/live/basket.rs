//! What a live offers at a moment: its featured products with each SKU's
//! price on the live's channel, stock, the pinned product and the running
//! flash deal. Built from the system of record with the same inputs a
//! quote reads (the SKU, its promotions' offers and the live's own), and
//! priced by the one pricing function — so the price a viewer is shown on
//! the pin is the price the checkout charges.

use std::collections::HashMap;

use etalase_domain::Timestamp;
use etalase_domain::content::live::LiveState;
use etalase_domain::id::{ImageId, LiveId, ProductId, PromotionId, SkuId};
use etalase_domain::pricing::{BuyerContext, Channel, OfferKind, SkuPricing, UnitPrice};
use etalase_store::catalog;
use etalase_store::lives::Live;
use etalase_store::lives::prices::{self as live_prices, StoredFlashDeal};
use etalase_store::pricing as pricing_store;
use serde::Serialize;

use crate::{ServiceResult, Services};

/// One SKU of a featured product, priced on the live.
#[derive(Debug, Clone, Serialize)]
pub struct BasketSku {
    pub id: SkuId,
    /// Its variant ("Hitam / L"), empty for a product without variants.
    pub label: String,
    /// What a buyer on this live pays for one unit now.
    pub price: i64,
    /// The price to strike through, when above it.
    pub original: Option<i64>,
    /// Whether the price is the live's own (a live price or a flash deal).
    pub live: bool,
    pub stock: i64,
    #[serde(skip)]
    pub unit: Option<UnitPrice>,
}

/// A featured product as viewers see it.
#[derive(Debug, Clone, Serialize)]
pub struct BasketItem {
    pub product: ProductId,
    pub title: String,
    pub slug: String,
    pub image: Option<ImageId>,
    /// In the Shop now (a product that left it shows as unavailable).
    pub available: bool,
    pub skus: Vec<BasketSku>,
}

impl BasketItem {
    /// The cheapest SKU in stock (or the cheapest, when none is): what the
    /// pin and the list show.
    pub fn headline(&self) -> Option<&BasketSku> {
        let in_stock = self
            .skus
            .iter()
            .filter(|s| s.stock > 0)
            .min_by_key(|s| s.price);
        in_stock.or_else(|| self.skus.iter().min_by_key(|s| s.price))
    }

    pub fn stock(&self) -> i64 {
        self.skus.iter().map(|s| s.stock.max(0)).sum()
    }
}

/// A running flash deal as viewers see it (its countdown and what is left).
#[derive(Debug, Clone, Serialize)]
pub struct DealView {
    pub promotion: PromotionId,
    pub product: ProductId,
    pub sku: SkuId,
    pub price: i64,
    pub quota: i64,
    pub left: i64,
    /// Milliseconds since the epoch: the countdown's end.
    pub ends_at: i64,
}

/// What a live offers now.
#[derive(Debug, Clone, Serialize)]
pub struct Basket {
    pub live: LiveId,
    pub state: LiveState,
    pub pinned: Option<ProductId>,
    pub items: Vec<BasketItem>,
    pub deal: Option<DealView>,
}

impl Basket {
    pub fn item(&self, product: ProductId) -> Option<&BasketItem> {
        self.items.iter().find(|i| i.product == product)
    }

    pub fn pinned_item(&self) -> Option<&BasketItem> {
        self.pinned.and_then(|p| self.item(p))
    }
}

/// What the live's viewers are offered at `now`: its own prices only
/// while it is on air.
pub async fn basket(svc: &Services, live: &Live, now: Timestamp) -> ServiceResult<Basket> {
    basket_as(svc, live, now, live.state.is_on()).await
}

/// The basket as it is or will be on air (the console's preview, and the
/// title's check before going on air): the live's own prices count as
/// if it were on now.
pub async fn preview(svc: &Services, live: &Live, now: Timestamp) -> ServiceResult<Basket> {
    basket_as(svc, live, now, live.state.accepts_changes()).await
}

async fn basket_as(
    svc: &Services,
    live: &Live,
    now: Timestamp,
    with_live_prices: bool,
) -> ServiceResult<Basket> {
    let listed = crate::storefront::products(svc, &live.products).await?;
    let mut skus_of = HashMap::new();
    for product in &live.products {
        skus_of.insert(
            *product,
            catalog::skus_of(&svc.store, live.seller_id, *product).await?,
        );
    }
    let ids: Vec<SkuId> = skus_of.values().flatten().map(|s| s.id).collect();
    let mut offers = pricing_store::live_offers_of_skus(&svc.store, &ids, now).await?;
    if with_live_prices {
        let since = live.started_at.unwrap_or(now);
        offers.extend(live_prices::offers_of_live(&svc.store, live.id, since, now).await?);
    }
    let channel = Channel::Live(live.id);
    let anyone = BuyerContext::anonymous();
    let mut items = Vec::with_capacity(live.products.len());
    for product in &live.products {
        let listing = listed.iter().find(|p| p.listing.product_id == *product);
        let skus = skus_of.get(product).map(Vec::as_slice).unwrap_or_default();
        let priced = skus
            .iter()
            .filter_map(|s| {
                let pricing = SkuPricing {
                    sku: s.id,
                    base: s.price?,
                    compare_at: s.original_price,
                    offers: offers
                        .iter()
                        .filter(|o| o.sku_id == s.id)
                        .map(|o| o.offer)
                        .collect(),
                };
                let unit = svc.config.pricer.price(&pricing, &anyone, channel, now);
                Some(BasketSku {
                    id: s.id,
                    label: s.combination.join(" / "),
                    price: unit.unit,
                    original: unit.strike,
                    live: unit
                        .applied
                        .as_ref()
                        .is_some_and(|a| matches!(a.kind, OfferKind::Live { .. })),
                    stock: s.stock,
                    unit: Some(unit),
                })
            })
            .collect();
        items.push(match listing {
            Some(p) => BasketItem {
                product: *product,
                title: p.listing.title.clone(),
                slug: p.listing.slug.clone(),
                image: p.listing.primary_image,
                available: true,
                skus: priced,
            },
            None => BasketItem {
                product: *product,
                title: String::new(),
                slug: String::new(),
                image: None,
                available: false,
                skus: Vec::new(),
            },
        });
    }
    let deal = if with_live_prices {
        running_deal(
            &live_prices::flash_deals_of(&svc.store, live.id).await?,
            now,
        )
    } else {
        None
    };
    Ok(Basket {
        live: live.id,
        state: live.state,
        pinned: live.pin.map(|p| p.product),
        items,
        deal,
    })
}

/// The flash deal counting down at `now`, if one is.
pub fn running_deal(deals: &[StoredFlashDeal], now: Timestamp) -> Option<DealView> {
    deals
        .iter()
        .find(|d| d.deal.starts_at <= now && now < d.deal.ends_at)
        .map(|d| DealView {
            promotion: d.promotion,
            product: d.product_id,
            sku: d.sku_id,
            price: d.deal.price,
            quota: d.deal.quota,
            left: d.deal.left(d.sold),
            ends_at: d.deal.ends_at.unix_millis(),
        })
}

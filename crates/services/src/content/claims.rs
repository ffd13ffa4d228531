//! "Konsistensi harga": what a caption (or a live's title, or a pinned
//! message) claims about prices, against what the one pricing function will
//! charge for the products it shows at the moment the content is seen.

use etalase_domain::content::claims::{self, ChargedProduct, Claim, Mismatch};
use etalase_domain::id::{ProductId, SellerId};
use etalase_domain::pricing::{BuyerContext, Channel};
use etalase_store::videos::Video;

use super::live::basket::Basket;
use crate::storefront::{self, ShopProduct};
use crate::{ServiceResult, Services};

/// The claims found and those the prices do not back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consistency {
    pub claims: Vec<Claim>,
    pub mismatches: Vec<Mismatch>,
}

impl Consistency {
    pub fn is_consistent(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Checks `text` against `products` as priced on `channel` now.
pub async fn check(
    svc: &Services,
    text: &str,
    products: &[ProductId],
    channel: Channel,
) -> ServiceResult<Consistency> {
    let found = claims::find_claims(text);
    if found.is_empty() {
        return Ok(Consistency::default());
    }
    let listed = storefront::products(svc, products).await?;
    let covers = storefront::free_shipping_covers(svc).await?;
    let charged: Vec<ChargedProduct> = listed
        .iter()
        .filter_map(|p| {
            let free = covers.iter().any(|c| {
                c.seller.is_none_or(|s| s == p.listing.seller_id)
                    && c.products
                        .as_ref()
                        .is_none_or(|ids| ids.contains(&p.listing.product_id))
            });
            charged_product(svc, p, channel, free)
        })
        .collect();
    let mismatches = claims::compare(&found, &charged);
    Ok(Consistency {
        claims: found,
        mismatches,
    })
}

/// What a buyer would pay for `product` on `channel` now: its cheapest and
/// dearest SKU, and the price struck through.
fn charged_product(
    svc: &Services,
    product: &ShopProduct,
    channel: Channel,
    free_shipping: bool,
) -> Option<ChargedProduct> {
    let prices = product.prices(
        &svc.config.pricer,
        &BuyerContext::anonymous(),
        channel,
        svc.now(),
    );
    let lowest = prices.iter().min_by_key(|p| p.unit)?;
    let highest = prices.iter().map(|p| p.unit).max()?;
    Some(ChargedProduct {
        title: product.listing.title.clone(),
        lowest_unit: lowest.unit,
        highest_unit: highest,
        original: lowest.strike.unwrap_or(lowest.unit).max(lowest.unit),
        free_shipping,
    })
}

/// A live's title against what its basket charges on air.
pub async fn of_basket(
    svc: &Services,
    text: &str,
    seller: SellerId,
    basket: &Basket,
) -> ServiceResult<Consistency> {
    let found = claims::find_claims(text);
    if found.is_empty() {
        return Ok(Consistency::default());
    }
    let covers = storefront::free_shipping_covers(svc).await?;
    let charged: Vec<ChargedProduct> = basket
        .items
        .iter()
        .filter(|item| item.available)
        .filter_map(|item| {
            let lowest = item.skus.iter().min_by_key(|s| s.price)?;
            let highest = item.skus.iter().map(|s| s.price).max()?;
            let free_shipping = covers.iter().any(|c| {
                c.seller.is_none_or(|s| s == seller)
                    && c.products
                        .as_ref()
                        .is_none_or(|ids| ids.contains(&item.product))
            });
            Some(ChargedProduct {
                title: item.title.clone(),
                lowest_unit: lowest.price,
                highest_unit: highest,
                original: lowest.original.unwrap_or(lowest.price).max(lowest.price),
                free_shipping,
            })
        })
        .collect();
    let mismatches = claims::compare(&found, &charged);
    Ok(Consistency {
        claims: found,
        mismatches,
    })
}

/// A video's caption against its tagged products.
pub async fn of_video(svc: &Services, video: &Video) -> ServiceResult<Consistency> {
    check(
        svc,
        &video.caption,
        &video.products,
        Channel::Video(video.id),
    )
    .await
}

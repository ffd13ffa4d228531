//! The cart: lines grouped by shop, each remembering where the buyer found
//! it, with the problems a buyer must see before checkout — gone from the
//! Shop, sold out, more than the stock, past a flash sale's limit.

use std::collections::HashMap;

use etalase_domain::ErrorCode;
use etalase_domain::checkout::Source;
use etalase_domain::id::{CartId, ImageId, ProductId, SellerId, SkuId, UserId};
use etalase_domain::pricing::{BuyerContext, UnitPrice};
use etalase_store::catalog;
use etalase_store::checkout::{self as store, CartOwner, StoredCartLine};

use super::Shopper;
use crate::pricing::quote::{self, Quote, QuoteLine, QuoteRequest};
use crate::storefront;
use crate::{ServiceError, ServiceResult, Services};

/// The most units of one SKU on one line.
pub const MAX_LINE_QUANTITY: i64 = 999;

#[derive(Debug, Clone)]
pub struct CartView {
    pub shops: Vec<CartShop>,
    /// The selected lines that can be bought, priced (none when no line
    /// is selected or buyable).
    pub quote: Option<Quote>,
}

impl CartView {
    pub fn line_count(&self) -> usize {
        self.shops.iter().map(|s| s.lines.len()).sum()
    }

    /// Lines selected and buyable: what checkout would take.
    pub fn ready_lines(&self) -> impl Iterator<Item = &CartLineView> {
        self.shops
            .iter()
            .flat_map(|s| s.lines.iter())
            .filter(|l| l.line.selected && l.problem.is_none())
    }
}

#[derive(Debug, Clone)]
pub struct CartShop {
    /// None for the lines whose product left the Shop.
    pub seller: Option<SellerId>,
    pub shop_name: String,
    pub shop_slug: String,
    pub lines: Vec<CartLineView>,
}

#[derive(Debug, Clone)]
pub struct CartLineView {
    pub line: StoredCartLine,
    pub product: Option<ProductId>,
    pub slug: String,
    pub title: String,
    /// The variant ("Merah / L"), empty for a product without variants.
    pub variant: String,
    pub image: Option<ImageId>,
    /// Units in stock now.
    pub stock: i64,
    /// The unit price now (from this line's source: a live's price holds
    /// only from its live).
    pub price: Option<UnitPrice>,
    /// Why it cannot be bought as it is.
    pub problem: Option<ErrorCode>,
}

/// A fresh random key for a guest's cart (the cookie holds it; the
/// database only its hash).
pub fn new_guest_key() -> String {
    crate::tokens::random_token()
}

fn owner(shopper: &Shopper) -> CartOwner {
    match shopper {
        Shopper::Buyer(id) => CartOwner::Buyer(*id),
        Shopper::Guest(key) => CartOwner::Guest(crate::tokens::hash_token(key)),
    }
}

fn check_quantity(quantity: i64) -> ServiceResult<()> {
    if (1..=MAX_LINE_QUANTITY).contains(&quantity) {
        Ok(())
    } else {
        Err(ServiceError::field(
            "quantity",
            ErrorCode::QuantityOutOfRange,
        ))
    }
}

/// Whether `quantity` of a SKU can go in a cart: the SKU is in the Shop
/// and its stock covers the quantity.
async fn check_buyable(svc: &Services, sku: SkuId, quantity: i64) -> ServiceResult<()> {
    let found = catalog::skus_by_ids(&svc.store, &[sku]).await?;
    let Some((_, sku)) = found.first() else {
        return Err(ErrorCode::SkuUnavailable.into());
    };
    let sellable = store::sellable_products(&svc.store, &[sku.product_id]).await?;
    if sellable.is_empty() || sku.price.is_none() {
        return Err(ErrorCode::SkuUnavailable.into());
    }
    match sku.stock {
        0 => Err(ErrorCode::OutOfStock.into()),
        stock if stock < quantity => Err(ErrorCode::StockShort.into()),
        _ => Ok(()),
    }
}

/// Adds units of a SKU; returns the line's quantity.
pub async fn add(
    svc: &Services,
    shopper: &Shopper,
    sku: SkuId,
    quantity: i64,
    source: Source,
) -> ServiceResult<i64> {
    check_quantity(quantity)?;
    let present = match store::cart_with_lines(&svc.store, &owner(shopper)).await? {
        Some((_, lines)) => lines
            .into_iter()
            .find(|l| l.sku == sku)
            .map_or(0, |l| l.quantity),
        None => 0,
    };
    check_buyable(svc, sku, (present + quantity).min(MAX_LINE_QUANTITY)).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let cart = store::ensure_cart(&mut tx, &owner(shopper), now).await?;
    let total = store::add_to_cart(&mut tx, cart, sku, quantity, source, now)
        .await?
        .ok_or(ErrorCode::CartFull)?;
    tx.commit().await?;
    Ok(total)
}

/// Sets a line's quantity and whether it goes to checkout.
pub async fn update(
    svc: &Services,
    shopper: &Shopper,
    sku: SkuId,
    quantity: i64,
    selected: bool,
) -> ServiceResult<()> {
    check_quantity(quantity)?;
    let Some(cart) = store::cart_of(&svc.store, &owner(shopper)).await? else {
        return Err(ErrorCode::NotFound.into());
    };
    let mut tx = svc.store.write().await?;
    if !store::update_cart_line(&mut tx, cart, sku, quantity, selected, svc.now()).await? {
        return Err(ErrorCode::NotFound.into());
    }
    tx.commit().await?;
    Ok(())
}

pub async fn remove(svc: &Services, shopper: &Shopper, skus: &[SkuId]) -> ServiceResult<()> {
    let Some(cart) = store::cart_of(&svc.store, &owner(shopper)).await? else {
        return Ok(());
    };
    let mut tx = svc.store.write().await?;
    store::remove_cart_lines(&mut tx, cart, skus, svc.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// At sign-in: the guest's lines join the buyer's cart.
pub async fn merge_guest(svc: &Services, guest_key: &str, buyer: UserId) -> ServiceResult<()> {
    let guest = CartOwner::Guest(crate::tokens::hash_token(guest_key));
    let Some(guest_cart) = store::cart_of(&svc.store, &guest).await? else {
        return Ok(());
    };
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let buyer_cart = store::ensure_cart(&mut tx, &CartOwner::Buyer(buyer), now).await?;
    store::merge_carts(&mut tx, guest_cart, buyer_cart, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The shopper's cart id, if any.
pub async fn cart_id(svc: &Services, shopper: &Shopper) -> ServiceResult<Option<CartId>> {
    Ok(store::cart_of(&svc.store, &owner(shopper)).await?)
}

/// Units in the cart (the badge on every page).
pub async fn count(svc: &Services, shopper: &Shopper) -> ServiceResult<i64> {
    let lines = store::cart_with_lines(&svc.store, &owner(shopper)).await?;
    Ok(lines.map_or(0, |(_, lines)| lines.len() as i64))
}

/// The cart as its page shows it.
pub async fn view(svc: &Services, shopper: &Shopper) -> ServiceResult<CartView> {
    let Some((_, lines)) = store::cart_with_lines(&svc.store, &owner(shopper)).await? else {
        return Ok(CartView {
            shops: Vec::new(),
            quote: None,
        });
    };
    let ids: Vec<SkuId> = lines.iter().map(|l| l.sku).collect();
    let skus: HashMap<SkuId, catalog::Sku> = catalog::skus_by_ids(&svc.store, &ids)
        .await?
        .into_iter()
        .map(|(_, s)| (s.id, s))
        .collect();
    let products: Vec<ProductId> = skus.values().map(|s| s.product_id).collect();
    let listed: HashMap<ProductId, std::sync::Arc<storefront::ShopProduct>> =
        storefront::products(svc, &products)
            .await?
            .into_iter()
            .map(|p| (p.listing.product_id, p))
            .collect();
    let sellable: Vec<ProductId> = store::sellable_products(&svc.store, &products)
        .await?
        .into_iter()
        .map(|s| s.product)
        .collect();
    let now = svc.now();
    // The Shop's documents carry no live's prices (they hold on their live
    // only): those are read where the checkout reads them.
    let from_lives: Vec<SkuId> = lines
        .iter()
        .filter(|l| matches!(l.source, Source::Live(_)))
        .map(|l| l.sku)
        .collect();
    let live_offers =
        etalase_store::lives::prices::offers_of_skus(&svc.store, &from_lives, now).await?;
    let mut shops: Vec<CartShop> = Vec::new();
    for line in lines {
        let sku = skus.get(&line.sku);
        let product = sku.and_then(|s| listed.get(&s.product_id));
        let (view, seller, shop_name, shop_slug) = match (sku, product) {
            (Some(sku), Some(p)) => {
                let listed_sku = p.document.skus.iter().position(|s| s.id == sku.id);
                let price = listed_sku.map(|i| {
                    let mut pricing = storefront::pricing_of(&p.document.skus[i]);
                    pricing.offers.extend(
                        live_offers
                            .iter()
                            .filter(|o| o.sku_id == sku.id)
                            .map(|o| o.offer),
                    );
                    svc.config.pricer.price(
                        &pricing,
                        &BuyerContext::anonymous(),
                        line.source.channel(),
                        now,
                    )
                });
                let problem = if !sellable.contains(&sku.product_id) || price.is_none() {
                    Some(ErrorCode::SkuUnavailable)
                } else if sku.stock == 0 {
                    Some(ErrorCode::OutOfStock)
                } else if sku.stock < line.quantity {
                    Some(ErrorCode::StockShort)
                } else {
                    None
                };
                let view = CartLineView {
                    product: Some(sku.product_id),
                    slug: p.listing.slug.clone(),
                    title: p.listing.title.clone(),
                    variant: sku.combination.join(" / "),
                    image: sku.image_id.or(p.listing.primary_image),
                    stock: sku.stock,
                    price,
                    problem,
                    line,
                };
                (
                    view,
                    Some(p.listing.seller_id),
                    p.listing.shop_name.clone(),
                    p.listing.shop_slug.clone(),
                )
            }
            _ => (
                CartLineView {
                    product: sku.map(|s| s.product_id),
                    slug: String::new(),
                    title: String::new(),
                    variant: String::new(),
                    image: None,
                    stock: 0,
                    price: None,
                    problem: Some(ErrorCode::SkuUnavailable),
                    line,
                },
                None,
                String::new(),
                String::new(),
            ),
        };
        match shops.iter_mut().find(|s| s.seller == seller) {
            Some(shop) => shop.lines.push(view),
            None => shops.push(CartShop {
                seller,
                shop_name,
                shop_slug,
                lines: vec![view],
            }),
        }
    }
    let buyer = match shopper {
        Shopper::Buyer(id) => Some(*id),
        Shopper::Guest(_) => None,
    };
    let mut view = CartView { shops, quote: None };
    let ready: Vec<QuoteLine> = view
        .ready_lines()
        .map(|l| QuoteLine {
            sku: l.line.sku,
            quantity: l.line.quantity,
            channel: l.line.source.channel(),
        })
        .collect();
    if !ready.is_empty() {
        let request = QuoteRequest {
            lines: ready,
            ..QuoteRequest::default()
        };
        // A line may have left the Shop since it was read: the cart still
        // shows, with its totals left out.
        view.quote = quote::quote(svc, buyer, &request).await.ok();
    }
    Ok(view)
}

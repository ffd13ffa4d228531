//! One product projected into the Shop: read back from the system of
//! record, judged by the listing rules, written to the read model with
//! its sync state. State-based, so applying it twice (or rebuilding)
//! gives the same rows.

use etalase_domain::Timestamp;
use etalase_domain::id::{ProductId, SellerId};
use etalase_domain::listing::{self, Eligibility, ListingFacts, Reason, Visibility};
use etalase_domain::ranking;
use etalase_domain::regions::regions;
use etalase_store::catalog::{self, Product, ProductImage, Sku};
use etalase_store::shop::{self, ShopListing};
use etalase_store::sync::{self as states, SyncOutcome, SyncState};
use etalase_store::{Tx, sellers};

use crate::ServiceError;
use crate::catalog::listing::draft_of;
use crate::listing_document::{ListingDocument, ListingSku};

/// The event a projection answers: its place in the outbox and when it
/// was committed (for the lag).
#[derive(Debug, Clone, Copy)]
pub struct Cause {
    pub seq: i64,
    pub committed_at: Timestamp,
    /// Project even if an event this late was applied already (a rebuild,
    /// a retry); otherwise such an event is delivered again (NATS redelivers
    /// what was not acknowledged) and is skipped.
    pub force: bool,
}

/// What a projection found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projected {
    pub product: ProductId,
    pub seller: SellerId,
    pub eligibility: Eligibility,
    pub lag_ms: i64,
}

/// Why a product could not be projected.
#[derive(Debug)]
pub enum ProjectError {
    /// The product the event names does not exist.
    Missing,
    Failed(ServiceError),
}

impl From<ServiceError> for ProjectError {
    fn from(e: ServiceError) -> Self {
        ProjectError::Failed(e)
    }
}

impl From<etalase_store::StoreError> for ProjectError {
    fn from(e: etalase_store::StoreError) -> Self {
        ProjectError::Failed(e.into())
    }
}

impl std::fmt::Display for ProjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProjectError::Missing => f.write_str("the product does not exist"),
            ProjectError::Failed(e) => write!(f, "{}", e),
        }
    }
}

/// A shop as its listings show it: the seller and the regency its parcels
/// leave from (its pickup address), when known.
#[derive(Debug, Clone)]
pub struct ShopFacts {
    pub seller: sellers::Seller,
    pub regency: Option<String>,
}

/// The shops a batch of projections has read (most products of a batch
/// share a few shops; a rebuild walks a whole shop's catalog).
pub type Shops = std::collections::HashMap<SellerId, ShopFacts>;

/// Projects one product, inside `tx`; none when the event was applied
/// already.
pub async fn project(
    tx: &mut Tx,
    id: ProductId,
    cause: Cause,
    now: Timestamp,
    shops: &mut Shops,
) -> Result<Option<Projected>, ProjectError> {
    let before = states::state_in_tx(tx, id).await?;
    let applied = before
        .as_ref()
        .is_some_and(|b| b.outcome == SyncOutcome::Synced && b.synced_seq >= cause.seq);
    if applied && !cause.force {
        return Ok(None);
    }
    let product = catalog::find_any_in_tx(tx, id)
        .await?
        .ok_or(ProjectError::Missing)?;
    let shop = match shops.get(&product.seller_id) {
        Some(shop) => shop.clone(),
        None => {
            let seller = sellers::get_seller_tx(tx, product.seller_id).await?;
            let regency = etalase_store::kyc::pickup_district_in_tx(tx, seller.id)
                .await?
                .and_then(|district| regions().district(&district).map(|d| d.parent.to_owned()));
            let shop = ShopFacts { seller, regency };
            shops.insert(shop.seller.id, shop.clone());
            shop
        }
    };
    let seller = &shop.seller;
    let skus = catalog::skus_in_tx(tx, product.seller_id, id).await?;
    let images = catalog::images_in_tx(tx, product.seller_id, id).await?;
    let offers = etalase_store::pricing::live_offers_of_products(tx, &[id], now).await?;
    let draft = draft_of(&product, &skus);
    let eligibility = listing::eligibility(&ListingFacts {
        seller: seller.status,
        status: product.status,
        draft: draft.as_ref().map_err(Vec::as_slice),
        images: images.len(),
    });
    if eligibility.visibility.reachable() {
        let row = listing_row(
            &product,
            &shop,
            &skus,
            &images,
            &offers,
            eligibility.visibility,
            BuyersSay {
                sold: etalase_store::checkout::units_sold(&mut *tx, id).await?,
                rating: etalase_store::reviews::rating_of(&mut *tx, id).await?,
                rank_score: ranking::rank(
                    etalase_store::ranking::signals_of(&mut *tx, id).await?,
                    product.listing.quality_score,
                    product.first_live(),
                    now,
                )
                .total(),
            },
        )?;
        shop::put(tx, &row).await?;
    } else {
        shop::remove(tx, id).await?;
    }
    let listed_since = match (&before, eligibility.visibility) {
        (_, visibility) if visibility != Visibility::Listed => None,
        (Some(b), _) if b.visibility == Some(Visibility::Listed) && b.listed_since.is_some() => {
            b.listed_since
        }
        _ => Some(cause.committed_at),
    };
    let lag_ms = (now.unix_millis() - cause.committed_at.unix_millis()).max(0);
    let reasons = serde_json::to_string(&eligibility.reasons).map_err(ServiceError::internal)?;
    states::put_state(
        tx,
        &SyncState {
            product_id: id,
            seller_id: product.seller_id,
            outcome: SyncOutcome::Synced,
            synced_seq: before
                .as_ref()
                .map_or(cause.seq, |b| b.synced_seq.max(cause.seq)),
            synced_version: Some(product.version),
            synced_at: Some(now),
            lag_ms: Some(lag_ms),
            visibility: Some(eligibility.visibility),
            reasons,
            listed_since,
            error: None,
            attempts: 0,
            next_retry_at: None,
        },
        now,
    )
    .await?;
    Ok(Some(Projected {
        product: id,
        seller: product.seller_id,
        eligibility,
        lag_ms,
    }))
}

/// The stored reasons of a sync state.
pub fn reasons_of(state: &SyncState) -> Vec<Reason> {
    serde_json::from_str(&state.reasons).unwrap_or_default()
}

/// What the product's buyers did: units bought, reviews given, and the
/// rank their recent orders and visits (as the ranking pass last counted
/// them) give it now.
struct BuyersSay {
    sold: i64,
    rating: etalase_domain::reviews::Rating,
    rank_score: i64,
}

fn listing_row(
    product: &Product,
    shop: &ShopFacts,
    skus: &[Sku],
    images: &[ProductImage],
    offers: &[etalase_store::pricing::SkuOffer],
    visibility: Visibility,
    buyers: BuyersSay,
) -> Result<ShopListing, ProjectError> {
    let priced: Vec<&Sku> = skus.iter().filter(|s| s.price.is_some()).collect();
    let cheapest = priced.iter().min_by_key(|s| s.price).copied();
    let document = ListingDocument {
        description_html: product.description_html.clone(),
        description_text: product.description_text.clone(),
        bullets: product.bullets.clone(),
        attributes: product.attributes.clone(),
        condition: product.condition.clone(),
        tags: product.tags.clone(),
        preorder_days: product.preorder_days,
        options: product.options.clone(),
        images: images.iter().map(|i| i.id).collect(),
        skus: priced
            .iter()
            .map(|s| ListingSku {
                id: s.id,
                combination: s.combination.clone(),
                price: s.price.unwrap_or_default(),
                original_price: s.original_price,
                stock: s.stock,
                image: s.image_id,
                weight_grams: s.weight_grams,
                dimensions: s.dimensions,
                offers: offers
                    .iter()
                    .filter(|o| o.sku_id == s.id)
                    .map(|o| o.offer)
                    .collect(),
            })
            .collect(),
    };
    Ok(ShopListing {
        product_id: product.id,
        seller_id: product.seller_id,
        shop_slug: shop.seller.slug.clone(),
        shop_name: shop.seller.name.clone(),
        shop_regency: shop.regency.clone(),
        slug: listing::slug_of(&product.title),
        title: product.title.clone(),
        visibility,
        category: product.category.clone(),
        brand: product.brand.clone(),
        min_price: priced
            .iter()
            .filter_map(|s| s.price)
            .min()
            .unwrap_or_default(),
        max_price: priced
            .iter()
            .filter_map(|s| s.price)
            .max()
            .unwrap_or_default(),
        original_price: cheapest.and_then(|s| s.original_price),
        total_stock: skus.iter().map(|s| s.stock).sum(),
        primary_image: images.first().map(|i| i.id),
        quality_score: product.listing.quality_score,
        sold_count: buyers.sold,
        rating: buyers.rating,
        rank_score: buyers.rank_score,
        published_at: product.first_live(),
        product_version: product.version,
        cod_allowed: product.cod_allowed,
        document: serde_json::to_string(&document).map_err(ServiceError::internal)?,
        product_updated_at: product.updated_at,
    })
}

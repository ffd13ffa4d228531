//! `/api/v1/shop/…`: the Shop's public reads — listed products (a feed, by
//! category), one product with its SKUs' prices now, and a shop. No key;
//! rate-limited per address. Read from the Shop's read model and priced by
//! the one pricing function, like the pages.

use axum::extract::{Path, Query, State};
use axum::response::Json;
use etalase_domain::ErrorCode;
use etalase_domain::id::ProductId;
use etalase_domain::listing::Visibility;
use etalase_domain::pricing::{OfferKind, UnitPrice};
use etalase_domain::seller::SellerStatus;
use etalase_services::storefront::{self, Card, CardPage};
use etalase_store::sellers;
use etalase_store::shop::FeedOrder;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::errors::{AppError, AppResult, Problem};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct ShopRef {
    pub slug: String,
    pub name: String,
    /// Where the shop ships from (its pickup address's regency), when known.
    pub city: Option<String>,
    /// That regency's Kemendagri code, e.g. `3273`.
    pub regency_code: Option<String>,
}

/// A price now, from the pricing function.
#[derive(Serialize, ToSchema)]
pub struct PriceNow {
    pub amount: i64,
    /// The price to strike through, when there is one.
    pub original: Option<i64>,
    /// `discount`, `flash_sale` or `live` when a promotion sets it.
    pub promotion: Option<String>,
    /// When that promotion ends (RFC 3339).
    pub ends_at: Option<String>,
}

pub fn price_now(p: &UnitPrice) -> PriceNow {
    PriceNow {
        amount: p.unit,
        original: p.strike,
        promotion: p.applied.as_ref().map(|a| a.kind.name().to_owned()),
        ends_at: p
            .applied
            .as_ref()
            .and_then(|a| a.ends_at)
            .map(|e| e.to_rfc3339()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProductCard {
    pub id: String,
    pub title: String,
    /// The product page, relative to the Shop's address.
    pub url: String,
    pub image_url: Option<String>,
    /// The cheapest SKU's price now.
    pub price: PriceNow,
    /// The highest SKU price now (a range when it differs).
    pub price_max: i64,
    pub shop: ShopRef,
    pub cod: bool,
    pub stock: i64,
    /// Units sold: in orders paid (or placed with COD) and not cancelled.
    pub sold: i64,
    /// The buyers' average, 1.0–5.0 to a tenth; none before a review.
    pub rating: Option<f64>,
    /// How many buyers reviewed it.
    pub review_count: i64,
}

pub(crate) fn card(c: &Card) -> ProductCard {
    let l = &c.listing;
    ProductCard {
        id: l.product_id.to_string(),
        title: l.title.clone(),
        url: format!("/p/{}-{}", l.slug, l.product_id),
        image_url: l
            .primary_image
            .map(|i| format!("/p/{}/images/{i}/480", l.product_id)),
        price: price_now(&c.headline.cheapest),
        price_max: c.headline.highest,
        shop: ShopRef {
            slug: l.shop_slug.clone(),
            name: l.shop_name.clone(),
            city: l
                .shop_regency
                .as_deref()
                .and_then(|r| etalase_domain::regions::regions().regency_label(r)),
            regency_code: l.shop_regency.clone(),
        },
        cod: l.cod_allowed,
        stock: l.total_stock,
        sold: l.sold_count,
        rating: l.rating.average(),
        review_count: l.rating.count,
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProductList {
    pub items: Vec<ProductCard>,
    pub page: i64,
    /// The next page's number, when there is one.
    pub next_page: Option<i64>,
}

fn list(page: CardPage) -> ProductList {
    ProductList {
        items: page.cards.iter().map(card).collect(),
        next_page: page.has_next.then_some(page.page + 1),
        page: page.page,
    }
}

#[derive(Deserialize, IntoParams)]
pub struct FeedParams {
    /// 1–500 (clamped), default 1.
    page: Option<i64>,
    /// 1–60 (clamped), default 24.
    per_page: Option<i64>,
    /// A category id, e.g. `fashion-pria` (its sub-categories included).
    category: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/shop/products", tag = "shop-public",
    security(()),
    params(FeedParams),
    responses(
        (status = 200, body = ProductList, description = "Listed products, best ranked first (quality, then freshness)"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "No such category"),
        (status = 429, body = Problem, content_type = "application/problem+json", description = "Over the per-address limit; see `Retry-After`"),
    ))]
pub async fn products(
    State(state): State<AppState>,
    Query(p): Query<FeedParams>,
) -> AppResult<Json<ProductList>> {
    let category = match p.category.as_deref() {
        Some(id) => Some(
            etalase_domain::catalog::category::tree()
                .get(id)
                .ok_or(ErrorCode::NotFound)?
                .id,
        ),
        None => None,
    };
    let feed = storefront::Feed {
        order: FeedOrder::Ranked,
        seller: None,
        category,
        query: "",
        page: p.page.unwrap_or(1),
        per_page: p.per_page.unwrap_or(storefront::PAGE_SIZE),
    };
    Ok(Json(list(storefront::cards(&state.services, &feed).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct SkuNow {
    pub id: String,
    pub options: Vec<String>,
    pub stock: i64,
    pub price: PriceNow,
    /// Flash-sale units left at the flash price, when one sets the price.
    pub flash_left: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ProductDetail {
    #[serde(flatten)]
    pub card: ProductCard,
    /// `listed`, or `sold_out` (reachable by its page, out of feeds).
    pub availability: String,
    pub category: Option<String>,
    pub brand: Option<String>,
    pub description_html: String,
    pub bullets: Vec<String>,
    pub attributes: std::collections::BTreeMap<String, String>,
    pub skus: Vec<SkuNow>,
}

#[utoipa::path(get, path = "/api/v1/shop/products/{product_id}", tag = "shop-public",
    security(()),
    params(("product_id" = String, Path, description = "A product id, `prd_…`")),
    responses(
        (status = 200, body = ProductDetail),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "Not in the Shop"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn product(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<ProductDetail>> {
    let id: ProductId = id
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    let svc = &state.services;
    let found = storefront::product(svc, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let prices = found.prices_now(svc);
    let headline = found.headline(&prices).ok_or(ErrorCode::NotFound)?;
    let skus = found
        .document
        .skus
        .iter()
        .zip(&prices)
        .map(|(s, p)| SkuNow {
            id: s.id.to_string(),
            options: s.combination.clone(),
            stock: s.stock,
            price: price_now(p),
            flash_left: p.applied.as_ref().and_then(|a| match a.kind {
                OfferKind::FlashSale { quota_left, .. } => Some(quota_left),
                _ => None,
            }),
        })
        .collect();
    let l = &found.listing;
    Ok(Json(ProductDetail {
        availability: match l.visibility {
            Visibility::SoldOut => "sold_out",
            _ => "listed",
        }
        .into(),
        category: l.category.clone(),
        brand: l.brand.clone(),
        description_html: found.document.description_html.clone(),
        bullets: found.document.bullets.clone(),
        attributes: found.document.attributes.clone(),
        skus,
        card: card(&Card {
            listing: found.listing.clone(),
            headline,
        }),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ShopProfile {
    pub slug: String,
    pub name: String,
    pub joined_at: String,
    /// The average of every review of its products, one decimal; `null`
    /// before any review.
    pub rating: Option<f64>,
    pub review_count: i64,
    /// The share of buyers' chat questions of the last 90 days it answered
    /// within 12 hours, in whole percent; `null` before any is counted.
    pub chat_response_rate: Option<i64>,
    /// Its first page of products.
    pub products: ProductList,
}

#[utoipa::path(get, path = "/api/v1/shop/shops/{shop_slug}", tag = "shop-public",
    security(()),
    params(("shop_slug" = String, Path, description = "The shop's address, e.g. `batik-sari`")),
    responses(
        (status = 200, body = ShopProfile),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "No verified shop at that address"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn shop(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<Json<ShopProfile>> {
    let svc = &state.services;
    let seller = sellers::find_seller_by_slug(&svc.store, &slug)
        .await?
        .filter(|s| s.status == SellerStatus::Approved)
        .ok_or(ErrorCode::NotFound)?;
    let feed = storefront::Feed {
        order: FeedOrder::Ranked,
        seller: Some(seller.id),
        category: None,
        query: "",
        page: 1,
        per_page: storefront::PAGE_SIZE,
    };
    let standing = storefront::standing(svc, seller.id).await?;
    Ok(Json(ShopProfile {
        rating: standing.rating.average(),
        review_count: standing.rating.count,
        chat_response_rate: standing.response.percent(),
        products: list(storefront::cards(svc, &feed).await?),
        joined_at: seller.created_at.to_rfc3339(),
        slug: seller.slug,
        name: seller.name,
    }))
}

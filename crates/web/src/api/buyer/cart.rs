//! The buyer's cart over the API.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Json;
use etalase_domain::ErrorCode;
use etalase_domain::checkout::Source;
use etalase_domain::id::SkuId;
use etalase_services::checkout::{Shopper, cart};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::BuyerAuth;
use crate::api::body;
use crate::api::storefront::{PriceNow, price_now};
use crate::errors::{AppError, AppResult, Problem};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct CartLineBody {
    pub sku_id: String,
    pub product_id: Option<String>,
    pub title: String,
    pub variant: String,
    pub quantity: i64,
    pub selected: bool,
    /// `feed`, `search`, `shop_page`, `product_page`, `video:vid_…`, `live:liv_…`, `external`.
    pub source: String,
    pub stock: i64,
    pub price: Option<PriceNow>,
    /// Why it cannot be bought as it is: `sku_unavailable`, `out_of_stock`, `stock_short`.
    pub problem: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CartBody {
    pub lines: Vec<CartLineBody>,
    /// The selected, buyable lines at their prices now (no shipping yet).
    pub items_subtotal: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/buyer/cart", tag = "buyer",
    security(("buyer_session" = [])),
    responses((status = 200, body = CartBody)))]
pub async fn get_cart(
    BuyerAuth(buyer): BuyerAuth,
    State(state): State<AppState>,
) -> AppResult<Json<CartBody>> {
    let view = cart::view(&state.services, &Shopper::Buyer(buyer)).await?;
    let lines = view
        .shops
        .iter()
        .flat_map(|s| s.lines.iter())
        .map(|l| CartLineBody {
            sku_id: l.line.sku.to_string(),
            product_id: l.product.map(|p| p.to_string()),
            title: l.title.clone(),
            variant: l.variant.clone(),
            quantity: l.line.quantity,
            selected: l.line.selected,
            source: l.line.source.to_param(),
            stock: l.stock,
            price: l.price.as_ref().map(price_now),
            problem: l.problem.map(|c| c.code().to_owned()),
        })
        .collect();
    Ok(Json(CartBody {
        lines,
        items_subtotal: view.quote.as_ref().map(|q| q.breakdown.items_subtotal),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct AddLineBody {
    pub sku_id: String,
    pub quantity: i64,
    /// Where the buyer found it (see `CartLineBody.source`); the product page when left out.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LineQuantity {
    /// The line's quantity now (added to any already there, at most 999).
    pub quantity: i64,
}

fn sku(text: &str) -> AppResult<SkuId> {
    text.parse().map_err(|_| {
        AppError::from(etalase_services::ServiceError::field(
            "sku_id",
            ErrorCode::SkuUnavailable,
        ))
    })
}

#[utoipa::path(post, path = "/api/v1/buyer/cart/lines", tag = "buyer",
    security(("buyer_session" = [])),
    request_body = AddLineBody,
    responses(
        (status = 201, body = LineQuantity),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`out_of_stock` or `stock_short`"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`sku_unavailable`, `quantity_out_of_range`, `cart_full`"),
    ))]
pub async fn add_line(
    BuyerAuth(buyer): BuyerAuth,
    State(state): State<AppState>,
    bytes: Bytes,
) -> AppResult<(StatusCode, Json<LineQuantity>)> {
    let b: AddLineBody = body(&bytes)?;
    let source = Source::from_param(b.source.as_deref().unwrap_or(""));
    let quantity = cart::add(
        &state.services,
        &Shopper::Buyer(buyer),
        sku(&b.sku_id)?,
        b.quantity,
        source,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(LineQuantity { quantity })))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateLineBody {
    pub quantity: i64,
    #[serde(default = "yes")]
    pub selected: bool,
}

fn yes() -> bool {
    true
}

#[utoipa::path(put, path = "/api/v1/buyer/cart/lines/{sku_id}", tag = "buyer",
    security(("buyer_session" = [])),
    params(("sku_id" = String, Path)),
    request_body = UpdateLineBody,
    responses(
        (status = 204),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`quantity_out_of_range`"),
    ))]
pub async fn update_line(
    BuyerAuth(buyer): BuyerAuth,
    State(state): State<AppState>,
    Path(sku_id): Path<String>,
    bytes: Bytes,
) -> AppResult<StatusCode> {
    let b: UpdateLineBody = body(&bytes)?;
    cart::update(
        &state.services,
        &Shopper::Buyer(buyer),
        sku(&sku_id)?,
        b.quantity,
        b.selected,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/buyer/cart/lines/{sku_id}", tag = "buyer",
    security(("buyer_session" = [])),
    params(("sku_id" = String, Path)),
    responses((status = 204)))]
pub async fn remove_line(
    BuyerAuth(buyer): BuyerAuth,
    State(state): State<AppState>,
    Path(sku_id): Path<String>,
) -> AppResult<StatusCode> {
    cart::remove(&state.services, &Shopper::Buyer(buyer), &[sku(&sku_id)?]).await?;
    Ok(StatusCode::NO_CONTENT)
}

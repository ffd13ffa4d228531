//! `/api/v1/skus/{id}/price` (a SKU's base price and cost) and
//! `/api/v1/price-quote` (what a cart would cost now).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Json, Response};
use etalase_domain::ErrorCode;
use etalase_services::ServiceError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::id;
use crate::api::idempotent::once;
use crate::api::{ApiAuth, body, to_json};
use crate::errors::{AppError, AppResult, Problem};
use crate::state::AppState;
use etalase_domain::id::{SellerId, SkuId};
use etalase_domain::pricing::Channel;
use etalase_services::pricing;
use etalase_services::pricing::quote::{self, QuoteLine, QuoteRequest};

#[derive(Deserialize, Serialize, ToSchema)]
pub struct PriceBody {
    /// The base price in Rupiah (100 to 100,000,000).
    pub price: i64,
    /// What a unit costs the shop (the guards warn below it); `null`
    /// clears it, absent leaves it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub cost: Option<Option<i64>>,
}

/// A field that is present (even as `null`) becomes `Some`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

#[derive(Serialize, ToSchema)]
pub struct SkuPrice {
    pub sku_id: String,
    pub price: i64,
    pub cost: Option<i64>,
}

#[utoipa::path(put, path = "/api/v1/skus/{sku_id}/price", tag = "pricing",
    security(("api_key" = ["promotions:write"])),
    params(
        ("sku_id" = String, Path, description = "A SKU id, `sku_…`"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key gets the first answer again"),
    ),
    request_body = PriceBody,
    responses(
        (status = 200, body = SkuPrice, description = "Set; the price history keeps the change"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_price(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(sku_id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let svc = state.services.clone();
    let run_scope = scope.clone();
    let path = format!("/api/v1/skus/{sku_id}/price");
    let request = bytes.clone();
    once(
        &state,
        &scope.actor().as_text(),
        &headers,
        ("PUT", &path, &request),
        || async move {
            let sku: SkuId = id(&sku_id)?;
            let b: PriceBody = body(&bytes)?;
            let set = pricing::set_price(&svc, &run_scope, sku, b.price, b.cost).await?;
            Ok((
                StatusCode::OK,
                to_json(SkuPrice {
                    sku_id: set.sku.to_string(),
                    price: set.price,
                    cost: set.cost,
                })?,
            ))
        },
    )
    .await
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct QuoteLineBody {
    pub sku_id: String,
    pub quantity: i64,
    /// The live the buyer came from (`liv_…`), for its live prices.
    pub live_id: Option<String>,
    /// The video the buyer came from (`vid_…`), for attribution.
    pub video_id: Option<String>,
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct ShippingBody {
    pub seller_id: String,
    pub amount: i64,
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct QuoteBody {
    pub lines: Vec<QuoteLineBody>,
    /// Voucher codes: one per shop, one platform voucher, one shipping
    /// voucher (more are refused as `slot_taken`).
    #[serde(default)]
    pub vouchers: Vec<String>,
    #[serde(default)]
    pub shipping: Vec<ShippingBody>,
}

/// The whole breakdown: per shop and line (with each unit price's winning
/// promotion and why), every discount named, the totals, vouchers that did
/// not apply with the reason, and when any of it may next change.
#[derive(Serialize, ToSchema)]
pub struct PriceQuote {
    pub quoted_at: String,
    #[schema(value_type = Object)]
    pub breakdown: serde_json::Value,
    pub unknown_codes: Vec<String>,
    pub total: i64,
}

#[utoipa::path(post, path = "/api/v1/price-quote", tag = "pricing",
    security(("api_key" = [])),
    request_body = QuoteBody,
    responses(
        (status = 200, body = PriceQuote),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "An unknown SKU (`lines[n].sku`), a quantity outside 1–999, a malformed code"),
    ))]
pub async fn price_quote(
    ApiAuth(_scope): ApiAuth,
    State(state): State<AppState>,
    bytes: Bytes,
) -> AppResult<Json<PriceQuote>> {
    let b: QuoteBody = body(&bytes)?;
    let mut lines = Vec::with_capacity(b.lines.len());
    for (n, l) in b.lines.iter().enumerate() {
        let sku: SkuId = l.sku_id.parse().map_err(|_| {
            AppError::from(ServiceError::field(
                format!("lines[{n}].sku"),
                ErrorCode::SkuUnavailable,
            ))
        })?;
        let channel = match (&l.live_id, &l.video_id) {
            (Some(live), _) => Channel::Live(id(live)?),
            (None, Some(video)) => Channel::Video(id(video)?),
            (None, None) => Channel::Shop,
        };
        lines.push(QuoteLine {
            sku,
            quantity: l.quantity,
            channel,
        });
    }
    let shipping = b
        .shipping
        .iter()
        .map(|s| {
            Ok((
                id::<etalase_domain::id::SellerKind>(&s.seller_id)?,
                s.amount,
            ))
        })
        .collect::<AppResult<Vec<(SellerId, i64)>>>()?;
    let request = QuoteRequest {
        lines,
        voucher_codes: b.vouchers,
        shipping,
    };
    let q = quote::quote(&state.services, None, &request).await?;
    let mut breakdown = to_json(&q.breakdown)?;
    rfc3339_times(&mut breakdown);
    Ok(Json(PriceQuote {
        quoted_at: q.at.to_rfc3339(),
        total: q.breakdown.total,
        breakdown,
        unknown_codes: q.unknown_codes,
    }))
}

/// The breakdown's instants (`ends_at`, `changes_at`, `starts_at`: whole
/// milliseconds in the domain) as RFC 3339, like every other time the API
/// gives.
fn rfc3339_times(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v.as_i64() {
                    Some(millis) if key.ends_with("_at") => {
                        let at = etalase_domain::Timestamp::from_unix_millis(millis);
                        *v = serde_json::Value::String(at.to_rfc3339());
                    }
                    _ => rfc3339_times(v),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(rfc3339_times),
        _ => {}
    }
}

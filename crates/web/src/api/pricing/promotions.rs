//! `/api/v1/promotions`: the shop's product discounts and flash sales.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Json, Response};
use etalase_domain::ErrorCode;
use etalase_services::ServiceError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{id, instant};
use crate::api::idempotent::once;
use crate::api::{ApiAuth, body, to_json};
use crate::errors::{AppError, AppResult, Problem};
use crate::state::AppState;
use etalase_domain::id::PromotionId;
use etalase_domain::pricing::OfferRule;
use etalase_services::pricing::promotions::{
    self, ItemInput, PromotionInput, PromotionView, Review, RuleInput, SaveOptions, Target,
};
use etalase_store::pricing::PromotionType;

/// One SKU (or every SKU of a product) and its terms: `price` (a fixed
/// promotional price, always for flash sales) or `percent` (1–99).
#[derive(Deserialize, Serialize, ToSchema, Clone)]
pub struct PromotionItemBody {
    pub sku_id: Option<String>,
    pub product_id: Option<String>,
    pub price: Option<i64>,
    pub percent: Option<i64>,
    /// Flash sales: units at the flash price (1 to the SKU's stock).
    pub flash_quota: Option<i64>,
}

#[derive(Deserialize, Serialize, ToSchema, Clone)]
pub struct PromotionBody {
    /// `discount` or `flash_sale`.
    pub kind: String,
    pub name: String,
    /// RFC 3339, e.g. `2026-12-12T20:00:00+07:00`.
    pub starts_at: String,
    pub ends_at: String,
    /// Flash sales: units one buyer may buy at the flash price (1–99).
    pub per_buyer_limit: Option<i64>,
    pub items: Vec<PromotionItemBody>,
    /// Schedule it at once (otherwise it stays a draft).
    #[serde(default)]
    pub activate: bool,
    /// Go ahead despite the guards' warnings (refusals always stop it).
    #[serde(default)]
    pub confirm_warnings: bool,
    /// For `PUT`: the version it was read at.
    pub version: Option<i32>,
}

impl PromotionBody {
    fn input(&self) -> AppResult<PromotionInput> {
        let kind = PromotionType::parse(&self.kind).ok_or_else(|| {
            AppError::from(ServiceError::field("kind", ErrorCode::MalformedRequest))
        })?;
        let mut items = Vec::with_capacity(self.items.len());
        for (n, item) in self.items.iter().enumerate() {
            let target = match (&item.sku_id, &item.product_id) {
                (Some(sku), None) => Target::Sku(id(sku)?),
                (None, Some(product)) => Target::Product(id(product)?),
                _ => {
                    let field = format!("items[{n}]");
                    return Err(ServiceError::field(field, ErrorCode::MalformedRequest).into());
                }
            };
            let rule = match (item.price, item.percent) {
                (Some(price), None) => RuleInput::Price(price),
                (None, Some(percent)) => RuleInput::Percent(percent),
                _ => {
                    let field = format!("items[{n}].price");
                    return Err(ServiceError::field(field, ErrorCode::PriceRequired).into());
                }
            };
            items.push(ItemInput {
                target,
                rule,
                flash_quota: item.flash_quota,
            });
        }
        Ok(PromotionInput {
            kind,
            name: self.name.clone(),
            starts_at: instant(&self.starts_at, "starts_at")?,
            ends_at: instant(&self.ends_at, "ends_at")?,
            per_buyer_limit: self.per_buyer_limit,
            items,
        })
    }

    fn options(&self) -> SaveOptions {
        SaveOptions {
            activate: self.activate,
            confirm_warnings: self.confirm_warnings,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PromotionItem {
    pub sku_id: String,
    pub product_id: String,
    pub price: Option<i64>,
    pub percent: Option<u8>,
    pub flash_quota: Option<i64>,
    pub flash_sold: i64,
}

/// A guard's finding on one SKU: `type` is `below_floor`, `not_below_base`
/// (both refuse), `below_cost`, `deep_discount`, `above_recent_lowest` or
/// `overlaps` (warnings), with its figures.
#[derive(Serialize, ToSchema)]
pub struct FindingBody {
    pub sku_id: String,
    #[schema(value_type = Object)]
    pub finding: serde_json::Value,
    pub refuses: bool,
}

#[derive(Serialize, ToSchema)]
pub struct PriceChangeBody {
    pub sku_id: String,
    pub product_id: String,
    /// Where the price changes (`product_page`; videos, lives and carts
    /// join as they come).
    pub place: String,
    pub price_now: i64,
    pub price_during: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Promotion {
    pub id: String,
    pub kind: String,
    pub name: String,
    /// `draft`, `scheduled`, `ongoing`, `ended` or `deactivated`.
    pub state: String,
    pub starts_at: String,
    pub ends_at: Option<String>,
    pub per_buyer_limit: Option<i64>,
    pub version: i32,
    pub items: Vec<PromotionItem>,
    pub findings: Vec<FindingBody>,
    pub price_changes: Vec<PriceChangeBody>,
}

fn promotion(v: PromotionView, review: Option<Review>) -> Promotion {
    let p = v.promotion;
    let review = review.unwrap_or_default();
    Promotion {
        id: p.id.to_string(),
        kind: p.kind.as_str().into(),
        name: p.name,
        state: v.state.as_str().into(),
        starts_at: p.window.starts_at.to_rfc3339(),
        ends_at: p.window.ends_at.map(|e| e.to_rfc3339()),
        per_buyer_limit: p.per_buyer_limit,
        version: p.version,
        items: p
            .items
            .iter()
            .map(|i| PromotionItem {
                sku_id: i.sku_id.to_string(),
                product_id: i.product_id.to_string(),
                price: match i.rule {
                    OfferRule::Fixed { price } => Some(price),
                    OfferRule::PercentOff { .. } => None,
                },
                percent: match i.rule {
                    OfferRule::PercentOff { percent } => Some(percent.value()),
                    OfferRule::Fixed { .. } => None,
                },
                flash_quota: i.flash_quota,
                flash_sold: i.flash_sold,
            })
            .collect(),
        findings: review
            .findings
            .iter()
            .map(|f| FindingBody {
                sku_id: f.sku.to_string(),
                finding: serde_json::to_value(f.finding).unwrap_or_default(),
                refuses: f.finding.refuses(),
            })
            .collect(),
        price_changes: review
            .changes
            .iter()
            .map(|c| PriceChangeBody {
                sku_id: c.sku.to_string(),
                product_id: c.product.to_string(),
                place: "product_page".into(),
                price_now: c.now,
                price_during: c.during,
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/promotions", tag = "pricing",
    security(("api_key" = ["promotions:read"])),
    responses(
        (status = 200, body = Vec<Promotion>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_promotions(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
) -> AppResult<Json<Vec<Promotion>>> {
    let all = promotions::list(&state.services, &scope).await?;
    Ok(Json(all.into_iter().map(|v| promotion(v, None)).collect()))
}

#[utoipa::path(post, path = "/api/v1/promotions", tag = "pricing",
    security(("api_key" = ["promotions:write"])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Up to 255 characters; a retry gets the first answer again")),
    request_body = PromotionBody,
    responses(
        (status = 201, body = Promotion, description = "Created as a draft, or scheduled with `activate`; `findings` and `price_changes` say what the guards found and where prices change"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "The first request with this key still runs"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "Field problems (`items.<sku_id>` for a refused price), overlapping flash slots, or warnings not confirmed (`promotion_needs_confirmation`)"),
    ))]
pub async fn create_promotion(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let svc = state.services.clone();
    let run_scope = scope.clone();
    let request = bytes.clone();
    once(
        &state,
        &scope.actor().as_text(),
        &headers,
        ("POST", "/api/v1/promotions", &request),
        || async move {
            let b: PromotionBody = body(&bytes)?;
            let saved = promotions::create(&svc, &run_scope, &b.input()?, b.options()).await?;
            Ok((
                StatusCode::CREATED,
                to_json(promotion(saved.promotion, Some(saved.review)))?,
            ))
        },
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/promotions/{promotion_id}", tag = "pricing",
    security(("api_key" = ["promotions:read"])),
    params(("promotion_id" = String, Path, description = "A promotion id, `prm_…`")),
    responses(
        (status = 200, body = Promotion),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_promotion(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(promotion_id): Path<String>,
) -> AppResult<Json<Promotion>> {
    let pid: PromotionId = id(&promotion_id)?;
    let v = promotions::get(&state.services, &scope, pid).await?;
    let review = if v.state.editable() {
        let input = PromotionInput::of(&v.promotion);
        Some(promotions::review(&state.services, &scope, Some(pid), &input).await?)
    } else {
        None
    };
    Ok(Json(promotion(v, review)))
}

#[utoipa::path(put, path = "/api/v1/promotions/{promotion_id}", tag = "pricing",
    security(("api_key" = ["promotions:write"])),
    params(("promotion_id" = String, Path, description = "A promotion id, `prm_…`")),
    request_body = PromotionBody,
    responses(
        (status = 200, body = Promotion),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`version` is stale, or the promotion has started (`promotion_not_editable`)"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_promotion(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(promotion_id): Path<String>,
    bytes: Bytes,
) -> AppResult<Json<Promotion>> {
    let pid: PromotionId = id(&promotion_id)?;
    let b: PromotionBody = body(&bytes)?;
    let version = b.version.ok_or_else(|| {
        AppError::from(ServiceError::field("version", ErrorCode::MalformedRequest))
    })?;
    let saved = promotions::update(
        &state.services,
        &scope,
        pid,
        version,
        &b.input()?,
        b.options(),
    )
    .await?;
    Ok(Json(promotion(saved.promotion, Some(saved.review))))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct SwitchBody {
    #[serde(default)]
    pub confirm_warnings: bool,
}

#[utoipa::path(post, path = "/api/v1/promotions/{promotion_id}/activate", tag = "pricing",
    security(("api_key" = ["promotions:write"])),
    params(("promotion_id" = String, Path, description = "A promotion id, `prm_…`")),
    request_body = SwitchBody,
    responses(
        (status = 200, body = Promotion, description = "Scheduled (ongoing once its start passes)"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Not a draft"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn activate_promotion(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(promotion_id): Path<String>,
    bytes: Bytes,
) -> AppResult<Json<Promotion>> {
    let pid: PromotionId = id(&promotion_id)?;
    let b: SwitchBody = if bytes.is_empty() {
        SwitchBody::default()
    } else {
        body(&bytes)?
    };
    let saved = promotions::activate(&state.services, &scope, pid, b.confirm_warnings).await?;
    Ok(Json(promotion(saved.promotion, Some(saved.review))))
}

#[utoipa::path(post, path = "/api/v1/promotions/{promotion_id}/deactivate", tag = "pricing",
    security(("api_key" = ["promotions:write"])),
    params(("promotion_id" = String, Path, description = "A promotion id, `prm_…`")),
    responses(
        (status = 200, body = Promotion),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Already ended or deactivated"),
    ))]
pub async fn deactivate_promotion(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(promotion_id): Path<String>,
) -> AppResult<Json<Promotion>> {
    let pid: PromotionId = id(&promotion_id)?;
    let v = promotions::deactivate(&state.services, &scope, pid).await?;
    Ok(Json(promotion(v, None)))
}

//! `/api/v1/promotions`, `/api/v1/vouchers`, `/api/v1/skus/{id}/price` and
//! `/api/v1/price-quote`: the shop's promotions and vouchers, its base
//! prices, and what a cart would cost now (the same pricing function as
//! every page and every order).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Json, Response};
use etalase_domain::id::{ProductId, PromotionId, SellerId, SkuId, VoucherId};
use etalase_domain::pricing::guard::VoucherFinding;
use etalase_domain::pricing::{Benefit, Channel, OfferRule};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_services::pricing::promotions::{
    self, ItemInput, PromotionInput, PromotionView, Review, RuleInput, SaveOptions, Target,
};
use etalase_services::pricing::quote::{self, QuoteLine, QuoteRequest};
use etalase_services::pricing::vouchers::{self, BenefitInput, Owner, VoucherInput, VoucherView};
use etalase_services::{ServiceError, pricing};
use etalase_store::pricing::PromotionType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiAuth;
use super::idempotent::once;
use super::{body, to_json};
use crate::errors::{AppError, AppResult, Problem};
use crate::state::AppState;

fn id<K: etalase_domain::id::IdKind>(text: &str) -> AppResult<etalase_domain::Id<K>> {
    text.parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))
}

/// An RFC 3339 time, or a field error naming `field`.
fn instant(text: &str, field: &'static str) -> AppResult<Timestamp> {
    Timestamp::parse_rfc3339(text)
        .ok_or_else(|| ServiceError::field(field, ErrorCode::MalformedRequest).into())
}

// ---- promotions -----------------------------------------------------------

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
        &scope,
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

// ---- vouchers -------------------------------------------------------------

#[derive(Deserialize, Serialize, ToSchema, Clone)]
pub struct VoucherBody {
    pub name: String,
    /// Letters and digits, 4–20; spaces and dashes are dropped and letters
    /// capitalised (`hemat 10` → `HEMAT10`).
    pub code: String,
    /// `percent` or `amount`.
    pub benefit: String,
    /// The percentage (1–99) or the amount in Rupiah.
    pub value: i64,
    /// The most a percentage takes off, in Rupiah.
    pub cap: Option<i64>,
    #[serde(default)]
    pub min_spend: i64,
    pub starts_at: String,
    pub ends_at: String,
    /// Products it is for; none for the whole shop.
    pub product_ids: Option<Vec<String>>,
    pub quota: i64,
    pub per_buyer_limit: i64,
    /// Shown on the shop and product pages to claim.
    #[serde(default)]
    pub public: bool,
    #[serde(default)]
    pub activate: bool,
    #[serde(default)]
    pub confirm_warnings: bool,
    pub version: Option<i32>,
}

impl VoucherBody {
    fn input(&self) -> AppResult<VoucherInput> {
        let benefit = match self.benefit.as_str() {
            "percent" => BenefitInput::Percent {
                percent: self.value,
                cap: self.cap,
            },
            "amount" => BenefitInput::Amount(self.value),
            _ => return Err(ServiceError::field("benefit", ErrorCode::MalformedRequest).into()),
        };
        let products = match &self.product_ids {
            Some(list) => Some(
                list.iter()
                    .map(|p| id::<etalase_domain::id::ProductKind>(p))
                    .collect::<AppResult<Vec<ProductId>>>()?,
            ),
            None => None,
        };
        Ok(VoucherInput {
            name: self.name.clone(),
            code: self.code.clone(),
            benefit,
            min_spend: self.min_spend,
            starts_at: instant(&self.starts_at, "starts_at")?,
            ends_at: instant(&self.ends_at, "ends_at")?,
            products,
            quota: self.quota,
            per_buyer_limit: self.per_buyer_limit,
            public: self.public,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct Voucher {
    pub id: String,
    pub code: String,
    pub name: String,
    #[schema(value_type = Object)]
    pub benefit: serde_json::Value,
    pub min_spend: i64,
    pub starts_at: String,
    pub ends_at: Option<String>,
    pub product_ids: Option<Vec<String>>,
    pub quota: i64,
    pub claimed: i64,
    pub used: i64,
    pub per_buyer_limit: i64,
    pub public: bool,
    pub state: String,
    pub version: i32,
    /// `quota_above_stock` or `deep_discount`, with figures.
    #[schema(value_type = Vec<Object>)]
    pub findings: Vec<serde_json::Value>,
}

fn voucher(v: VoucherView, findings: &[VoucherFinding]) -> Voucher {
    let x = v.voucher;
    let benefit: Benefit = x.benefit;
    Voucher {
        id: x.id.to_string(),
        code: x.code.to_string(),
        name: x.name,
        benefit: serde_json::to_value(benefit).unwrap_or_default(),
        min_spend: x.min_spend,
        starts_at: x.window.starts_at.to_rfc3339(),
        ends_at: x.window.ends_at.map(|e| e.to_rfc3339()),
        product_ids: x
            .products
            .map(|p| p.iter().map(ToString::to_string).collect()),
        quota: x.quota,
        claimed: x.claimed,
        used: x.used,
        per_buyer_limit: x.per_buyer_limit,
        public: x.public,
        state: v.state.as_str().into(),
        version: x.version,
        findings: findings
            .iter()
            .map(|f| serde_json::to_value(f).unwrap_or_default())
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/vouchers", tag = "pricing",
    security(("api_key" = ["promotions:read"])),
    responses((status = 200, body = Vec<Voucher>)))]
pub async fn list_vouchers(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
) -> AppResult<Json<Vec<Voucher>>> {
    let all = vouchers::list(&state.services, Owner::Seller(&scope)).await?;
    Ok(Json(all.into_iter().map(|v| voucher(v, &[])).collect()))
}

#[utoipa::path(post, path = "/api/v1/vouchers", tag = "pricing",
    security(("api_key" = ["promotions:write"])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Up to 255 characters; a retry gets the first answer again")),
    request_body = VoucherBody,
    responses(
        (status = 201, body = Voucher),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "The code is taken (`voucher_code_taken`)"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_voucher(
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
        &scope,
        &headers,
        ("POST", "/api/v1/vouchers", &request),
        || async move {
            let b: VoucherBody = body(&bytes)?;
            let owner = Owner::Seller(&run_scope);
            let saved =
                vouchers::create(&svc, owner, &b.input()?, b.activate, b.confirm_warnings).await?;
            Ok((
                StatusCode::CREATED,
                to_json(voucher(saved.voucher, &saved.findings))?,
            ))
        },
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/vouchers/{voucher_id}", tag = "pricing",
    security(("api_key" = ["promotions:read"])),
    params(("voucher_id" = String, Path, description = "A voucher id, `vch_…`")),
    responses((status = 200, body = Voucher), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_voucher(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(voucher_id): Path<String>,
) -> AppResult<Json<Voucher>> {
    let vid: VoucherId = id(&voucher_id)?;
    let v = vouchers::get(&state.services, Owner::Seller(&scope), vid).await?;
    Ok(Json(voucher(v, &[])))
}

#[utoipa::path(put, path = "/api/v1/vouchers/{voucher_id}", tag = "pricing",
    security(("api_key" = ["promotions:write"])),
    params(("voucher_id" = String, Path, description = "A voucher id, `vch_…`")),
    request_body = VoucherBody,
    responses(
        (status = 200, body = Voucher),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`version` is stale, or the voucher has started"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_voucher(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(voucher_id): Path<String>,
    bytes: Bytes,
) -> AppResult<Json<Voucher>> {
    let vid: VoucherId = id(&voucher_id)?;
    let b: VoucherBody = body(&bytes)?;
    let version = b.version.ok_or_else(|| {
        AppError::from(ServiceError::field("version", ErrorCode::MalformedRequest))
    })?;
    let owner = Owner::Seller(&scope);
    let saved = vouchers::update(
        &state.services,
        owner,
        vid,
        version,
        &b.input()?,
        b.confirm_warnings,
    )
    .await?;
    Ok(Json(voucher(saved.voucher, &saved.findings)))
}

#[utoipa::path(post, path = "/api/v1/vouchers/{voucher_id}/activate", tag = "pricing",
    security(("api_key" = ["promotions:write"])),
    params(("voucher_id" = String, Path, description = "A voucher id, `vch_…`")),
    request_body = SwitchBody,
    responses((status = 200, body = Voucher), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn activate_voucher(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(voucher_id): Path<String>,
    bytes: Bytes,
) -> AppResult<Json<Voucher>> {
    let vid: VoucherId = id(&voucher_id)?;
    let b: SwitchBody = if bytes.is_empty() {
        SwitchBody::default()
    } else {
        body(&bytes)?
    };
    let saved = vouchers::activate(
        &state.services,
        Owner::Seller(&scope),
        vid,
        b.confirm_warnings,
    )
    .await?;
    Ok(Json(voucher(saved.voucher, &saved.findings)))
}

#[utoipa::path(post, path = "/api/v1/vouchers/{voucher_id}/deactivate", tag = "pricing",
    security(("api_key" = ["promotions:write"])),
    params(("voucher_id" = String, Path, description = "A voucher id, `vch_…`")),
    responses((status = 200, body = Voucher), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn deactivate_voucher(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(voucher_id): Path<String>,
) -> AppResult<Json<Voucher>> {
    let vid: VoucherId = id(&voucher_id)?;
    let v = vouchers::deactivate(&state.services, Owner::Seller(&scope), vid).await?;
    Ok(Json(voucher(v, &[])))
}

// ---- base prices ----------------------------------------------------------

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
        &scope,
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

// ---- quotes ---------------------------------------------------------------

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
    Ok(Json(PriceQuote {
        quoted_at: q.at.to_rfc3339(),
        total: q.breakdown.total,
        breakdown: to_json(&q.breakdown)?,
        unknown_codes: q.unknown_codes,
    }))
}

//! `/api/v1/vouchers`: the shop's vouchers.

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
use etalase_domain::id::{ProductId, VoucherId};
use etalase_domain::pricing::Benefit;
use etalase_domain::pricing::guard::VoucherFinding;
use etalase_services::pricing::vouchers::{self, BenefitInput, Owner, VoucherInput, VoucherView};

use super::SwitchBody;

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
        &scope.actor().as_text(),
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

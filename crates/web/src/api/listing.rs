//! A product's place in the Shop through the API: whether buyers can see
//! it, every reason when they cannot, and how its sync stands.

use axum::extract::{Path, State};
use axum::response::Json;
use etalase_domain::listing::Reason;
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::{ErrorCode, Lang};
use etalase_services::sync::{self, SyncStatus};
use serde::Serialize;
use utoipa::ToSchema;

use super::ApiAuth;
use crate::errors::{AppError, AppResult, Problem};
use crate::state::AppState;

/// Why a product is not (fully) in the Shop.
#[derive(Serialize, ToSchema)]
pub struct ListingReason {
    /// A stable code: `seller_not_verified`, `seller_suspended`,
    /// `product_draft`, `product_inactive`, `product_deactivated`,
    /// `product_deleted`, `incomplete`, `out_of_stock`.
    pub code: String,
    /// For `incomplete`: the product field (`images`, `skus[2].price`,
    /// `attributes.bahan` …) and what is wrong with it.
    pub field: Option<String>,
    pub problem: Option<String>,
    /// The reason in Bahasa Indonesia and in English.
    pub message_id: String,
    pub message_en: String,
}

/// How the product's sync stands.
#[derive(Serialize, ToSchema)]
pub struct ListingSync {
    /// `synced`, `pending` or `failed`.
    pub state: String,
    pub version: Option<i32>,
    /// When it was last applied to the Shop (RFC 3339, UTC).
    pub synced_at: Option<String>,
    /// Milliseconds from the change's commit to the Shop.
    pub lag_ms: Option<i64>,
    pub error: Option<String>,
    pub attempts: Option<i32>,
    pub next_retry_at: Option<String>,
}

/// A product's place in the Shop.
#[derive(Serialize, ToSchema)]
pub struct Listing {
    pub product_id: String,
    /// `listed` (search, feeds and its page), `sold_out` (its page only)
    /// or `hidden`; none before its first sync.
    pub visibility: Option<String>,
    pub in_shop: bool,
    /// Since when it is listed without a break (RFC 3339, UTC).
    pub listed_since: Option<String>,
    pub reasons: Vec<ListingReason>,
    pub sync: ListingSync,
}

fn message(state: &AppState, lang: Lang, reason: &Reason) -> String {
    let t = state.translator(lang);
    match reason {
        Reason::Incomplete { problem, .. } => t.error(*problem),
        other => t.t(&format!("sync.reason.{}", other.code())).to_owned(),
    }
}

#[utoipa::path(get, path = "/api/v1/products/{product_id}/listing", tag = "catalog",
    security(("api_key" = ["catalog:read"])),
    params(("product_id" = String, Path, description = "A product id, `prd_…`")),
    responses(
        (status = 200, body = Listing),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "No such product in this shop"),
    ))]
pub async fn listing(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<Listing>> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    let id = id
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    let s = sync::status(&state.services, &scope, id).await?;
    let rfc3339 = |t: etalase_domain::Timestamp| t.to_rfc3339();
    let sync = match &s.status {
        SyncStatus::Synced {
            version,
            at,
            lag_ms,
        } => ListingSync {
            state: "synced".into(),
            version: *version,
            synced_at: Some(rfc3339(*at)),
            lag_ms: Some(*lag_ms),
            error: None,
            attempts: None,
            next_retry_at: None,
        },
        SyncStatus::Pending { since } => ListingSync {
            state: "pending".into(),
            version: None,
            synced_at: since.map(rfc3339),
            lag_ms: None,
            error: None,
            attempts: None,
            next_retry_at: None,
        },
        SyncStatus::Failed {
            error,
            attempts,
            next_retry_at,
        } => ListingSync {
            state: "failed".into(),
            version: None,
            synced_at: None,
            lag_ms: None,
            error: Some(error.clone()),
            attempts: Some(*attempts),
            next_retry_at: next_retry_at.map(rfc3339),
        },
    };
    Ok(Json(Listing {
        product_id: id.to_string(),
        visibility: s.visibility.map(|v| v.as_str().to_owned()),
        in_shop: s.visibility.is_some_and(|v| v.reachable()),
        listed_since: s.listed_since.map(rfc3339),
        reasons: s
            .reasons
            .iter()
            .map(|r| {
                let (field, problem) = match r {
                    Reason::Incomplete { field, problem } => {
                        (Some(field.clone()), Some(problem.code().to_owned()))
                    }
                    _ => (None, None),
                };
                ListingReason {
                    code: r.code().to_owned(),
                    field,
                    problem,
                    message_id: message(&state, Lang::Id, r),
                    message_en: message(&state, Lang::En, r),
                }
            })
            .collect(),
        sync,
    }))
}

use axum::response::Json;
use etalase_domain::policy::{Area, SellerAction};
use etalase_services::teams;
use etalase_services::teams::SellerPrincipal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiAuth, ApiJson};
use crate::errors::{AppResult, Problem};

/// The API key making the request.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// The shop this key acts for.
    pub seller_id: String,
    pub key_id: String,
    /// What this key may do, e.g. `catalog:read`.
    pub scopes: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "shop",
    security(("api_key" = [])),
    responses(
        (status = 200, body = Me, description = "The key and its shop"),
        (status = 401, body = Problem, content_type = "application/problem+json", description = "Missing, unknown or revoked key"),
    ))]
pub async fn me(ApiAuth(scope): ApiAuth) -> Json<Me> {
    let (key_id, scopes) = match &scope.principal {
        SellerPrincipal::ApiKey { key, scopes } => (
            key.to_string(),
            scopes.iter().map(ToString::to_string).collect(),
        ),
        SellerPrincipal::Member { member, .. } => (member.to_string(), Vec::new()),
    };
    Json(Me {
        seller_id: scope.seller_id.to_string(),
        key_id,
        scopes,
    })
}

/// A shop.
#[derive(Serialize, ToSchema)]
pub struct Shop {
    pub id: String,
    /// Its address in the Shop: `/toko/{slug}`.
    pub slug: String,
    pub name: String,
    /// `pending`, `approved`, `rejected` or `suspended`.
    pub status: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

impl From<etalase_store::sellers::Seller> for Shop {
    fn from(s: etalase_store::sellers::Seller) -> Self {
        Shop {
            id: s.id.to_string(),
            slug: s.slug,
            name: s.name,
            status: s.status.as_str().to_owned(),
            created_at: s.created_at.to_rfc3339(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/shop", tag = "shop",
    security(("api_key" = ["shop:read"])),
    responses(
        (status = 200, body = Shop),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "The key lacks `shop:read`"),
    ))]
pub async fn get_shop(
    ApiAuth(scope): ApiAuth,
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
) -> AppResult<Json<Shop>> {
    Ok(Json(teams::shop(&state.services, &scope).await?.into()))
}

/// Changes to a shop; absent fields stay as they are.
#[derive(Deserialize, ToSchema)]
pub struct ShopUpdate {
    /// 3–60 characters.
    pub name: Option<String>,
}

#[utoipa::path(patch, path = "/api/v1/shop", tag = "shop",
    security(("api_key" = ["shop:write"])),
    request_body = ShopUpdate,
    responses(
        (status = 200, body = Shop),
        (status = 400, body = Problem, content_type = "application/problem+json", description = "Malformed JSON"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "The key lacks `shop:write`"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "Invalid name"),
    ))]
pub async fn update_shop(
    ApiAuth(scope): ApiAuth,
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    ApiJson(update): ApiJson<ShopUpdate>,
) -> AppResult<Json<Shop>> {
    // A PATCH is a write even when it changes nothing.
    scope.authorize(SellerAction::write(Area::Shop))?;
    let shop = match update.name {
        Some(name) => teams::rename_shop(&state.services, &scope, &name).await?,
        None => teams::shop(&state.services, &scope).await?,
    };
    Ok(Json(shop.into()))
}

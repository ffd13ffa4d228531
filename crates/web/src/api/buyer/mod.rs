//! `/api/v1/buyer/…`: what a buyer's app needs to buy — a session, the
//! cart, delivery addresses, the checkout summary, placing orders (with
//! `Idempotency-Key`), and the buyer's orders. Authenticated by the
//! buyer's session token (`Authorization: Bearer …`, from
//! `POST /api/v1/buyer/sessions`), never by cookies.

pub mod cart;
pub mod checkout;
pub mod orders;

use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use etalase_domain::ErrorCode;
use etalase_domain::checkout::AddressForm;
use etalase_domain::id::UserId;
use etalase_services::accounts;
use etalase_services::checkout::addresses;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body;
use crate::ctx::Ctx;
use crate::errors::{AppError, AppResult, Problem};
use crate::state::AppState;

/// The buyer behind the request's session token.
pub struct BuyerAuth(pub UserId);

impl FromRequestParts<AppState> for BuyerAuth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then_some(token.trim())
            });
        let refuse = |code: ErrorCode| {
            let mut response = AppError::from(code).into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"etalase-buyer\""),
            );
            response
        };
        let Some(token) = token else {
            return Err(refuse(ErrorCode::SignInRequired));
        };
        match accounts::session_user(&state.services, token).await {
            Ok(Some((_, user))) => Ok(BuyerAuth(user.id)),
            Ok(None) => Err(refuse(ErrorCode::SignInRequired)),
            Err(e) if e.code == ErrorCode::SessionExpired => Err(refuse(e.code)),
            Err(e) => Err(AppError::from(e).into_response()),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct SessionBody {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Session {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub user_id: String,
    pub name: String,
}

/// Signs a buyer in; the same throttle as the sign-in page.
#[utoipa::path(post, path = "/api/v1/buyer/sessions", tag = "buyer",
    request_body = SessionBody,
    responses(
        (status = 201, body = Session),
        (status = 401, body = Problem, content_type = "application/problem+json", description = "Wrong e-mail or password"),
        (status = 429, body = Problem, content_type = "application/problem+json", description = "Too many failed attempts"),
    ))]
pub async fn sign_in(ctx: Ctx, bytes: Bytes) -> AppResult<(StatusCode, Json<Session>)> {
    let b: SessionBody = body(&bytes)?;
    // The caller's own address, so one client's failures lock out only it.
    let signed_in = accounts::sign_in(
        &ctx.state.services,
        &b.email,
        &b.password,
        &ctx.client,
        None,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Session {
            token: signed_in.token,
            user_id: signed_in.user.id.to_string(),
            name: signed_in.user.name,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct AddressBody {
    pub id: String,
    pub label: String,
    pub recipient: String,
    /// E.164, `+62…`.
    pub phone: String,
    pub street: String,
    /// Kemendagri district (kecamatan) code, 6 digits.
    pub district_code: String,
    pub postal_code: String,
    /// "Kecamatan, Kota/Kabupaten, Provinsi 12345".
    pub area: String,
    pub is_default: bool,
}

#[utoipa::path(get, path = "/api/v1/buyer/addresses", tag = "buyer",
    security(("buyer_session" = [])),
    responses((status = 200, body = Vec<AddressBody>)))]
pub async fn list_addresses(
    BuyerAuth(buyer): BuyerAuth,
    axum::extract::State(state): axum::extract::State<AppState>,
) -> AppResult<Json<Vec<AddressBody>>> {
    let saved = addresses::list(&state.services, buyer).await?;
    Ok(Json(
        saved
            .into_iter()
            .map(|a| AddressBody {
                id: a.id.to_string(),
                area: a.address.area_line(),
                label: a.address.label,
                recipient: a.address.recipient,
                phone: a.address.phone.as_str().to_owned(),
                street: a.address.street,
                district_code: a.address.district_code,
                postal_code: a.address.postal_code,
                is_default: a.is_default,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewAddressBody {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub address: AddressForm,
    #[serde(default)]
    pub make_default: bool,
}

#[derive(Serialize, ToSchema)]
pub struct NewAddress {
    pub id: String,
}

#[utoipa::path(post, path = "/api/v1/buyer/addresses", tag = "buyer",
    security(("buyer_session" = [])),
    request_body(content = Object, description = "`label`, `recipient`, `phone`, `street`, `district_code`, `postal_code`, `make_default`"),
    responses(
        (status = 201, body = NewAddress),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "Each bad field named"),
    ))]
pub async fn add_address(
    BuyerAuth(buyer): BuyerAuth,
    axum::extract::State(state): axum::extract::State<AppState>,
    bytes: Bytes,
) -> AppResult<(StatusCode, Json<NewAddress>)> {
    let b: NewAddressBody = body(&bytes)?;
    let id = addresses::add(&state.services, buyer, &b.address, b.make_default).await?;
    Ok((StatusCode::CREATED, Json(NewAddress { id: id.to_string() })))
}

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use etalase_domain::ErrorCode;
use etalase_services::api_keys;
use etalase_services::teams::SellerScope;

use crate::errors::AppError;
use crate::state::AppState;

/// The shop and scopes of the request's API key.
pub struct ApiAuth(pub SellerScope);

impl FromRequestParts<AppState> for ApiAuth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                // The scheme name is case-insensitive (RFC 9110 §11.1).
                let (scheme, secret) = v.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then_some(secret.trim())
            });
        let unauthorized = |code: ErrorCode| {
            let mut response = AppError::from(code).into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"etalase\""),
            );
            response
        };
        let Some(secret) = secret else {
            return Err(unauthorized(ErrorCode::ApiKeyInvalid));
        };
        match api_keys::authenticate(&state.services, secret).await {
            Ok(scope) => Ok(ApiAuth(scope)),
            Err(e) if e.code == ErrorCode::ApiKeyInvalid => Err(unauthorized(e.code)),
            Err(e) => Err(AppError::from(e).into_response()),
        }
    }
}

/// A JSON body; a malformed one is a problem document, not axum's plain text.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => {
                let code = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ErrorCode::PayloadTooLarge
                } else {
                    ErrorCode::MalformedJson
                };
                Err(AppError::from(code).into_response())
            }
        }
    }
}

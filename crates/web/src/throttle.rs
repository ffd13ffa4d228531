//! Answers the public Shop API's requests over the per-address limit with
//! 429 and `Retry-After`, as a problem document.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use etalase_domain::ErrorCode;

use crate::errors::AppError;
use crate::state::AppState;

/// Limits `/api/v1/shop/…`; every other request passes untouched.
pub async fn public_api(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/v1/shop/") {
        return next.run(request).await;
    }
    let address = crate::ctx::client_address_of(&request, state.config.behind_proxy);
    let per_minute = state.config.public_api_per_minute;
    match state.limiter.admit(&address, per_minute, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let mut response = AppError::from(ErrorCode::TooManyRequests).into_response();
            if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
                response.headers_mut().insert("retry-after", value);
            }
            response
        }
    }
}

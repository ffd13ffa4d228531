//! The public Shop API's rate limit: a fixed one-minute window per client
//! address, in memory (each node counts its own). Over the limit: 429 with
//! `Retry-After`, as a problem document.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use etalase_domain::ErrorCode;

use crate::errors::AppError;
use crate::state::AppState;

const WINDOW: Duration = Duration::from_secs(60);

/// Requests counted per address in the current window.
#[derive(Default)]
pub struct PublicLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl PublicLimiter {
    /// Counts one request; the seconds to wait when over `per_minute`.
    fn admit(&self, address: &str, per_minute: u32, now: Instant) -> Result<(), u64> {
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        if windows.len() > 100_000 {
            // Forget addresses whose window is over, so the map stays small.
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry(address.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        if entry.1 >= per_minute {
            let wait = WINDOW.saturating_sub(now.duration_since(entry.0));
            return Err(wait.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_admits_its_limit_then_refuses_until_it_ends() {
        let limiter = PublicLimiter::default();
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.admit("10.0.0.1", 3, start), Ok(()));
        }
        assert_eq!(limiter.admit("10.0.0.1", 3, start), Err(60));
        assert_eq!(limiter.admit("10.0.0.2", 3, start), Ok(()), "per address");
        let later = start + Duration::from_secs(61);
        assert_eq!(limiter.admit("10.0.0.1", 3, later), Ok(()));
    }
}

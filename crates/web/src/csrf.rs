//! CSRF protection for every state-changing request of the HTML surfaces.
//!
//! Each browser carries a random visitor cookie; its token is an HMAC of that
//! cookie under the server's secret, put in every form as `_csrf` (or sent as
//! the `X-CSRF-Token` header, for scripts and multipart uploads). A cross-site page can neither read the token
//! nor compute it. The check is a middleware, so no form can forget it. The
//! JSON API does not use cookies (Bearer keys only) and is not covered here.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use etalase_domain::ErrorCode;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::errors::{AppError, is_api_path};
use crate::state::AppState;

pub const VISITOR_COOKIE: &str = "etalase_v";
pub const FORM_FIELD: &str = "_csrf";

/// The visitor id of this request (new if the browser had none).
#[derive(Clone)]
pub struct Visitor(pub String);

pub fn token_for(secret: &str, visitor: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(b"etalase-csrf:");
    mac.update(visitor.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

fn token_matches(secret: &str, visitor: &str, presented: &str) -> bool {
    let Ok(presented) = URL_SAFE_NO_PAD.decode(presented) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(b"etalase-csrf:");
    mac.update(visitor.as_bytes());
    mac.verify_slice(&presented).is_ok()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_api_path(request.uri().path()) {
        return next.run(request).await;
    }
    let jar = CookieJar::from_headers(request.headers());
    let existing = jar.get(VISITOR_COOKIE).map(|c| c.value().to_owned());
    let (mut request, visitor, is_new) = match existing {
        Some(visitor) if !visitor.is_empty() => (request, visitor, false),
        _ => (request, ulid::Ulid::new().to_string(), true),
    };

    if !is_safe(request.method()) {
        if is_new {
            return AppError::from(ErrorCode::CsrfRejected).into_response();
        }
        let (checked, verdict) = presented_token(request, state.config.body_limit).await;
        request = match checked {
            Some(request) => request,
            None => return AppError::from(ErrorCode::PayloadTooLarge).into_response(),
        };
        let ok =
            verdict.is_some_and(|t| token_matches(state.config.secret_key.expose(), &visitor, &t));
        if !ok {
            return AppError::from(ErrorCode::CsrfRejected).into_response();
        }
    }

    request.extensions_mut().insert(Visitor(visitor.clone()));
    let mut response = next.run(request).await;
    if is_new {
        let cookie = Cookie::build((VISITOR_COOKIE, visitor))
            .path("/")
            .http_only(true)
            .secure(state.config.secure_cookies)
            .same_site(SameSite::Lax)
            .max_age(time::Duration::days(365))
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The token the request presents: the header, else the `_csrf` field of a
/// urlencoded form (the body is read and put back). Never the query string,
/// which ends up in logs and Referer headers.
/// Returns `None` for the request when its body is larger than allowed.
async fn presented_token(request: Request, limit: usize) -> (Option<Request>, Option<String>) {
    if let Some(token) = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        let token = token.to_owned();
        return (Some(request), Some(token));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let multipart_boundary = multer::parse_boundary(&content_type).ok();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form && multipart_boundary.is_none() {
        return (Some(request), None);
    }
    // Uploads are larger than forms; the route's own limit still applies.
    // A catalog sheet may be far larger than a photo, on its one route.
    let limit = match multipart_boundary {
        Some(_) if request.uri().path() == IMPORT_PATH => limit.max(IMPORT_LIMIT),
        Some(_) => limit.max(UPLOAD_LIMIT),
        None => limit,
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, limit).await else {
        return (None, None);
    };
    let token = match multipart_boundary {
        Some(boundary) => multipart_field(bytes.clone(), boundary, FORM_FIELD).await,
        None => form_urlencoded_value(&bytes, FORM_FIELD),
    };
    (Some(Request::from_parts(parts, Body::from(bytes))), token)
}

/// The largest multipart upload the guard reads (a 5 MB document and its form).
pub const UPLOAD_LIMIT: usize = 6 * 1024 * 1024;

/// Where catalog sheets are uploaded, and the largest sheet (with its form).
pub const IMPORT_PATH: &str = "/seller/products/import";
pub const IMPORT_LIMIT: usize = etalase_services::catalog::import::MAX_BYTES + 1024 * 1024;

/// The text of the named field of a multipart body (forms put `_csrf` first).
async fn multipart_field(bytes: axum::body::Bytes, boundary: String, name: &str) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_bound_to_visitor_and_secret() {
        let token = token_for("secret", "visitor-a");
        assert!(token_matches("secret", "visitor-a", &token));
        assert!(!token_matches("secret", "visitor-b", &token));
        assert!(!token_matches("other", "visitor-a", &token));
        assert!(!token_matches("secret", "visitor-a", "not base64 !"));
    }
}

//! Validators for the Shop's pages: a page answered 200 as HTML gets an
//! `ETag` (a hash of its bytes) and `Cache-Control: private, no-cache`, so a
//! browser may keep it but asks again each time; an unchanged page is then
//! answered `304` without a body. Private, because pages carry a per-visitor
//! form token; no-cache, because prices change when promotions start and end.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The Shop's HTML pages (not the API, not Seller Center or Admin).
fn validated(path: &str) -> bool {
    path == "/" || path == "/search" || ["/p/", "/s/", "/c/"].iter().any(|p| path.starts_with(p))
}

pub async fn shop_pages(request: Request, next: Next) -> Response {
    if request.method() != axum::http::Method::GET || !validated(request.uri().path()) {
        return next.run(request).await;
    }
    let asked = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if response.status() != StatusCode::OK
        || !is_html
        || response.headers().contains_key(header::SET_COOKIE)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // A validator, not a signature: a fast 128-bit hash is plenty (the
    // page's bytes are hashed on every answer).
    let tag = format!("W/\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(&bytes));
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    let matches = asked.is_some_and(|a| a.split(',').any(|t| t.trim() == tag));
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

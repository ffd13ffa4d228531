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

/// The visitor id of this request (new if the browser had none), and
/// whether the browser presented it (a returning visitor).
#[derive(Clone)]
pub struct Visitor(pub String, pub bool);

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

    request
        .extensions_mut()
        .insert(Visitor(visitor.clone(), !is_new));
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
    if let Some(boundary) = multipart_boundary
        .as_ref()
        .filter(|_| is_streamed_upload(request.uri().path()))
    {
        let boundary = boundary.clone();
        return leading_field(request, &boundary).await;
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

/// Where short videos are uploaded.
pub const VIDEO_UPLOAD_PATH: &str = "/seller/videos";

/// Whether `path` takes a video upload (a short video, or a product's own
/// video: `/seller/products/<id>/video`). A video is far larger than any
/// form, so its body is never read whole here: the token must be the
/// form's first field, and the rest of the body streams on to the upload
/// untouched.
pub fn is_streamed_upload(path: &str) -> bool {
    path == VIDEO_UPLOAD_PATH
        || path
            .strip_prefix("/seller/products/")
            .and_then(|rest| rest.strip_suffix("/video"))
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// How much of a streamed upload is read looking for its leading token.
const LEADING_FIELD_LIMIT: usize = 16 * 1024;

/// Reads a multipart body only as far as its first part; when that part is
/// `_csrf`, its value is the token. The request goes on with the bytes read
/// put back in front of the rest of the stream.
async fn leading_field(request: Request, boundary: &str) -> (Option<Request>, Option<String>) {
    use futures_util::StreamExt;

    let (parts, body) = request.into_parts();
    let mut stream = body.into_data_stream();
    let mut prefix: Vec<u8> = Vec::new();
    let mut token = None;
    while prefix.len() < LEADING_FIELD_LIMIT {
        match first_part_value(&prefix, boundary, FORM_FIELD) {
            LeadingPart::Value(value) => {
                token = Some(value);
                break;
            }
            LeadingPart::Other => break,
            LeadingPart::Incomplete => {}
        }
        match stream.next().await {
            Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
            Some(Err(_)) => return (None, None),
            None => break,
        }
    }
    let head =
        futures_util::stream::once(
            async move { Ok::<_, axum::Error>(axum::body::Bytes::from(prefix)) },
        );
    let body = Body::from_stream(head.chain(stream));
    (Some(Request::from_parts(parts, body)), token)
}

#[derive(Debug, PartialEq, Eq)]
enum LeadingPart {
    Value(String),
    /// The first part is another field (or the body is no multipart).
    Other,
    Incomplete,
}

/// The value of the first part of a multipart body, if it is the field
/// `name` and has fully arrived.
fn first_part_value(prefix: &[u8], boundary: &str, name: &str) -> LeadingPart {
    let opening = format!("--{boundary}\r\n");
    if prefix.len() < opening.len() {
        return if opening.as_bytes().starts_with(prefix) {
            LeadingPart::Incomplete
        } else {
            LeadingPart::Other
        };
    }
    if !prefix.starts_with(opening.as_bytes()) {
        return LeadingPart::Other;
    }
    let rest = &prefix[opening.len()..];
    let Some(headers_end) = find(rest, b"\r\n\r\n") else {
        return LeadingPart::Incomplete;
    };
    let headers = String::from_utf8_lossy(&rest[..headers_end]).to_ascii_lowercase();
    if !headers.contains(&format!("name=\"{name}\"")) {
        return LeadingPart::Other;
    }
    let value = &rest[headers_end + 4..];
    let closing = format!("\r\n--{boundary}");
    match find(value, closing.as_bytes()) {
        Some(end) => match std::str::from_utf8(&value[..end]) {
            Ok(text) => LeadingPart::Value(text.to_owned()),
            Err(_) => LeadingPart::Other,
        },
        None => LeadingPart::Incomplete,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

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
    fn video_uploads_are_the_streamed_ones() {
        assert!(is_streamed_upload("/seller/videos"));
        assert!(is_streamed_upload("/seller/products/prd_01/video"));
        for other in [
            "/seller/videos/vid_01",
            "/seller/products/prd_01/images",
            "/seller/products//video",
            "/seller/products/prd_01/video/delete",
            "/seller/products/a/b/video",
        ] {
            assert!(!is_streamed_upload(other), "{other}");
        }
    }

    #[test]
    fn a_streamed_upload_presents_its_token_as_the_first_part() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok-123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.mp4\"\r\n\r\n....";
        assert_eq!(
            first_part_value(body, "XyZ", FORM_FIELD),
            LeadingPart::Value("tok-123".into())
        );
        for cut in [0, 3, 10, 60, 66] {
            assert_eq!(
                first_part_value(&body[..cut], "XyZ", FORM_FIELD),
                LeadingPart::Incomplete,
                "cut at {cut}"
            );
        }
        let file_first = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n....";
        assert_eq!(
            first_part_value(file_first, "XyZ", FORM_FIELD),
            LeadingPart::Other
        );
        assert_eq!(
            first_part_value(b"garbage that is long enough", "XyZ", FORM_FIELD),
            LeadingPart::Other
        );
    }

    #[test]
    fn token_is_bound_to_visitor_and_secret() {
        let token = token_for("secret", "visitor-a");
        assert!(token_matches("secret", "visitor-a", &token));
        assert!(!token_matches("secret", "visitor-b", &token));
        assert!(!token_matches("other", "visitor-a", &token));
        assert!(!token_matches("secret", "visitor-a", "not base64 !"));
    }
}

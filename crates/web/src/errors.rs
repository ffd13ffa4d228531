//! Errors become responses in ONE place. A handler returns a [`ServiceError`]
//! (or an error code); it turns into an empty response carrying an
//! [`ErrorMarker`]. The `render_errors` middleware then writes the body for
//! the surface that was asked: RFC 9457 problem+json under `/api`, otherwise
//! a friendly page in the user's language. Bare 404/405/413/5xx answers
//! from the router and the middleware stack get the same treatment, and a
//! panic becomes a logged 500 — never a stack trace.

use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use etalase_domain::{ErrorCode, Lang};
use etalase_services::{FieldError, ServiceError};
use serde::Serialize;

use crate::i18n::T;
use crate::state::AppState;

/// Attached to an error response until `render_errors` writes its body.
#[derive(Clone, Debug)]
pub struct ErrorMarker {
    pub code: ErrorCode,
    pub fields: Vec<FieldError>,
}

/// The language of the request, decided by the `Ctx` extractor (which knows
/// the user's setting) and read back by `render_errors`.
#[derive(Clone, Default)]
pub struct LangSlot(pub Arc<Mutex<Option<Lang>>>);

/// What handlers return when they fail.
pub struct AppError(pub ServiceError);

impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> Self {
        Self(error)
    }
}

impl From<ErrorCode> for AppError {
    fn from(code: ErrorCode) -> Self {
        Self(ServiceError::new(code))
    }
}

impl From<etalase_store::StoreError> for AppError {
    fn from(error: etalase_store::StoreError) -> Self {
        Self(error.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let error = self.0;
        if error.code.status() >= 500 {
            match &error.internal {
                Some(cause) => {
                    tracing::error!(code = %error.code, error = %cause, "request failed")
                }
                None => tracing::error!(code = %error.code, "request failed"),
            }
        }
        marker_response(error.code, error.fields)
    }
}

/// The HTTP status of an error code, from the one error table (every entry
/// there is a valid status; a broken one would answer 500).
pub fn status_of(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

pub fn marker_response(code: ErrorCode, fields: Vec<FieldError>) -> Response {
    let status = status_of(code);
    let mut response = status.into_response();
    response
        .extensions_mut()
        .insert(ErrorMarker { code, fields });
    response
}

pub type AppResult<T> = Result<T, AppError>;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// The input field at fault.
    pub field: String,
    /// Its error code.
    pub code: String,
    /// What is wrong, in the request's language.
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Identifies the kind of problem; stable per error code.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary in the request's language.
    pub title: String,
    pub status: u16,
    /// The error code, also the last segment of `type`.
    pub code: String,
    /// The path of the request that failed.
    pub instance: String,
    /// Per-field problems of a validation failure.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// Whether the request asks for JSON first (a page's script, not a
/// browser navigating).
pub fn wants_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.starts_with("application/json"))
}

pub async fn render_errors(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let slot = LangSlot::default();
    request.extensions_mut().insert(slot.clone());
    let path = request.uri().path().to_owned();
    let fallback_lang = crate::i18n::lang_from_headers(request.headers());
    // A page's script that asks for JSON (the live chat's form) gets a
    // problem document it can show, as the API does.
    let wants_json = wants_json(request.headers());
    let response = next.run(request).await;

    let marker = match response.extensions().get::<ErrorMarker>() {
        Some(marker) => marker.clone(),
        None => match implicit_error(&response) {
            Some(code) => ErrorMarker {
                code,
                fields: Vec::new(),
            },
            None => return response,
        },
    };
    let lang = slot.0.lock().ok().and_then(|l| *l).unwrap_or(fallback_lang);
    let t = state.translator(lang);
    let status = response.status();
    let mut rendered = if is_api_path(&path) || wants_json {
        let problem = Problem {
            kind: format!("/api/problems/{}", marker.code.code()),
            title: t.error(marker.code),
            status: status.as_u16(),
            code: marker.code.code().to_owned(),
            instance: path,
            errors: marker
                .fields
                .iter()
                .map(|f| ProblemField {
                    field: f.field.to_string(),
                    code: f.code.code().to_owned(),
                    message: t.error(f.code),
                })
                .collect(),
        };
        let mut response = (status, axum::Json(problem)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    } else {
        let page = ErrorPage::new(t, marker.code);
        (status, Html(page.render_html())).into_response()
    };
    // Keep headers the handler set on purpose (cookies, Retry-After, Allow).
    for name in [
        header::SET_COOKIE,
        header::RETRY_AFTER,
        header::ALLOW,
        header::WWW_AUTHENTICATE,
    ] {
        for value in response.headers().get_all(&name) {
            rendered.headers_mut().append(name.clone(), value.clone());
        }
    }
    for name in ["x-request-id", "idempotent-replayed"] {
        if let Some(value) = response.headers().get(name) {
            rendered.headers_mut().insert(name, value.clone());
        }
    }
    rendered
}

pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Error answers produced below the handlers (router, limits, timeouts, panics).
fn implicit_error(response: &Response) -> Option<ErrorCode> {
    let has_body_type = response.headers().contains_key(header::CONTENT_TYPE);
    let code = match response.status() {
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        // Our own timeout layer answers 503 with no body.
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => ErrorCode::Timeout,
        StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::BAD_REQUEST => ErrorCode::MalformedRequest,
        StatusCode::INTERNAL_SERVER_ERROR => ErrorCode::Internal,
        _ => return None,
    };
    // A handler's own HTML or JSON body (e.g. a re-rendered form) is kept,
    // except bodies axum writes itself in plain text.
    let plain_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    (!has_body_type || plain_text).then_some(code)
}

/// The friendly page of an error, in the user's language.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: T,
    pub status: u16,
    pub title: String,
    pub home: &'static str,
}

impl ErrorPage {
    pub fn new(t: T, code: ErrorCode) -> ErrorPage {
        let title = t.error(code);
        ErrorPage {
            status: code.status(),
            title,
            t,
            home: "/",
        }
    }

    pub fn render_html(&self) -> String {
        self.render().unwrap_or_else(|e| {
            tracing::error!(error = %e, "error page failed to render");
            "<h1>Error</h1>".to_owned()
        })
    }
}

//! Health, readiness, metrics and the embedded static assets.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use etalase_domain::ErrorCode;
use rust_embed::Embed;

use crate::errors::AppError;
use crate::state::AppState;

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: its database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.services.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            AppError::from(ErrorCode::Unavailable).into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut text = state.metrics.render();
    // Mail that waits or was given up on: an operator alerts on the latter.
    match etalase_services::mail::counts(&state.services).await {
        Ok(counts) => text.push_str(&format!(
            "# HELP etalase_mail_queue_messages Outgoing e-mail by state.\n\
             # TYPE etalase_mail_queue_messages gauge\n\
             etalase_mail_queue_messages{{state=\"waiting\"}} {}\n\
             etalase_mail_queue_messages{{state=\"failed\"}} {}\n",
            counts.pending, counts.failed
        )),
        Err(e) => tracing::warn!(error = %e, "mail queue counts unavailable"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

#[derive(Embed)]
#[folder = "assets/"]
struct Assets;

/// Files under `crates/web/assets`, compiled into the binary.
pub async fn static_file(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => {
            let mime = file.metadata.mimetype().to_owned();
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, mime),
                    (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
                ],
                file.data,
            )
                .into_response()
        }
        None => AppError::from(ErrorCode::NotFound).into_response(),
    }
}

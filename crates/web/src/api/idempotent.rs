//! Creating requests run once per `Idempotency-Key`: the first answer
//! (success or refusal) is kept and replayed to retries, with the header
//! `idempotent-replayed: true`; see `etalase_services::idempotency`.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use etalase_domain::ErrorCode;
use etalase_services::{FieldError, ServiceError, idempotency};
use serde::{Deserialize, Serialize};

use crate::errors::{AppError, AppResult};
use crate::state::AppState;

/// What a run under an idempotency key produced, as kept for replays.
#[derive(Serialize, Deserialize)]
enum Kept {
    Ok {
        status: u16,
        body: serde_json::Value,
    },
    Refused {
        code: ErrorCode,
        fields: Vec<(String, ErrorCode)>,
    },
}

fn replay(kept: Kept) -> Response {
    let mut response = match kept {
        Kept::Ok { status, body } => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            Json(body),
        )
            .into_response(),
        Kept::Refused { code, fields } => {
            let fields = fields
                .into_iter()
                .map(|(f, c)| FieldError::new(f, c))
                .collect();
            let mut error = ServiceError::fields(fields);
            error.code = code;
            AppError::from(error).into_response()
        }
    };
    response.headers_mut().insert(
        "idempotent-replayed",
        axum::http::HeaderValue::from_static("true"),
    );
    response
}

/// The request's `Idempotency-Key` (an unreadable one as empty, which is
/// refused as invalid).
pub fn key_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .map(|v| v.to_str().map(str::to_owned).unwrap_or_default())
}

/// A kept answer, sent again.
pub fn replay_kept(text: &str) -> Response {
    match serde_json::from_str::<Kept>(text) {
        Ok(kept) => replay(kept),
        Err(e) => AppError::from(ServiceError::internal(e)).into_response(),
    }
}

/// The answer kept for replays of a request's result (its status and the
/// text [`replay_kept`] reads): a success or a refusal; none for a failure
/// on our side, which frees the key so that the retry runs.
pub fn kept_answer(
    result: Result<(StatusCode, &serde_json::Value), &ServiceError>,
) -> Option<(u16, String)> {
    let kept = match result {
        Ok((status, body)) => Kept::Ok {
            status: status.as_u16(),
            body: body.clone(),
        },
        Err(e) if e.code.status() < 500 => Kept::Refused {
            code: e.code,
            fields: e
                .fields
                .iter()
                .map(|f| (f.field.to_string(), f.code))
                .collect(),
        },
        Err(_) => return None,
    };
    let status = match &kept {
        Kept::Ok { status, .. } => *status,
        Kept::Refused { code, .. } => code.status(),
    };
    Some((status, serde_json::to_string(&kept).ok()?))
}

/// Runs a creating request once per `Idempotency-Key` (when one is given),
/// keys being `principal`'s own (an API key's, a buyer's).
pub async fn once<F, Fut>(
    state: &AppState,
    principal: &str,
    headers: &HeaderMap,
    (method, path, body): (&str, &str, &[u8]),
    run: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = AppResult<(StatusCode, serde_json::Value)>>,
{
    let Some(key) = key_of(headers) else {
        return match run().await {
            Ok((status, body)) => (status, Json(body)).into_response(),
            Err(e) => e.into_response(),
        };
    };
    let svc = &state.services;
    let hash = idempotency::fingerprint(method, path, body);
    match idempotency::begin(svc, principal, &key, &hash).await {
        Ok(idempotency::Begin::Replay { body, .. }) => replay_kept(&body),
        Ok(idempotency::Begin::Run) => {
            let result = run().await;
            let kept = match &result {
                Ok((status, body)) => kept_answer(Ok((*status, body))),
                Err(AppError(e)) => kept_answer(Err(e)),
            };
            let stored = match &kept {
                Some((status, text)) => {
                    idempotency::finish(svc, principal, &key, *status, text).await
                }
                None => idempotency::abandon(svc, principal, &key).await,
            };
            if let Err(e) = stored {
                tracing::error!(error = %e, "idempotency key not stored");
            }
            match result {
                Ok((status, body)) => (status, Json(body)).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

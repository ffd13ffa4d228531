//! `POST /api/v1/couriers/{courier}/events`: where couriers report what
//! happened to a package (picked up, in transit, out for delivery,
//! delivered, failed attempt, returned to sender). No API key — each
//! delivery is signed the Standard Webhooks way with the courier's secret.
//!
//! Answers: `200` when the report is taken (applied, seen before, or of a
//! kind the platform does not know — accepted and ignored, so the courier
//! stops sending it); `401` for a bad or stale signature; `404` for an
//! unknown courier or resi; `409` when the order moved meanwhile (send it
//! again).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use etalase_services::fulfilment::tracking::{self, Delivery, Received};
use serde::Serialize;
use utoipa::ToSchema;

use crate::errors::{AppResult, Problem};
use crate::state::AppState;

/// The report's body (`kind` one of `picked_up`, `in_transit`,
/// `out_for_delivery`, `delivered`, `failed_attempt`, `returned_to_sender`;
/// others are accepted and ignored).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TrackingEvent {
    /// The courier's id of this event: a report sent again is recognised.
    event_id: String,
    resi: String,
    kind: String,
    /// RFC 3339.
    happened_at: String,
    location: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TrackingAck {
    /// `applied`, `duplicate` or `ignored`.
    pub outcome: &'static str,
    /// The order's status after the report.
    pub status: Option<&'static str>,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[utoipa::path(post, path = "/api/v1/couriers/{courier}/events", tag = "couriers",
    security(()),
    params(
        ("courier" = String, Path, description = "`jne`, `jnt`, `sicepat`, `anteraja` or `pos`"),
        ("webhook-id" = String, Header, description = "The delivery's id"),
        ("webhook-timestamp" = String, Header, description = "Unix seconds; refused when more than 5 minutes away"),
        ("webhook-signature" = String, Header, description = "`v1,<base64 HMAC-SHA256 of \"id.timestamp.body\">` with the courier's secret"),
    ),
    request_body(content = TrackingEvent, content_type = "application/json"),
    responses(
        (status = 200, body = TrackingAck, description = "Taken: applied, seen before, or an unknown kind ignored"),
        (status = 400, body = Problem, content_type = "application/problem+json", description = "Not a report"),
        (status = 401, body = Problem, content_type = "application/problem+json", description = "The signature does not verify, or is stale"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "No such courier, or no order carries this resi"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "The order moved meanwhile; send it again"),
    ))]
pub async fn report(
    State(state): State<AppState>,
    Path(courier): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<TrackingAck>> {
    let delivery = Delivery {
        id: header(&headers, "webhook-id"),
        timestamp: header(&headers, "webhook-timestamp"),
        signature: header(&headers, "webhook-signature"),
        body: &body,
    };
    let received = tracking::receive(&state.services, &courier, &delivery).await?;
    Ok(Json(match received {
        Received::Applied(order) => TrackingAck {
            outcome: "applied",
            status: Some(order.status.as_str()),
        },
        Received::Duplicate => TrackingAck {
            outcome: "duplicate",
            status: None,
        },
        Received::Ignored => TrackingAck {
            outcome: "ignored",
            status: None,
        },
    }))
}

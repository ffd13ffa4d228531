//! `POST /api/v1/payments/notifications`: where the payment gateway tells
//! the platform what happened to a payment. No API key — the gateway signs
//! each notification with the server key instead (`signature_key`), and the
//! platform checks the status with the gateway before acting on it.
//!
//! Answers as the gateway expects: `200` when the notification is taken
//! (acted on, nothing to change, or seen before — the gateway then stops
//! sending it), `4xx` for one that is refused, `503` when the gateway's own
//! status API could not be asked (the gateway sends it again later).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use etalase_services::payments;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::errors::{AppResult, Problem};
use crate::state::AppState;

/// The gateway's HTTP notification (Midtrans's shape); other fields the
/// gateway sends are kept with the record but not needed.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct GatewayNotification {
    /// The payment's id, `pay_…`.
    pub order_id: String,
    /// `200`, `201`, `202`, `407`, …
    pub status_code: String,
    /// With two decimals, e.g. `"150000.00"`.
    pub gross_amount: String,
    /// `capture`, `settlement`, `pending`, `deny`, `cancel`, `expire`,
    /// `failure`, `refund`, `partial_refund`.
    pub transaction_status: String,
    pub fraud_status: Option<String>,
    /// hex(SHA-512(order_id + status_code + gross_amount + server_key)).
    pub signature_key: String,
    pub transaction_id: Option<String>,
    /// `bank_transfer`, `qris`, `gopay`, …
    pub payment_type: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationAck {
    /// `applied`, `no_change`, `duplicate` or `refund_started`.
    pub outcome: String,
    pub payment_id: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/payments/notifications", tag = "payments",
    security(()),
    request_body(content = GatewayNotification, content_type = "application/json"),
    responses(
        (status = 200, body = NotificationAck, description = "Taken: acted on, nothing to change, or seen before"),
        (status = 400, body = Problem, content_type = "application/problem+json", description = "Not a notification"),
        (status = 401, body = Problem, content_type = "application/problem+json", description = "The signature does not verify"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "No such payment"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "The amount differs from the payment's"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "The gateway's status API did not answer; send it again later"),
    ))]
pub async fn notification(
    State(state): State<AppState>,
    body: Bytes,
) -> AppResult<Json<NotificationAck>> {
    let receipt = payments::receive_notification(&state.services, &body).await?;
    Ok(Json(NotificationAck {
        outcome: receipt.outcome.as_str().to_owned(),
        payment_id: receipt.payment.map(|p| p.to_string()),
    }))
}

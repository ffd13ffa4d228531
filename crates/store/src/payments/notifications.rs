//! Every payment notification received, with what was made of it.

use etalase_domain::Timestamp;

use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

/// What the platform did with a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationOutcome {
    /// It moved the payment (and perhaps its orders).
    Applied,
    /// Genuine, but nothing to change (a status older than the one known).
    NoChange,
    /// The same notification again: nothing done.
    Duplicate,
    /// Paid, but the orders had gone: the money is being given back.
    RefundStarted,
    Malformed,
    BadSignature,
    UnknownOrder,
    AmountMismatch,
    /// The gateway's status could not be checked; the gateway retries.
    StatusUnavailable,
}

impl NotificationOutcome {
    pub const ALL: [NotificationOutcome; 9] = [
        NotificationOutcome::Applied,
        NotificationOutcome::NoChange,
        NotificationOutcome::Duplicate,
        NotificationOutcome::RefundStarted,
        NotificationOutcome::Malformed,
        NotificationOutcome::BadSignature,
        NotificationOutcome::UnknownOrder,
        NotificationOutcome::AmountMismatch,
        NotificationOutcome::StatusUnavailable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationOutcome::Applied => "applied",
            NotificationOutcome::NoChange => "no_change",
            NotificationOutcome::Duplicate => "duplicate",
            NotificationOutcome::RefundStarted => "refund_started",
            NotificationOutcome::Malformed => "malformed",
            NotificationOutcome::BadSignature => "bad_signature",
            NotificationOutcome::UnknownOrder => "unknown_order",
            NotificationOutcome::AmountMismatch => "amount_mismatch",
            NotificationOutcome::StatusUnavailable => "status_unavailable",
        }
    }

    pub fn parse(text: &str) -> Option<NotificationOutcome> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

pub struct NewNotification<'a> {
    /// The `order_id` it names, as sent.
    pub order_ref: Option<&'a str>,
    pub transaction_status: Option<&'a str>,
    pub status_code: Option<&'a str>,
    pub gross_amount: Option<&'a str>,
    pub signature_ok: bool,
    /// Set only for notifications acted on, so the same one again is
    /// recognised; refused ones are refused again.
    pub dedupe_key: Option<&'a str>,
    pub body: &'a str,
    pub outcome: NotificationOutcome,
    pub received_at: Timestamp,
}

/// Records a notification; false when its dedupe key is recorded already
/// (nothing written).
pub async fn insert_notification(tx: &mut Tx, n: &NewNotification<'_>) -> StoreResult<bool> {
    let written = on_tx!(tx, conn => sqlx::query(
        "INSERT INTO payment_notifications (order_ref, transaction_status, status_code, gross_amount, \
         signature_ok, dedupe_key, body, outcome, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedupe_key) DO NOTHING")
        .bind(n.order_ref).bind(n.transaction_status).bind(n.status_code).bind(n.gross_amount)
        .bind(n.signature_ok).bind(n.dedupe_key).bind(n.body).bind(n.outcome.as_str())
        .bind(n.received_at.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(written == 1)
}

/// Whether a notification with this key was acted on already.
pub async fn notification_seen<'a>(
    reader: impl Into<Reader<'a>>,
    dedupe_key: &str,
) -> StoreResult<bool> {
    let n: i64 = on_reader!(reader.into(), conn => sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_notifications WHERE dedupe_key = $1")
        .bind(dedupe_key).fetch_one(conn).await)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredNotification {
    pub seq: i64,
    pub order_ref: Option<String>,
    pub transaction_status: Option<String>,
    pub status_code: Option<String>,
    pub gross_amount: Option<String>,
    pub signature_ok: bool,
    pub dedupe_key: Option<String>,
    pub body: String,
    pub outcome: String,
    pub received_at: i64,
}

/// The notifications that named `order_ref`, oldest first.
pub async fn notifications_for<'a>(
    reader: impl Into<Reader<'a>>,
    order_ref: &str,
) -> StoreResult<Vec<StoredNotification>> {
    let rows = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT seq, order_ref, transaction_status, status_code, gross_amount, signature_ok, \
         dedupe_key, body, outcome, received_at FROM payment_notifications \
         WHERE order_ref = $1 ORDER BY seq")
        .bind(order_ref).fetch_all(conn).await)?;
    Ok(rows)
}

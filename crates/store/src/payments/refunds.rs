//! Refunds through the gateway: recorded before the gateway is asked (so a
//! crash in between leaves a request to send again with the same key, never
//! a refund nobody knows about), settled when it answers.

use etalase_domain::Timestamp;
use etalase_domain::id::PaymentId;

use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefundStatus {
    /// Recorded; the gateway has not confirmed it (yet).
    Requested,
    Succeeded,
    /// The gateway said no (a virtual account cannot be refunded through
    /// it, say): the money goes back by hand.
    Refused,
}

impl RefundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundStatus::Requested => "requested",
            RefundStatus::Succeeded => "succeeded",
            RefundStatus::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<RefundStatus> {
        [
            RefundStatus::Requested,
            RefundStatus::Succeeded,
            RefundStatus::Refused,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRefund {
    pub seq: i64,
    pub payment: PaymentId,
    pub refund_key: String,
    pub amount: i64,
    pub reason: String,
    pub status: RefundStatus,
    /// Who asked (`usr_…`, `key_…` or `system`).
    pub actor: String,
    pub gateway_message: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

pub struct NewRefund<'a> {
    pub payment: PaymentId,
    pub refund_key: &'a str,
    pub amount: i64,
    pub reason: &'a str,
    pub actor: &'a str,
    pub now: Timestamp,
}

/// Records a requested refund; false when its key is recorded already.
pub async fn insert_refund(tx: &mut Tx, r: &NewRefund<'_>) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "INSERT INTO payment_refunds (payment_id, refund_key, amount, reason, status, actor, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, 'requested', $5, $6, $6) \
         ON CONFLICT (refund_key) DO NOTHING")
        .bind(r.payment.to_string()).bind(r.refund_key).bind(r.amount).bind(r.reason)
        .bind(r.actor).bind(r.now.unix_millis())
        .execute(conn).await.map(|res| res.rows_affected()))?;
    Ok(n == 1)
}

#[derive(sqlx::FromRow)]
struct RefundRow {
    seq: i64,
    payment_id: String,
    refund_key: String,
    amount: i64,
    reason: String,
    status: String,
    actor: String,
    gateway_message: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<RefundRow> for StoredRefund {
    type Error = crate::StoreError;
    fn try_from(r: RefundRow) -> StoreResult<StoredRefund> {
        Ok(StoredRefund {
            seq: r.seq,
            payment: r.payment_id.parse().map_err(corrupt)?,
            refund_key: r.refund_key,
            amount: r.amount,
            reason: r.reason,
            status: RefundStatus::parse(&r.status).ok_or_else(|| corrupt(&r.status))?,
            actor: r.actor,
            gateway_message: r.gateway_message,
            created_at: Timestamp::from_unix_millis(r.created_at),
            updated_at: Timestamp::from_unix_millis(r.updated_at),
        })
    }
}

const COLUMNS: &str = "seq, payment_id, refund_key, amount, reason, status, actor, \
    gateway_message, created_at, updated_at";

pub async fn refund_by_key<'a>(
    reader: impl Into<Reader<'a>>,
    refund_key: &str,
) -> StoreResult<Option<StoredRefund>> {
    let sql = format!("SELECT {COLUMNS} FROM payment_refunds WHERE refund_key = $1");
    let row: Option<RefundRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(refund_key).fetch_optional(conn).await)?;
    row.map(TryInto::try_into).transpose()
}

/// A payment's refunds, oldest first.
pub async fn refunds_of_payment<'a>(
    reader: impl Into<Reader<'a>>,
    payment: PaymentId,
) -> StoreResult<Vec<StoredRefund>> {
    let sql = format!("SELECT {COLUMNS} FROM payment_refunds WHERE payment_id = $1 ORDER BY seq");
    let rows: Vec<RefundRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(payment.to_string()).fetch_all(conn).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Refunds still waiting for the gateway's answer, oldest first.
pub async fn requested_refunds<'a>(
    reader: impl Into<Reader<'a>>,
    limit: i64,
) -> StoreResult<Vec<StoredRefund>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payment_refunds WHERE status = 'requested' ORDER BY created_at, seq LIMIT $1"
    );
    let rows: Vec<RefundRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(limit).fetch_all(conn).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Settles a requested refund; false when it was settled already.
pub async fn settle_refund(
    tx: &mut Tx,
    refund_key: &str,
    to: RefundStatus,
    gateway_message: Option<&str>,
    now: Timestamp,
) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE payment_refunds SET status = $2, gateway_message = $3, updated_at = $4 \
         WHERE refund_key = $1 AND status = 'requested'")
        .bind(refund_key).bind(to.as_str()).bind(gateway_message).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

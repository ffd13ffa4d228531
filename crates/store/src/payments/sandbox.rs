//! The built-in sandbox gateway's own records: what a real gateway would
//! keep on its side (it knows nothing of the platform's tables).

use etalase_domain::Timestamp;

use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SandboxTransaction {
    pub order_id: String,
    pub gross_amount: i64,
    /// `created` (no channel chosen yet), then the gateway's
    /// `transaction_status`: `pending`, `settlement`, `deny`, `expire`,
    /// `refund`, `partial_refund`.
    pub status: String,
    pub channel: Option<String>,
    pub va_number: Option<String>,
    pub qr_string: Option<String>,
    pub token: String,
    pub transaction_id: String,
    pub notification_url: String,
    pub finish_url: Option<String>,
    /// JSON: the item and customer details the merchant sent.
    pub details: String,
    pub refunded_amount: i64,
    pub expires_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "order_id, gross_amount, status, channel, va_number, qr_string, token, \
    transaction_id, notification_url, finish_url, details, refunded_amount, expires_at, \
    created_at, updated_at";

/// Records a transaction; false when its order id is taken.
pub async fn insert(tx: &mut Tx, t: &SandboxTransaction) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "INSERT INTO sandbox_gateway_transactions (order_id, gross_amount, status, channel, \
         va_number, qr_string, token, transaction_id, notification_url, finish_url, details, \
         refunded_amount, expires_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (order_id) DO NOTHING")
        .bind(&t.order_id).bind(t.gross_amount).bind(&t.status).bind(&t.channel)
        .bind(&t.va_number).bind(&t.qr_string).bind(&t.token).bind(&t.transaction_id)
        .bind(&t.notification_url).bind(&t.finish_url).bind(&t.details).bind(t.refunded_amount)
        .bind(t.expires_at).bind(t.created_at).bind(t.updated_at)
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn by_token<'a>(
    reader: impl Into<Reader<'a>>,
    token: &str,
) -> StoreResult<Option<SandboxTransaction>> {
    let sql = format!("SELECT {COLUMNS} FROM sandbox_gateway_transactions WHERE token = $1");
    let row = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(token).fetch_optional(conn).await)?;
    Ok(row)
}

pub async fn by_order<'a>(
    reader: impl Into<Reader<'a>>,
    order_id: &str,
) -> StoreResult<Option<SandboxTransaction>> {
    let sql = format!("SELECT {COLUMNS} FROM sandbox_gateway_transactions WHERE order_id = $1");
    let row = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(order_id).fetch_optional(conn).await)?;
    Ok(row)
}

/// The buyer chose how to pay: the transaction becomes pending with its
/// VA number or QR string; false when a channel was chosen already.
pub async fn choose_channel(
    tx: &mut Tx,
    order_id: &str,
    channel: &str,
    va_number: Option<&str>,
    qr_string: Option<&str>,
    now: Timestamp,
) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE sandbox_gateway_transactions SET status = 'pending', channel = $2, va_number = $3, \
         qr_string = $4, updated_at = $5 WHERE order_id = $1 AND status = 'created'")
        .bind(order_id).bind(channel).bind(va_number).bind(qr_string).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Moves a transaction from `from` to `to`; false when it is elsewhere.
pub async fn move_status(
    tx: &mut Tx,
    order_id: &str,
    from: &str,
    to: &str,
    now: Timestamp,
) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE sandbox_gateway_transactions SET status = $3, updated_at = $4 \
         WHERE order_id = $1 AND status = $2")
        .bind(order_id).bind(from).bind(to).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records a refund by its key and adds it to the transaction; false when
/// the key was used already (nothing written).
pub async fn insert_refund(
    tx: &mut Tx,
    order_id: &str,
    refund_key: &str,
    amount: i64,
    now: Timestamp,
) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "INSERT INTO sandbox_gateway_refunds (order_id, refund_key, amount, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (order_id, refund_key) DO NOTHING")
        .bind(order_id).bind(refund_key).bind(amount).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Ok(false);
    }
    on_tx!(tx, conn => sqlx::query(
        "UPDATE sandbox_gateway_transactions SET refunded_amount = refunded_amount + $2, \
         status = CASE WHEN refunded_amount + $2 >= gross_amount THEN 'refund' ELSE 'partial_refund' END, \
         updated_at = $3 WHERE order_id = $1")
        .bind(order_id).bind(amount).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(true)
}

/// The amount of an earlier refund with this key, if there was one.
pub async fn refund_amount<'a>(
    reader: impl Into<Reader<'a>>,
    order_id: &str,
    refund_key: &str,
) -> StoreResult<Option<i64>> {
    let amount = on_reader!(reader.into(), conn => sqlx::query_scalar(
        "SELECT amount FROM sandbox_gateway_refunds WHERE order_id = $1 AND refund_key = $2")
        .bind(order_id).bind(refund_key).fetch_optional(conn).await)?;
    Ok(amount)
}

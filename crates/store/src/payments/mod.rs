//! Payments through the gateway (migration `0016_payments.sql`): each
//! attempt to pay a checkout, the notifications received about them, the
//! refunds, and the built-in sandbox gateway's own records. Every change of
//! state is a conditional update, so a notification that arrives twice, or
//! two nodes acting at once, move a payment only once.

pub mod notifications;
pub mod refunds;
pub mod sandbox;

pub use notifications::*;
pub use refunds::*;

use etalase_domain::Timestamp;
use etalase_domain::id::{CheckoutId, PaymentId, UserId};

use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::pricing::placeholders;
use crate::{StoreResult, Tx};

/// Where a payment stands on the platform's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// Created at the gateway; the buyer has not paid (yet).
    Pending,
    Paid,
    /// Refused by the bank, the e-wallet or the gateway's fraud check.
    Failed,
    /// Not paid in time.
    Expired,
    Refunded,
    PartiallyRefunded,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 6] = [
        PaymentStatus::Pending,
        PaymentStatus::Paid,
        PaymentStatus::Failed,
        PaymentStatus::Expired,
        PaymentStatus::Refunded,
        PaymentStatus::PartiallyRefunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Expired => "expired",
            PaymentStatus::Refunded => "refunded",
            PaymentStatus::PartiallyRefunded => "partially_refunded",
        }
    }

    pub fn parse(text: &str) -> Option<PaymentStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The buyer's money reached the gateway (some may have gone back since).
    pub fn money_taken(self) -> bool {
        matches!(
            self,
            PaymentStatus::Paid | PaymentStatus::Refunded | PaymentStatus::PartiallyRefunded
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPayment {
    /// Also the gateway's `order_id`.
    pub id: PaymentId,
    pub checkout: CheckoutId,
    pub buyer: UserId,
    /// Whole Rupiah.
    pub amount: i64,
    pub status: PaymentStatus,
    /// The gateway's last `transaction_status` for it.
    pub gateway_status: Option<String>,
    /// `bca_va`, `bni_va`, `qris`, `gopay`, … once the buyer chose.
    pub channel: Option<String>,
    pub gateway_token: String,
    /// The gateway's hosted payment page.
    pub redirect_url: String,
    pub transaction_id: Option<String>,
    pub va_number: Option<String>,
    pub qr_string: Option<String>,
    pub refunded_amount: i64,
    pub expires_at: Timestamp,
    pub paid_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

const COLUMNS: &str = "id, checkout_id, buyer_id, amount, status, gateway_status, channel, \
    gateway_token, redirect_url, transaction_id, va_number, qr_string, refunded_amount, \
    expires_at, paid_at, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct PaymentRow {
    id: String,
    checkout_id: String,
    buyer_id: String,
    amount: i64,
    status: String,
    gateway_status: Option<String>,
    channel: Option<String>,
    gateway_token: String,
    redirect_url: String,
    transaction_id: Option<String>,
    va_number: Option<String>,
    qr_string: Option<String>,
    refunded_amount: i64,
    expires_at: i64,
    paid_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<PaymentRow> for StoredPayment {
    type Error = crate::StoreError;
    fn try_from(r: PaymentRow) -> StoreResult<StoredPayment> {
        let at = Timestamp::from_unix_millis;
        Ok(StoredPayment {
            id: r.id.parse().map_err(corrupt)?,
            checkout: r.checkout_id.parse().map_err(corrupt)?,
            buyer: r.buyer_id.parse().map_err(corrupt)?,
            amount: r.amount,
            status: PaymentStatus::parse(&r.status).ok_or_else(|| corrupt(&r.status))?,
            gateway_status: r.gateway_status,
            channel: r.channel,
            gateway_token: r.gateway_token,
            redirect_url: r.redirect_url,
            transaction_id: r.transaction_id,
            va_number: r.va_number,
            qr_string: r.qr_string,
            refunded_amount: r.refunded_amount,
            expires_at: at(r.expires_at),
            paid_at: r.paid_at.map(at),
            created_at: at(r.created_at),
            updated_at: at(r.updated_at),
        })
    }
}

/// Records a new attempt. A second pending attempt of the same checkout
/// is refused with the conflict `payments_checkout_id_key`.
pub async fn insert_payment(tx: &mut Tx, p: &StoredPayment) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO payments (id, checkout_id, buyer_id, amount, status, gateway_status, channel, \
         gateway_token, redirect_url, transaction_id, va_number, qr_string, refunded_amount, \
         expires_at, paid_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)")
        .bind(p.id.to_string()).bind(p.checkout.to_string()).bind(p.buyer.to_string())
        .bind(p.amount).bind(p.status.as_str()).bind(&p.gateway_status).bind(&p.channel)
        .bind(&p.gateway_token).bind(&p.redirect_url).bind(&p.transaction_id)
        .bind(&p.va_number).bind(&p.qr_string).bind(p.refunded_amount)
        .bind(p.expires_at.unix_millis()).bind(p.paid_at.map(Timestamp::unix_millis))
        .bind(p.created_at.unix_millis()).bind(p.updated_at.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn payment_by_id<'a>(
    reader: impl Into<Reader<'a>>,
    id: PaymentId,
) -> StoreResult<Option<StoredPayment>> {
    let sql = format!("SELECT {COLUMNS} FROM payments WHERE id = $1");
    let row: Option<PaymentRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).fetch_optional(conn).await)?;
    row.map(TryInto::try_into).transpose()
}

/// The payment, locked until the transaction ends (PostgreSQL; SQLite's
/// single writer serialises anyway).
pub async fn payment_for_update(tx: &mut Tx, id: PaymentId) -> StoreResult<Option<StoredPayment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payments WHERE id = $1{}",
        tx.lock_clause()
    );
    let row: Option<PaymentRow> = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).fetch_optional(conn).await)?;
    row.map(TryInto::try_into).transpose()
}

/// A checkout's attempts, newest first.
pub async fn payments_of_checkout<'a>(
    reader: impl Into<Reader<'a>>,
    checkout: CheckoutId,
) -> StoreResult<Vec<StoredPayment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payments WHERE checkout_id = $1 ORDER BY created_at DESC, id DESC"
    );
    let rows: Vec<PaymentRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(checkout.to_string()).fetch_all(conn).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Moves a payment from one of `from` to `to`; false (nothing written)
/// when it is in none of them any more. `paid_at` is set when given and
/// kept otherwise.
pub async fn move_payment(
    tx: &mut Tx,
    id: PaymentId,
    from: &[PaymentStatus],
    to: PaymentStatus,
    paid_at: Option<Timestamp>,
    now: Timestamp,
) -> StoreResult<bool> {
    if from.is_empty() {
        return Ok(false);
    }
    let sql = format!(
        "UPDATE payments SET status = $2, paid_at = COALESCE($3, paid_at), updated_at = $4 \
         WHERE id = $1 AND status IN ({})",
        placeholders(5, from.len())
    );
    let n = on_tx!(tx, conn => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id.to_string()).bind(to.as_str())
            .bind(paid_at.map(Timestamp::unix_millis)).bind(now.unix_millis());
        for s in from {
            q = q.bind(s.as_str());
        }
        q.execute(conn).await.map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// What the gateway told about a payment; `None` keeps what is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayDetails {
    pub gateway_status: Option<String>,
    pub channel: Option<String>,
    pub transaction_id: Option<String>,
    pub va_number: Option<String>,
    pub qr_string: Option<String>,
}

pub async fn record_gateway_details(
    tx: &mut Tx,
    id: PaymentId,
    d: &GatewayDetails,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE payments SET gateway_status = COALESCE($2, gateway_status), \
         channel = COALESCE($3, channel), transaction_id = COALESCE($4, transaction_id), \
         va_number = COALESCE($5, va_number), qr_string = COALESCE($6, qr_string), updated_at = $7 \
         WHERE id = $1")
        .bind(id.to_string()).bind(&d.gateway_status).bind(&d.channel).bind(&d.transaction_id)
        .bind(&d.va_number).bind(&d.qr_string).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Adds a refund the gateway made to a paid payment; false when it would
/// give back more than was paid, or the payment is not paid.
pub async fn add_refunded(
    tx: &mut Tx,
    id: PaymentId,
    amount: i64,
    now: Timestamp,
) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE payments SET refunded_amount = refunded_amount + $2, \
         status = CASE WHEN refunded_amount + $2 >= amount THEN 'refunded' ELSE 'partially_refunded' END, \
         updated_at = $3 \
         WHERE id = $1 AND status IN ('paid', 'partially_refunded') AND refunded_amount + $2 <= amount")
        .bind(id.to_string()).bind(amount).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The name and e-mail address of a buyer (for the gateway's customer
/// details and the receipt).
pub async fn buyer_contact<'a>(
    reader: impl Into<Reader<'a>>,
    buyer: UserId,
) -> StoreResult<Option<(String, String)>> {
    let row = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT name, email FROM users WHERE id = $1")
        .bind(buyer.to_string()).fetch_optional(conn).await)?;
    Ok(row)
}

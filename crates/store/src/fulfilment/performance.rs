//! The counts behind a shop's health metrics (migration
//! `0024_shop_performance.sql`), the orders that hurt them, and the daily
//! snapshots kept for the trend. An order is *sent* when the seller did
//! their part: the pickup arranged (platform logistics), or the package
//! handed to their own courier.

use etalase_domain::Timestamp;
use etalase_domain::id::{OrderId, SellerId};

use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

/// `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl Window {
    /// The `days` before `to`.
    pub fn days_before(to: Timestamp, days: i64) -> Window {
        Window {
            from: to.plus_seconds(-days * 86_400),
            to,
        }
    }
}

/// When the seller sent an order, in SQL.
const SENT_AT: &str = "COALESCE(arranged_at, dispatched_at)";
/// Sent within the window `$2..$3` (each half reads its own index).
const SENT_IN_WINDOW: &str = "((arranged_at >= $2 AND arranged_at < $3) \
    OR (arranged_at IS NULL AND dispatched_at >= $2 AND dispatched_at < $3))";

/// Of the orders that became the seller's to send in the window: how
/// many there were, and how many were cancelled through the seller's fault.
pub async fn cancellation_counts<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    window: Window,
) -> StoreResult<(i64, i64)> {
    let row: (i64, i64) = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'cancelled' AND seller_fault \
         THEN 1 ELSE 0 END), 0) FROM orders \
         WHERE seller_id = $1 AND ready_at >= $2 AND ready_at < $3")
        .bind(seller.to_string()).bind(window.from.unix_millis()).bind(window.to.unix_millis())
        .fetch_one(conn).await)?;
    Ok(row)
}

/// Of the orders sent in the window: how many, how many after their
/// ship-by deadline, and how many within `fast_secs` of becoming the
/// seller's.
pub async fn dispatch_counts<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    window: Window,
    fast_secs: i64,
) -> StoreResult<(i64, i64, i64)> {
    let sql = format!(
        "SELECT COUNT(*), \
         COALESCE(SUM(CASE WHEN {SENT_AT} > ship_by THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN {SENT_AT} - ready_at <= $4 THEN 1 ELSE 0 END), 0) \
         FROM orders WHERE seller_id = $1 AND {SENT_IN_WINDOW}"
    );
    let row: (i64, i64, i64) = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(seller.to_string()).bind(window.from.unix_millis()).bind(window.to.unix_millis())
        .bind(fast_secs * 1000)
        .fetch_one(conn).await)?;
    Ok(row)
}

/// Which orders a metric counts against the seller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offence {
    /// Cancelled through the seller's fault.
    Cancelled,
    /// Sent after ship-by.
    Late,
    /// Sent more than the fast-dispatch time after becoming the seller's.
    Slow { fast_secs: i64 },
}

/// An order that hurt a metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offender {
    pub id: OrderId,
    /// When it was cancelled or sent.
    pub at: Timestamp,
    /// The deadline it missed (ship-by), or when it became the seller's.
    pub reference: Option<Timestamp>,
    /// The cancel reason, for a cancellation.
    pub reason: Option<String>,
}

/// The latest `limit` orders of the window that count against the seller
/// for `offence`.
pub async fn offenders<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    window: Window,
    offence: Offence,
    limit: i64,
) -> StoreResult<Vec<Offender>> {
    let (sql, extra) = match offence {
        Offence::Cancelled => (
            "SELECT id, cancelled_at, ship_by, cancel_reason FROM orders \
             WHERE seller_id = $1 AND ready_at >= $2 AND ready_at < $3 \
             AND status = 'cancelled' AND seller_fault \
             ORDER BY cancelled_at DESC, id LIMIT $4"
                .to_owned(),
            None,
        ),
        Offence::Late => (
            format!(
                "SELECT id, {SENT_AT}, ship_by, NULL FROM orders \
                 WHERE seller_id = $1 AND {SENT_IN_WINDOW} AND {SENT_AT} > ship_by \
                 ORDER BY 2 DESC, id LIMIT $4"
            ),
            None,
        ),
        Offence::Slow { fast_secs } => (
            format!(
                "SELECT id, {SENT_AT}, ready_at, NULL FROM orders \
                 WHERE seller_id = $1 AND {SENT_IN_WINDOW} AND {SENT_AT} - ready_at > $5 \
                 ORDER BY 2 DESC, id LIMIT $4"
            ),
            Some(fast_secs * 1000),
        ),
    };
    type Row = (String, Option<i64>, Option<i64>, Option<String>);
    let rows: Vec<Row> = on_reader!(reader.into(), conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(seller.to_string()).bind(window.from.unix_millis())
            .bind(window.to.unix_millis()).bind(limit);
        if let Some(ms) = extra {
            q = q.bind(ms);
        }
        q.fetch_all(conn).await
    })?;
    rows.into_iter()
        .map(|(id, at, reference, reason)| {
            Ok(Offender {
                id: id.parse().map_err(corrupt)?,
                at: Timestamp::from_unix_millis(at.unwrap_or_default()),
                reference: reference.map(Timestamp::from_unix_millis),
                reason,
            })
        })
        .collect()
}

/// One shop's metrics as computed for a day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PerformanceDay {
    pub day: String,
    pub cancelled: i64,
    pub cancellable: i64,
    pub late: i64,
    pub sent_7d: i64,
    pub fast: i64,
    pub sent_30d: i64,
    pub rating: Option<i16>,
}

/// Records a shop's day once; false when it was recorded already.
pub async fn record_day(
    tx: &mut Tx,
    seller: SellerId,
    d: &PerformanceDay,
    now: Timestamp,
) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "INSERT INTO shop_performance_days (seller_id, day, cancelled, cancellable, late, \
         sent_7d, fast, sent_30d, rating, computed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING")
        .bind(seller.to_string()).bind(&d.day).bind(d.cancelled).bind(d.cancellable)
        .bind(d.late).bind(d.sent_7d).bind(d.fast).bind(d.sent_30d).bind(d.rating)
        .bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The shop's recorded days from `from_day` on, oldest first.
pub async fn days_since<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    from_day: &str,
) -> StoreResult<Vec<PerformanceDay>> {
    let rows = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT day, cancelled, cancellable, late, sent_7d, fast, sent_30d, rating \
         FROM shop_performance_days WHERE seller_id = $1 AND day >= $2 ORDER BY day")
        .bind(seller.to_string()).bind(from_day).fetch_all(conn).await)?;
    Ok(rows)
}

/// Up to `limit` approved shops without a record for `day`.
pub async fn shops_without_day<'a>(
    reader: impl Into<Reader<'a>>,
    day: &str,
    limit: i64,
) -> StoreResult<Vec<SellerId>> {
    let rows: Vec<String> = on_reader!(reader.into(), conn => sqlx::query_scalar(
        "SELECT s.id FROM sellers s WHERE s.status = 'approved' AND NOT EXISTS \
         (SELECT 1 FROM shop_performance_days p WHERE p.seller_id = s.id AND p.day = $1) \
         ORDER BY s.id LIMIT $2")
        .bind(day).bind(limit).fetch_all(conn).await)?;
    rows.into_iter()
        .map(|id| id.parse().map_err(corrupt))
        .collect()
}

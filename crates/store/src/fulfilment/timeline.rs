//! An order's timeline: what happened to it, when, and who did it. Buyers
//! see it on their order page, sellers on the order's detail.

use etalase_domain::Timestamp;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::OrderId;

use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub seq: i32,
    /// When it happened (a courier's report: the courier's own time).
    pub at: Timestamp,
    pub recorded_at: Timestamp,
    /// An order event's name, or `tracking.<kind>` for a courier's report.
    pub kind: String,
    /// The order's status after it.
    pub status: OrderStatus,
    /// A user or API key id, `system`, or `courier:<code>`.
    pub actor: String,
    pub detail: Option<String>,
}

/// One line of what happened, numbered after the order's last.
pub struct NewEntry<'a> {
    pub at: Timestamp,
    pub kind: &'a str,
    pub status: OrderStatus,
    pub actor: &'a str,
    pub detail: Option<&'a str>,
}

pub async fn append_entry(
    tx: &mut Tx,
    order: OrderId,
    entry: &NewEntry<'_>,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO order_events (order_id, seq, at, recorded_at, kind, status, actor, detail) \
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7 FROM order_events \
         WHERE order_id = $1")
        .bind(order.to_string()).bind(entry.at.unix_millis()).bind(now.unix_millis())
        .bind(entry.kind).bind(entry.status.as_str()).bind(entry.actor).bind(entry.detail)
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    seq: i32,
    at: i64,
    recorded_at: i64,
    kind: String,
    status: String,
    actor: String,
    detail: Option<String>,
}

/// The order's timeline in the order things happened (reports that came
/// late sit where they belong).
pub async fn timeline<'a>(
    reader: impl Into<Reader<'a>>,
    order: OrderId,
) -> StoreResult<Vec<TimelineEntry>> {
    let rows: Vec<EntryRow> = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT seq, at, recorded_at, kind, status, actor, detail FROM order_events \
         WHERE order_id = $1 ORDER BY at, seq")
        .bind(order.to_string()).fetch_all(conn).await)?;
    rows.into_iter()
        .map(|r| {
            Ok(TimelineEntry {
                seq: r.seq,
                at: Timestamp::from_unix_millis(r.at),
                recorded_at: Timestamp::from_unix_millis(r.recorded_at),
                kind: r.kind,
                status: OrderStatus::parse(&r.status).ok_or_else(|| corrupt(&r.status))?,
                actor: r.actor,
                detail: r.detail,
            })
        })
        .collect()
}

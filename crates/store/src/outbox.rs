//! The transactional outbox: an event is written in the same transaction as
//! the change it reports, so nothing is published that was not committed and
//! nothing committed is lost. Consumers read in `seq` order from a position.

use etalase_domain::Timestamp;
use etalase_domain::id::{EventId, SellerId};
use serde::Serialize;

use crate::pool::on_pool;
use crate::rows::{self, Cell};
use crate::{Store, StoreResult, Tx};

pub struct NewEvent<'a, P: Serialize> {
    pub topic: &'a str,
    pub aggregate_type: &'a str,
    pub aggregate_id: &'a str,
    pub seller_id: Option<SellerId>,
    pub payload: &'a P,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxEvent {
    pub seq: i64,
    pub event_id: String,
    pub topic: String,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub seller_id: Option<String>,
    pub payload: String,
    pub created_at: i64,
}

pub async fn append<P: Serialize>(
    tx: &mut Tx,
    event: NewEvent<'_, P>,
    now: Timestamp,
) -> StoreResult<EventId> {
    let id = EventId::generate();
    let row = row(id, &event, now)?;
    rows::append(tx, "outbox", COLUMNS, row).await?;
    tx.wrote_events = true;
    Ok(id)
}

const COLUMNS: &[&str] = &[
    "event_id",
    "topic",
    "aggregate_type",
    "aggregate_id",
    "seller_id",
    "payload",
    "created_at",
];

fn row<P: Serialize>(
    id: EventId,
    event: &NewEvent<'_, P>,
    now: Timestamp,
) -> StoreResult<Vec<Cell>> {
    let payload = serde_json::to_string(event.payload)
        .map_err(|e| crate::StoreError::Corrupt(format!("event payload: {e}")))?;
    Ok(vec![
        id.to_string().into(),
        event.topic.into(),
        event.aggregate_type.into(),
        event.aggregate_id.into(),
        event.seller_id.map(|s| s.to_string()).into(),
        payload.into(),
        now.unix_millis().into(),
    ])
}

/// Several events at once (bulk operations), in the order given.
pub async fn append_many<P: Serialize>(
    tx: &mut Tx,
    events: &[NewEvent<'_, P>],
    now: Timestamp,
) -> StoreResult<()> {
    let rows = events
        .iter()
        .map(|event| row(EventId::generate(), event, now))
        .collect::<StoreResult<Vec<_>>>()?;
    rows::insert(tx, "outbox", COLUMNS, &rows).await?;
    tx.wrote_events |= !events.is_empty();
    Ok(())
}

/// Events after `after_seq`, oldest first.
///
/// On SQLite the single writer makes `seq` order commit order. On PostgreSQL
/// a sequence number is taken at insert, so a transaction that started later
/// can commit first and leave a gap that fills in afterwards: a consumer must
/// not move its position past a gap that an in-flight transaction may still
/// fill (the projector of the sync handles this; see DESIGN.md §5).
pub async fn read_after(
    store: &Store,
    after_seq: i64,
    limit: i64,
) -> StoreResult<Vec<OutboxEvent>> {
    let rows = on_pool!(store, pool => sqlx::query_as(
        "SELECT seq, event_id, topic, aggregate_type, aggregate_id, seller_id, payload, created_at \
         FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2")
        .bind(after_seq).bind(limit).fetch_all(pool).await)?;
    Ok(rows)
}

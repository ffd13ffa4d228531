//! The sync's bookkeeping: per product, what the Shop shows and how its
//! last projection went; where each outbox consumer stands; recent lags;
//! events that could not be attributed to a product.

use std::collections::HashMap;

use etalase_domain::Timestamp;
use etalase_domain::id::{ProductId, SellerId};
use etalase_domain::listing::Visibility;

use crate::error::corrupt;
use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreResult, Tx};

/// How a product's last projection went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncOutcome {
    Synced,
    Failed,
}

impl SyncOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncOutcome::Synced => "synced",
            SyncOutcome::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<SyncOutcome> {
        [SyncOutcome::Synced, SyncOutcome::Failed]
            .into_iter()
            .find(|o| o.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncState {
    pub product_id: ProductId,
    pub seller_id: SellerId,
    pub outcome: SyncOutcome,
    /// The last outbox event applied to the product.
    pub synced_seq: i64,
    pub synced_version: Option<i32>,
    pub synced_at: Option<Timestamp>,
    pub lag_ms: Option<i64>,
    pub visibility: Option<Visibility>,
    /// The reasons, as JSON (the domain's `listing::Reason` list).
    pub reasons: String,
    pub listed_since: Option<Timestamp>,
    pub error: Option<String>,
    pub attempts: i32,
    pub next_retry_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct StateRow {
    product_id: String,
    seller_id: String,
    state: String,
    synced_seq: i64,
    synced_version: Option<i32>,
    synced_at: Option<i64>,
    lag_ms: Option<i64>,
    visibility: Option<String>,
    reasons: String,
    listed_since: Option<i64>,
    error: Option<String>,
    attempts: i32,
    next_retry_at: Option<i64>,
}

const STATE_COLUMNS: &str = "product_id, seller_id, state, synced_seq, synced_version, synced_at, \
    lag_ms, visibility, reasons, listed_since, error, attempts, next_retry_at";

impl TryFrom<StateRow> for SyncState {
    type Error = crate::StoreError;

    fn try_from(r: StateRow) -> StoreResult<SyncState> {
        let at = |v: Option<i64>| v.map(Timestamp::from_unix_millis);
        Ok(SyncState {
            product_id: r.product_id.parse().map_err(corrupt)?,
            seller_id: r.seller_id.parse().map_err(corrupt)?,
            outcome: SyncOutcome::parse(&r.state).ok_or_else(|| corrupt(&r.state))?,
            synced_seq: r.synced_seq,
            synced_version: r.synced_version,
            synced_at: at(r.synced_at),
            lag_ms: r.lag_ms,
            visibility: r
                .visibility
                .map(|v| Visibility::parse(&v).ok_or_else(|| corrupt(&v)))
                .transpose()?,
            reasons: r.reasons,
            listed_since: at(r.listed_since),
            error: r.error,
            attempts: r.attempts,
            next_retry_at: at(r.next_retry_at),
        })
    }
}

/// Writes a product's state after a projection (success or failure).
pub async fn put_state(tx: &mut Tx, s: &SyncState, now: Timestamp) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO sync_states ({STATE_COLUMNS}, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (product_id) DO UPDATE SET seller_id = excluded.seller_id, \
         state = excluded.state, synced_seq = excluded.synced_seq, \
         synced_version = excluded.synced_version, synced_at = excluded.synced_at, \
         lag_ms = excluded.lag_ms, visibility = excluded.visibility, reasons = excluded.reasons, \
         listed_since = excluded.listed_since, error = excluded.error, attempts = excluded.attempts, \
         next_retry_at = excluded.next_retry_at, updated_at = excluded.updated_at"
    );
    let ms = |t: Option<Timestamp>| t.map(|t| t.unix_millis());
    on_tx!(tx, conn => sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(s.product_id.to_string()).bind(s.seller_id.to_string()).bind(s.outcome.as_str())
        .bind(s.synced_seq).bind(s.synced_version).bind(ms(s.synced_at)).bind(s.lag_ms)
        .bind(s.visibility.map(Visibility::as_str)).bind(&s.reasons).bind(ms(s.listed_since))
        .bind(s.error.as_deref()).bind(s.attempts).bind(ms(s.next_retry_at))
        .bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn state_in_tx(tx: &mut Tx, product: ProductId) -> StoreResult<Option<SyncState>> {
    let sql = format!("SELECT {STATE_COLUMNS} FROM sync_states WHERE product_id = $1");
    let row: Option<StateRow> = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(product.to_string()).fetch_optional(conn).await)?;
    row.map(TryInto::try_into).transpose()
}

/// The states of some of a seller's products.
pub async fn states_of(
    store: &Store,
    seller: SellerId,
    products: &[ProductId],
) -> StoreResult<HashMap<ProductId, SyncState>> {
    if products.is_empty() {
        return Ok(HashMap::new());
    }
    // By product id only (the primary key): with the shop in the condition
    // too, SQLite may walk the shop's index over every one of its products.
    let marks: Vec<String> = (0..products.len()).map(|i| format!("${}", i + 1)).collect();
    let sql = format!(
        "SELECT {STATE_COLUMNS} FROM sync_states WHERE product_id IN ({})",
        marks.join(", ")
    );
    let rows: Vec<StateRow> = on_pool!(store, pool => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for p in products {
            q = q.bind(p.to_string());
        }
        q.fetch_all(pool).await
    })?;
    let mut found = HashMap::new();
    for row in rows {
        let state = SyncState::try_from(row)?;
        if state.seller_id == seller {
            found.insert(state.product_id, state);
        }
    }
    Ok(found)
}

/// The seq of the latest event that concerns each product: its own
/// changes, and its seller's (a suspension hides every product).
pub async fn latest_events(
    store: &Store,
    seller: SellerId,
    products: &[ProductId],
) -> StoreResult<HashMap<ProductId, i64>> {
    if products.is_empty() {
        return Ok(HashMap::new());
    }
    let seller_seq: Option<i64> = on_pool!(store, pool => sqlx::query_scalar(
        "SELECT MAX(seq) FROM outbox WHERE aggregate_type = 'seller' AND aggregate_id = $1")
        .bind(seller.to_string()).fetch_one(pool).await)?;
    let marks: Vec<String> = (0..products.len()).map(|i| format!("${}", i + 1)).collect();
    let sql = format!(
        "SELECT aggregate_id, MAX(seq) FROM outbox WHERE aggregate_type = 'product' \
         AND aggregate_id IN ({}) GROUP BY aggregate_id",
        marks.join(", ")
    );
    let rows: Vec<(String, i64)> = on_pool!(store, pool => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for p in products {
            q = q.bind(p.to_string());
        }
        q.fetch_all(pool).await
    })?;
    let mut latest = HashMap::new();
    for (id, seq) in rows {
        latest.insert(id.parse().map_err(corrupt)?, seq);
    }
    if let Some(s) = seller_seq {
        for p in products {
            let e = latest.entry(*p).or_insert(s);
            *e = (*e).max(s);
        }
    }
    Ok(latest)
}

/// A failed product, its last applied event, and the latest events of it
/// and of its shop.
type RetryRow = (String, String, i64, Option<i64>, Option<i64>);

/// Failed products whose next attempt is due, each with the latest event
/// that concerns it (its own, or its seller's).
pub async fn due_retries(
    store: &Store,
    now: Timestamp,
    limit: i64,
) -> StoreResult<Vec<(ProductId, SellerId, i64)>> {
    let rows: Vec<RetryRow> = on_pool!(store, pool => sqlx::query_as(
        "SELECT s.product_id, s.seller_id, s.synced_seq, \
         (SELECT MAX(o.seq) FROM outbox o WHERE o.aggregate_type = 'product' AND o.aggregate_id = s.product_id), \
         (SELECT MAX(o.seq) FROM outbox o WHERE o.aggregate_type = 'seller' AND o.aggregate_id = s.seller_id) \
         FROM sync_states s WHERE s.state = 'failed' AND s.next_retry_at <= $1 \
         ORDER BY s.next_retry_at LIMIT $2")
        .bind(now.unix_millis()).bind(limit).fetch_all(pool).await)?;
    rows.into_iter()
        .map(|(p, s, synced, own, shop)| {
            let seq = synced.max(own.unwrap_or(0)).max(shop.unwrap_or(0));
            Ok((
                p.parse().map_err(corrupt)?,
                s.parse().map_err(corrupt)?,
                seq,
            ))
        })
        .collect()
}

/// Marks these products' states as changed at `now` without changing
/// them: their listing changed outside a projection (the ranking pass
/// moved its score), and processes following the states (see
/// [`changed_since`]) must read it again.
pub async fn touch_states(tx: &mut Tx, products: &[ProductId], now: Timestamp) -> StoreResult<()> {
    for chunk in products.chunks(500) {
        let sql = format!(
            "UPDATE sync_states SET updated_at = $1 WHERE product_id IN ({})",
            crate::pricing::placeholders(2, chunk.len())
        );
        on_tx!(tx, conn => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(now.unix_millis());
            for product in chunk {
                q = q.bind(product.to_string());
            }
            q.execute(conn).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Products whose sync state changed after `since` (milliseconds), oldest
/// change first: `(product, shop, when)`.
pub async fn changed_since(
    store: &Store,
    since: i64,
    limit: i64,
) -> StoreResult<Vec<(ProductId, SellerId, i64)>> {
    let rows: Vec<(String, String, i64)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT product_id, seller_id, updated_at FROM sync_states WHERE updated_at > $1 \
         ORDER BY updated_at LIMIT $2")
        .bind(since).bind(limit).fetch_all(pool).await)?;
    rows.into_iter()
        .map(|(p, s, at)| Ok((p.parse().map_err(corrupt)?, s.parse().map_err(corrupt)?, at)))
        .collect()
}

/// Failed products, the latest first (one seller's, or all).
pub async fn failures(
    store: &Store,
    seller: Option<SellerId>,
    limit: i64,
) -> StoreResult<Vec<SyncState>> {
    let sql = format!(
        "SELECT {STATE_COLUMNS} FROM sync_states WHERE state = 'failed' \
         AND ($1 = '' OR seller_id = $1) ORDER BY updated_at DESC LIMIT $2"
    );
    let rows: Vec<StateRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(seller.map(|s| s.to_string()).unwrap_or_default()).bind(limit)
        .fetch_all(pool).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

pub async fn count_by_outcome(
    store: &Store,
    seller: Option<SellerId>,
) -> StoreResult<HashMap<&'static str, i64>> {
    let rows: Vec<(String, i64)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT state, COUNT(*) FROM sync_states WHERE ($1 = '' OR seller_id = $1) GROUP BY state")
        .bind(seller.map(|s| s.to_string()).unwrap_or_default()).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .filter_map(|(state, n)| SyncOutcome::parse(&state).map(|o| (o.as_str(), n)))
        .collect())
}

/// Where a consumer stands in the outbox (0: at the start).
pub async fn position(store: &Store, consumer: &str) -> StoreResult<i64> {
    let seq: Option<i64> = on_pool!(store, pool => sqlx::query_scalar(
        "SELECT seq FROM sync_positions WHERE consumer = $1")
        .bind(consumer).fetch_optional(pool).await)?;
    Ok(seq.unwrap_or(0))
}

pub async fn set_position(
    tx: &mut Tx,
    consumer: &str,
    seq: i64,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO sync_positions (consumer, seq, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (consumer) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at")
        .bind(consumer).bind(seq).bind(now.unix_millis()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// The newest event's seq (0 when there is none).
pub async fn head(store: &Store) -> StoreResult<i64> {
    let seq: Option<i64> = on_pool!(store, pool => sqlx::query_scalar("SELECT MAX(seq) FROM outbox")
        .fetch_one(pool).await)?;
    Ok(seq.unwrap_or(0))
}

/// Events after `seq` (the backlog of a consumer standing there).
pub async fn count_after(store: &Store, seq: i64) -> StoreResult<i64> {
    let n: i64 = on_pool!(store, pool => sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE seq > $1")
        .bind(seq).fetch_one(pool).await)?;
    Ok(n)
}

/// Records commit-to-Shop lags.
pub async fn add_lags(tx: &mut Tx, samples: &[(SellerId, i64)], now: Timestamp) -> StoreResult<()> {
    use crate::rows::{self, Cell};
    if samples.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<Cell>> = samples
        .iter()
        .map(|(seller, lag)| {
            vec![
                now.unix_millis().into(),
                seller.to_string().into(),
                (*lag).into(),
            ]
        })
        .collect();
    rows::insert(
        tx,
        "sync_lag_samples",
        &["at", "seller_id", "lag_ms"],
        &rows,
    )
    .await
}

/// Forgets the lags recorded before `before`.
pub async fn forget_lags(tx: &mut Tx, before: Timestamp) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM sync_lag_samples WHERE at < $1")
        .bind(before.unix_millis()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Lags recorded since `since` (one seller's, or all), smallest first.
pub async fn lags_since(
    store: &Store,
    seller: Option<SellerId>,
    since: Timestamp,
) -> StoreResult<Vec<i64>> {
    let lags: Vec<i64> = on_pool!(store, pool => sqlx::query_scalar(
        "SELECT lag_ms FROM sync_lag_samples WHERE at >= $1 AND ($2 = '' OR seller_id = $2) \
         ORDER BY lag_ms")
        .bind(since.unix_millis()).bind(seller.map(|s| s.to_string()).unwrap_or_default())
        .fetch_all(pool).await)?;
    Ok(lags)
}

/// Keeps an event no product could be found for.
pub async fn dead_event(
    tx: &mut Tx,
    seq: i64,
    topic: &str,
    error: &str,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO sync_dead_events (seq, topic, error, at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (seq) DO NOTHING")
        .bind(seq).bind(topic).bind(error).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn dead_events(store: &Store) -> StoreResult<i64> {
    let n: i64 = on_pool!(store, pool => sqlx::query_scalar("SELECT COUNT(*) FROM sync_dead_events")
        .fetch_one(pool).await)?;
    Ok(n)
}

/// Every product of a seller (any status): a seller's event concerns them all.
pub async fn products_of(store: &Store, seller: SellerId) -> StoreResult<Vec<ProductId>> {
    let ids: Vec<String> = on_pool!(store, pool => sqlx::query_scalar(
        "SELECT id FROM products WHERE seller_id = $1 ORDER BY id")
        .bind(seller.to_string()).fetch_all(pool).await)?;
    ids.into_iter()
        .map(|i| i.parse().map_err(corrupt))
        .collect()
}

/// The shop a product belongs to, read without the rest of its row (which
/// may be what failed to read).
pub async fn seller_of(tx: &mut Tx, product: ProductId) -> StoreResult<Option<SellerId>> {
    let id: Option<String> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT seller_id FROM products WHERE id = $1")
        .bind(product.to_string()).fetch_optional(conn).await)?;
    id.map(|i| i.parse().map_err(corrupt)).transpose()
}

/// Forgets the whole read model (a rebuild from scratch).
pub async fn clear_listings(tx: &mut Tx) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM shop_listings").execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// A page of all products, by id (a rebuild walks them).
pub async fn product_page(
    store: &Store,
    after: Option<ProductId>,
    limit: i64,
) -> StoreResult<Vec<ProductId>> {
    let ids: Vec<String> = on_pool!(store, pool => sqlx::query_scalar(
        "SELECT id FROM products WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(after.map(|a| a.to_string()).unwrap_or_default()).bind(limit)
        .fetch_all(pool).await)?;
    ids.into_iter()
        .map(|i| i.parse().map_err(corrupt))
        .collect()
}

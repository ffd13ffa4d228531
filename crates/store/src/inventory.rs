//! Stock per SKU and its ledger (migration `0005_catalog.sql`). A change
//! is one conditional update — the level never goes below zero, whatever
//! runs at the same time — and one ledger row, in the caller's transaction;
//! in a batch's transaction, a check against the level it holds locked and
//! one update per SKU for the whole batch.

use etalase_domain::Timestamp;
use etalase_domain::audit::Actor;
use etalase_domain::id::{ProductId, SellerId, SkuId, StockMoveId};

use crate::error::corrupt;
use crate::pool::{on_pool, on_tx};
use crate::stock_level::{MAX_LEVEL, move_level};
use crate::{Store, StoreResult, Tx};

/// Why stock changed (the ledger's `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StockReason {
    /// The level a new SKU starts with.
    Initial,
    Manual,
    BulkEdit,
    Import,
    Api,
    OrderReserved,
    OrderReleased,
    ReturnRestock,
    /// The SKU left its product's matrix with units left.
    SkuRemoved,
}

impl StockReason {
    pub const ALL: [StockReason; 9] = [
        StockReason::Initial,
        StockReason::Manual,
        StockReason::BulkEdit,
        StockReason::Import,
        StockReason::Api,
        StockReason::OrderReserved,
        StockReason::OrderReleased,
        StockReason::ReturnRestock,
        StockReason::SkuRemoved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StockReason::Initial => "initial",
            StockReason::Manual => "manual",
            StockReason::BulkEdit => "bulk_edit",
            StockReason::Import => "import",
            StockReason::Api => "api",
            StockReason::OrderReserved => "order_reserved",
            StockReason::OrderReleased => "order_released",
            StockReason::ReturnRestock => "return_restock",
            StockReason::SkuRemoved => "sku_removed",
        }
    }

    pub fn parse(text: &str) -> Option<StockReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// One change to record.
#[derive(Clone, Copy)]
pub struct StockChange<'a> {
    pub sku: SkuId,
    pub delta: i64,
    pub reason: StockReason,
    pub note: Option<&'a str>,
    pub actor: Actor,
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockOutcome {
    Changed {
        level: i64,
        move_id: StockMoveId,
    },
    /// The change would take the level below zero (or past the maximum);
    /// nothing was written. `level` is the level now.
    Refused {
        level: i64,
    },
}

/// The columns of a stock move, as written.
const LEDGER_COLUMNS: &[&str] = &[
    "id",
    "seller_id",
    "sku_id",
    "delta",
    "level_after",
    "reason",
    "note",
    "actor",
    "created_at",
];

/// Applies `delta` if the level stays within 0–999,999, and writes the
/// ledger row. A zero delta writes nothing. In a batch's transaction (one
/// that collects its rows) the level is held in memory and written once
/// per SKU with the batch's rows (`Tx::write_appends`).
pub async fn change_stock(
    tx: &mut Tx,
    seller: SellerId,
    change: &StockChange<'_>,
    now: Timestamp,
) -> StoreResult<StockOutcome> {
    let level = if tx.appends.collecting() {
        match hold_stock(tx, seller, change, now).await? {
            Ok(level) => level,
            Err(refused) => return Ok(refused),
        }
    } else {
        let (seller_id, sku_id) = (seller.to_string(), change.sku.to_string());
        let level = move_level(tx, (&seller_id, &sku_id), change.delta, now).await?;
        let Some(level) = level else {
            let current: i64 = on_tx!(tx, conn => sqlx::query_scalar(
                "SELECT stock FROM skus WHERE id = $1 AND seller_id = $2")
                .bind(change.sku.to_string()).bind(seller.to_string()).fetch_one(conn).await)?;
            return Ok(StockOutcome::Refused { level: current });
        };
        level
    };
    let move_id = StockMoveId::generate();
    if change.delta != 0 {
        let row = vec![
            move_id.to_string().into(),
            seller.to_string().into(),
            change.sku.to_string().into(),
            change.delta.into(),
            level.into(),
            change.reason.as_str().into(),
            change.note.map(str::to_owned).into(),
            change.actor.as_text().into(),
            now.unix_millis().into(),
        ];
        crate::rows::append(tx, "stock_ledger", LEDGER_COLUMNS, row).await?;
    }
    Ok(StockOutcome::Changed { level, move_id })
}

/// A change in a batch: checked against the level the transaction holds
/// (read, and locked on PostgreSQL, the first time): the new level, or the
/// refusal.
async fn hold_stock(
    tx: &mut Tx,
    seller: SellerId,
    change: &StockChange<'_>,
    now: Timestamp,
) -> StoreResult<Result<i64, StockOutcome>> {
    let key = (seller.to_string(), change.sku.to_string());
    let level = match tx.stock.level(&key) {
        Some(level) => level,
        None => {
            let sql = format!(
                "SELECT stock FROM skus WHERE id = $1 AND seller_id = $2{}",
                tx.lock_clause()
            );
            let level: i64 = on_tx!(tx, conn => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
                .bind(&key.1).bind(&key.0).fetch_one(conn).await)?;
            tx.stock.read(key.clone(), level, now);
            level
        }
    };
    let after = level + change.delta;
    if !(0..=MAX_LEVEL).contains(&after) {
        return Ok(Err(StockOutcome::Refused { level }));
    }
    tx.stock.moved(&key, change.delta, now);
    Ok(Ok(after))
}

/// Sets the level to `level` (recorded as the difference): `change.delta`
/// is ignored.
pub async fn set_stock(
    tx: &mut Tx,
    seller: SellerId,
    level: i64,
    change: &StockChange<'_>,
    now: Timestamp,
) -> StoreResult<StockOutcome> {
    let current: i64 = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT stock FROM skus WHERE id = $1 AND seller_id = $2")
        .bind(change.sku.to_string()).bind(seller.to_string()).fetch_one(conn).await)?;
    let change = StockChange {
        delta: level - current,
        ..*change
    };
    change_stock(tx, seller, &change, now).await
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLine {
    pub id: StockMoveId,
    pub sku_id: SkuId,
    pub delta: i64,
    pub level_after: i64,
    pub reason: StockReason,
    pub note: Option<String>,
    pub actor: Option<Actor>,
    pub created_at: Timestamp,
}

type LedgerRow = (
    String,
    String,
    i64,
    i64,
    String,
    Option<String>,
    String,
    i64,
);

fn line(r: LedgerRow) -> StoreResult<LedgerLine> {
    Ok(LedgerLine {
        id: r.0.parse().map_err(corrupt)?,
        sku_id: r.1.parse().map_err(corrupt)?,
        delta: r.2,
        level_after: r.3,
        reason: StockReason::parse(&r.4).ok_or_else(|| corrupt(&r.4))?,
        note: r.5,
        actor: Actor::parse_text(&r.6),
        created_at: Timestamp::from_unix_millis(r.7),
    })
}

/// A SKU's stock history, newest first.
pub async fn ledger(
    store: &Store,
    seller: SellerId,
    sku: SkuId,
    limit: i64,
) -> StoreResult<Vec<LedgerLine>> {
    let rows: Vec<LedgerRow> = on_pool!(store, pool => sqlx::query_as(
        "SELECT id, sku_id, delta, level_after, reason, note, actor, created_at FROM stock_ledger \
         WHERE sku_id = $1 AND seller_id = $2 ORDER BY seq DESC LIMIT $3")
        .bind(sku.to_string()).bind(seller.to_string()).bind(limit)
        .fetch_all(pool).await)?;
    rows.into_iter().map(line).collect()
}

/// A SKU at or under its low-stock threshold, for the alert list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowStock {
    pub sku_id: SkuId,
    pub product_id: ProductId,
    pub product_title: String,
    pub combination: Vec<String>,
    pub code: Option<String>,
    pub stock: i64,
    pub threshold: i64,
}

pub async fn low_stock(store: &Store, seller: SellerId, limit: i64) -> StoreResult<Vec<LowStock>> {
    type Row = (String, String, String, String, Option<String>, i64, i32);
    let rows: Vec<Row> = on_pool!(store, pool => sqlx::query_as(
        "SELECT s.id, s.product_id, p.title, s.combination, s.code, s.stock, s.low_stock_threshold \
         FROM skus s JOIN products p ON p.id = s.product_id \
         WHERE s.seller_id = $1 AND s.removed_at IS NULL AND p.status <> 'deleted' \
           AND s.low_stock_threshold IS NOT NULL AND s.stock <= s.low_stock_threshold \
         ORDER BY s.stock, p.title LIMIT $2")
        .bind(seller.to_string()).bind(limit).fetch_all(pool).await)?;
    rows.into_iter()
        .map(|r| {
            Ok(LowStock {
                sku_id: r.0.parse().map_err(corrupt)?,
                product_id: r.1.parse().map_err(corrupt)?,
                product_title: r.2,
                combination: serde_json::from_str(&r.3).map_err(corrupt)?,
                code: r.4,
                stock: r.5,
                threshold: i64::from(r.6),
            })
        })
        .collect()
}

pub async fn set_low_stock_threshold(
    tx: &mut Tx,
    seller: SellerId,
    sku: SkuId,
    threshold: Option<i32>,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE skus SET low_stock_threshold = $3 WHERE id = $1 AND seller_id = $2")
        .bind(sku.to_string()).bind(seller.to_string()).bind(threshold)
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Records the starting levels of new SKUs (inserted with that stock) in
/// one statement; zero levels need no line.
pub async fn record_starting(
    tx: &mut Tx,
    seller: SellerId,
    levels: &[(SkuId, i64)],
    reason: StockReason,
    actor: Actor,
    now: Timestamp,
) -> StoreResult<()> {
    use crate::rows::{self, Cell};
    let rows: Vec<Vec<Cell>> = levels
        .iter()
        .filter(|(_, level)| *level > 0)
        .map(|(sku, level)| {
            vec![
                StockMoveId::generate().to_string().into(),
                seller.to_string().into(),
                sku.to_string().into(),
                (*level).into(),
                (*level).into(),
                reason.as_str().into(),
                Cell::Text(None),
                actor.as_text().into(),
                now.unix_millis().into(),
            ]
        })
        .collect();
    rows::insert(tx, "stock_ledger", LEDGER_COLUMNS, &rows).await
}

//! Attribution events (migration `0018_attribution.sql`): appended in
//! batches, never changed.

use etalase_domain::Timestamp;
use etalase_domain::attribution::{AttributionEvent, EventKind};
use etalase_domain::checkout::Source;

use crate::pool::{on_pool, on_tx};
use crate::rows::value_rows;
use crate::{Store, StoreResult, Tx};

/// Rows per statement: 12 values each, well under SQLite's and
/// PostgreSQL's limits on bound values, and few statements per batch (a
/// busy feed page records thousands of impressions a second).
const ROWS_PER_STATEMENT: usize = 500;

/// Appends events, all at `at`.
pub async fn append(tx: &mut Tx, events: &[AttributionEvent], at: Timestamp) -> StoreResult<()> {
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let rows = value_rows(tx.backend(), chunk.len(), &[""; 12]);
        let sql = format!(
            "INSERT INTO attribution_events (at, kind, source, source_ref, seller_id, product_id, \
             sku_id, buyer_id, visitor, order_id, quantity, amount) VALUES {rows}"
        );
        on_tx!(tx, conn => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for e in chunk {
                q = q.bind(at.unix_millis()).bind(e.kind.as_str()).bind(e.source.kind())
                    .bind(e.source.reference())
                    .bind(e.seller.map(|s| s.to_string())).bind(e.product.map(|p| p.to_string()))
                    .bind(e.sku.map(|s| s.to_string())).bind(e.buyer.map(|b| b.to_string()))
                    .bind(e.visitor.clone()).bind(e.order.map(|o| o.to_string()))
                    .bind(e.quantity).bind(e.amount);
            }
            q.execute(conn).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// How many events of `kind` a source has, with their quantity and amount.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub events: i64,
    pub quantity: i64,
    pub amount: i64,
}

pub async fn tally(store: &Store, source: Source, kind: EventKind) -> StoreResult<Tally> {
    let (events, quantity, amount): (i64, Option<i64>, Option<i64>) = on_pool!(store, pool => sqlx::query_as(
        "SELECT COUNT(*), CAST(SUM(quantity) AS BIGINT), CAST(SUM(amount) AS BIGINT) \
         FROM attribution_events \
         WHERE source = $1 AND COALESCE(source_ref, '') = $2 AND kind = $3")
        .bind(source.kind()).bind(source.reference().unwrap_or_default()).bind(kind.as_str())
        .fetch_one(pool).await)?;
    Ok(Tally {
        events,
        quantity: quantity.unwrap_or_default(),
        amount: amount.unwrap_or_default(),
    })
}

//! The ranking pass's reads and writes (migration `0028_ranking.sql`):
//! the buyers' signals of the listed products counted over a window,
//! kept in `product_signals` for the projector, and the listings' rank
//! scores moved where they changed.

use std::collections::HashMap;

use etalase_domain::Timestamp;
use etalase_domain::attribution::EventKind;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::ProductId;
use etalase_domain::ranking::Signals;

use crate::error::corrupt;
use crate::pool::{Reader, on_pool, on_reader, on_tx};
use crate::pricing::placeholders;
use crate::rows::value_rows;
use crate::{Store, StoreResult, Tx};

/// Rows one multi-row statement carries (four binds each: well under
/// both backends' limits).
const ROWS_PER_STATEMENT: usize = 400;

/// The signals of every listed product that has any, counted since
/// `since`: orders that are a sale (paid, or placed with COD) and not
/// cancelled, and product page openings (from a feed, search or a video's
/// tag alike).
pub async fn count_signals(
    store: &Store,
    since: Timestamp,
) -> StoreResult<HashMap<ProductId, Signals>> {
    let sold: Vec<&str> = OrderStatus::ALL
        .into_iter()
        .filter(|s| s.counts_as_sold())
        .map(OrderStatus::as_str)
        .collect();
    let orders_sql = format!(
        "SELECT l.product_id, COUNT(DISTINCT o.id) FROM orders o \
         JOIN order_lines l ON l.order_id = o.id \
         JOIN shop_listings s ON s.product_id = l.product_id \
         WHERE o.placed_at >= $1 AND o.status IN ({}) GROUP BY l.product_id",
        placeholders(2, sold.len())
    );
    let orders: Vec<(String, i64)> = on_pool!(store, pool => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(orders_sql.clone())).bind(since.unix_millis());
        for status in &sold {
            q = q.bind(*status);
        }
        q.fetch_all(pool).await
    })?;
    let views: Vec<(String, i64)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT a.product_id, COUNT(*) FROM attribution_events a \
         JOIN shop_listings s ON s.product_id = a.product_id \
         WHERE a.kind IN ($1, $2) AND a.at >= $3 GROUP BY a.product_id")
        .bind(EventKind::ProductView.as_str()).bind(EventKind::TagClick.as_str())
        .bind(since.unix_millis()).fetch_all(pool).await)?;
    let mut signals: HashMap<ProductId, Signals> = HashMap::new();
    for (product, n) in orders {
        signals
            .entry(product.parse().map_err(corrupt)?)
            .or_default()
            .orders = n;
    }
    for (product, n) in views {
        signals
            .entry(product.parse().map_err(corrupt)?)
            .or_default()
            .views = n;
    }
    Ok(signals)
}

/// Every product's kept signals.
pub async fn kept_signals(store: &Store) -> StoreResult<HashMap<ProductId, Signals>> {
    let rows: Vec<(String, i64, i64)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT product_id, orders, views FROM product_signals")
        .fetch_all(pool).await)?;
    rows.into_iter()
        .map(|(product, orders, views)| {
            Ok((product.parse().map_err(corrupt)?, Signals { orders, views }))
        })
        .collect()
}

/// Moves the kept signals from `kept` (as read) to `counted`: products
/// whose signals changed are written, products no longer counted lose
/// theirs; the rest is not touched.
pub async fn put_signals(
    tx: &mut Tx,
    kept: &HashMap<ProductId, Signals>,
    counted: &HashMap<ProductId, Signals>,
    now: Timestamp,
) -> StoreResult<()> {
    let gone: Vec<String> = kept
        .keys()
        .filter(|p| !counted.contains_key(p))
        .map(ToString::to_string)
        .collect();
    for chunk in gone.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "DELETE FROM product_signals WHERE product_id IN ({})",
            placeholders(1, chunk.len())
        );
        on_tx!(tx, conn => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for product in chunk {
                q = q.bind(product);
            }
            q.execute(conn).await.map(|_| ())
        })?;
    }
    let changed: Vec<(String, Signals)> = counted
        .iter()
        .filter(|(p, s)| kept.get(p) != Some(s))
        .map(|(p, s)| (p.to_string(), *s))
        .collect();
    for chunk in changed.chunks(ROWS_PER_STATEMENT) {
        let values = value_rows(tx.backend(), chunk.len(), &["", "", "", ""]);
        let sql = format!(
            "INSERT INTO product_signals (product_id, orders, views, counted_at) VALUES {values} \
             ON CONFLICT (product_id) DO UPDATE SET orders = excluded.orders, \
             views = excluded.views, counted_at = excluded.counted_at"
        );
        on_tx!(tx, conn => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (product, s) in chunk {
                q = q.bind(product).bind(s.orders).bind(s.views).bind(now.unix_millis());
            }
            q.execute(conn).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// The signals last counted for a product (none: zeros).
pub async fn signals_of<'a>(
    reader: impl Into<Reader<'a>>,
    product: ProductId,
) -> StoreResult<Signals> {
    let row: Option<(i64, i64)> = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT orders, views FROM product_signals WHERE product_id = $1")
        .bind(product.to_string()).fetch_optional(conn).await)?;
    Ok(
        row.map_or_else(Signals::default, |(orders, views)| Signals {
            orders,
            views,
        }),
    )
}

/// What the pass scores a listing by, and its score now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scored {
    pub product: ProductId,
    pub quality: i32,
    pub published_at: Timestamp,
    pub rank_score: i64,
}

/// Every listing's scoring facts (a few numbers per listing, no documents).
pub async fn scored_listings(store: &Store) -> StoreResult<Vec<Scored>> {
    let rows: Vec<(String, i32, i64, i64)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT product_id, quality_score, product_published_at, rank_score FROM shop_listings")
        .fetch_all(pool).await)?;
    rows.into_iter()
        .map(|(product, quality, published, score)| {
            Ok(Scored {
                product: product.parse().map_err(corrupt)?,
                quality,
                published_at: Timestamp::from_unix_millis(published),
                rank_score: score,
            })
        })
        .collect()
}

/// Moves these listings' rank scores, each only while the listing still
/// has the quality and publication it was scored by (a listing the
/// projector rewrote meanwhile keeps the score the projector gave it; a
/// listing gone is left gone).
pub async fn set_rank_scores(tx: &mut Tx, scores: &[(Scored, i64)]) -> StoreResult<()> {
    for chunk in scores.chunks(ROWS_PER_STATEMENT) {
        let rows = value_rows(
            tx.backend(),
            chunk.len(),
            &["", "BIGINT", "INTEGER", "BIGINT"],
        );
        // VALUES names its columns column1, column2… on both backends.
        let sql = format!(
            "UPDATE shop_listings SET rank_score = v.column2 FROM (VALUES {rows}) AS v \
             WHERE shop_listings.product_id = v.column1 AND shop_listings.quality_score = v.column3 \
             AND shop_listings.product_published_at = v.column4"
        );
        on_tx!(tx, conn => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (scored, score) in chunk {
                q = q.bind(scored.product.to_string()).bind(*score)
                    .bind(scored.quality).bind(scored.published_at.unix_millis());
            }
            q.execute(conn).await.map(|_| ())
        })?;
    }
    Ok(())
}

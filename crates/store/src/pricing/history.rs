//! Every base price a SKU has had (rows written by triggers on `skus`,
//! migration 0011): for the 30-day rule and for disputes.

use etalase_domain::Timestamp;
use etalase_domain::id::{SellerId, SkuId};

use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreResult, Tx};

/// One base price and when it took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricePoint {
    pub price: i64,
    pub effective_at: Timestamp,
}

/// A SKU's base prices, newest first.
pub async fn price_history(
    store: &Store,
    seller: SellerId,
    sku: SkuId,
    limit: i64,
) -> StoreResult<Vec<PricePoint>> {
    let rows: Vec<(i64, i64)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT price, effective_at FROM price_history WHERE sku_id = $1 AND seller_id = $2 \
         ORDER BY effective_at DESC, id DESC LIMIT $3")
        .bind(sku.to_string()).bind(seller.to_string()).bind(limit).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(price, at)| PricePoint {
            price,
            effective_at: Timestamp::from_unix_millis(at),
        })
        .collect())
}

/// The lowest base price in force at any moment since `since` (the price
/// in force at `since` included).
pub async fn lowest_base_since(
    tx: &mut Tx,
    sku: SkuId,
    since: Timestamp,
) -> StoreResult<Option<i64>> {
    let lowest: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT MIN(price) FROM price_history WHERE sku_id = $1 AND (effective_at >= $2 OR id = \
           (SELECT id FROM price_history WHERE sku_id = $1 AND effective_at < $2 \
            ORDER BY effective_at DESC, id DESC LIMIT 1))")
        .bind(sku.to_string()).bind(since.unix_millis()).fetch_one(conn).await)?;
    Ok(lowest)
}

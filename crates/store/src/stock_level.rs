//! A SKU's stock level, moved in one guarded statement that never takes it
//! out of 0–[`MAX_LEVEL`]: by a stock change run alone, and by a batch
//! writing the levels it held.

use etalase_domain::Timestamp;

use crate::pool::on_tx;
use crate::{StoreResult, Tx};

/// The most units a SKU holds.
pub(crate) const MAX_LEVEL: i64 = 999_999;

/// Moves a SKU's level by `delta` unless it would leave 0–[`MAX_LEVEL`], in
/// one guarded statement: the level after, or `None` when refused (or
/// when `seller` has no such SKU). A change run alone and a batch writing
/// the level it held both go through here.
pub(crate) async fn move_level(
    tx: &mut Tx,
    (seller, sku): (&str, &str),
    delta: i64,
    at: Timestamp,
) -> StoreResult<Option<i64>> {
    let level = on_tx!(tx, conn => sqlx::query_scalar(
        "UPDATE skus SET stock = stock + $3, updated_at = $4 \
         WHERE id = $1 AND seller_id = $2 AND stock + $3 >= 0 AND stock + $3 <= $5 \
         RETURNING stock")
        .bind(sku).bind(seller).bind(delta).bind(at.unix_millis()).bind(MAX_LEVEL)
        .fetch_optional(conn).await)?;
    Ok(level)
}

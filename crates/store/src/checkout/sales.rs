//! Units sold per product (migration `0026_units_sold.sql`): moved by the
//! transactions that make an order a sale (placed with COD, paid) or cancel
//! one, and read by the projector into the Shop's listing.

use etalase_domain::Timestamp;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::{ProductId, SellerId};

use crate::pool::{Reader, on_reader, on_tx};
use crate::pricing::placeholders;
use crate::{StoreResult, Tx};

/// Adds `units` (negative: takes them off, never below zero) to what each
/// product sold.
pub async fn add_units_sold(
    tx: &mut Tx,
    changes: &[(ProductId, i64)],
    now: Timestamp,
) -> StoreResult<()> {
    for (product, units) in changes.iter().filter(|(_, u)| *u != 0) {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO product_sales (product_id, units, updated_at) \
             VALUES ($1, CASE WHEN $2 < 0 THEN 0 ELSE $2 END, $3) \
             ON CONFLICT (product_id) DO UPDATE SET updated_at = excluded.updated_at, \
             units = CASE WHEN product_sales.units + $2 < 0 THEN 0 ELSE product_sales.units + $2 END")
            .bind(product.to_string()).bind(*units).bind(now.unix_millis())
            .execute(conn).await.map(|_| ()))?;
    }
    Ok(())
}

/// The units a product sold.
pub async fn units_sold<'a>(reader: impl Into<Reader<'a>>, product: ProductId) -> StoreResult<i64> {
    let units: Option<i64> = on_reader!(reader.into(), conn => sqlx::query_scalar(
        "SELECT units FROM product_sales WHERE product_id = $1")
        .bind(product.to_string()).fetch_optional(conn).await)?;
    Ok(units.unwrap_or(0))
}

/// Counts a shop's units sold again from its orders (after orders were
/// written in bulk, without the transactions that keep the count).
pub async fn recount_units_sold(tx: &mut Tx, seller: SellerId, now: Timestamp) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "DELETE FROM product_sales WHERE product_id IN (SELECT id FROM products WHERE seller_id = $1)")
        .bind(seller.to_string()).execute(conn).await.map(|_| ()))?;
    let sold: Vec<&str> = OrderStatus::ALL
        .into_iter()
        .filter(|s| s.counts_as_sold())
        .map(OrderStatus::as_str)
        .collect();
    let sql = format!(
        "INSERT INTO product_sales (product_id, units, updated_at) \
         SELECT l.product_id, SUM(l.quantity), $2 FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE o.seller_id = $1 AND o.status IN ({}) GROUP BY l.product_id",
        placeholders(3, sold.len())
    );
    on_tx!(tx, conn => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(seller.to_string()).bind(now.unix_millis());
        for status in &sold {
            q = q.bind(*status);
        }
        q.execute(conn).await.map(|_| ())
    })?;
    Ok(())
}

//! A shop's order history written in bulk (`etalase generate-orders`):
//! orders that already went part or all of their way, each with its
//! checkout and lines, many rows per statement. Nothing is judged here; the
//! caller builds orders whose statuses, deadlines and resis agree.

use etalase_domain::Timestamp;

use crate::checkout::{ORDER_COLUMNS, StoredCheckout, StoredOrder, StoredOrderLine};
use crate::pool::{TxInner, on_tx};
use crate::{StoreResult, Tx};

/// One generated order: its checkout, itself and its lines.
#[derive(Debug, Clone)]
pub struct PastOrder {
    pub checkout: StoredCheckout,
    pub order: StoredOrder,
    pub lines: Vec<StoredOrderLine>,
}

/// Rows of `columns` values one statement takes. SQLite finds each bound
/// value by its name, so a statement costs more than its size past about
/// a thousand values; PostgreSQL takes up to 65,535, and each statement is
/// a round trip to the server.
fn rows_per_statement(tx: &Tx, columns: usize) -> usize {
    let values = match tx.inner {
        TxInner::Sqlite(_) => 960,
        TxInner::Postgres(_) => 30_000,
    };
    values / columns
}

/// `(…), (…)` with `rows × columns` numbered placeholders.
fn values(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let marks: Vec<String> = (1..=columns)
                .map(|c| format!("${}", r * columns + c))
                .collect();
            format!("({})", marks.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn millis(t: Option<Timestamp>) -> Option<i64> {
    t.map(Timestamp::unix_millis)
}

/// Writes `orders` (their checkouts, the orders, their lines) in `tx`.
pub async fn insert_past_orders(tx: &mut Tx, orders: &[PastOrder]) -> StoreResult<()> {
    for chunk in orders.chunks(rows_per_statement(tx, 7)) {
        insert_checkouts(tx, chunk).await?;
    }
    let order_columns = ORDER_COLUMNS.split(", ").count();
    for chunk in orders.chunks(rows_per_statement(tx, order_columns)) {
        insert_orders(tx, chunk, order_columns).await?;
    }
    let lines: Vec<&StoredOrderLine> = orders.iter().flat_map(|p| &p.lines).collect();
    for chunk in lines.chunks(rows_per_statement(tx, 12)) {
        insert_lines(tx, chunk).await?;
    }
    Ok(())
}

async fn insert_checkouts(tx: &mut Tx, chunk: &[PastOrder]) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO checkouts (id, buyer_id, payment_method, total, quote_version, pay_by, placed_at) \
         VALUES {}",
        values(chunk.len(), 7)
    );
    on_tx!(tx, conn => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
        for c in chunk.iter().map(|p| &p.checkout) {
            q = q.bind(c.id.to_string()).bind(c.buyer.to_string()).bind(c.method.as_str())
                .bind(c.total).bind(c.quote_version.clone()).bind(millis(c.pay_by))
                .bind(c.placed_at.unix_millis());
        }
        q.execute(conn).await.map(|_| ())
    })?;
    Ok(())
}

async fn insert_orders(tx: &mut Tx, chunk: &[PastOrder], columns: usize) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO orders ({ORDER_COLUMNS}) VALUES {}",
        values(chunk.len(), columns)
    );
    on_tx!(tx, conn => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
        for o in chunk.iter().map(|p| &p.order) {
            let f = &o.fulfilment;
            // In ORDER_COLUMNS' order.
            q = q.bind(o.id.to_string()).bind(o.checkout.to_string()).bind(o.buyer.to_string())
                .bind(o.seller.to_string()).bind(o.status.as_str()).bind(o.method.as_str())
                .bind(o.items_subtotal).bind(o.discount).bind(o.shipping).bind(o.shipping_discount)
                .bind(o.total).bind(o.shipping_service.clone()).bind(o.shipping_option.clone())
                .bind(o.address.clone()).bind(o.breakdown.clone()).bind(o.source.kind())
                .bind(o.source.reference()).bind(millis(o.pay_by)).bind(o.placed_at.unix_millis())
                .bind(millis(o.paid_at)).bind(millis(o.cancelled_at)).bind(o.cancelled_by.clone())
                .bind(o.cancel_reason.clone()).bind(o.version).bind(f.preorder_days)
                .bind(millis(f.ready_at)).bind(millis(f.ship_by)).bind(millis(f.arranged_at))
                .bind(millis(f.collect_by)).bind(millis(f.dispatched_at)).bind(millis(f.deliver_by))
                .bind(millis(f.delivered_at)).bind(millis(f.complete_by)).bind(millis(f.completed_at))
                .bind(f.mode.map(|m| m.as_str())).bind(f.courier.map(|c| c.code()))
                .bind(f.resi.as_ref().map(|r| r.to_string())).bind(f.seller_fault)
                .bind(o.updated_at.unix_millis());
        }
        q.execute(conn).await.map(|_| ())
    })?;
    Ok(())
}

async fn insert_lines(tx: &mut Tx, lines: &[&StoredOrderLine]) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO order_lines (order_id, line_no, sku_id, product_id, title, label, quantity, \
         subtotal, net, segments, source, source_ref) VALUES {}",
        values(lines.len(), 12)
    );
    on_tx!(tx, conn => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
        for l in lines {
            q = q.bind(l.order.to_string()).bind(l.line_no).bind(l.sku.to_string())
                .bind(l.product.to_string()).bind(l.title.clone()).bind(l.label.clone())
                .bind(l.quantity).bind(l.subtotal).bind(l.net).bind(l.segments.clone())
                .bind(l.source.kind()).bind(l.source.reference());
        }
        q.execute(conn).await.map(|_| ())
    })?;
    Ok(())
}

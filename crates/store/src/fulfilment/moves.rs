//! Moving an order from one status to the next. The move is conditional
//! on the status the decision was made from: if another writer (a
//! courier's report, the scheduler, the buyer) moved the order first, the
//! move writes nothing and says so.

use etalase_domain::Timestamp;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::OrderId;
use etalase_domain::orders::{CancelReason, Resi, ShippingMode};
use etalase_domain::shipping::Courier;

use crate::checkout::{ORDER_COLUMNS, OrderRow, StoredOrder};
use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

/// What a move writes besides the status; each field only when given.
#[derive(Debug, Clone, Default)]
pub struct OrderChange {
    pub paid_at: Option<Timestamp>,
    pub ready_at: Option<Timestamp>,
    pub ship_by: Option<Timestamp>,
    pub arranged_at: Option<Timestamp>,
    pub collect_by: Option<Timestamp>,
    pub dispatched_at: Option<Timestamp>,
    pub deliver_by: Option<Timestamp>,
    pub delivered_at: Option<Timestamp>,
    pub complete_by: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub mode: Option<ShippingMode>,
    pub courier: Option<Courier>,
    pub resi: Option<Resi>,
    pub cancelled_at: Option<Timestamp>,
    pub cancel_reason: Option<CancelReason>,
}

/// Moves the order from `from` to `to` with `change`; false (and nothing
/// written) when it is no longer in `from`.
pub async fn move_order(
    tx: &mut Tx,
    id: OrderId,
    from: OrderStatus,
    to: OrderStatus,
    change: &OrderChange,
    now: Timestamp,
) -> StoreResult<bool> {
    let ms = |t: Option<Timestamp>| t.map(Timestamp::unix_millis);
    let reason = change.cancel_reason;
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE orders SET status = $3, version = version + 1, updated_at = $4, \
         paid_at = COALESCE($5, paid_at), ready_at = COALESCE($6, ready_at), \
         ship_by = COALESCE($7, ship_by), arranged_at = COALESCE($8, arranged_at), \
         collect_by = COALESCE($9, collect_by), dispatched_at = COALESCE($10, dispatched_at), \
         deliver_by = COALESCE($11, deliver_by), delivered_at = COALESCE($12, delivered_at), \
         complete_by = COALESCE($13, complete_by), completed_at = COALESCE($14, completed_at), \
         shipping_mode = COALESCE($15, shipping_mode), courier = COALESCE($16, courier), \
         resi = COALESCE($17, resi), cancelled_at = COALESCE($18, cancelled_at), \
         cancelled_by = COALESCE($19, cancelled_by), cancel_reason = COALESCE($20, cancel_reason), \
         seller_fault = COALESCE($21, seller_fault) \
         WHERE id = $1 AND status = $2")
        .bind(id.to_string()).bind(from.as_str()).bind(to.as_str()).bind(now.unix_millis())
        .bind(ms(change.paid_at)).bind(ms(change.ready_at)).bind(ms(change.ship_by))
        .bind(ms(change.arranged_at)).bind(ms(change.collect_by)).bind(ms(change.dispatched_at))
        .bind(ms(change.deliver_by)).bind(ms(change.delivered_at)).bind(ms(change.complete_by))
        .bind(ms(change.completed_at)).bind(change.mode.map(ShippingMode::as_str))
        .bind(change.courier.map(Courier::code)).bind(change.resi.as_ref().map(Resi::as_str))
        .bind(ms(change.cancelled_at)).bind(reason.map(|r| r.party().as_str()))
        .bind(reason.map(CancelReason::as_str)).bind(reason.map(CancelReason::counts_against_seller))
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Counts a change that did not move the status (a courier's report on
/// the way): a new version, so integrators polling changes see it.
pub async fn touch_order(tx: &mut Tx, id: OrderId, now: Timestamp) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE orders SET version = version + 1, updated_at = $2 WHERE id = $1")
        .bind(id.to_string()).bind(now.unix_millis()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// The order that carries this courier's resi, if any.
pub async fn order_by_resi<'a>(
    reader: impl Into<Reader<'a>>,
    courier: Courier,
    resi: &Resi,
) -> StoreResult<Option<StoredOrder>> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE courier = $1 AND resi = $2");
    let row: Option<OrderRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(courier.code()).bind(resi.as_str()).fetch_optional(conn).await)?;
    row.map(TryInto::try_into).transpose()
}

/// Sets when an order was placed, became the seller's to send and must be
/// sent by — for the demo's story of an order the shop forgot, which the
/// scheduler then cancels at its first pass. Nothing else moves a clock.
pub async fn backdate(
    tx: &mut Tx,
    id: OrderId,
    placed_at: Timestamp,
    ready_at: Timestamp,
    ship_by: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE orders SET placed_at = $2, ready_at = $3, ship_by = $4 WHERE id = $1")
        .bind(id.to_string()).bind(placed_at.unix_millis()).bind(ready_at.unix_millis())
        .bind(ship_by.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

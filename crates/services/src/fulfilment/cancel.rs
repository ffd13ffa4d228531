//! Cancelling an order: by the buyer (before it ships, without the
//! seller's approval, never counted against the seller), by the seller
//! (with a reason, counted against them), or by the platform at a
//! deadline. A cancellation before the courier has the package gives back
//! everything the order took — stock, flash-sale units, voucher uses —
//! once, in the same transaction. A paid order's money goes back too: the
//! refund of its total is recorded in that transaction (one per order, so
//! nothing is refunded twice) and sent to the gateway once it commits; a
//! gateway that does not answer then gets it again from the refund retries.

use std::collections::BTreeSet;

use etalase_domain::ErrorCode;
use etalase_domain::Timestamp;
use etalase_domain::audit::Actor;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::{OrderId, ProductId};
use etalase_domain::orders::{CancelReason, CancelledBy, OrderEvent};
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::checkout::{self as orders_store, Hold, StoredOrder};
use etalase_store::fulfilment::{self as store, OrderChange};
use etalase_store::inventory::{self, StockChange, StockOutcome, StockReason};
use etalase_store::payments as payments_store;
use etalase_store::pricing as pricing_store;
use etalase_store::{Tx, catalog};

use super::{Applied, Step, Who, apply, count_sold};
use crate::catalog::records::product_changed;
use crate::payments::refunds;
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

/// Cancels `order` (as read in this transaction) for `reason`, giving back
/// what it still holds.
pub(crate) async fn cancel_in(
    tx: &mut Tx,
    order: &StoredOrder,
    reason: CancelReason,
    who: Who,
    now: Timestamp,
) -> ServiceResult<Applied> {
    let step = Step {
        event: OrderEvent::Cancelled(reason),
        change: OrderChange::default(),
        who,
        at: now,
        detail: Some(reason.as_str().to_owned()),
    };
    let applied = apply(tx, order, step, now).await?;
    if matches!(applied, Applied::Moved(_)) {
        let releases = order.status.holds_stock();
        let sold = order.status.sold_delta(OrderStatus::Cancelled);
        if sold != 0 {
            count_sold(tx, order, sold, !releases, now).await?;
        }
        if releases {
            release(tx, order, who.actor(), now).await?;
        }
        refund_in(tx, order, reason, who.actor(), now).await?;
    }
    Ok(applied)
}

/// The key of the refund a paid order's cancellation records.
fn refund_key(order: OrderId) -> String {
    format!("{order}-cancelled")
}

/// Records the refund of a paid order's total (COD and unpaid orders took
/// no money).
async fn refund_in(
    tx: &mut Tx,
    order: &StoredOrder,
    reason: CancelReason,
    actor: Actor,
    now: Timestamp,
) -> ServiceResult<()> {
    if order.paid_at.is_none() {
        return Ok(());
    }
    let payments = payments_store::payments_of_checkout(&mut *tx, order.checkout).await?;
    let Some(payment) = payments.iter().find(|p| p.status.money_taken()) else {
        return Ok(());
    };
    let key = refund_key(order.id);
    refunds::request_in(tx, payment, &key, order.total, reason.as_str(), actor, now).await?;
    Ok(())
}

/// After a cancellation commits: vouchers are read afresh, and a paid
/// order's refund goes to the gateway.
pub(crate) async fn after_commit(svc: &Services, order: &StoredOrder) {
    svc.shop_cache.forget_vouchers();
    if order.paid_at.is_some()
        && let Err(e) = refunds::send_by_key(svc, &refund_key(order.id)).await
    {
        tracing::warn!(error = %e, order = %order.id,
            "the refund of a cancelled order is not done yet; it is retried");
    }
}

/// Gives back the stock, flash units and voucher uses `order` took.
async fn release(
    tx: &mut Tx,
    order: &StoredOrder,
    actor: Actor,
    now: Timestamp,
) -> ServiceResult<()> {
    let lines = orders_store::lines_of_orders(&mut *tx, &[order.id]).await?;
    let note = order.id.to_string();
    let mut products: BTreeSet<ProductId> = BTreeSet::new();
    for line in &lines {
        let change = StockChange {
            sku: line.sku,
            delta: line.quantity,
            reason: StockReason::OrderReleased,
            note: Some(&note),
            actor,
        };
        if let StockOutcome::Refused { level } =
            inventory::change_stock(tx, order.seller, &change, now).await?
        {
            // Only past the 999,999 ceiling: a seller restocked meanwhile.
            return Err(ServiceError::internal(etalase_store::StoreError::Corrupt(
                format!(
                    "stock of {} at {level} cannot take back {}",
                    line.sku, line.quantity
                ),
            )));
        }
        products.insert(line.product);
    }
    for hold in orders_store::open_holds(tx, order.id).await? {
        match hold.hold {
            Hold::Flash { promotion, sku } => {
                // A flash sale's units or a live flash deal's: each update
                // matches only its own table's rows, so both are asked.
                pricing_store::release_flash_units(
                    tx,
                    promotion,
                    sku,
                    &order.buyer.to_string(),
                    hold.units,
                )
                .await?;
                etalase_store::lives::prices::release_flash_units(tx, promotion, sku, hold.units)
                    .await?
            }
            Hold::Voucher(voucher) => {
                pricing_store::release_voucher_use(tx, voucher, order.buyer).await?
            }
        }
    }
    orders_store::mark_holds_released(tx, order.id, now).await?;
    for product in &products {
        catalog::refresh_total_stock(tx, *product).await?;
        product_changed(tx, order.seller, *product, now).await?;
    }
    Ok(())
}

/// The reason a form sent, if it is one `party` may give.
pub fn reason_of(party: CancelledBy, text: &str) -> ServiceResult<CancelReason> {
    CancelReason::parse(text)
        .filter(|r| r.party() == party)
        .ok_or_else(|| ServiceError::field("reason", ErrorCode::CancelReasonRequired))
}

/// The seller cancels one of their orders (operations' work).
pub async fn by_seller(
    svc: &Services,
    scope: &SellerScope,
    id: OrderId,
    reason: &str,
) -> ServiceResult<StoredOrder> {
    scope.authorize(SellerAction::write(Area::Orders))?;
    let reason = reason_of(CancelledBy::Seller, reason)?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let order = store::order_of_seller(&mut tx, scope.seller_id, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let moved = cancel_requested(&mut tx, &order, reason, Who::Actor(scope.actor()), now).await?;
    tx.commit().await?;
    after_commit(svc, &moved).await;
    Ok(moved)
}

/// Cancels on the platform's behalf; false when the order moved on first.
pub(crate) async fn by_platform(
    svc: &Services,
    id: OrderId,
    reason: CancelReason,
) -> ServiceResult<bool> {
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let Some(order) = orders_store::order_by_id(&mut tx, id).await? else {
        return Ok(false);
    };
    if order.status.after(OrderEvent::Cancelled(reason)).is_err() {
        // Moved on since it was found due (paid, shipped): nothing to do.
        return Ok(false);
    }
    let Applied::Moved(moved) =
        cancel_in(&mut tx, &order, reason, Who::Actor(Actor::System), now).await?
    else {
        return Ok(false);
    };
    tx.commit().await?;
    after_commit(svc, &moved).await;
    Ok(true)
}

/// A user's cancellation: a race is answered as "the order changed".
pub(crate) async fn cancel_requested(
    tx: &mut Tx,
    order: &StoredOrder,
    reason: CancelReason,
    who: Who,
    now: Timestamp,
) -> ServiceResult<StoredOrder> {
    match cancel_in(tx, order, reason, who, now).await? {
        Applied::Moved(order) => Ok(*order),
        Applied::Raced => Err(ErrorCode::OrderChanged.into()),
    }
}

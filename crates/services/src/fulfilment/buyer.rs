//! What a buyer does with an order after checkout: cancel it before it
//! ships (no approval needed, never held against the seller), say it
//! arrived (its timeline is [`super::history`]).

use etalase_domain::ErrorCode;
use etalase_domain::audit::Actor;
use etalase_domain::id::{OrderId, UserId};
use etalase_domain::orders::{CancelledBy, OrderEvent};
use etalase_store::checkout::{self as orders_store, StoredOrder};
use etalase_store::fulfilment::OrderChange;

use super::cancel::{after_commit, cancel_requested, reason_of};
use super::{Step, Who, apply_requested};
use crate::{ServiceResult, Services};

async fn buyers_order(
    tx: &mut etalase_store::Tx,
    buyer: UserId,
    id: OrderId,
) -> ServiceResult<StoredOrder> {
    Ok(orders_store::order_of_buyer(&mut *tx, buyer, id)
        .await?
        .ok_or(ErrorCode::NotFound)?)
}

pub async fn cancel(
    svc: &Services,
    buyer: UserId,
    id: OrderId,
    reason: &str,
) -> ServiceResult<StoredOrder> {
    let reason = reason_of(CancelledBy::Buyer, reason)?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let order = buyers_order(&mut tx, buyer, id).await?;
    let who = Who::Actor(Actor::User(buyer));
    let cancelled = cancel_requested(&mut tx, &order, reason, who, now).await?;
    tx.commit().await?;
    after_commit(svc, &cancelled).await;
    Ok(cancelled)
}

/// The buyer says the package arrived: the order completes.
pub async fn confirm_receipt(
    svc: &Services,
    buyer: UserId,
    id: OrderId,
) -> ServiceResult<StoredOrder> {
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let order = buyers_order(&mut tx, buyer, id).await?;
    let step = Step {
        event: OrderEvent::ReceiptConfirmed,
        change: OrderChange {
            delivered_at: order.fulfilment.delivered_at.or(Some(now)),
            completed_at: Some(now),
            ..OrderChange::default()
        },
        who: Who::Actor(Actor::User(buyer)),
        at: now,
        detail: None,
    };
    let done = apply_requested(&mut tx, &order, step, now).await?;
    tx.commit().await?;
    Ok(done)
}

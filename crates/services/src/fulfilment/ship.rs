//! Getting a package to the courier. The ship-by clock starts when an
//! order becomes the seller's to send (paid, or placed with COD). The
//! seller then sends it with a courier of their own and enters the resi:
//! the resi is normalised, checked against the courier's usual shape (a
//! warning only), and refused if that courier's resi already belongs to
//! another order.

use etalase_domain::audit::Actor;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::{CheckoutId, OrderId};
use etalase_domain::orders::{OrderEvent, Resi, ShippingMode};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::shipping::{Courier, Service};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::Tx;
use etalase_store::checkout::{self as orders_store, StoredOrder};
use etalase_store::fulfilment::{self as store, OrderChange};

use super::{Applied, Step, Who, apply, apply_requested};
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

/// When an order that became the seller's to send at `ready_at` must be
/// arranged, by the platform's calendar and settings.
pub fn ship_by(svc: &Services, ready_at: Timestamp, preorder_days: Option<i32>) -> Timestamp {
    svc.config.fulfilment.ship_by(
        &svc.config.calendar,
        ready_at,
        preorder_days.and_then(|d| u32::try_from(d).ok()),
    )
}

/// The orders of a checkout just paid move to awaiting shipment through
/// the state machine, their ship-by clocks starting now; returns the ones
/// that moved (an order the expiry cancelled meanwhile stays cancelled).
pub(crate) async fn orders_paid(
    svc: &Services,
    tx: &mut Tx,
    checkout: CheckoutId,
    now: Timestamp,
) -> ServiceResult<Vec<StoredOrder>> {
    let mut paid = Vec::new();
    for order in orders_store::orders_of_checkout(&mut *tx, checkout).await? {
        if !order.status.allows(OrderEvent::Paid) {
            continue;
        }
        let step = Step {
            event: OrderEvent::Paid,
            change: OrderChange {
                paid_at: Some(now),
                ready_at: Some(now),
                ship_by: Some(ship_by(svc, now, order.fulfilment.preorder_days)),
                ..OrderChange::default()
            },
            who: Who::Actor(Actor::System),
            at: now,
            detail: None,
        };
        if let Applied::Moved(moved) = apply(tx, &order, step, now).await? {
            // Paid: now a sale.
            let sold = order.status.sold_delta(moved.status);
            super::count_sold(tx, &moved, sold, true, now).await?;
            paid.push(*moved);
        }
    }
    Ok(paid)
}

/// The courier an order ships with unless the seller says otherwise: the
/// one of the service the buyer chose.
pub fn chosen_courier(order: &StoredOrder) -> Option<Courier> {
    Service::parse(&order.shipping_service).map(Service::courier)
}

/// A shipment with the seller's own courier, as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handed {
    pub order: StoredOrder,
    /// The resi does not look like the courier's usual ones (kept anyway:
    /// couriers change formats).
    pub unusual_resi: bool,
}

/// The seller handed the package to `courier` (default: the one the
/// buyer chose) under `resi`.
pub async fn hand_over(
    svc: &Services,
    scope: &SellerScope,
    id: OrderId,
    courier: Option<&str>,
    resi: &str,
) -> ServiceResult<Handed> {
    scope.authorize(SellerAction::write(Area::Fulfillment))?;
    let resi = Resi::parse(resi).map_err(|e| ServiceError::field("resi", e.code()))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let order = store::order_of_seller(&mut tx, scope.seller_id, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let courier = match courier.filter(|c| !c.is_empty()) {
        Some(code) => Courier::parse(code)
            .ok_or_else(|| ServiceError::field("courier", ErrorCode::CourierRequired))?,
        None => chosen_courier(&order)
            .ok_or_else(|| ServiceError::field("courier", ErrorCode::CourierRequired))?,
    };
    let unusual_resi = !resi.looks_like(courier);
    let same =
        order.fulfilment.courier == Some(courier) && order.fulfilment.resi.as_ref() == Some(&resi);
    if same
        && matches!(
            order.status,
            OrderStatus::InTransit | OrderStatus::Delivered
        )
    {
        // The same resi again (a form sent twice): it is already there.
        return Ok(Handed {
            order,
            unusual_resi,
        });
    }
    if let Some(holder) = store::order_by_resi(&mut tx, courier, &resi).await?
        && holder.id != order.id
    {
        return Err(ServiceError::field("resi", ErrorCode::ResiTaken));
    }
    let step = Step {
        event: OrderEvent::HandedOver,
        change: OrderChange {
            mode: Some(ShippingMode::Seller),
            courier: Some(courier),
            resi: Some(resi.clone()),
            dispatched_at: Some(now),
            deliver_by: svc.config.fulfilment.deliver_by(ShippingMode::Seller, now),
            ..OrderChange::default()
        },
        who: Who::Actor(scope.actor()),
        at: now,
        detail: Some(format!("{} {}", courier.code(), resi)),
    };
    let moved = match apply_requested(&mut tx, &order, step, now).await {
        // Another order took this resi in the same instant.
        Err(e) if is_conflict(&e) => return Err(ServiceError::field("resi", ErrorCode::ResiTaken)),
        other => other?,
    };
    tx.commit().await?;
    Ok(Handed {
        order: moved,
        unusual_resi,
    })
}

pub(super) fn is_conflict(e: &ServiceError) -> bool {
    e.internal
        .as_deref()
        .and_then(|cause| cause.downcast_ref::<etalase_store::StoreError>())
        .is_some_and(|cause| matches!(cause, etalase_store::StoreError::Conflict { .. }))
}

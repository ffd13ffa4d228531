//! Arranging shipment through platform logistics: the platform books the
//! pickup with the courier the buyer chose, the courier issues the resi,
//! and the order waits for collection with its collect-by deadline. The
//! booking is an HTTP call made with no transaction open; the order moves
//! afterwards, only if it still awaits shipment. A booking retried (a
//! second click, a crash between the call and the move) books nothing new:
//! the aggregator answers the same shipment for the same order.

use etalase_domain::ErrorCode;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::OrderId;
use etalase_domain::orders::{OrderEvent, Resi, ShippingMode};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::shipping::Courier;
use etalase_store::checkout::StoredOrder;
use etalase_store::fulfilment::{self as store, OrderChange};

use super::logistics::{self, BookedItem, Booking, Endpoint, LogisticsError};
use super::package::{Package, Place, packages};
use super::{Step, Who, apply_requested};
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

/// Books the pickup of the shop's order `id`; the order as it is now
/// (awaiting collection, with its courier and resi).
pub async fn arrange(
    svc: &Services,
    scope: &SellerScope,
    id: OrderId,
) -> ServiceResult<StoredOrder> {
    scope.authorize(SellerAction::write(Area::Fulfillment))?;
    let order = store::order_of_seller(&svc.store, scope.seller_id, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    if order.status == OrderStatus::AwaitingCollection
        && order.fulfilment.mode == Some(ShippingMode::Platform)
    {
        // Arranged already (a form sent twice): the pickup stands.
        return Ok(order);
    }
    if !order.status.allows(OrderEvent::ShipmentArranged) {
        return Err(ErrorCode::OrderNotShippable.into());
    }
    let package = packages(svc, scope.seller_id, &[id])
        .await?
        .pop()
        .ok_or(ErrorCode::NotFound)?;
    let booked = logistics::book(&svc.config.logistics, &booking_of(&package))
        .await
        .map_err(|e| {
            let code = match e {
                LogisticsError::Unavailable(_) => ErrorCode::LogisticsUnavailable,
                LogisticsError::Refused(_) => ErrorCode::LogisticsRefused,
            };
            tracing::warn!(order = %id, error = %e, "booking a pickup failed");
            ServiceError::from(code)
        })?;
    let courier = Courier::parse(&booked.courier).unwrap_or_else(|| package.courier());
    let resi = Resi::parse(&booked.resi).map_err(|_| {
        tracing::warn!(order = %id, resi = %booked.resi, "the courier issued an unreadable resi");
        ServiceError::from(ErrorCode::LogisticsRefused)
    })?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let order = store::order_of_seller(&mut tx, scope.seller_id, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    if order.fulfilment.resi.as_ref() == Some(&resi) {
        return Ok(order);
    }
    let step = Step {
        event: OrderEvent::ShipmentArranged,
        change: OrderChange {
            mode: Some(ShippingMode::Platform),
            courier: Some(courier),
            resi: Some(resi.clone()),
            arranged_at: Some(now),
            collect_by: Some(svc.config.fulfilment.collect_by(&svc.config.calendar, now)),
            ..OrderChange::default()
        },
        who: Who::Actor(scope.actor()),
        at: now,
        detail: Some(format!("{} {}", courier.code(), resi)),
    };
    let moved = match apply_requested(&mut tx, &order, step, now).await {
        // The courier issued a resi another order carries: its mistake.
        Err(e) if super::ship::is_conflict(&e) => {
            tracing::warn!(order = %id, %resi, "the courier issued a resi already in use");
            return Err(ErrorCode::LogisticsRefused.into());
        }
        other => other?,
    };
    tx.commit().await?;
    Ok(moved)
}

fn endpoint(place: &Place) -> Endpoint {
    Endpoint {
        name: place.name.clone(),
        phone: place.phone.clone(),
        address: format!("{}, {}", place.street, place.area()),
        district_code: place.district_code.clone(),
        postal_code: place.postal_code.clone(),
    }
}

fn booking_of(package: &Package) -> Booking {
    Booking {
        reference: package.order.id.to_string(),
        courier: package.courier().code().to_owned(),
        service: package.service().code().to_owned(),
        origin: endpoint(&package.origin),
        destination: endpoint(&package.destination),
        items: package
            .lines
            .iter()
            .map(|l| BookedItem {
                name: if l.label.is_empty() {
                    l.title.clone()
                } else {
                    format!("{} ({})", l.title, l.label)
                },
                quantity: l.quantity,
            })
            .collect(),
        weight_grams: package.weight_grams(),
        cod_amount: package.cod_to_collect,
    }
}

/// What arranging many orders at once did.
#[derive(Debug, Default)]
pub struct ArrangedMany {
    pub arranged: Vec<OrderId>,
    /// The orders that could not be arranged, with why.
    pub refused: Vec<(OrderId, ErrorCode)>,
}

/// Books the pickups of the ticked orders one by one: one order's
/// problem never stops the others.
pub async fn arrange_many(
    svc: &Services,
    scope: &SellerScope,
    ids: &[OrderId],
) -> ServiceResult<ArrangedMany> {
    scope.authorize(SellerAction::write(Area::Fulfillment))?;
    if ids.is_empty() {
        return Err(ErrorCode::LabelsNoneChosen.into());
    }
    if ids.len() > super::labels::MAX_BATCH {
        return Err(ErrorCode::LabelsTooMany.into());
    }
    let mut done = ArrangedMany::default();
    for id in ids {
        if done.arranged.contains(id) {
            continue;
        }
        match arrange(svc, scope, *id).await {
            Ok(_) => done.arranged.push(*id),
            Err(e) if e.code.status() < 500 || e.code == ErrorCode::LogisticsUnavailable => {
                done.refused.push((*id, e.code))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

//! Fulfilment: everything that happens to an order after checkout. Every
//! change goes through [`apply`]: the domain's state machine decides the
//! next status, the store moves the order only if it is still where the
//! decision was made, and the move is written to the order's timeline,
//! the audit log and the outbox in the same transaction.

pub mod arrange;
pub mod buyer;
pub mod cancel;
pub mod labels;
pub mod logistics;
pub mod package;
pub mod performance;
pub mod sandbox_courier;
pub mod scheduler;
pub mod seller;
pub mod ship;
pub mod tracking;

use etalase_domain::ErrorCode;
use etalase_domain::Timestamp;
use etalase_domain::audit::Actor;
use etalase_domain::id::{OrderId, ProductId};
use etalase_domain::orders::OrderEvent;
use etalase_domain::shipping::Courier;
use etalase_store::Tx;
use etalase_store::checkout::{self as orders_store, StoredOrder};
use etalase_store::fulfilment::{self as store, NewEntry, OrderChange, TimelineEntry};

use crate::checkout::place::announce;
use crate::{ServiceError, ServiceResult, Services};

/// Who made a change, as the timeline names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Actor(Actor),
    Courier(Courier),
}

impl Who {
    fn text(self) -> String {
        match self {
            Who::Actor(actor) => actor.as_text(),
            Who::Courier(courier) => format!("courier:{}", courier.code()),
        }
    }

    /// Who the audit log records (a courier acts through the platform).
    fn actor(self) -> Actor {
        match self {
            Who::Actor(actor) => actor,
            Who::Courier(_) => Actor::System,
        }
    }
}

/// One change to an order.
pub struct Step {
    pub event: OrderEvent,
    pub change: OrderChange,
    pub who: Who,
    /// When it happened (a courier's report carries its own time).
    pub at: Timestamp,
    /// The reason, resi or note the timeline shows with it.
    pub detail: Option<String>,
}

/// What [`apply`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The order as it is now.
    Moved(Box<StoredOrder>),
    /// Another writer moved the order after `order` was read: nothing
    /// was written.
    Raced,
}

/// Applies `step` to `order` (as read in this transaction). A step the
/// order's status does not allow is refused with what the user tried.
pub(crate) async fn apply(
    tx: &mut Tx,
    order: &StoredOrder,
    step: Step,
    now: Timestamp,
) -> ServiceResult<Applied> {
    let to = order
        .status
        .after(step.event)
        .map_err(|refused| ServiceError::from(refused.code()))?;
    let mut change = step.change;
    if let OrderEvent::Cancelled(reason) = step.event {
        change.cancel_reason = Some(reason);
        change.cancelled_at = Some(step.at);
    }
    if !store::move_order(tx, order.id, order.status, to, &change, now).await? {
        return Ok(Applied::Raced);
    }
    let kind = step.event.name();
    store::append_entry(
        tx,
        order.id,
        &NewEntry {
            at: step.at,
            kind,
            status: to,
            actor: &step.who.text(),
            detail: step.detail.as_deref(),
        },
        now,
    )
    .await?;
    let moved = reread(tx, order.id).await?;
    announce(tx, &moved, kind, step.who.actor(), now).await?;
    Ok(Applied::Moved(Box::new(moved)))
}

/// The order's units added to (`sign` 1: it became a sale, when paid) or
/// taken off (-1: a sale cancelled) what its products sold. With
/// `announce`, the Shop is told to show the new counts; a cancellation that
/// gives stock back leaves that to the release, which announces the
/// products once their stock moved.
pub(crate) async fn count_sold(
    tx: &mut Tx,
    order: &StoredOrder,
    sign: i64,
    announce: bool,
    now: Timestamp,
) -> ServiceResult<()> {
    let lines = orders_store::lines_of_orders(&mut *tx, &[order.id]).await?;
    let mut units: Vec<(ProductId, i64)> = Vec::new();
    for line in &lines {
        match units.iter_mut().find(|(p, _)| *p == line.product) {
            Some((_, n)) => *n += sign * line.quantity,
            None => units.push((line.product, sign * line.quantity)),
        }
    }
    orders_store::add_units_sold(tx, &units, now).await?;
    if announce {
        for (product, _) in &units {
            crate::catalog::records::product_changed(tx, order.seller, *product, now).await?;
        }
    }
    Ok(())
}

/// Like [`apply`], for a user's request: a race is answered as "the order
/// changed, look again" instead of being retried behind their back.
pub(crate) async fn apply_requested(
    tx: &mut Tx,
    order: &StoredOrder,
    step: Step,
    now: Timestamp,
) -> ServiceResult<StoredOrder> {
    match apply(tx, order, step, now).await? {
        Applied::Moved(order) => Ok(*order),
        Applied::Raced => Err(ErrorCode::OrderChanged.into()),
    }
}

pub(crate) async fn reread(tx: &mut Tx, id: OrderId) -> ServiceResult<StoredOrder> {
    orders_store::order_by_id(&mut *tx, id)
        .await?
        .ok_or_else(|| ServiceError::internal(etalase_store::StoreError::NotFound))
}

/// An order's timeline: its placing, read from the order itself (placing
/// writes no line of its own: it is a flash sale's hot path), then every
/// line written since, in the order things happened. The caller has
/// already shown the reader may see the order.
pub async fn history(svc: &Services, order: &StoredOrder) -> ServiceResult<Vec<TimelineEntry>> {
    let mut lines = store::timeline(&svc.store, order.id).await?;
    lines.insert(
        0,
        TimelineEntry {
            seq: 0,
            at: order.placed_at,
            recorded_at: order.placed_at,
            kind: "placed".to_owned(),
            status: order.method.first_status(),
            actor: order.buyer.to_string(),
            detail: Some(order.method.as_str().to_owned()),
        },
    );
    Ok(lines)
}

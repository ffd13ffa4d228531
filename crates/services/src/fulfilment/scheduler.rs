//! The deadline scheduler. Each pass finds the orders past a deadline —
//! unpaid at pay-by, not arranged by ship-by, not with the courier by
//! collect-by, not delivered by the seller's courier by deliver-by,
//! delivered and past the return window — and acts on each in a
//! transaction of its own. Every act is conditional on the order still
//! being where the deadline found it, so a pass that runs twice, on two
//! nodes, or again after a crash half-way never acts twice; and a pass
//! reads only the stored deadlines, so a restart loses nothing. Each pass
//! also records the day's health metrics of the shops that lack them.

use std::time::Duration;

use etalase_domain::audit::Actor;
use etalase_domain::orders::{CancelReason, OrderEvent};
use etalase_store::checkout as orders_store;
use etalase_store::fulfilment::{self as store, Deadline, OrderChange};

use super::{Applied, Step, Who, apply};
use crate::checkout::expiry::expire_unpaid;
use crate::{ServiceResult, Services};

/// Orders one deadline's pass handles at most (the next pass takes the rest).
const BATCH: i64 = 200;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub unpaid_cancelled: usize,
    pub unshipped_cancelled: usize,
    pub uncollected_cancelled: usize,
    pub undelivered_cancelled: usize,
    pub completed: usize,
    /// Shops whose day of health metrics was recorded.
    pub shop_days_recorded: usize,
}

/// One pass over every deadline, at the services' clock.
pub async fn run_once(svc: &Services) -> ServiceResult<Pass> {
    let mut pass = Pass {
        unpaid_cancelled: expire_unpaid(svc).await?,
        ..Pass::default()
    };
    for deadline in Deadline::ALL {
        let due = store::past_deadline(&svc.store, deadline, svc.now(), BATCH).await?;
        for (order, _) in due {
            let acted = match deadline {
                Deadline::Ship => {
                    super::cancel::by_platform(svc, order, CancelReason::NotShippedInTime).await?
                }
                Deadline::Collect => {
                    super::cancel::by_platform(svc, order, CancelReason::NotCollectedInTime).await?
                }
                Deadline::Deliver => {
                    super::cancel::by_platform(svc, order, CancelReason::NotDeliveredInTime).await?
                }
                Deadline::Complete => complete(svc, order).await?,
            };
            if acted {
                let counter = match deadline {
                    Deadline::Ship => &mut pass.unshipped_cancelled,
                    Deadline::Collect => &mut pass.uncollected_cancelled,
                    Deadline::Deliver => &mut pass.undelivered_cancelled,
                    Deadline::Complete => &mut pass.completed,
                };
                *counter += 1;
            }
        }
    }
    // After the deadlines, so today's record counts what they did.
    pass.shop_days_recorded = super::performance::record_today(svc, BATCH).await?;
    Ok(pass)
}

/// Completes a delivered order whose return window closed.
async fn complete(svc: &Services, id: etalase_domain::id::OrderId) -> ServiceResult<bool> {
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let Some(order) = orders_store::order_by_id(&mut tx, id).await? else {
        return Ok(false);
    };
    if order.status.after(OrderEvent::ReturnWindowClosed).is_err() {
        return Ok(false);
    }
    let step = Step {
        event: OrderEvent::ReturnWindowClosed,
        change: OrderChange {
            completed_at: Some(now),
            ..OrderChange::default()
        },
        who: Who::Actor(Actor::System),
        at: now,
        detail: None,
    };
    let applied = apply(&mut tx, &order, step, now).await?;
    tx.commit().await?;
    Ok(matches!(applied, Applied::Moved(_)))
}

/// Runs [`run_once`] every `every` until the process ends.
pub fn spawn(svc: Services, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_once(&svc).await {
                Ok(pass) if pass != Pass::default() => {
                    tracing::info!(?pass, "order deadlines acted on");
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "the order deadline pass failed; the next pass retries")
                }
            }
        }
    })
}

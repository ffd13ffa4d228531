//! Unpaid orders expire at their payment deadline: each is cancelled in a
//! transaction of its own that gives back its stock, flash units and
//! voucher uses (see `fulfilment::cancel`). The cancel is conditional on
//! the order still awaiting payment, so a job that runs twice, or on two
//! nodes, or after a crash half-way, never gives anything back twice. The
//! deadline scheduler (`fulfilment::scheduler`) runs it with the others.

use etalase_domain::orders::CancelReason;
use etalase_store::checkout as store;

use crate::fulfilment::cancel::by_platform;
use crate::{ServiceResult, Services};

/// Orders one pass cancels at most (the next pass takes the rest).
const BATCH: i64 = 200;

/// Cancels the orders past their payment deadline; returns how many.
pub async fn expire_unpaid(svc: &Services) -> ServiceResult<usize> {
    let due = store::unpaid_past_deadline(&svc.store, svc.now(), BATCH).await?;
    let mut cancelled = 0;
    for (order, _) in due {
        if by_platform(svc, order, CancelReason::PaymentExpired).await? {
            cancelled += 1;
        }
    }
    Ok(cancelled)
}

//! Unpaid orders expire at their payment deadline: each is cancelled in a
//! transaction of its own that gives back its stock, flash units and
//! voucher uses. The cancel is conditional on the order still awaiting
//! payment, so a job that runs twice, or on two nodes, or after a crash
//! half-way, never gives anything back twice.

use std::collections::BTreeSet;
use std::time::Duration;

use etalase_domain::audit::Actor;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::{OrderId, ProductId, SellerId};
use etalase_store::checkout::{self as store, Hold};
use etalase_store::inventory::{self, StockChange, StockOutcome, StockReason};
use etalase_store::pricing as pricing_store;
use etalase_store::{Tx, catalog};

use super::place::announce;
use crate::catalog::records::product_changed;
use crate::{ServiceError, ServiceResult, Services};

/// Orders one pass cancels at most (the next pass takes the rest).
const BATCH: i64 = 200;

/// Cancels the orders past their payment deadline; returns how many.
pub async fn expire_unpaid(svc: &Services) -> ServiceResult<usize> {
    let now = svc.now();
    let due = store::unpaid_past_deadline(&svc.store, now, BATCH).await?;
    let mut cancelled = 0;
    for (order, seller) in due {
        let mut tx = svc.store.write().await?;
        if cancel_and_release(
            &mut tx,
            order,
            seller,
            OrderStatus::AwaitingPayment,
            "payment_expired",
            Actor::System,
            now,
        )
        .await?
        {
            tx.commit().await?;
            cancelled += 1;
        }
    }
    if cancelled > 0 {
        svc.shop_cache.forget_vouchers();
    }
    Ok(cancelled)
}

/// Cancels an order still in `from` and gives back all it holds; false
/// (and nothing written) when it is no longer in `from`.
pub(crate) async fn cancel_and_release(
    tx: &mut Tx,
    id: OrderId,
    seller: SellerId,
    from: OrderStatus,
    reason: &str,
    actor: Actor,
    now: etalase_domain::Timestamp,
) -> ServiceResult<bool> {
    if !store::cancel_order_if(tx, id, from, actor.kind(), reason, now).await? {
        return Ok(false);
    }
    let lines = store::lines_of_orders(&mut *tx, &[id]).await?;
    let note = id.to_string();
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
            inventory::change_stock(tx, seller, &change, now).await?
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
    let order = store::order_by_id(&mut *tx, id).await?.ok_or_else(|| {
        ServiceError::internal(etalase_store::StoreError::Corrupt(
            "a cancelled order vanished".into(),
        ))
    })?;
    for hold in store::open_holds(tx, id).await? {
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
    store::mark_holds_released(tx, id, now).await?;
    for product in &products {
        catalog::refresh_total_stock(tx, *product).await?;
        product_changed(tx, seller, *product, now).await?;
    }
    announce(tx, &order, "cancelled", actor, now).await?;
    Ok(true)
}

/// Runs [`expire_unpaid`] every `every` until the process ends.
pub fn spawn_expiry(svc: Services, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = expire_unpaid(&svc).await {
                tracing::warn!(error = %e, "expiring unpaid orders failed; next pass retries");
            }
        }
    })
}

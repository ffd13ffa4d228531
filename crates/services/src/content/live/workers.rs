//! A live's work off the seller's requests: ending lives left on air,
//! telling viewer counts, and telling viewers of the orders placed from
//! their live.

use etalase_domain::content::live as rules;
use etalase_domain::id::{LiveId, ProductId, SellerId};
use etalase_store::audit;
use etalase_store::checkout::StoredOrder;
use etalase_store::lives as store;

use super::{hub, summary, tell, tell_changed};
use crate::{ServiceResult, Services};

/// Ends the lives left on air past [`rules::MAX_LIVE_HOURS`] (a seller
/// whose app died): a live price holds while its live is on, so a live
/// must not stay on forever. Returns how many were ended.
pub async fn end_overdue(svc: &Services) -> ServiceResult<usize> {
    let now = svc.now();
    let limit = now.plus_seconds(-rules::MAX_LIVE_HOURS * 3600);
    let mut ended = 0;
    for mut live in store::on_air_since_before(&svc.store, limit).await? {
        live.state = live.state.end()?;
        live.ended_at = Some(now);
        live.pin = None;
        live.version += 1;
        live.updated_at = now;
        let mut tx = svc.store.write().await?;
        if !store::update_live(&mut tx, &live).await? {
            continue; // its seller ended it meanwhile
        }
        let id = live.id.to_string();
        audit::record(
            &mut tx,
            audit::AuditEntry {
                actor: etalase_domain::audit::Actor::System,
                seller_id: Some(live.seller_id),
                action: "content.live_ended_overdue",
                subject_type: "live",
                subject_id: &id,
                before: None,
                after: Some(summary(&live)),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        tell_changed(svc, &live).await?;
        ended += 1;
    }
    Ok(ended)
}

/// Runs the live's background work of this node: viewer counts every two
/// seconds, and ending overdue lives every minute.
pub fn spawn_workers(svc: &Services) -> Vec<tokio::task::JoinHandle<()>> {
    let counter = hub::spawn_counter(svc.lives.clone(), svc.clock.clone());
    let overdue = svc.clone();
    let ender = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            match end_overdue(&overdue).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(lives = n, "ended lives left on air too long"),
                Err(e) => tracing::warn!(error = %e, "overdue lives not ended"),
            }
        }
    });
    vec![counter, ender]
}

/// Orders from a live are told to its viewers at most every this often:
/// a flash deal sells hundreds of units a second, and each telling reads
/// the live's basket and writes to every viewer.
const PURCHASE_WINDOW: std::time::Duration = std::time::Duration::from_millis(200);

/// After orders from lives were placed: their viewers see the stock left
/// and a "baru saja membeli" line, once per [`PURCHASE_WINDOW`] for all
/// the orders within it. Off the buyer's request (the order is already
/// committed; a viewer's update may come a moment later).
pub fn after_orders(svc: &Services, orders: &[StoredOrder], products: &[(SellerId, ProductId)]) {
    let mut lives: Vec<LiveId> = orders
        .iter()
        .filter_map(|o| match o.source {
            etalase_domain::checkout::Source::Live(id) => Some(id),
            _ => None,
        })
        .collect();
    lives.sort();
    lives.dedup();
    for id in lives {
        let channel = svc.lives.channel(id);
        if !channel.add_purchases(products.iter().map(|(_, p)| *p)) {
            continue; // a telling is already scheduled; it takes these too
        }
        let svc = svc.clone();
        tokio::spawn(async move {
            tokio::time::sleep(PURCHASE_WINDOW).await;
            let products = channel.take_purchases();
            let Ok(Some(live)) = store::visible(&svc.store, id).await else {
                return;
            };
            let bought: Vec<&ProductId> = products
                .iter()
                .filter(|p| live.products.contains(p))
                .collect();
            if !bought.is_empty() {
                let data = serde_json::json!({ "products": bought }).to_string();
                svc.lives.publish(id, "purchase", data);
            }
            if let Err(e) = tell(&svc, &live).await {
                tracing::warn!(live = %id, error = %e, "live viewers not told of a purchase");
            }
        });
    }
}

//! Attribution events, recorded without slowing a page: a request only
//! pushes the event into memory; a writer appends what gathered in one
//! transaction every half second (and at shutdown). A write that fails is
//! kept and tried again, so an event is lost only if the process dies with
//! it in memory — at most half a second of events.
//!
//! Impressions are counted, not listed: the showings of one video (or
//! live) to one visitor within a write are one row whose `quantity` is
//! how many times it was shown. A feed page shows eight videos; listing
//! each showing made the writer the busiest thing on the machine.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use etalase_domain::attribution::{AttributionEvent, EventKind};
use etalase_domain::checkout::Source;
use etalase_domain::id::{OrderId, ProductId, SellerId, SkuId, UserId};
use etalase_store::attribution;
use etalase_store::catalog::skus_by_ids;
use etalase_store::checkout::lines_of_orders;

use crate::{ServiceResult, Services};

/// Events waiting for the writer beyond this are dropped (and counted): a
/// flood must never grow memory without bound.
const MAX_PENDING: usize = 100_000;

/// A placed order, to be recorded line by line.
#[derive(Debug, Clone, Copy)]
pub struct PlacedOrder {
    pub order: OrderId,
    pub seller: SellerId,
    pub buyer: UserId,
}

/// What makes two impressions one row: the same thing shown to the same
/// visitor (or buyer).
type ImpressionKey = (
    Source,
    Option<SellerId>,
    Option<ProductId>,
    Option<UserId>,
    Option<String>,
);

#[derive(Default)]
struct Pending {
    events: Vec<AttributionEvent>,
    /// Impressions counted by what and to whom (the event carries the count
    /// in `quantity`).
    impressions: HashMap<ImpressionKey, AttributionEvent>,
    orders: Vec<PlacedOrder>,
}

impl Pending {
    fn len(&self) -> usize {
        self.events.len() + self.impressions.len()
    }

    fn count_impression(&mut self, event: AttributionEvent, times: i64) {
        let key = (
            event.source,
            event.seller,
            event.product,
            event.buyer,
            event.visitor.clone(),
        );
        self.impressions
            .entry(key)
            .or_insert(AttributionEvent {
                quantity: 0,
                ..event
            })
            .quantity += times;
    }
}

#[derive(Default)]
pub struct Recorder {
    pending: Mutex<Pending>,
    wake: tokio::sync::Notify,
    dropped: AtomicU64,
}

impl Recorder {
    /// Keeps an event for the writer; never waits.
    pub fn record(&self, event: AttributionEvent) {
        let Ok(mut pending) = self.pending.lock() else {
            return;
        };
        if pending.len() >= MAX_PENDING {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if event.kind == EventKind::Impression {
            pending.count_impression(event, 1);
        } else {
            pending.events.push(event);
        }
        if pending.len() >= MAX_PENDING / 10 {
            self.wake.notify_one();
        }
    }

    /// Keeps placed orders; their lines are read and recorded by the writer.
    pub fn record_orders(&self, orders: impl IntoIterator<Item = PlacedOrder>) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.orders.extend(orders);
        }
    }

    /// Events dropped because the writer fell behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn take(&self) -> Pending {
        self.pending
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default()
    }

    /// Puts back what a failed write took, ahead of what came since.
    fn put_back(&self, taken: Pending) {
        if let Ok(mut pending) = self.pending.lock() {
            let later = std::mem::take(&mut *pending);
            pending.events = taken.events;
            pending.events.extend(later.events);
            pending.impressions = taken.impressions;
            for (_, counted) in later.impressions {
                let times = counted.quantity;
                pending.count_impression(counted, times);
            }
            pending.orders = taken.orders;
            pending.orders.extend(later.orders);
        }
    }
}

/// Appends everything recorded so far; returns how many events it wrote.
pub async fn flush(svc: &Services) -> ServiceResult<usize> {
    let taken = svc.attribution.take();
    if taken.len() == 0 && taken.orders.is_empty() {
        return Ok(0);
    }
    match write(svc, &taken).await {
        Ok(written) => Ok(written),
        Err(e) => {
            svc.attribution.put_back(taken);
            Err(e)
        }
    }
}

async fn write(svc: &Services, taken: &Pending) -> ServiceResult<usize> {
    let mut events = taken.events.clone();
    events.extend(taken.impressions.values().cloned());
    fill_products(svc, &mut events).await?;
    let ids: Vec<OrderId> = taken.orders.iter().map(|o| o.order).collect();
    for line in lines_of_orders(&svc.store, &ids).await? {
        let placed = taken.orders.iter().find(|o| o.order == line.order);
        events.push(AttributionEvent {
            seller: placed.map(|o| o.seller),
            product: Some(line.product),
            sku: Some(line.sku),
            buyer: placed.map(|o| o.buyer),
            order: Some(line.order),
            quantity: line.quantity,
            amount: line.net,
            ..AttributionEvent::new(EventKind::Order, line.source)
        });
    }
    let mut tx = svc.store.write().await?;
    attribution::append(&mut tx, &events, svc.now()).await?;
    tx.commit().await?;
    Ok(events.len())
}

/// Events that name only a SKU (an add to cart) get its product and shop,
/// read once per batch rather than on the buyer's request.
async fn fill_products(svc: &Services, events: &mut [AttributionEvent]) -> ServiceResult<()> {
    let mut wanted: Vec<SkuId> = events
        .iter()
        .filter(|e| e.product.is_none())
        .filter_map(|e| e.sku)
        .collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(());
    }
    let found = skus_by_ids(&svc.store, &wanted).await?;
    for event in events.iter_mut().filter(|e| e.product.is_none()) {
        if let Some((seller, sku)) = found.iter().find(|(_, s)| Some(s.id) == event.sku) {
            event.product = Some(sku.product_id);
            event.seller = event.seller.or(Some(*seller));
        }
    }
    Ok(())
}

/// The writer: appends what gathered every `every`, or sooner when much
/// did. Stop it with [`flush`] after aborting, so nothing stays behind.
pub fn spawn_writer(svc: Services, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = svc.attribution.wake.notified() => {}
            }
            if let Err(e) = flush(&svc).await {
                tracing::warn!(error = %e, "attribution events not written yet; trying again");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use etalase_domain::id::VideoId;

    use super::*;

    #[test]
    fn impressions_of_one_thing_to_one_visitor_are_one_counted_row() {
        let recorder = Recorder::default();
        let video = Source::Video(VideoId::generate());
        let shown = |visitor: &str| AttributionEvent {
            visitor: Some(visitor.to_owned()),
            ..AttributionEvent::new(EventKind::Impression, video)
        };
        for _ in 0..3 {
            recorder.record(shown("a"));
        }
        recorder.record(shown("b"));
        recorder.record(AttributionEvent::new(EventKind::TagClick, video));
        let taken = recorder.take();
        assert_eq!(taken.events.len(), 1, "a click is listed");
        let mut counts: Vec<(Option<String>, i64)> = taken
            .impressions
            .values()
            .map(|e| (e.visitor.clone(), e.quantity))
            .collect();
        counts.sort();
        assert_eq!(counts, vec![(Some("a".into()), 3), (Some("b".into()), 1)]);
        // Put back after a failed write, later showings add to the counts.
        recorder.record(shown("a"));
        recorder.put_back(taken);
        let again = recorder.take();
        let a = again
            .impressions
            .values()
            .find(|e| e.visitor.as_deref() == Some("a"))
            .unwrap();
        assert_eq!(a.quantity, 4);
    }
}

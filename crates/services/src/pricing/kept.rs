//! SKU reads kept for the next quote. What a checkout summary or a cart's
//! quote reads of its SKUs — the SKUs, their products, the offers on them —
//! is the same for every buyer of the same SKUs (a flash sale's crowd most
//! of all), so this node keeps it for a moment and gives it to the next
//! asker instead of reading it again.
//!
//! Shown, never charged: placing an order reads and prices everything again
//! inside its transaction and compares versions, so a kept read gone stale
//! becomes "the price changed, confirm again", never a wrong charge. Still,
//! a change made on this node shows at once: every commit that wrote an
//! outbox event (a product, its stock, a promotion, a seller, an order)
//! and every change to a live's prices or deals makes everything kept
//! stale, and a read under way across such a change is not kept. Another
//! node's change shows within [`MAX_AGE`], or as soon as a placing here
//! finds what its summary showed changed. The clock needs nothing: offers
//! are read with their windows (scheduled or running) and the pricing
//! function checks each window at the instant it prices, so a promotion
//! that starts while a read is kept applies on time.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use etalase_domain::id::{ProductId, SellerId, SkuId};
use etalase_store::Store;
use etalase_store::catalog::Sku;
use etalase_store::checkout::Sellable;
use etalase_store::pricing::SkuOffer;
use quick_cache::sync::Cache;
use tokio::sync::watch;

use crate::ServiceResult;
use crate::storefront::flights::Flights;

/// How long a read is given again without a change on this node (what
/// another node changed, and a seller's pickup address, which no event
/// announces).
pub const MAX_AGE: Duration = Duration::from_secs(1);
/// Sets of SKUs kept.
const CAPACITY: usize = 10_000;

/// What a quote reads of its SKUs (`quote::read_skus`): the SKUs, their
/// products and the offers on them (scheduled or running: each offer's
/// window is checked when it prices).
#[derive(Default)]
pub(crate) struct SkuReads {
    pub(crate) found: HashMap<SkuId, (SellerId, Sku)>,
    pub(crate) sellable: HashMap<ProductId, Sellable>,
    pub(crate) offers: Vec<SkuOffer>,
}

/// What had been committed on this node when a read began: equal stamps,
/// no change on this node in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Stamp {
    event_commits: u64,
    other_changes: u64,
}

#[derive(Clone)]
struct Kept {
    stamp: Stamp,
    read_at: Instant,
    reads: Arc<SkuReads>,
}

pub struct KeptSkuReads {
    kept: Cache<Vec<SkuId>, Kept>,
    event_commits: watch::Receiver<u64>,
    /// Moves with every change known here that wrote no outbox event: a
    /// live's prices or deals, or a read found stale (see [`Self::forget`]).
    other_changes: AtomicU64,
    /// Reads under way, shared by the buyers asking for the same SKUs at
    /// the same instant.
    flights: Flights<(Vec<SkuId>, Stamp), Arc<SkuReads>>,
}

impl KeptSkuReads {
    pub fn new(store: &Store) -> Self {
        Self::following(store.event_commits())
    }

    /// Kept while `event_commits` stays where it was.
    fn following(event_commits: watch::Receiver<u64>) -> Self {
        KeptSkuReads {
            kept: Cache::new(CAPACITY),
            event_commits,
            other_changes: AtomicU64::new(0),
            flights: Flights::default(),
        }
    }

    fn stamp(&self) -> Stamp {
        Stamp {
            event_commits: *self.event_commits.borrow(),
            other_changes: self.other_changes.load(Ordering::SeqCst),
        }
    }

    /// Nothing kept is given again: a live's prices or deals changed on
    /// this node (committed), or a placing found what its summary showed
    /// no longer holds (another node's change, read here within its age).
    pub fn forget(&self) {
        self.other_changes.fetch_add(1, Ordering::SeqCst);
    }

    /// The reads of `skus` (sorted, without repeats): kept ones while
    /// nothing changed since they were read, else `read`'s, kept for the
    /// next asker unless something changed while it ran.
    pub(crate) async fn get_or_read<F, Fut>(
        &self,
        skus: Vec<SkuId>,
        read: F,
    ) -> ServiceResult<Arc<SkuReads>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = ServiceResult<SkuReads>>,
    {
        let stamp = self.stamp();
        if let Some(kept) = self.kept.get(&skus)
            && kept.stamp == stamp
            && kept.read_at.elapsed() < MAX_AGE
        {
            return Ok(kept.reads);
        }
        let name = (skus.clone(), stamp);
        let reads = self
            .flights
            .once(name, || async move {
                let reads = Arc::new(read().await?);
                self.keep(stamp, skus, reads.clone());
                Ok(reads)
            })
            .await?;
        Ok(reads)
    }

    fn keep(&self, stamp: Stamp, skus: Vec<SkuId>, reads: Arc<SkuReads>) {
        if self.stamp() != stamp {
            return;
        }
        let kept = Kept {
            stamp,
            read_at: Instant::now(),
            reads,
        };
        // A change between the check and the insert is harmless: the entry
        // carries the older stamp, and no asker after the change has it.
        self.kept.insert(skus, kept);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// Asks for `skus`, counting the reads made.
    async fn ask(kept: &KeptSkuReads, skus: &[SkuId], reads: &AtomicUsize) {
        kept.get_or_read(skus.to_vec(), || async {
            reads.fetch_add(1, Ordering::SeqCst);
            Ok(SkuReads::default())
        })
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn a_read_is_given_again_until_something_changes_here() {
        let (commits, following) = watch::channel(0u64);
        let kept = KeptSkuReads::following(following);
        let (one, other) = (vec![SkuId::generate()], vec![SkuId::generate()]);
        let reads = AtomicUsize::new(0);
        ask(&kept, &one, &reads).await;
        ask(&kept, &one, &reads).await;
        assert_eq!(
            reads.load(Ordering::SeqCst),
            1,
            "the second asker is given the first read"
        );
        ask(&kept, &other, &reads).await;
        assert_eq!(reads.load(Ordering::SeqCst), 2, "other SKUs, another read");
        commits.send_modify(|n| *n += 1);
        ask(&kept, &one, &reads).await;
        assert_eq!(reads.load(Ordering::SeqCst), 3, "read again after a commit");
        kept.forget();
        ask(&kept, &one, &reads).await;
        assert_eq!(
            reads.load(Ordering::SeqCst),
            4,
            "read again after a forget (a live's change, a stale summary)"
        );
        ask(&kept, &one, &reads).await;
        assert_eq!(reads.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn a_read_overtaken_by_a_change_is_not_given_again() {
        let (commits, following) = watch::channel(0u64);
        let kept = KeptSkuReads::following(following);
        let skus = vec![SkuId::generate()];
        let reads = AtomicUsize::new(0);
        kept.get_or_read(skus.clone(), || async {
            reads.fetch_add(1, Ordering::SeqCst);
            // A commit while the read runs: it may have seen either side.
            commits.send_modify(|n| *n += 1);
            Ok(SkuReads::default())
        })
        .await
        .unwrap();
        ask(&kept, &skus, &reads).await;
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }
}

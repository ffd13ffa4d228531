//! One read for many readers: when a page's data is missing from the
//! Shop's cache and many buyers open that page at the same instant (a live
//! pins a product, a feed's first card), the first of them reads it and the
//! others wait for that read instead of each reading the same rows. A
//! flight is named by its key: the Shop's cache names each by what it reads
//! and by the cache's epoch when it began (`(ProductId, Ticket)`), so a
//! buyer who arrives after a notice never gets a read older than it.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::ServiceResult;

type Flight<T> = Arc<OnceCell<T>>;

pub struct Flights<K, T> {
    under_way: Mutex<HashMap<K, Flight<T>>>,
}

impl<K, T> Default for Flights<K, T> {
    fn default() -> Self {
        Flights {
            under_way: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash + Clone, T: Clone> Flights<K, T> {
    /// `read`'s value, or that of the read under way with the same key. A
    /// read that fails fails only its own caller; a waiter then reads
    /// itself.
    pub async fn once<F, Fut>(&self, name: K, read: F) -> ServiceResult<T>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = ServiceResult<T>>,
    {
        let flight = self
            .lock()
            .entry(name.clone())
            .or_insert_with(|| Arc::new(OnceCell::new()))
            .clone();
        let value = flight.get_or_try_init(read).await.cloned();
        let mut under_way = self.lock();
        if under_way
            .get(&name)
            .is_some_and(|f| Arc::ptr_eq(f, &flight))
        {
            under_way.remove(&name);
        }
        value
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Flight<T>>> {
        // A panic while holding it left the map whole (inserts and removes
        // are single calls).
        self.under_way
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::ServiceError;
    use etalase_domain::ErrorCode;

    #[tokio::test]
    async fn many_readers_at_once_read_once() {
        let flights: Arc<Flights<(u32, u64), u64>> = Arc::default();
        let reads = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Notify::new());
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (flights, reads, gate) = (flights.clone(), reads.clone(), gate.clone());
                tokio::spawn(async move {
                    flights
                        .once((7, 0), || async {
                            reads.fetch_add(1, Ordering::SeqCst);
                            gate.notified().await;
                            Ok(42)
                        })
                        .await
                })
            })
            .collect();
        // Every reader has joined before the one read ends.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        gate.notify_one();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), 42);
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        // Done: the next reader reads again.
        let again = flights.once((7, 0), || async { Ok(43) }).await;
        assert_eq!(again.unwrap(), 43);
    }

    #[tokio::test]
    async fn a_reader_after_a_notice_reads_itself() {
        let flights: Arc<Flights<(u32, u64), u64>> = Arc::default();
        let gate = Arc::new(tokio::sync::Notify::new());
        let early = {
            let (flights, gate) = (flights.clone(), gate.clone());
            tokio::spawn(async move {
                flights
                    .once((7, 0), || async {
                        gate.notified().await;
                        Ok(1)
                    })
                    .await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let late = flights.once((7, 1), || async { Ok(2) }).await;
        assert_eq!(late.unwrap(), 2, "not the read begun before the notice");
        gate.notify_one();
        assert_eq!(early.await.unwrap().unwrap(), 1);
    }

    #[tokio::test]
    async fn a_failed_read_fails_only_its_reader() {
        let flights: Flights<(u32, u64), u64> = Flights::default();
        let failed = flights
            .once((7, 0), || async {
                Err(ServiceError::from(ErrorCode::Internal))
            })
            .await;
        assert!(failed.is_err());
        let next = flights.once((7, 0), || async { Ok(5) }).await;
        assert_eq!(next.unwrap(), 5);
    }
}

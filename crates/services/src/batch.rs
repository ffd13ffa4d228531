//! Group commit: units of work that arrive together (orders in a flash
//! sale) run one after another in ONE write transaction, each inside a
//! savepoint of its own, and are answered after the one commit. One
//! buyer's failure rolls back to their savepoint and never fails another's;
//! the commit — one durable sync to disk on SQLite, one round of row locks
//! on PostgreSQL — is shared by the whole batch, which is what lifts a hot
//! SKU past one transaction per order.
//!
//! A unit gets the transaction and must do all its writing through it (a
//! nested `store.write()` would wait for the writer this batch holds).
//!
//! Each statement is a round trip to the database's connection, so a batch
//! spends few of them per unit: the units share one clock reading and the
//! reads their writes never change ([`Shared`]), what the batch reads of
//! its buyers is read for all of them as it begins, and the rows they append
//! (orders, their lines, audit lines, outbox events, stock moves) are
//! written one statement per table at the end (`Tx::collect_appends`).
//! Those rows carry new ids and values each unit has already checked, so
//! writing them cannot fail one buyer's order alone; if it fails at all
//! (the disk, the connection), the whole batch fails and nothing of it is
//! kept, as when its commit fails.

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use etalase_domain::id::{ProductId, SellerId, UserId};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::idempotency::BatchKeys;
use etalase_store::{Store, StoreError, Tx};
use tokio::sync::{mpsc, oneshot};

use crate::checkout::buyer_reads::BuyerReads;
use crate::pricing::quote::SharedReads;
use crate::{Clock, ServiceError, ServiceResult};

/// The most units one transaction carries.
const MAX_BATCH: usize = 256;
/// Units waiting for a batch beyond this are refused as busy (the queue
/// must not grow without bound under overload).
const QUEUE: usize = 8192;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a unit did: keep its writes or roll them back, what to tell its
/// caller once the batch is committed, and which products it moved (their
/// follow-up — stock totals, the sync's event — is done once per product
/// per batch, not once per unit).
pub struct Done<T> {
    pub keep: bool,
    pub value: T,
    pub products: Vec<(SellerId, ProductId)>,
}

/// What the units of one batch share. `at` is the batch's one clock
/// reading: its units commit together, at one instant. `reads` keeps the
/// SKU reads made by one unit for the next ones — only reads that no
/// unit's writes change (what the writes do change, such as stock, is
/// guarded by the writes' own conditions). `buyers` and `keys` hold
/// what the batch's [`Prologue`] read of its units' buyers and keys.
pub struct Shared {
    pub at: Timestamp,
    pub reads: SharedReads,
    pub buyers: BuyerReads,
    /// What the batch read of its units' idempotency keys as it began.
    pub keys: BatchKeys,
}

impl Shared {
    fn new(at: Timestamp) -> Self {
        Shared {
            at,
            reads: SharedReads::default(),
            buyers: BuyerReads::default(),
            keys: BatchKeys::default(),
        }
    }
}

/// Whom a unit acts for: the buyer, and the idempotency key (principal,
/// key) its answer is kept under.
#[derive(Default)]
pub struct ActsFor {
    pub buyer: Option<UserId>,
    pub key: Option<(String, String)>,
}

/// What a batch does first, inside its transaction, for the buyers and
/// keys its units act for, before any unit runs.
pub type Prologue = Arc<
    dyn for<'a> Fn(
            &'a mut Tx,
            &'a mut Shared,
            Vec<ActsFor>,
        ) -> BoxFuture<'a, Result<(), StoreError>>
        + Send
        + Sync,
>;

/// What a batch does last, before its commit, for the products its kept
/// units moved, at the batch's time.
pub type Epilogue = Arc<
    dyn for<'a> Fn(
            &'a mut Tx,
            BTreeSet<(SellerId, ProductId)>,
            Timestamp,
        ) -> BoxFuture<'a, Result<(), StoreError>>
        + Send
        + Sync,
>;

type Deliver = Box<dyn FnOnce(Result<(), Arc<StoreError>>) + Send>;
type Outcome = (bool, Vec<(SellerId, ProductId)>, Deliver);
type Work = Box<dyn for<'a> FnOnce(&'a mut Tx, &'a mut Shared) -> BoxFuture<'a, Outcome> + Send>;

/// A unit of work and whom it acts for.
struct Job {
    acts_for: ActsFor,
    work: Work,
}

pub struct BatchCommitter {
    store: Store,
    clock: Arc<dyn Clock>,
    prologue: Prologue,
    epilogue: Epilogue,
    sender: OnceLock<mpsc::Sender<Job>>,
}

impl BatchCommitter {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        prologue: Prologue,
        epilogue: Epilogue,
    ) -> Self {
        BatchCommitter {
            store,
            clock,
            prologue,
            epilogue,
            sender: OnceLock::new(),
        }
    }

    /// Runs `work` (for whom it acts for) in the next batch and answers
    /// once that batch is committed (its value), or failed to commit (an
    /// error: nothing of it was kept).
    pub async fn run<T, F>(&self, acts_for: ActsFor, work: F) -> ServiceResult<T>
    where
        T: Send + 'static,
        F: for<'a> FnOnce(&'a mut Tx, &'a mut Shared) -> BoxFuture<'a, Done<T>> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel::<Result<T, Arc<StoreError>>>();
        let work: Work = Box::new(move |tx: &mut Tx, shared: &mut Shared| {
            Box::pin(async move {
                let done = work(tx, shared).await;
                let value = done.value;
                let deliver: Deliver = Box::new(move |committed| {
                    let _ = answer.send(committed.map(|()| value));
                });
                (done.keep, done.products, deliver)
            })
        });
        let job = Job { acts_for, work };
        let sender = self.sender.get_or_init(|| {
            spawn_worker(
                self.store.clone(),
                self.clock.clone(),
                self.prologue.clone(),
                self.epilogue.clone(),
            )
        });
        sender
            .try_send(job)
            .map_err(|_| ServiceError::new(ErrorCode::Unavailable))?;
        match answered.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(ServiceError::internal(StoreError::Corrupt(format!(
                "batch commit failed: {e}"
            )))),
            Err(_) => Err(ServiceError::new(ErrorCode::Unavailable)),
        }
    }
}

/// The batches run on a thread of their own ([`crate::own_thread`]).
fn spawn_worker(
    store: Store,
    clock: Arc<dyn Clock>,
    prologue: Prologue,
    epilogue: Epilogue,
) -> mpsc::Sender<Job> {
    let (sender, mut jobs) = mpsc::channel::<Job>(QUEUE);
    let worker = async move {
        while let Some(first) = jobs.recv().await {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            let shared = Shared::new(clock.now());
            run_batch(&store, shared, (&prologue, &epilogue), batch).await;
        }
    };
    crate::own_thread::spawn("batch-writer", worker);
    sender
}

async fn run_batch(
    store: &Store,
    mut shared: Shared,
    (prologue, epilogue): (&Prologue, &Epilogue),
    mut batch: Vec<Job>,
) {
    let began = std::time::Instant::now();
    let mut tx = match store.write().await {
        Ok(tx) => tx,
        Err(e) => {
            // Dropping the units drops their answers: each caller hears
            // `unavailable`, and nothing was written.
            tracing::error!(error = %e, "a batch could not begin");
            drop(batch);
            return;
        }
    };
    let begun = began.elapsed();
    tx.collect_appends();
    let mut delivers: Vec<Deliver> = Vec::with_capacity(batch.len());
    let mut moved: BTreeSet<(SellerId, ProductId)> = BTreeSet::new();
    let acts_for: Vec<ActsFor> = batch
        .iter_mut()
        .map(|job| std::mem::take(&mut job.acts_for))
        .collect();
    if acts_for
        .iter()
        .any(|a| a.buyer.is_some() || a.key.is_some())
        && let Err(e) = prologue(&mut tx, &mut shared, acts_for).await
    {
        // As when the batch cannot begin: nothing was written.
        tracing::error!(error = %e, "a batch's first reads failed; the batch is dropped");
        drop(batch);
        return;
    }
    let read = began.elapsed();
    if let Err(e) = tx.savepoint().await {
        tracing::error!(error = %e, "savepoint failed; the batch is dropped");
        return fail_all(delivers, e);
    }
    let units = batch.len();
    for (n, job) in batch.into_iter().enumerate() {
        let (keep, products, deliver) = (job.work)(&mut tx, &mut shared).await;
        if keep {
            moved.extend(products);
        }
        // Closing one unit's savepoint opens the next unit's, in the same
        // round trip.
        let closed = match (n + 1 == units, keep) {
            (false, keep) => tx.next_savepoint(keep).await,
            (true, true) => tx.release_savepoint().await,
            (true, false) => tx.rollback_to_savepoint().await,
        };
        delivers.push(deliver);
        if let Err(e) = closed {
            tracing::error!(error = %e, "closing a savepoint failed; the batch is dropped");
            return fail_all(delivers, e);
        }
    }
    let ran = began.elapsed();
    if let Err(e) = tx.write_appends().await {
        tracing::error!(error = %e, "a batch's rows could not be written; the batch is dropped");
        return fail_all(delivers, e);
    }
    if !moved.is_empty()
        && let Err(e) = epilogue(&mut tx, moved, shared.at).await
    {
        tracing::error!(error = %e, "a batch's follow-up failed; the batch is dropped");
        return fail_all(delivers, e);
    }
    let written = began.elapsed();
    let committed = tx.commit().await;
    // Where a batch's time went (`ETALASE_LOG=etalase_services::batch=debug`):
    // waiting for the writer, its first reads, its units, its rows and
    // follow-up, its commit.
    tracing::debug!(
        units,
        begin_us = begun.as_micros() as u64,
        read_us = (read - begun).as_micros() as u64,
        ran_us = (ran - read).as_micros() as u64,
        written_us = (written - ran).as_micros() as u64,
        commit_us = (began.elapsed() - written).as_micros() as u64,
        "batch"
    );
    match committed {
        Ok(()) => {
            for deliver in delivers {
                deliver(Ok(()));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "a batch failed to commit");
            fail_all(delivers, e);
        }
    }
}

fn fail_all(delivers: Vec<Deliver>, e: StoreError) {
    let e = Arc::new(e);
    for deliver in delivers {
        deliver(Err(e.clone()));
    }
}

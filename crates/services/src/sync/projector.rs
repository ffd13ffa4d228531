//! The projector: reads the outbox in order from its stored position and
//! projects every product an event concerns (a product's own events; a
//! seller's events concern all its products). Projections are state-based,
//! so an event applied twice changes nothing, and a product whose
//! projection fails is marked failed, retried with backoff, and never
//! holds up the others.
//!
//! Its place in the outbox is an [`OutboxCursor`], which minds the gaps
//! PostgreSQL's sequences can leave. Events may also come from NATS
//! JetStream ([`super::bus`]) instead of the outbox: the same projection
//! applies them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use etalase_domain::Timestamp;
use etalase_domain::id::{ProductId, SellerId};
use etalase_store::outbox::OutboxEvent;
use etalase_store::sync::{self as states, SyncOutcome, SyncState};

use super::cursor::OutboxCursor;
use super::project::{Cause, ProjectError, Projected, Shops, project};
use crate::{ServiceError, ServiceResult, Services};

/// The name the projector's position is stored under.
pub const CONSUMER: &str = "shop";
/// Events read at once.
const READ_BATCH: i64 = 1000;
/// Products projected per transaction.
const WRITE_BATCH: usize = 200;
/// Lag samples are kept this long …
const LAG_KEPT_MS: i64 = 24 * 3600 * 1000;
/// … and the older ones forgotten at most this often (not on every batch).
const LAG_PRUNE_EVERY_MS: i64 = 60 * 1000;

/// Backoff before the next attempt after `attempts` failures: 5 s, 30 s,
/// 2 min, 10 min, then every hour.
pub fn retry_delay_ms(attempts: i32) -> i64 {
    match attempts {
        ..=1 => 5_000,
        2 => 30_000,
        3 => 120_000,
        4 => 600_000,
        _ => 3_600_000,
    }
}

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pass {
    pub events: usize,
    pub projected: Vec<Projected>,
    pub failed: Vec<(ProductId, SellerId)>,
}

pub struct Projector {
    svc: Services,
    cursor: OutboxCursor,
    /// Whether projections record their lag (not in a rebuild).
    sample_lags: bool,
    /// When old lag samples were last forgotten (milliseconds).
    lags_pruned_at: AtomicI64,
}

impl Projector {
    pub async fn load(svc: &Services) -> ServiceResult<Projector> {
        Ok(Projector {
            svc: svc.clone(),
            cursor: OutboxCursor::load(svc, CONSUMER).await?,
            sample_lags: true,
            lags_pruned_at: AtomicI64::new(0),
        })
    }

    pub fn position(&self) -> i64 {
        self.cursor.position()
    }

    /// Applies the events waiting after the position (one read batch).
    /// The new position is written in the transaction of the last
    /// projection, not in one of its own: on SQLite every commit waits for
    /// the one writer and syncs to disk, and in a flash sale each batch of
    /// orders brings a pass.
    pub async fn step(&mut self) -> ServiceResult<Pass> {
        let (events, fresh) = self.cursor.read(&self.svc, READ_BATCH).await?;
        let reached = self.cursor.reach(&events);
        let moving = self.cursor.moving_to(reached);
        let mut pass = Pass {
            events: fresh.len(),
            ..Pass::default()
        };
        let wanted = self.wanted(&fresh).await?;
        let written = self.apply(wanted, &mut pass, moving).await?;
        self.cursor.settle(&events, reached);
        if written {
            self.cursor.moved_to(reached);
        } else {
            self.cursor.skip_to(&self.svc, reached).await?;
        }
        Ok(pass)
    }

    /// Applies events, wherever they were read (the outbox, or NATS).
    pub async fn apply_events(&self, events: &[OutboxEvent]) -> ServiceResult<Pass> {
        let mut pass = Pass {
            events: events.len(),
            ..Pass::default()
        };
        let wanted = self.wanted(events).await?;
        self.apply(wanted, &mut pass, None).await?;
        Ok(pass)
    }

    /// Projects again the failed products whose next attempt is due.
    pub async fn retry_due(&mut self) -> ServiceResult<Pass> {
        let now = self.svc.now();
        let due = states::due_retries(&self.svc.store, now, WRITE_BATCH as i64).await?;
        let wanted = due
            .into_iter()
            .map(|(product, _, seq)| {
                (
                    product,
                    Cause {
                        seq,
                        committed_at: now,
                        force: true,
                    },
                )
            })
            .collect();
        let mut pass = Pass::default();
        self.apply(wanted, &mut pass, None).await?;
        Ok(pass)
    }

    /// Projects these products now, as of event `seq` (a rebuild: no lag
    /// is recorded).
    pub async fn project_now(&mut self, products: &[ProductId], seq: i64) -> ServiceResult<Pass> {
        let now = self.svc.now();
        let cause = Cause {
            seq,
            committed_at: now,
            force: true,
        };
        let wanted = products.iter().map(|p| (*p, cause)).collect();
        let mut pass = Pass::default();
        self.sample_lags = false;
        let applied = self.apply(wanted, &mut pass, None).await;
        self.sample_lags = true;
        applied?;
        Ok(pass)
    }

    /// Moves the position to `seq` if it is behind (after a rebuild, the
    /// events up to it are already reflected).
    pub async fn skip_to(&mut self, seq: i64) -> ServiceResult<()> {
        self.cursor.skip_to(&self.svc, seq).await
    }

    /// The products the events concern, each with its latest event.
    async fn wanted(&self, events: &[OutboxEvent]) -> ServiceResult<BTreeMap<ProductId, Cause>> {
        let mut wanted: BTreeMap<ProductId, Cause> = BTreeMap::new();
        let mut want = |product: ProductId, event: &OutboxEvent| {
            wanted.insert(
                product,
                Cause {
                    seq: event.seq,
                    committed_at: Timestamp::from_unix_millis(event.created_at),
                    force: false,
                },
            );
        };
        for event in events {
            match event.aggregate_type.as_str() {
                "product" => match event.aggregate_id.parse::<ProductId>() {
                    Ok(product) => want(product, event),
                    Err(_) => self.dead(event, "not a product id").await?,
                },
                "seller" => match event.aggregate_id.parse::<SellerId>() {
                    Ok(seller) => {
                        for product in states::products_of(&self.svc.store, seller).await? {
                            want(product, event);
                        }
                    }
                    Err(_) => self.dead(event, "not a seller id").await?,
                },
                // Team members, accounts …: nothing the Shop shows.
                _ => {}
            }
        }
        Ok(wanted)
    }

    async fn dead(&self, event: &OutboxEvent, error: &str) -> ServiceResult<()> {
        tracing::warn!(seq = event.seq, topic = %event.topic, error, "sync: event skipped");
        let mut tx = self.svc.store.write().await?;
        states::dead_event(&mut tx, event.seq, &event.topic, error, self.svc.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Projects products in transactions of [`WRITE_BATCH`]; a batch with
    /// a failing product is redone one product at a time, so only that one
    /// is marked failed. `position` (a consumer's, and where it moves) is
    /// written with the projection of the last product, when that one
    /// commits; the answer says whether it was written.
    async fn apply(
        &self,
        wanted: BTreeMap<ProductId, Cause>,
        pass: &mut Pass,
        position: Option<(&str, i64)>,
    ) -> ServiceResult<bool> {
        let items: Vec<(ProductId, Cause)> = wanted.into_iter().collect();
        let chunks = items.len().div_ceil(WRITE_BATCH);
        let mut written = false;
        for (n, chunk) in items.chunks(WRITE_BATCH).enumerate() {
            let last_chunk = n + 1 == chunks;
            match self
                .apply_together(chunk, position.filter(|_| last_chunk))
                .await?
            {
                Ok(projected) => {
                    written = last_chunk && position.is_some();
                    pass.projected.extend(projected);
                }
                Err(()) => {
                    for (i, item) in chunk.iter().enumerate() {
                        let last = last_chunk && i + 1 == chunk.len();
                        let position = position.filter(|_| last);
                        match self
                            .try_together(std::slice::from_ref(item), position)
                            .await?
                        {
                            Ok(projected) => {
                                written = position.is_some();
                                pass.projected.extend(projected);
                            }
                            Err(e) => {
                                if let Some(seller) =
                                    self.record_failure(item.0, item.1, &e).await?
                                {
                                    pass.failed.push((item.0, seller));
                                }
                            }
                        }
                    }
                }
            }
        }
        Ok(written)
    }

    /// `Err(())` when a product failed (nothing of the batch is written).
    async fn apply_together(
        &self,
        items: &[(ProductId, Cause)],
        position: Option<(&str, i64)>,
    ) -> ServiceResult<Result<Vec<Projected>, ()>> {
        Ok(self.try_together(items, position).await?.map_err(|_| ()))
    }

    async fn try_together(
        &self,
        items: &[(ProductId, Cause)],
        position: Option<(&str, i64)>,
    ) -> ServiceResult<Result<Vec<Projected>, ProjectError>> {
        let now = self.svc.now();
        let mut tx = self.svc.store.write().await?;
        let mut done = Vec::with_capacity(items.len());
        let mut shops = Shops::default();
        for (product, cause) in items {
            match project(&mut tx, *product, *cause, now, &mut shops).await {
                Ok(Some(p)) => done.push(p),
                Ok(None) => {}
                Err(e) => return Ok(Err(e)),
            }
        }
        if self.sample_lags {
            let lags: Vec<(SellerId, i64)> = done.iter().map(|p| (p.seller, p.lag_ms)).collect();
            states::add_lags(&mut tx, &lags, now).await?;
            let pruned = self.lags_pruned_at.load(Ordering::Relaxed);
            if now.unix_millis() - pruned >= LAG_PRUNE_EVERY_MS {
                let before = Timestamp::from_unix_millis(now.unix_millis() - LAG_KEPT_MS);
                states::forget_lags(&mut tx, before).await?;
                self.lags_pruned_at
                    .store(now.unix_millis(), Ordering::Relaxed);
            }
        }
        if let Some((consumer, seq)) = position {
            states::set_position(&mut tx, consumer, seq, now).await?;
        }
        tx.commit().await?;
        // The Shop's pages in this process stop showing what they kept …
        for p in &done {
            self.svc.shop_cache.forget_product(p.seller, p.product);
        }
        // … and the search index follows the read model it was just written to.
        let products: Vec<ProductId> = done.iter().map(|p| p.product).collect();
        if let Err(e) = crate::search::refresh(&self.svc, &products).await {
            tracing::warn!(error = %e, "search: index not updated; it catches up on the product's next change");
        }
        Ok(Ok(done))
    }

    async fn record_failure(
        &self,
        product: ProductId,
        cause: Cause,
        error: &ProjectError,
    ) -> ServiceResult<Option<SellerId>> {
        tracing::warn!(product = %product, seq = cause.seq, error = %error, "sync: projection failed");
        let now = self.svc.now();
        let mut tx = self.svc.store.write().await?;
        let before = states::state_in_tx(&mut tx, product).await?;
        let seller = match &before {
            Some(b) => b.seller_id,
            None => match states::seller_of(&mut tx, product).await? {
                Some(seller) => seller,
                None => {
                    // No product, no shop: nothing to show a failure on.
                    let topic = "catalog.product_changed";
                    states::dead_event(&mut tx, cause.seq, topic, &error.to_string(), now).await?;
                    tx.commit().await?;
                    return Ok(None);
                }
            },
        };
        let attempts = before.as_ref().map_or(0, |b| b.attempts) + 1;
        let state = SyncState {
            product_id: product,
            seller_id: seller,
            outcome: SyncOutcome::Failed,
            synced_seq: before.as_ref().map_or(0, |b| b.synced_seq),
            error: Some(error.to_string()),
            attempts,
            next_retry_at: Some(Timestamp::from_unix_millis(
                now.unix_millis() + retry_delay_ms(attempts),
            )),
            ..before.unwrap_or(SyncState {
                product_id: product,
                seller_id: seller,
                outcome: SyncOutcome::Failed,
                synced_seq: 0,
                synced_version: None,
                synced_at: None,
                lag_ms: None,
                visibility: None,
                reasons: "[]".into(),
                listed_since: None,
                error: None,
                attempts: 0,
                next_retry_at: None,
            })
        };
        states::put_state(&mut tx, &state, now).await?;
        tx.commit().await?;
        Ok(Some(seller))
    }
}

/// Runs passes until nothing waits (tests, the command line, `catch_up`).
pub async fn catch_up(svc: &Services) -> ServiceResult<Pass> {
    let mut projector = Projector::load(svc).await?;
    let mut total = Pass::default();
    loop {
        let pass = projector.step().await?;
        let idle = pass.events == 0;
        total.events += pass.events;
        total.projected.extend(pass.projected);
        total.failed.extend(pass.failed);
        if idle {
            break;
        }
    }
    let retried = projector.retry_due().await?;
    total.projected.extend(retried.projected);
    total.failed.extend(retried.failed);
    Ok(total)
}

/// Runs the projector in this process: woken by every commit that wrote
/// outbox events, and every second besides (events from other processes,
/// retries that fell due).
///
/// It runs on a thread of its own ([`crate::own_thread`]), as the order
/// batches do: a pass holds the one writer, and on the shared runtime each
/// of its round trips would queue behind the HTTP tasks — under a flash
/// sale every order batch waited for the projector longer than its pass
/// takes. Aborting the returned task stops the passes; the thread's
/// runtime stays up, idle, for the connections it opened (they return to
/// the store's pool and stay bound to it).
pub fn spawn(svc: Services) -> tokio::task::JoinHandle<()> {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (finished, done) = tokio::sync::oneshot::channel::<()>();
    crate::own_thread::spawn("sync-projector", async move {
        tokio::select! {
            () = run(svc) => {}
            _ = stopped => {}
        }
        let _ = finished.send(());
        std::future::pending::<()>().await
    });
    tokio::spawn(async move {
        // Dropped when this task is aborted: the passes stop.
        let _stop = stop;
        let _ = done.await;
    })
}

async fn run(svc: Services) {
    let mut commits = svc.store.event_commits();
    let mut projector = loop {
        match Projector::load(&svc).await {
            Ok(p) => break p,
            Err(e) => {
                tracing::error!(error = %e, "sync: cannot load the projector's position");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    loop {
        commits.borrow_and_update();
        let result: Result<(), ServiceError> = async {
            loop {
                let pass = projector.step().await?;
                svc.sync_notices.publish(&pass);
                if pass.events == 0 {
                    break;
                }
            }
            let retried = projector.retry_due().await?;
            svc.sync_notices.publish(&retried);
            Ok(())
        }
        .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "sync: projector pass failed");
        }
        tokio::select! {
            changed = commits.changed() => {
                if changed.is_err() {
                    return;
                }
            }
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

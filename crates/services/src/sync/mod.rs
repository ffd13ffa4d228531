//! The sync from Seller Center to Shop (DESIGN.md §5): every change a
//! buyer could see writes an outbox event in its own transaction; the
//! projector applies the events to the Shop's read model; sellers see, per
//! product, whether it is in the Shop, since when, and every reason when
//! it is not.

pub mod bus;
pub mod cursor;
pub mod project;
pub mod projector;

use std::collections::{HashMap, HashSet};

use etalase_domain::Timestamp;
use etalase_domain::id::{ProductId, SellerId};
use etalase_domain::listing::{Reason, Visibility};
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::sync::{self as states, SyncOutcome, SyncState};
use etalase_store::{audit, catalog, shop};
use tokio::sync::broadcast;

pub use crate::listing_document::{ListingDocument, ListingSku};
pub use project::reasons_of;
pub use projector::{CONSUMER, Pass, Projector, catch_up, spawn};

use crate::catalog::records::product_changed;
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

/// Where a product's sync stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    /// The Shop shows the product as of its latest change.
    Synced {
        version: Option<i32>,
        at: Timestamp,
        lag_ms: i64,
    },
    /// A change waits for the projector.
    Pending { since: Option<Timestamp> },
    /// The last projection failed; it is retried.
    Failed {
        error: String,
        attempts: i32,
        next_retry_at: Option<Timestamp>,
    },
}

impl SyncStatus {
    pub fn key(&self) -> &'static str {
        match self {
            SyncStatus::Synced { .. } => "synced",
            SyncStatus::Pending { .. } => "pending",
            SyncStatus::Failed { .. } => "failed",
        }
    }
}

/// A product's place in the Shop, as its seller sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductSync {
    pub product: ProductId,
    pub status: SyncStatus,
    /// What the Shop shows now (none before the first projection).
    pub visibility: Option<Visibility>,
    pub reasons: Vec<Reason>,
    pub listed_since: Option<Timestamp>,
}

fn status_of(state: Option<&SyncState>, latest_event: Option<i64>) -> SyncStatus {
    match state {
        Some(s) if s.outcome == SyncOutcome::Failed => SyncStatus::Failed {
            error: s.error.clone().unwrap_or_default(),
            attempts: s.attempts,
            next_retry_at: s.next_retry_at,
        },
        Some(s) if latest_event.is_none_or(|e| e <= s.synced_seq) => SyncStatus::Synced {
            version: s.synced_version,
            at: s.synced_at.unwrap_or(Timestamp::from_unix_millis(0)),
            lag_ms: s.lag_ms.unwrap_or_default(),
        },
        Some(s) => SyncStatus::Pending { since: s.synced_at },
        None => SyncStatus::Pending { since: None },
    }
}

/// The sync of some of the scope's products (a page of the catalog list).
pub async fn statuses(
    svc: &Services,
    scope: &SellerScope,
    products: &[ProductId],
) -> ServiceResult<HashMap<ProductId, ProductSync>> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    let found = states::states_of(&svc.store, scope.seller_id, products).await?;
    let latest = states::latest_events(&svc.store, scope.seller_id, products).await?;
    Ok(products
        .iter()
        .map(|p| {
            let state = found.get(p);
            let sync = ProductSync {
                product: *p,
                status: status_of(state, latest.get(p).copied()),
                visibility: state.and_then(|s| s.visibility),
                reasons: state.map(reasons_of).unwrap_or_default(),
                listed_since: state.and_then(|s| s.listed_since),
            };
            (*p, sync)
        })
        .collect())
}

/// One product's sync (the product page's panel, the API).
pub async fn status(
    svc: &Services,
    scope: &SellerScope,
    product: ProductId,
) -> ServiceResult<ProductSync> {
    catalog::get_product(&svc.store, scope.seller_id, product).await?;
    statuses(svc, scope, &[product])
        .await?
        .remove(&product)
        .ok_or_else(|| ServiceError::from(etalase_domain::ErrorCode::NotFound))
}

/// "Sinkronkan ulang": announces the product again, so the projector
/// projects it now (a failed product's backoff is skipped).
pub async fn resync(svc: &Services, scope: &SellerScope, product: ProductId) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    catalog::lock_product(&mut tx, scope.seller_id, product).await?;
    product_changed(&mut tx, scope.seller_id, product, now).await?;
    audit::record(
        &mut tx,
        scope.audit("product.resync_requested", "product", &product.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What changed in the Shop, for pages that watch (the catalog list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncNotice {
    pub seller: SellerId,
    pub product: ProductId,
}

/// Tells watchers in this process which products the projector just
/// projected (or failed to).
pub struct SyncNotices {
    sender: broadcast::Sender<SyncNotice>,
}

impl Default for SyncNotices {
    fn default() -> Self {
        SyncNotices {
            sender: broadcast::Sender::new(1024),
        }
    }
}

impl SyncNotices {
    pub fn publish(&self, pass: &Pass) {
        let done = pass.projected.iter().map(|p| (p.seller, p.product));
        let failed = pass.failed.iter().map(|(p, s)| (*s, *p));
        for (seller, product) in done.chain(failed) {
            self.send(seller, product);
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<SyncNotice> {
        self.sender.subscribe()
    }

    fn send(&self, seller: SellerId, product: ProductId) {
        // Nobody watching is fine.
        let _ = self.sender.send(SyncNotice { seller, product });
    }
}

/// For a process that does not project all events itself (a Seller Center
/// whose Shop runs elsewhere, or one of several Shop nodes sharing the
/// NATS consumer): tells its watchers (and its Shop's cache and search
/// index) about the sync states that changed, as it finds them in the
/// database every half second.
pub fn spawn_notice_follower(svc: Services) -> tokio::task::JoinHandle<()> {
    // From now, not from whenever the task first runs.
    let mut since = svc.now().unix_millis();
    // Looked at again: a state written just before another but committed
    // after it (or with the same millisecond past a full read) is not missed.
    const LOOK_BACK_MS: i64 = 2_000;
    let mut seen: HashSet<(ProductId, i64)> = HashSet::new();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            match states::changed_since(&svc.store, since - LOOK_BACK_MS, 1000).await {
                Ok(changed) => {
                    let mut fresh = Vec::new();
                    for (product, seller, at) in changed {
                        since = since.max(at);
                        if seen.insert((product, at)) {
                            // Projected elsewhere: what this process's Shop
                            // kept of it is stale.
                            svc.shop_cache.forget_product(seller, product);
                            svc.sync_notices.send(seller, product);
                            fresh.push(product);
                        }
                    }
                    seen.retain(|(_, at)| *at > since - LOOK_BACK_MS);
                    if !fresh.is_empty()
                        && svc.search.is_some()
                        && let Err(e) = crate::search::refresh(&svc, &fresh).await
                    {
                        tracing::warn!(error = %e, "search: index not updated from the sync's states");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "sync notices: cannot read the states"),
            }
        }
    })
}

/// The sync's health: how far behind, how fast, what failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// Events not yet applied.
    pub backlog: i64,
    pub position: i64,
    pub head: i64,
    /// Projections in the last hour, and their commit-to-Shop lag.
    pub samples: usize,
    pub lag_p50_ms: Option<i64>,
    pub lag_p99_ms: Option<i64>,
    pub synced: i64,
    pub failed: i64,
    pub failures: Vec<SyncState>,
    /// Events no product could be found for (platform-wide only).
    pub dead_events: i64,
}

/// The `q`-quantile of sorted values (nearest rank).
pub fn quantile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

async fn health_of(svc: &Services, seller: Option<SellerId>) -> ServiceResult<Health> {
    let position = states::position(&svc.store, CONSUMER).await?;
    let head = states::head(&svc.store).await?;
    let hour_ago = Timestamp::from_unix_millis(svc.now().unix_millis() - 3_600_000);
    let lags = states::lags_since(&svc.store, seller, hour_ago).await?;
    let counts = states::count_by_outcome(&svc.store, seller).await?;
    Ok(Health {
        backlog: states::count_after(&svc.store, position).await?,
        position,
        head,
        samples: lags.len(),
        lag_p50_ms: quantile(&lags, 0.50),
        lag_p99_ms: quantile(&lags, 0.99),
        synced: counts.get("synced").copied().unwrap_or_default(),
        failed: counts.get("failed").copied().unwrap_or_default(),
        failures: states::failures(&svc.store, seller, 50).await?,
        dead_events: if seller.is_none() {
            states::dead_events(&svc.store).await?
        } else {
            0
        },
    })
}

/// The seller's sync health page.
pub async fn seller_health(svc: &Services, scope: &SellerScope) -> ServiceResult<Health> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    health_of(svc, Some(scope.seller_id)).await
}

/// The platform-wide sync health (admins).
pub async fn platform_health(
    svc: &Services,
    viewer: &etalase_store::accounts::User,
) -> ServiceResult<Health> {
    if !viewer.is_admin {
        return Err(etalase_domain::ErrorCode::AdminOnly.into());
    }
    health_of(svc, None).await
}

/// What a rebuild did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rebuilt {
    pub products: usize,
    pub listed: usize,
    pub sold_out: usize,
    pub hidden: usize,
    pub failed: usize,
}

/// Rebuilds the Shop's read model from the system of record: every
/// product projected again (the Shop keeps serving meanwhile; with
/// `from_scratch` the read model is emptied first). `progress(done)` is
/// called after every page of products.
pub async fn rebuild(
    svc: &Services,
    from_scratch: bool,
    progress: impl Fn(usize),
) -> ServiceResult<Rebuilt> {
    let head = states::head(&svc.store).await?;
    let mut tx = svc.store.write().await?;
    if from_scratch {
        states::clear_listings(&mut tx).await?;
    }
    shop::remove_orphans(&mut tx).await?;
    tx.commit().await?;
    let mut projector = Projector::load(svc).await?;
    let mut report = Rebuilt::default();
    let mut after = None;
    loop {
        let page = states::product_page(&svc.store, after, 1000).await?;
        let Some(last) = page.last().copied() else {
            break;
        };
        let pass = projector.project_now(&page, head).await?;
        report.products += page.len();
        report.failed += pass.failed.len();
        for p in &pass.projected {
            match p.eligibility.visibility {
                Visibility::Listed => report.listed += 1,
                Visibility::SoldOut => report.sold_out += 1,
                Visibility::Hidden => report.hidden += 1,
            }
        }
        progress(report.products);
        after = Some(last);
    }
    projector.skip_to(head).await?;
    Ok(report)
}

//! The ranking pass: counts what buyers did with each listed product over
//! the last [`ranking::WINDOW_DAYS`] days (orders that are sales, product page
//! openings), keeps those signals for the projector, and moves every
//! listing's rank score that changed — a signal counted, one that left the
//! window, freshness wearing off. The ranked feeds (home, a shop's page,
//! a category, the API's product list) read those scores.
//!
//! Between passes a listing the projector writes is scored by the signals
//! last kept, so a product just published ranks at once. A pass reads
//! outside the writer and writes only the signals and scores that moved,
//! each score only while the listing's facts are still the ones it scored;
//! every node may run it (two passes at once write the same numbers). The
//! node refreshes its search index for the scores its pass moved, and
//! marks their sync states changed so that other nodes following the
//! states drop their kept pages and refresh their indexes as for a
//! projection done elsewhere.

use std::time::Duration;

use etalase_domain::id::ProductId;
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::ranking::{self, RankParts, Signals};
use etalase_store::ranking as store;
use etalase_store::{catalog, shop};

use crate::teams::SellerScope;
use crate::{ServiceResult, Services};

/// Why a seller's product ranks where it does: the signals last counted
/// and the points each part gives now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductRank {
    pub signals: Signals,
    pub quality: i32,
    pub parts: RankParts,
}

/// The rank of one of the scope's products; none while buyers cannot
/// open it in the Shop.
pub async fn of_product(
    svc: &Services,
    scope: &SellerScope,
    product: ProductId,
) -> ServiceResult<Option<ProductRank>> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    catalog::get_product(&svc.store, scope.seller_id, product).await?;
    let Some(listing) = shop::get(&svc.store, product).await? else {
        return Ok(None);
    };
    let signals = store::signals_of(&svc.store, product).await?;
    Ok(Some(ProductRank {
        signals,
        quality: listing.quality_score,
        parts: ranking::rank(
            signals,
            listing.quality_score,
            listing.published_at,
            svc.now(),
        ),
    }))
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RankPass {
    /// Listings scored.
    pub listings: usize,
    /// Listings whose score moved.
    pub moved: usize,
    /// Listed products with any order or visit in the window.
    pub with_signals: usize,
}

/// One pass at the services' clock.
pub async fn rank_all(svc: &Services) -> ServiceResult<RankPass> {
    let now = svc.now();
    let signals = store::count_signals(&svc.store, ranking::window_start(now)).await?;
    let kept = store::kept_signals(&svc.store).await?;
    let listings = store::scored_listings(&svc.store).await?;
    let moved: Vec<(store::Scored, i64)> = listings
        .iter()
        .filter_map(|l| {
            let facts = signals.get(&l.product).copied().unwrap_or_default();
            let score = ranking::rank(facts, l.quality, l.published_at, now).total();
            (score != l.rank_score).then_some((*l, score))
        })
        .collect();
    let ids: Vec<ProductId> = moved.iter().map(|(l, _)| l.product).collect();
    let mut tx = svc.store.write().await?;
    store::put_signals(&mut tx, &kept, &signals, now).await?;
    store::set_rank_scores(&mut tx, &moved).await?;
    etalase_store::sync::touch_states(&mut tx, &ids, now).await?;
    tx.commit().await?;
    if !moved.is_empty() {
        svc.shop_cache.forget_feeds();
        // Search without words (and related products) goes by rank too.
        crate::search::refresh(svc, &ids).await?;
    }
    Ok(RankPass {
        listings: listings.len(),
        moved: moved.len(),
        with_signals: signals.len(),
    })
}

/// Runs a pass now and then every `every`.
pub fn spawn(svc: Services, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match rank_all(&svc).await {
                Ok(pass) => tracing::info!(
                    listings = pass.listings,
                    moved = pass.moved,
                    with_signals = pass.with_signals,
                    "the Shop's ranking moved"
                ),
                Err(e) => tracing::warn!(error = %e, "the Shop's ranking pass failed; next time"),
            }
            tokio::time::sleep(every).await;
        }
    })
}

//! The sync as sellers see it: a badge per product (live-updated while the
//! catalog list is open), the "why isn't it in the Shop?" panel with a
//! link to every fix, "sync again", and the shop's sync health page.

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;

use askama::Template;
use axum::extract::Query;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use etalase_domain::id::ProductId;
use etalase_domain::listing::{Fix, Reason, Visibility};
use etalase_services::storefront::ranking::ProductRank;
use etalase_services::sync::{self, Health, ProductSync, SyncStatus};
use futures_util::stream::{Stream, StreamExt};
use serde::Deserialize;
use tokio::sync::broadcast;

use crate::ctx::SellerCtx;
use crate::errors::AppResult;
use crate::i18n::T;
use crate::pages::{Chrome, NavItem, html};
use crate::routes::seller::{Frame, frame};

/// A product's sync at a glance.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SyncBadge {
    pub product: String,
    /// `synced`, `pending` or `failed`.
    pub state: &'static str,
    pub state_label: String,
    /// What the Shop shows: `listed`, `sold_out`, `hidden` (none yet).
    pub shown: Option<&'static str>,
    pub shown_label: String,
    /// Version, time and lag, or the error and the next attempt.
    pub detail: String,
}

pub fn badge(t: &T, sync: &ProductSync) -> SyncBadge {
    let detail = match &sync.status {
        SyncStatus::Synced {
            version,
            at,
            lag_ms,
        } => t.tf(
            "sync.detail.synced",
            &[
                &version.map(|v| v.to_string()).unwrap_or_default(),
                &t.time(at),
                lag_ms,
            ],
        ),
        SyncStatus::Pending { .. } => t.t("sync.detail.pending").to_owned(),
        SyncStatus::Failed {
            error,
            attempts,
            next_retry_at,
        } => t.tf(
            "sync.detail.failed",
            &[
                error,
                attempts,
                &next_retry_at.map(|n| t.time(&n)).unwrap_or_default(),
            ],
        ),
    };
    let shown = sync.visibility.map(Visibility::as_str);
    SyncBadge {
        product: sync.product.to_string(),
        state: sync.status.key(),
        state_label: t.t(&format!("sync.state.{}", sync.status.key())).to_owned(),
        shown,
        shown_label: shown
            .map(|s| t.t(&format!("sync.shown.{s}")).to_owned())
            .unwrap_or_default(),
        detail,
    }
}

/// One reason a product is not in the Shop, and where to fix it.
pub struct ReasonRow {
    pub code: &'static str,
    pub text: String,
    pub fix_href: Option<String>,
    pub fix_label: String,
}

/// The product page's panel.
pub struct ShopPanel {
    pub badge: SyncBadge,
    pub reasons: Vec<ReasonRow>,
    pub listed_since: Option<String>,
    /// The product's page in the Shop, when buyers can open it.
    pub shop_href: Option<String>,
    /// Why it ranks where it does, while it is in the Shop.
    pub rank: Option<RankPanel>,
}

/// A product's rank points, part by part.
pub struct RankPanel {
    pub total: String,
    /// Each part that gives points: what it counts, and its points.
    pub parts: Vec<(&'static str, String, String)>,
}

fn rank_panel(t: &T, rank: &ProductRank) -> RankPanel {
    let p = rank.parts;
    let points = |n: i64| t.tf1("sync.rank.points", &n.to_string());
    let mut parts = vec![
        (
            "orders",
            t.tf1("sync.rank.orders", &rank.signals.orders.to_string()),
            points(p.orders),
        ),
        (
            "conversion",
            t.tf2(
                "sync.rank.conversion",
                &rank.signals.orders.to_string(),
                &rank.signals.views.to_string(),
            ),
            points(p.conversion),
        ),
        (
            "quality",
            t.tf1("sync.rank.quality", &rank.quality.to_string()),
            points(p.quality),
        ),
    ];
    if p.freshness > 0 {
        parts.push((
            "freshness",
            t.t("sync.rank.freshness").to_owned(),
            points(p.freshness),
        ));
    }
    RankPanel {
        total: t.tf1("sync.rank.total", &p.total().to_string()),
        parts,
    }
}

pub fn panel(
    t: &T,
    sync: &ProductSync,
    skus: &[etalase_store::catalog::Sku],
    shop_href: Option<String>,
    rank: Option<&ProductRank>,
    label: impl Fn(&str, &[etalase_store::catalog::Sku]) -> String,
) -> ShopPanel {
    let reasons = reason_rows(t, sync.product, &sync.reasons, |field| label(field, skus));
    ShopPanel {
        badge: badge(t, sync),
        reasons,
        listed_since: sync.listed_since.map(|at| t.time(&at)),
        shop_href: shop_href.filter(|_| sync.visibility.is_some_and(Visibility::reachable)),
        rank: rank.map(|r| rank_panel(t, r)),
    }
}

/// Why a product is not in the Shop, each reason with its fix; `label`
/// names an incomplete field.
pub fn reason_rows(
    t: &T,
    product: ProductId,
    reasons: &[Reason],
    label: impl Fn(&str) -> String,
) -> Vec<ReasonRow> {
    reasons
        .iter()
        .map(|r| {
            let text = match r {
                Reason::Incomplete { field, problem } => {
                    format!("{}: {}", label(field), t.error(*problem))
                }
                other => t.t(&format!("sync.reason.{}", other.code())).to_owned(),
            };
            let (fix_href, fix_key) = fix_link(product, &r.fix());
            ReasonRow {
                code: r.code(),
                text,
                fix_href,
                fix_label: t.t(fix_key).to_owned(),
            }
        })
        .collect()
}

/// Where a fix is made, and the label of the link.
fn fix_link(product: ProductId, fix: &Fix) -> (Option<String>, &'static str) {
    let page = format!("/seller/products/{product}");
    match fix {
        Fix::Verification => (Some("/seller/verification".into()), "sync.fix.verification"),
        Fix::Product { field } => {
            let anchor = match field.as_deref() {
                Some("images") => "#images",
                Some(f) if f.starts_with("skus[") => "#variants",
                Some(f) if f.starts_with("attributes.") => "#attributes",
                _ => "#details",
            };
            (Some(format!("{page}{anchor}")), "sync.fix.product")
        }
        Fix::Publish => (Some(format!("{page}#status")), "sync.fix.publish"),
        Fix::RequestReview => (Some(format!("{page}#status")), "sync.fix.request_review"),
        Fix::Stock => (Some(format!("{page}#variants")), "sync.fix.stock"),
        Fix::Support => (None, "sync.fix.support"),
    }
}

/// Badges of the listed products.
pub async fn badges(
    s: &SellerCtx,
    products: &[ProductId],
) -> AppResult<HashMap<ProductId, SyncBadge>> {
    let found = sync::statuses(&s.ctx.state.services, &s.scope, products).await?;
    Ok(found
        .into_iter()
        .map(|(id, sync)| (id, badge(&s.ctx.t, &sync)))
        .collect())
}

#[derive(Deserialize, Default)]
pub struct WatchQuery {
    /// Products whose badges the page shows (`prd_…,prd_…`).
    pub ids: Option<String>,
}

/// Server-sent events: a badge each time the projector touches one of
/// the watched products (the catalog list keeps its badges current).
pub async fn watch(
    s: SellerCtx,
    Query(q): Query<WatchQuery>,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let watched: Vec<ProductId> = q
        .ids
        .unwrap_or_default()
        .split(',')
        .filter_map(|i| i.trim().parse().ok())
        .take(100)
        .collect();
    let notices = s.ctx.state.services.sync_notices.subscribe();
    // The badges as they are now first (changes before the page subscribed).
    let first: Vec<Result<Event, Infallible>> = badges(&s, &watched)
        .await?
        .values()
        .map(|b| Ok(badge_event(b)))
        .collect();
    let later = futures_util::stream::unfold(
        (s, notices, watched),
        |(s, mut notices, watched)| async move {
            loop {
                let products = match notices.recv().await {
                    Ok(n) if n.seller == s.scope.seller_id && watched.contains(&n.product) => {
                        vec![n.product]
                    }
                    Ok(_) => continue,
                    // Too far behind: send every badge again.
                    Err(broadcast::error::RecvError::Lagged(_)) => watched.clone(),
                    Err(broadcast::error::RecvError::Closed) => return None,
                };
                let events: Vec<Result<Event, Infallible>> = match badges(&s, &products).await {
                    Ok(found) => found.values().map(|b| Ok(badge_event(b))).collect(),
                    Err(_) => Vec::new(),
                };
                return Some((futures_util::stream::iter(events), (s, notices, watched)));
            }
        },
    )
    .flatten();
    let stream = futures_util::stream::iter(first).chain(later);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn badge_event(badge: &SyncBadge) -> Event {
    Event::default()
        .event("sync")
        .data(serde_json::to_string(badge).unwrap_or_default())
}

#[derive(Template)]
#[template(path = "seller/sync.html")]
struct HealthPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    health: HealthView,
}

/// The health figures, ready to show.
pub struct HealthView {
    pub backlog: i64,
    pub samples: usize,
    pub lag_p50: String,
    pub lag_p99: String,
    pub synced: i64,
    pub failed: i64,
    pub dead_events: i64,
    pub failures: Vec<FailureRow>,
}

pub struct FailureRow {
    pub product: String,
    pub error: String,
    pub attempts: i32,
    pub next_retry: String,
}

pub fn health_view(t: &T, h: &Health) -> HealthView {
    let ms = |v: Option<i64>| v.map(|v| format!("{v} ms")).unwrap_or_else(|| "–".into());
    HealthView {
        backlog: h.backlog,
        samples: h.samples,
        lag_p50: ms(h.lag_p50_ms),
        lag_p99: ms(h.lag_p99_ms),
        synced: h.synced,
        failed: h.failed,
        dead_events: h.dead_events,
        failures: h
            .failures
            .iter()
            .map(|f| FailureRow {
                product: f.product_id.to_string(),
                error: f.error.clone().unwrap_or_default(),
                attempts: f.attempts,
                next_retry: f.next_retry_at.map(|n| t.time(&n)).unwrap_or_default(),
            })
            .collect(),
    }
}

pub async fn health(s: SellerCtx) -> AppResult<Response> {
    let h = sync::seller_health(&s.ctx.state.services, &s.scope).await?;
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(&s, "/seller/products", None);
    Ok(html(&HealthPage {
        health: health_view(&s.ctx.t, &h),
        c,
        nav,
        shop_name,
        role_key,
    })
    .into_response())
}

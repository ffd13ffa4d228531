//! Seller Center → Orders → Shop performance: each fulfilment metric with
//! its target, whether the shop meets it, the trend, the orders behind
//! it, what the platform does at each late-dispatch threshold, and the
//! store rating with the part that sets it.

use askama::Template;
use axum::response::Response;
use etalase_domain::orders::performance::{BasisPoints, Rate, Standing, Target};
use etalase_services::fulfilment::performance;

use crate::ctx::SellerCtx;
use crate::errors::AppResult;
use crate::i18n::T;
use crate::pages::{Chrome, NavItem, html};
use crate::routes::seller::{Frame, frame};

pub struct OffenderRow {
    pub id: String,
    pub at: String,
    pub detail: String,
}

pub struct MetricView {
    pub key: &'static str,
    pub name_key: String,
    pub help_key: String,
    pub value: String,
    pub counts: String,
    pub target: String,
    /// `meets`, `misses` or `no_orders`.
    pub standing: &'static str,
    /// `up`, `down` or `same` against the window before.
    pub trend: &'static str,
    pub previous: String,
    pub days: Vec<(String, String)>,
    pub offenders: Vec<OffenderRow>,
}

pub struct CapRow {
    pub from: String,
    pub cap: u8,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "seller/performance.html")]
struct PerformancePage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    metrics: Vec<MetricView>,
    caps: Vec<CapRow>,
    order_cap: Option<u8>,
    rating: Option<String>,
    rating_part_key: Option<String>,
    parts: Vec<(String, Option<String>)>,
    computed_at: String,
}

/// `2,5%` in Indonesian, `2.5%` in English.
fn percent(t: &T, bp: BasisPoints) -> String {
    let sep = if t.code() == "id" { ',' } else { '.' };
    let tenths = (bp + 5) / 10;
    format!("{}{sep}{}%", tenths / 10, tenths % 10)
}

fn rate_text(t: &T, r: Rate) -> String {
    r.basis_points()
        .map_or_else(|| "—".to_owned(), |bp| percent(t, bp))
}

fn stars(t: &T, tenths: u8) -> String {
    let sep = if t.code() == "id" { ',' } else { '.' };
    format!("{}{sep}{} / 5", tenths / 10, tenths % 10)
}

pub async fn show(s: SellerCtx) -> AppResult<Response> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let health = performance::health(svc, &s.scope).await?;
    let late = health
        .metrics
        .iter()
        .find(|m| m.metric.as_str() == "late_dispatch")
        .map(|m| m.rate);
    let metrics = health
        .metrics
        .iter()
        .map(|m| {
            let key = m.metric.as_str();
            let (now, before) = (m.rate.basis_points(), m.previous.basis_points());
            MetricView {
                key,
                name_key: format!("performance.metric.{key}"),
                help_key: format!("performance.help.{key}"),
                value: rate_text(t, m.rate),
                counts: t.tf2(
                    "performance.counts",
                    &m.rate.count.to_string(),
                    &m.rate.of.to_string(),
                ),
                target: match m.metric.target() {
                    Target::Below(bp) => t.tf1("performance.below", &percent(t, bp)),
                    Target::Above(bp) => t.tf1("performance.above", &percent(t, bp)),
                },
                standing: match m.standing {
                    Standing::Meets => "meets",
                    Standing::Misses => "misses",
                    Standing::NoOrders => "no_orders",
                },
                trend: match (now, before) {
                    (Some(a), Some(b)) if a > b => "up",
                    (Some(a), Some(b)) if a < b => "down",
                    _ => "same",
                },
                previous: rate_text(t, m.previous),
                days: m
                    .days
                    .iter()
                    .map(|(day, r)| (day.clone(), rate_text(t, *r)))
                    .collect(),
                offenders: m
                    .offenders
                    .iter()
                    .map(|o| OffenderRow {
                        id: o.id.to_string(),
                        at: t.time(&o.at),
                        detail: match (&o.reason, o.reference) {
                            (Some(reason), _) => {
                                t.t(&format!("order.cancel_reason.{reason}")).to_owned()
                            }
                            (None, Some(reference)) => {
                                t.tf1(&format!("performance.reference.{key}"), &t.time(&reference))
                            }
                            (None, None) => String::new(),
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    let caps = svc
        .config
        .performance
        .late_dispatch_caps
        .iter()
        .map(|(from, cap)| CapRow {
            from: percent(t, *from),
            cap: *cap,
            current: late.and_then(|r| svc.config.performance.order_cap(r)) == Some(*cap),
        })
        .collect();
    let part = |score: Option<u8>| score.map(|s| stars(t, s));
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(&s, "/seller/orders", None);
    Ok(html(&PerformancePage {
        metrics,
        caps,
        order_cap: health.order_cap,
        rating: health.rating.map(|(r, _)| stars(t, r)),
        rating_part_key: health
            .rating
            .map(|(_, p)| format!("performance.part.{}", p.as_str())),
        parts: vec![
            (
                "performance.part.product".into(),
                part(health.parts.product),
            ),
            (
                "performance.part.fulfilment".into(),
                part(health.parts.fulfilment),
            ),
            (
                "performance.part.service".into(),
                part(health.parts.service),
            ),
        ],
        computed_at: t.time(&health.computed_at),
        c,
        nav,
        shop_name,
        role_key,
    }))
}

//! Seller Center → Promotions (marketing role): product discounts and
//! flash sales with their price guards and price-change preview, and the
//! shop's vouchers.

pub mod admin_vouchers;
pub mod form;
pub mod vouchers;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::pricing::guard::Finding;
use etalase_domain::pricing::{OfferRule, PromotionState};
use etalase_services::pricing::promotions::{self, Place, PromotionInput, PromotionView, Review};
use etalase_services::pricing::vouchers::{self as voucher_service, Owner, VoucherView};
use etalase_store::pricing::PromotionType;
use serde::Deserialize;

use crate::ctx::SellerCtx;
use crate::errors::AppResult;
use crate::i18n::T;
use crate::pages::{Chrome, FormErrors, NavItem, html};
use crate::routes::NoticeQuery;
use crate::routes::seller::{Frame, frame, parse_id};

/// One promotion in the list.
pub struct PromotionRow {
    pub id: String,
    pub name: String,
    pub kind_key: String,
    pub state: &'static str,
    pub state_key: String,
    pub window: String,
    pub items: usize,
}

pub struct VoucherRow {
    pub id: String,
    pub name: String,
    pub code: String,
    pub benefit: String,
    pub state: &'static str,
    pub state_key: String,
    pub window: String,
    pub claimed: String,
}

#[derive(Template)]
#[template(path = "seller/promotions.html")]
struct ListPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    promotions: Vec<PromotionRow>,
    vouchers: Vec<VoucherRow>,
    can_write: bool,
}

pub(crate) fn window_text(t: &T, w: &etalase_domain::pricing::Window) -> String {
    let end = w.ends_at.map(|e| t.time(&e)).unwrap_or_default();
    format!("{} – {end}", t.time(&w.starts_at))
}

pub(crate) fn state_key(state: PromotionState) -> String {
    format!("promotions.state.{}", state.as_str())
}

fn row(t: &T, v: &PromotionView) -> PromotionRow {
    let p = &v.promotion;
    PromotionRow {
        id: p.id.to_string(),
        name: p.name.clone(),
        kind_key: format!("promotions.kind.{}", p.kind.as_str()),
        state: v.state.as_str(),
        state_key: state_key(v.state),
        window: window_text(t, &p.window),
        items: p.items.len(),
    }
}

pub(crate) fn voucher_row(t: &T, v: &VoucherView) -> VoucherRow {
    let x = &v.voucher;
    VoucherRow {
        id: x.id.to_string(),
        name: x.name.clone(),
        code: x.code.to_string(),
        benefit: vouchers::benefit_text(t, x.benefit),
        state: v.state.as_str(),
        state_key: state_key(v.state),
        window: window_text(t, &x.window),
        claimed: format!("{} / {}", x.claimed, x.quota),
    }
}

pub async fn list(s: SellerCtx, Query(q): Query<NoticeQuery>) -> AppResult<Response> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let promotions = promotions::list(svc, &s.scope)
        .await?
        .iter()
        .map(|v| row(t, v))
        .collect();
    let vouchers = voucher_service::list(svc, Owner::Seller(&s.scope))
        .await?
        .iter()
        .map(|v| voucher_row(t, v))
        .collect();
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(&s, "/seller/promotions", q.notice.as_deref());
    Ok(html(&ListPage {
        c,
        nav,
        shop_name,
        role_key,
        promotions,
        vouchers,
        can_write: s.scope.may(SellerAction::write(Area::Promotions)),
    }))
}

/// A guard finding as the seller reads it.
pub struct FindingRow {
    pub sku: String,
    pub label: String,
    pub name: &'static str,
    pub text: String,
    pub refuses: bool,
}

/// A place whose price changes.
pub struct ChangeRow {
    pub label: String,
    /// `product_page`, `video`, `live` or `carts`.
    pub kind: &'static str,
    pub place: String,
    pub now: String,
    pub during: String,
    pub link: String,
}

pub(crate) fn finding_text(t: &T, f: Finding) -> String {
    let key = format!("promotions.finding.{}", f.name());
    match f {
        Finding::BelowFloor { price, floor } => t.tf2(&key, &t.rupiah(price), &t.rupiah(floor)),
        Finding::NotBelowBase { price, base } => t.tf2(&key, &t.rupiah(price), &t.rupiah(base)),
        Finding::BelowCost { price, cost } => t.tf2(&key, &t.rupiah(price), &t.rupiah(cost)),
        Finding::DeepDiscount { percent } => t.tf1(&key, &percent.to_string()),
        Finding::AboveRecentLowest { price, lowest } => {
            t.tf2(&key, &t.rupiah(price), &t.rupiah(lowest))
        }
        Finding::Overlaps { other, winner } => t.tf2(&key, &other.to_string(), &winner.to_string()),
    }
}

pub(crate) fn review_rows(t: &T, review: &Review) -> (Vec<FindingRow>, Vec<ChangeRow>) {
    let findings = review
        .findings
        .iter()
        .map(|f| FindingRow {
            sku: f.sku.to_string(),
            label: f.label.clone(),
            name: f.finding.name(),
            text: finding_text(t, f.finding),
            refuses: f.finding.refuses(),
        })
        .collect();
    let changes = review
        .changes
        .iter()
        .map(|c| {
            let kind = match c.place {
                Place::ProductPage => "product_page",
                Place::Video(_) => "video",
                Place::Live(_) => "live",
                Place::Carts(_) => "carts",
            };
            let (place, link) = match c.place {
                Place::ProductPage => (
                    t.t("promotions.place.product_page").to_owned(),
                    format!("/seller/products/{}", c.product),
                ),
                Place::Video(id) => (
                    t.t("promotions.place.video").to_owned(),
                    format!("/seller/videos/{id}"),
                ),
                Place::Live(id) => (
                    t.t("promotions.place.live").to_owned(),
                    format!("/seller/live/{id}"),
                ),
                Place::Carts(n) => (
                    t.tf1("promotions.place.carts", &n.to_string()),
                    String::new(),
                ),
            };
            ChangeRow {
                label: c.label.clone(),
                kind,
                place,
                now: t.rupiah(c.now),
                during: t.rupiah(c.during),
                link,
            }
        })
        .collect();
    (findings, changes)
}

pub struct ItemRow {
    pub label: String,
    pub terms: String,
    pub quota: String,
}

#[derive(Template)]
#[template(path = "seller/promotion.html")]
struct DetailPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    id: String,
    name: String,
    kind_key: String,
    state: &'static str,
    state_key: String,
    window: String,
    per_buyer_limit: String,
    items: Vec<ItemRow>,
    findings: Vec<FindingRow>,
    changes: Vec<ChangeRow>,
    any_refusal: bool,
    has_warnings: bool,
    has_quota: bool,
    can_activate: bool,
    can_deactivate: bool,
    can_edit: bool,
    errors: FormErrors,
}

async fn detail_page(
    s: &SellerCtx,
    id: etalase_domain::id::PromotionId,
    notice: Option<&str>,
    errors: FormErrors,
) -> AppResult<DetailPage> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let v = promotions::get(svc, &s.scope, id).await?;
    let p = &v.promotion;
    let review = if v.state.editable() {
        promotions::review(svc, &s.scope, Some(id), &PromotionInput::of(p)).await?
    } else {
        Review::default()
    };
    let (findings, changes) = review_rows(t, &review);
    let labels = form::sku_labels(svc, &s.scope, p).await?;
    let items: Vec<ItemRow> = p
        .items
        .iter()
        .map(|i| ItemRow {
            label: labels.get(&i.sku_id).cloned().unwrap_or_default(),
            terms: match i.rule {
                OfferRule::Fixed { price } => t.rupiah(price),
                OfferRule::PercentOff { percent } => format!("-{}%", percent.value()),
            },
            quota: i
                .flash_quota
                .map(|q| format!("{} / {q}", i.flash_sold))
                .unwrap_or_default(),
        })
        .collect();
    let write = s.scope.may(SellerAction::write(Area::Promotions));
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/promotions", notice);
    Ok(DetailPage {
        c,
        nav,
        shop_name,
        role_key,
        id: p.id.to_string(),
        name: p.name.clone(),
        kind_key: format!("promotions.kind.{}", p.kind.as_str()),
        state: v.state.as_str(),
        state_key: state_key(v.state),
        window: window_text(t, &p.window),
        per_buyer_limit: p.per_buyer_limit.map(|l| l.to_string()).unwrap_or_default(),
        has_quota: items.iter().any(|i: &ItemRow| !i.quota.is_empty()),
        any_refusal: findings.iter().any(|f: &FindingRow| f.refuses),
        has_warnings: findings.iter().any(|f: &FindingRow| !f.refuses),
        items,
        findings,
        changes,
        can_activate: write && v.state == PromotionState::Draft,
        can_deactivate: write
            && matches!(v.state, PromotionState::Scheduled | PromotionState::Ongoing),
        can_edit: write && v.state.editable(),
        errors,
    })
}

pub async fn show(
    s: SellerCtx,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    Ok(html(
        &detail_page(&s, id, q.notice.as_deref(), FormErrors::default()).await?,
    ))
}

#[derive(Deserialize)]
pub struct SwitchForm {
    #[serde(default)]
    pub confirm: Option<String>,
}

/// `activate` (schedule) or `deactivate`.
pub async fn switch(
    s: SellerCtx,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<SwitchForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    let result = match action.as_str() {
        "activate" => promotions::activate(svc, &s.scope, id, f.confirm.is_some())
            .await
            .map(|_| "promotion_scheduled"),
        "deactivate" => promotions::deactivate(svc, &s.scope, id)
            .await
            .map(|_| "promotion_deactivated"),
        _ => return Err(etalase_domain::ErrorCode::NotFound.into()),
    };
    match result {
        Ok(notice) => {
            Ok(Redirect::to(&format!("/seller/promotions/{id}?notice={notice}")).into_response())
        }
        Err(e) if e.code.status() == 422 || e.code.status() == 409 => {
            let status = axum::http::StatusCode::from_u16(e.code.status())
                .unwrap_or(axum::http::StatusCode::UNPROCESSABLE_ENTITY);
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            Ok((status, html(&detail_page(&s, id, None, errors).await?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Which kind a new promotion is, from `?kind=`.
pub(crate) fn kind_of(text: Option<&str>) -> PromotionType {
    text.and_then(PromotionType::parse)
        .unwrap_or(PromotionType::Discount)
}

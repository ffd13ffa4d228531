//! Seller Center catalog and stock pages (`/seller/products`, `/seller/stock`).

pub mod editor;
pub mod form;
pub mod images;
pub mod import;
pub mod stock;
pub mod sync;
pub mod video;

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use etalase_domain::catalog::lifecycle::ProductStatus;
use etalase_domain::id::ProductId;
use etalase_domain::policy::{Area, SellerAction};
use etalase_services::catalog;
use etalase_store::catalog::{ListCursor, ProductFilter};
use serde::Deserialize;

use crate::ctx::{SellerCtx, url_encode};
use crate::errors::AppResult;
use crate::pages::{Chrome, NavItem, html};
use crate::routes::seller::{Frame, frame};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub status: Option<String>,
    pub attention: Option<String>,
    pub empty: Option<String>,
    pub q: Option<String>,
    pub after: Option<String>,
    pub notice: Option<String>,
}

pub struct Tab {
    pub label_key: String,
    pub href: String,
    pub count: i64,
    pub active: bool,
}

pub struct ProductRow {
    pub id: String,
    pub title: String,
    pub thumb: Option<String>,
    pub status_key: String,
    pub status: &'static str,
    pub price: String,
    pub stock: i64,
    pub skus: i32,
    pub score: i32,
    pub grade: String,
    pub needs_attention: bool,
    pub updated: String,
    pub sync: Option<sync::SyncBadge>,
}

#[derive(Template)]
#[template(path = "seller/products.html")]
struct ListPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    tabs: Vec<Tab>,
    rows: Vec<ProductRow>,
    query: String,
    attention: bool,
    empty: bool,
    attention_count: i64,
    empty_count: i64,
    status: String,
    next: Option<String>,
    can_edit: bool,
}

fn cursor_text(c: &ListCursor) -> String {
    format!("{}.{}", c.updated_at, c.id)
}

fn parse_cursor(text: &str) -> Option<ListCursor> {
    let (at, id) = text.split_once('.')?;
    Some(ListCursor {
        updated_at: at.parse().ok()?,
        id: id.parse::<ProductId>().ok()?,
    })
}

/// A price range as the list shows it.
pub fn price_range(t: &crate::i18n::T, min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) if a != b => format!("{} – {}", t.rupiah(a), t.rupiah(b)),
        (Some(a), _) => t.rupiah(a),
        _ => "—".into(),
    }
}

pub async fn list(s: SellerCtx, Query(q): Query<ListQuery>) -> AppResult<Response> {
    let svc = &s.ctx.state.services;
    let status = q.status.as_deref().and_then(ProductStatus::parse);
    let query = q.q.clone().unwrap_or_default();
    let filter = ProductFilter {
        status,
        needs_attention: q.attention.is_some(),
        out_of_stock: q.empty.is_some(),
        query: Some(query.trim().to_owned()).filter(|q| !q.is_empty()),
    };
    let after = q.after.as_deref().and_then(parse_cursor);
    let page = catalog::list(svc, &s.scope, &filter, after, catalog::PAGE_SIZE).await?;
    let counts = catalog::counts(svc, &s.scope).await?;
    let t = &s.ctx.t;
    let count = |st: ProductStatus| {
        counts
            .by_status
            .iter()
            .find(|(x, _)| *x == st)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let all: i64 = counts
        .by_status
        .iter()
        .filter(|(st, _)| *st != ProductStatus::Deleted)
        .map(|(_, n)| n)
        .sum();
    let mut tabs = vec![Tab {
        label_key: "catalog.tab.all".into(),
        href: "/seller/products".into(),
        count: all,
        active: status.is_none(),
    }];
    for st in [
        ProductStatus::Active,
        ProductStatus::Draft,
        ProductStatus::Inactive,
        ProductStatus::PlatformDeactivated,
    ] {
        tabs.push(Tab {
            label_key: format!("catalog.status.{}", st.as_str()),
            href: format!("/seller/products?status={}", st.as_str()),
            count: count(st),
            active: status == Some(st),
        });
    }
    let ids: Vec<_> = page.products.iter().map(|p| p.id).collect();
    let mut badges = sync::badges(&s, &ids).await?;
    let rows = page
        .products
        .iter()
        .map(|p| ProductRow {
            sync: badges.remove(&p.id),
            id: p.id.to_string(),
            title: p.title.clone(),
            thumb: p
                .listing
                .primary_image
                .map(|i| format!("/seller/products/{}/images/{i}/160", p.id)),
            status_key: format!("catalog.status.{}", p.status.as_str()),
            status: p.status.as_str(),
            price: price_range(t, p.listing.min_price, p.listing.max_price),
            stock: p.listing.total_stock,
            skus: p.listing.sku_count,
            score: p.listing.quality_score,
            grade: p.listing.quality_grade.clone(),
            needs_attention: p.listing.needs_attention,
            updated: t.time(&p.updated_at),
        })
        .collect();
    let mut base = String::from("/seller/products?");
    for (key, value) in [
        ("status", q.status.as_deref()),
        ("attention", q.attention.as_deref()),
        ("empty", q.empty.as_deref()),
        ("q", Some(query.as_str()).filter(|q| !q.is_empty())),
    ] {
        if let Some(v) = value {
            base.push_str(&format!("{key}={}&", url_encode(v)));
        }
    }
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(&s, "/seller/products", q.notice.as_deref());
    Ok(html(&ListPage {
        c,
        nav,
        shop_name,
        role_key,
        tabs,
        rows,
        query,
        attention: q.attention.is_some(),
        empty: q.empty.is_some(),
        attention_count: counts.needs_attention,
        empty_count: counts.out_of_stock,
        status: q.status.clone().unwrap_or_default(),
        next: page
            .next
            .map(|c| format!("{base}after={}", url_encode(&cursor_text(&c)))),
        can_edit: s.scope.may(SellerAction::write(Area::Catalog)),
    }))
}

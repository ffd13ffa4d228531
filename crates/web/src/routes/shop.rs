//! The Shop, buyers' side (phone first).

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use etalase_domain::seller::SellerStatus;
use etalase_store::sellers;

use super::NoticeQuery;
use crate::ctx::Ctx;
use crate::errors::AppResult;
use crate::pages::{Chrome, html};

pub struct ShopCard {
    pub name: String,
    pub slug: String,
    pub initial: char,
}

#[derive(Template)]
#[template(path = "shop/home.html")]
struct HomePage {
    c: Chrome,
    shops: Vec<ShopCard>,
}

/// The home page. Until the catalog and its projection land, it shows the
/// approved shops; products and videos will fill the feed.
pub async fn home(ctx: Ctx, Query(query): Query<NoticeQuery>) -> AppResult<Response> {
    let store = &ctx.state.services.store;
    let shops = sellers::list_sellers_with_status(store, SellerStatus::Approved, 24)
        .await?
        .into_iter()
        .map(|s| ShopCard {
            initial: s.name.chars().next().unwrap_or('?').to_ascii_uppercase(),
            name: s.name,
            slug: s.slug,
        })
        .collect();
    let mut c = Chrome::new(&ctx);
    c.notice = query.notice.as_deref().and_then(|n| ctx.t.notice(n));
    Ok(html(&HomePage { c, shops }))
}

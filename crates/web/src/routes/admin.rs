//! Admin, for platform operators.

use askama::Template;
use axum::response::Response;
use etalase_store::{accounts, sellers};

use super::seller::status_key;
use crate::ctx::AdminCtx;
use crate::errors::AppResult;
use crate::pages::{Chrome, html};

pub struct SellerRow {
    id: String,
    name: String,
    slug: String,
    status_key: &'static str,
    since: String,
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    users: i64,
    seller_count: i64,
    sellers: Vec<SellerRow>,
}

pub async fn dashboard(admin: AdminCtx) -> AppResult<Response> {
    let store = &admin.ctx.state.services.store;
    let t = &admin.ctx.t;
    let users = accounts::count_users(store).await?;
    let seller_count = sellers::count_sellers(store).await?;
    let sellers = sellers::list_sellers(store, 50)
        .await?
        .into_iter()
        .map(|s| SellerRow {
            id: s.id.to_string(),
            since: t.time(&s.created_at),
            status_key: status_key(s.status),
            name: s.name,
            slug: s.slug,
        })
        .collect();
    Ok(html(&DashboardPage {
        c: Chrome::new(&admin.ctx),
        users,
        seller_count,
        sellers,
    }))
}

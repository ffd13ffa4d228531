//! Admin: the platform-wide sync health (`/admin/sync`): how far behind the
//! Shop is, how fast changes reach it, and every product failing to sync.

use askama::Template;
use axum::response::Response;
use etalase_services::sync;

use super::catalog::sync::{HealthView, health_view};
use crate::ctx::AdminCtx;
use crate::errors::AppResult;
use crate::pages::{Chrome, html};

#[derive(Template)]
#[template(path = "admin/sync.html")]
struct HealthPage {
    c: Chrome,
    health: HealthView,
}

pub async fn health(a: AdminCtx) -> AppResult<Response> {
    let h = sync::platform_health(&a.ctx.state.services, &a.user).await?;
    Ok(html(&HealthPage {
        health: health_view(&a.ctx.t, &h),
        c: Chrome::new(&a.ctx),
    }))
}

//! The Seller Center's in-app notices: the list, opening one (which marks it
//! read and goes to the page where the reader acts), and marking all read.
//! A notice belongs to one person; another person's id is not found.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::id::NotificationId;
use etalase_services::notifications;

use super::NoticeQuery;
use super::seller::{Frame, frame, parse_id};
use crate::ctx::SellerCtx;
use crate::errors::AppResult;
use crate::pages::{Chrome, NavItem, html};

pub struct NoticeRow {
    id: String,
    text: String,
    when: String,
    unread: bool,
    needs_action: bool,
}

#[derive(Template)]
#[template(path = "seller/notifications.html")]
struct NotificationsPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    rows: Vec<NoticeRow>,
}

pub async fn list(s: SellerCtx, Query(q): Query<NoticeQuery>) -> AppResult<Response> {
    let svc = &s.ctx.state.services;
    let notices = notifications::list(svc, s.user_id).await?;
    let t = &s.ctx.t;
    let rows = notices
        .into_iter()
        .map(|n| NoticeRow {
            id: n.id.to_string(),
            text: t.tf1(&format!("notification.{}", n.kind.as_str()), &s.shop.name),
            when: t.time(&n.created_at),
            unread: n.read_at.is_none(),
            needs_action: n.kind.needs_action(),
        })
        .collect();
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(&s, "/seller/notifications", q.notice.as_deref());
    Ok(html(&NotificationsPage {
        c,
        nav,
        shop_name,
        role_key,
        rows,
    }))
}

pub async fn open(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: NotificationId = parse_id(&id)?;
    let notice = notifications::open(&s.ctx.state.services, s.user_id, id).await?;
    Ok(Redirect::to(notice.kind.href()).into_response())
}

pub async fn mark_all_read(s: SellerCtx) -> AppResult<Response> {
    notifications::mark_all_read(&s.ctx.state.services, s.user_id).await?;
    Ok(Redirect::to("/seller/notifications?notice=all_read").into_response())
}

//! The shop team's chat in Seller Center: `/seller/chat` lists the shop's
//! conversations (the unread ones on their own, when asked) under the
//! shop's response rate; `/seller/chat/{id}` is one conversation with the
//! reply box, for the roles that work in chat.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::id::ConversationId;
use etalase_domain::messaging::{ANSWER_WITHIN_SECONDS, RATE_WINDOW_DAYS, Side};
use etalase_services::messaging::{self, INBOX_PAGE};
use serde::Deserialize;

use super::{InboxRow, MAX_CHARS, MessageView, cursor, inbox_rows, message_views, next_page};
use crate::ctx::SellerCtx;
use crate::errors::AppResult;
use crate::pages::{Chrome, FormErrors, NavItem, html};
use crate::routes::seller::{Frame, frame, parse_id};

#[derive(Template)]
#[template(path = "seller/chats.html")]
struct InboxPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    rows: Vec<InboxRow>,
    /// Where a row's conversation is.
    inbox_base: &'static str,
    unread_only: bool,
    unread: i64,
    /// "95%" and how many questions it counts, once any is counted.
    rate: Option<(String, i64)>,
    rate_rule: String,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    unread: Option<String>,
    before: Option<String>,
}

/// `GET /seller/chat`: the shop's conversations, newest first.
pub async fn inbox(s: SellerCtx, Query(q): Query<InboxQuery>) -> AppResult<Response> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let unread_only = q.unread.as_deref() == Some("1");
    let found =
        messaging::seller_inbox(svc, &s.scope, unread_only, cursor(q.before.as_deref())).await?;
    let unread = messaging::seller_unread(svc, &s.scope).await?;
    let rate = messaging::response_rate(svc, &s.scope).await?;
    let base = if unread_only {
        "/seller/chat?unread=1"
    } else {
        "/seller/chat"
    };
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(&s, "/seller/chat", None);
    Ok(html(&InboxPage {
        inbox_base: "/seller/chat",
        rows: inbox_rows(t, &found, Side::Seller),
        next: next_page(base, &found, INBOX_PAGE),
        unread_only,
        unread,
        rate: rate.percent().map(|p| (format!("{p}%"), rate.counted)),
        rate_rule: t.tf2(
            "chat.rate_rule",
            &(ANSWER_WITHIN_SECONDS / 3600).to_string(),
            &RATE_WINDOW_DAYS.to_string(),
        ),
        c,
        nav,
        shop_name,
        role_key,
    }))
}

#[derive(Template)]
#[template(path = "seller/chat.html")]
struct ThreadPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    id: String,
    buyer_name: String,
    messages: Vec<MessageView>,
    typed: String,
    max_chars: usize,
    errors: FormErrors,
}

async fn thread_page(
    s: &SellerCtx,
    id: ConversationId,
    typed: String,
    errors: FormErrors,
) -> AppResult<ThreadPage> {
    let svc = &s.ctx.state.services;
    let thread = messaging::seller_thread(svc, &s.scope, id).await?;
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/chat", None);
    Ok(ThreadPage {
        id: id.to_string(),
        buyer_name: thread.conversation.buyer_name.clone(),
        messages: message_views(&s.ctx.t, &thread.messages, Side::Seller),
        typed,
        max_chars: MAX_CHARS,
        errors,
        c,
        nav,
        shop_name,
        role_key,
    })
}

/// `GET /seller/chat/{id}`: one conversation (read by the team from now on).
pub async fn thread(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: ConversationId = parse_id(&id)?;
    let page = thread_page(&s, id, String::new(), FormErrors::default()).await?;
    Ok(html(&page))
}

#[derive(Deserialize, Default)]
pub struct ReplyForm {
    #[serde(default)]
    body: String,
}

/// `POST /seller/chat/{id}`: a member of the team answers.
pub async fn reply(
    s: SellerCtx,
    Path(id): Path<String>,
    Form(form): Form<ReplyForm>,
) -> AppResult<Response> {
    let id: ConversationId = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    match messaging::reply(svc, &s.scope, id, &form.body).await {
        Ok(()) => Ok(Redirect::to(&format!("/seller/chat/{id}#latest")).into_response()),
        Err(e) if e.code.status() == 422 => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = thread_page(&s, id, form.body, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

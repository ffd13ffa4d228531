//! The buyer's chat in the Shop: `/chat` lists their conversations,
//! `/chat/new?shop=…&product=…` begins one with a shop (from a product page
//! or the shop's page), `/chat/{id}` is one conversation with its composer.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::ErrorCode;
use etalase_domain::id::{ConversationId, ProductId};
use etalase_domain::messaging::Side;
use etalase_domain::seller::SellerStatus;
use etalase_services::messaging::{self, INBOX_PAGE};
use etalase_services::{ServiceError, storefront};
use etalase_store::sellers;
use serde::Deserialize;

use super::{InboxRow, MAX_CHARS, MessageView, cursor, inbox_rows, message_views, next_page};
use crate::ctx::UserCtx;
use crate::errors::{AppError, AppResult};
use crate::pages::{Chrome, FormErrors, html};

#[derive(Template)]
#[template(path = "chat/inbox.html")]
struct InboxPage {
    c: Chrome,
    rows: Vec<InboxRow>,
    /// Where a row's conversation is.
    inbox_base: &'static str,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    before: Option<String>,
}

/// `GET /chat`: the buyer's conversations, newest first.
pub async fn inbox(u: UserCtx, Query(q): Query<InboxQuery>) -> AppResult<Response> {
    let svc = &u.ctx.state.services;
    let found = messaging::buyer_inbox(svc, u.session.user.id, cursor(q.before.as_deref())).await?;
    Ok(html(&InboxPage {
        inbox_base: "/chat",
        rows: inbox_rows(&u.ctx.t, &found, Side::Buyer),
        next: next_page("/chat", &found, INBOX_PAGE),
        c: Chrome::new(&u.ctx),
    }))
}

/// The product a message is about, shown above the composer.
pub struct AskedAbout {
    pub id: String,
    pub title: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "chat/thread.html")]
struct ThreadPage {
    c: Chrome,
    shop_name: String,
    shop_slug: String,
    messages: Vec<MessageView>,
    /// Where the composer posts.
    action: String,
    asked_about: Option<AskedAbout>,
    typed: String,
    max_chars: usize,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    shop: String,
    product: Option<String>,
}

/// What a buyer is about to ask: the shop (by its slug) and the product
/// asked from.
struct Asking {
    seller: etalase_domain::id::SellerId,
    shop_name: String,
    shop_slug: String,
    product: Option<ProductId>,
}

async fn asking(u: &UserCtx, shop: &str, product: Option<&str>) -> AppResult<Asking> {
    let svc = &u.ctx.state.services;
    let seller = sellers::find_seller_by_slug(&svc.store, shop)
        .await?
        .filter(|s| s.status == SellerStatus::Approved)
        .ok_or(ErrorCode::NotFound)?;
    // A malformed product id names nothing: the buyer asks the shop.
    let product = product.and_then(|p| p.parse::<ProductId>().ok());
    let product = messaging::askable(svc, u.session.user.id, seller.id, product).await?;
    Ok(Asking {
        seller: seller.id,
        shop_name: seller.name,
        shop_slug: seller.slug,
        product,
    })
}

async fn asked_about(u: &UserCtx, product: Option<ProductId>) -> AppResult<Option<AskedAbout>> {
    let Some(id) = product else {
        return Ok(None);
    };
    let found = storefront::product(&u.ctx.state.services, id).await?;
    Ok(found.map(|p| AskedAbout {
        id: id.to_string(),
        title: p.listing.title.clone(),
        href: format!("/p/{}-{}", p.listing.slug, id),
    }))
}

/// `GET /chat/new?shop=…&product=…`: the buyer's conversation with the
/// shop if there is one (its page, with the product above the composer),
/// else an empty one to begin.
pub async fn new_page(u: UserCtx, Query(q): Query<NewQuery>) -> AppResult<Response> {
    let a = asking(&u, &q.shop, q.product.as_deref()).await?;
    let svc = &u.ctx.state.services;
    let existing = messaging::conversation_with(svc, u.session.user.id, a.seller).await?;
    if let Some(id) = existing {
        let product = a
            .product
            .map(|p| format!("?product={p}"))
            .unwrap_or_default();
        return Ok(Redirect::to(&format!("/chat/{id}{product}")).into_response());
    }
    let page = first_message_page(&u, a, String::new(), FormErrors::default()).await?;
    Ok(html(&page))
}

/// The page of a conversation not begun yet: the composer alone.
async fn first_message_page(
    u: &UserCtx,
    a: Asking,
    typed: String,
    errors: FormErrors,
) -> AppResult<ThreadPage> {
    Ok(ThreadPage {
        shop_name: a.shop_name,
        action: "/chat/new".to_owned(),
        messages: Vec::new(),
        asked_about: asked_about(u, a.product).await?,
        shop_slug: a.shop_slug,
        typed,
        max_chars: MAX_CHARS,
        errors,
        c: Chrome::new(&u.ctx),
    })
}

#[derive(Deserialize, Default)]
pub struct MessageForm {
    #[serde(default)]
    shop: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    body: String,
}

/// The most messages one buyer sends in a minute (a person typing sends far
/// fewer; more is a script flooding a shop's inbox).
const MESSAGES_PER_MINUTE: u32 = 20;

/// Counts one message of the buyer; refused past the minute's limit.
fn admit(u: &UserCtx) -> AppResult<()> {
    let key = u.session.user.id.to_string();
    u.ctx
        .state
        .chat_limiter
        .admit(&key, MESSAGES_PER_MINUTE, std::time::Instant::now())
        .map_err(|_| AppError::from(ErrorCode::ChatTooFast))
}

fn product_of(form: &MessageForm) -> Option<&str> {
    Some(form.product.as_str()).filter(|p| !p.is_empty())
}

/// `POST /chat/new`: the buyer's first message to a shop (or the next, if
/// a conversation began meanwhile).
pub async fn begin(u: UserCtx, Form(form): Form<MessageForm>) -> AppResult<Response> {
    admit(&u)?;
    let svc = &u.ctx.state.services;
    let seller = sellers::find_seller_by_slug(&svc.store, &form.shop)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    // A malformed product id names nothing: the buyer asks the shop.
    let product = product_of(&form).and_then(|p| p.parse::<ProductId>().ok());
    // `ask` checks what may be asked (the shop in the Shop, the product
    // its own); the composer's page is read again only to show a refusal.
    match messaging::ask(svc, u.session.user.id, seller.id, product, &form.body).await {
        Ok(id) => Ok(Redirect::to(&format!("/chat/{id}#latest")).into_response()),
        Err(e) if e.code.status() == 422 => {
            let a = asking(&u, &form.shop, product_of(&form)).await?;
            let errors = FormErrors::from_service(&u.ctx.t, &e);
            let page = first_message_page(&u, a, form.body, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct ThreadQuery {
    product: Option<String>,
}

fn conversation_id(text: &str) -> AppResult<ConversationId> {
    text.parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))
}

async fn thread_page(
    u: &UserCtx,
    id: ConversationId,
    product: Option<ProductId>,
    typed: String,
    errors: FormErrors,
) -> AppResult<ThreadPage> {
    let svc = &u.ctx.state.services;
    let thread = messaging::buyer_thread(svc, u.session.user.id, id).await?;
    let c = &thread.conversation;
    // Only one of this shop's products is asked about.
    let product = match product {
        Some(p) => messaging::askable(svc, u.session.user.id, c.seller, Some(p))
            .await
            .ok()
            .flatten(),
        None => None,
    };
    Ok(ThreadPage {
        shop_name: c.shop_name.clone(),
        shop_slug: c.shop_slug.clone(),
        action: format!("/chat/{id}"),
        messages: message_views(&u.ctx.t, &thread.messages, Side::Buyer),
        asked_about: asked_about(u, product).await?,
        typed,
        max_chars: MAX_CHARS,
        errors,
        c: Chrome::new(&u.ctx),
    })
}

/// `GET /chat/{id}`: one of the buyer's conversations (read from now on).
pub async fn thread(
    u: UserCtx,
    Path(id): Path<String>,
    Query(q): Query<ThreadQuery>,
) -> AppResult<Response> {
    let id = conversation_id(&id)?;
    let product = q.product.as_deref().and_then(|p| p.parse().ok());
    let page = thread_page(&u, id, product, String::new(), FormErrors::default()).await?;
    Ok(html(&page))
}

/// `POST /chat/{id}`: the buyer writes in the conversation.
pub async fn send(
    u: UserCtx,
    Path(id): Path<String>,
    Form(form): Form<MessageForm>,
) -> AppResult<Response> {
    let id = conversation_id(&id)?;
    admit(&u)?;
    let product = product_of(&form).and_then(|p| p.parse::<ProductId>().ok());
    let svc = &u.ctx.state.services;
    let done: Result<(), ServiceError> =
        messaging::say(svc, u.session.user.id, id, product, &form.body).await;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/chat/{id}#latest")).into_response()),
        Err(e) if e.code.status() == 422 => {
            let errors = FormErrors::from_service(&u.ctx.t, &e);
            let page = thread_page(&u, id, product, form.body, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

//! The Shop's lives: the list (`/live`), a live's page (`/live/<id>`) with
//! the player, the pinned product at its live price, the live's basket,
//! the chat and the "baru saja membeli" ticker — kept current by a
//! Server-Sent Events stream (`/live/<id>/events`) — and the chat's post.

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::ErrorCode;
use etalase_domain::attribution::{AttributionEvent, EventKind};
use etalase_domain::checkout::Source;
use etalase_domain::content::live::{LiveState, StreamSource};
use etalase_domain::id::LiveId;
use etalase_services::content::live::basket::{BasketItem, BasketSku};
use etalase_services::content::live::viewers::{self, CommentView, NewComment, Posted};
use etalase_services::content::videos::content_type;

use crate::ctx::Ctx;
use crate::errors::{AppError, AppResult};
use crate::i18n::T;
use crate::pages::{Chrome, html};
use crate::routes::seller::parse_id;

/// A featured product as the page first renders it (the script keeps it
/// current from the events).
pub struct ItemCard {
    pub id: String,
    pub title: String,
    pub href: String,
    pub image: Option<String>,
    pub price: String,
    pub original: Option<String>,
    pub live: bool,
    pub stock: i64,
    /// SKU id, label and price text, in stock.
    pub skus: Vec<(String, String, String)>,
}

fn item_card(t: &T, live: LiveId, item: &BasketItem) -> Option<ItemCard> {
    if !item.available {
        return None;
    }
    let head: &BasketSku = item.headline()?;
    Some(ItemCard {
        id: item.product.to_string(),
        title: item.title.clone(),
        href: format!(
            "/p/{}-{}?src={}",
            item.slug,
            item.product,
            Source::Live(live).to_param()
        ),
        image: item
            .image
            .map(|i| format!("/p/{}/images/{i}/160", item.product)),
        price: t.rupiah(head.price),
        original: head.original.map(|o| t.rupiah(o)),
        live: head.live,
        stock: item.stock(),
        skus: item
            .skus
            .iter()
            .filter(|s| s.stock > 0)
            .map(|s| {
                let label = if s.label.is_empty() {
                    item.title.clone()
                } else {
                    s.label.clone()
                };
                (s.id.to_string(), label, t.rupiah(s.price))
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "shop/live.html")]
struct LivePage {
    c: Chrome,
    id: String,
    title: String,
    state: &'static str,
    state_key: String,
    on_air: bool,
    planned: String,
    shop: Option<(String, String)>,
    /// `hls` with the playlist, or a recording's file.
    stream_kind: &'static str,
    stream_src: String,
    /// The cover, shown before the stream plays.
    poster: Option<String>,
    source: String,
    pinned: Option<ItemCard>,
    items: Vec<ItemCard>,
    deal_ends_at: Option<i64>,
    deal_left: Option<i64>,
    comments: Vec<CommentView>,
    /// The basket as JSON, the script's first state.
    state_json: String,
    author: String,
}

pub async fn page(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: LiveId = parse_id(&id)?;
    let svc = &ctx.state.services;
    let viewer = ctx.visitor_digest().unwrap_or_default();
    let opened = viewers::open(svc, id, &viewer)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let t = &ctx.t;
    let live = &opened.live;
    let source = Source::Live(id);
    svc.attribution.record(AttributionEvent {
        seller: Some(live.seller_id),
        ..ctx.event(EventKind::Impression, source)
    });
    let (stream_kind, stream_src) = match &live.stream {
        StreamSource::Hls(url) => ("hls", url.as_str().to_owned()),
        StreamSource::Recorded(_) => ("recorded", format!("/live/{id}/recording")),
    };
    let basket = &opened.basket;
    let items: Vec<ItemCard> = basket
        .items
        .iter()
        .filter_map(|i| item_card(t, id, i))
        .collect();
    let pinned = basket.pinned_item().and_then(|i| item_card(t, id, i));
    let author = ctx
        .session
        .as_ref()
        .map(|s| s.user.name.clone())
        .unwrap_or_default();
    let page = LivePage {
        c: Chrome::new(&ctx),
        id: id.to_string(),
        title: live.title.clone(),
        state: live.state.as_str(),
        state_key: format!("live.state.{}", live.state.as_str()),
        on_air: live.state == LiveState::Live,
        planned: t.time(&live.planned_start_at),
        shop: opened.shop.clone(),
        stream_kind,
        stream_src,
        poster: live.cover_key.as_ref().map(|_| format!("/live/{id}/cover")),
        source: source.to_param(),
        pinned,
        items,
        deal_ends_at: basket.deal.as_ref().map(|d| d.ends_at),
        deal_left: basket.deal.as_ref().map(|d| d.left),
        comments: opened.comments.clone(),
        state_json: serde_json::to_string(basket)
            .map_err(|e| AppError::from(etalase_services::ServiceError::internal(e)))?
            .replace('<', "\\u003c"),
        author,
    };
    Ok(html(&page))
}

/// The lives on air and announced.
#[derive(Template)]
#[template(path = "shop/lives.html")]
struct ListPage {
    c: Chrome,
    /// Id, title, on air, planned start, cover.
    lives: Vec<(String, String, bool, String, Option<String>)>,
}

pub async fn list(ctx: Ctx) -> AppResult<Response> {
    let svc = &ctx.state.services;
    let t = &ctx.t;
    let lives = viewers::listed(svc)
        .await?
        .into_iter()
        .map(|l| {
            (
                l.id.to_string(),
                l.title,
                l.state == LiveState::Live,
                t.time(&l.planned_start_at),
                l.cover_key
                    .as_ref()
                    .map(|_| format!("/live/{}/cover", l.id)),
            )
        })
        .collect();
    Ok(html(&ListPage {
        c: Chrome::new(&ctx),
        lives,
    }))
}

#[derive(serde::Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    author: String,
    #[serde(default)]
    text: String,
}

/// A viewer's comment: answered as JSON to the page's script (the comment,
/// or the problem with `Retry-After` when too fast), or by going back to
/// the live without it.
pub async fn comment(
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CommentForm>,
) -> AppResult<Response> {
    let id: LiveId = parse_id(&id)?;
    let Some(viewer) = ctx.visitor_digest() else {
        return Err(ErrorCode::CsrfRejected.into());
    };
    let posted = viewers::comment(
        &ctx.state.services,
        NewComment {
            live: id,
            viewer: &viewer,
            author: &form.author,
            text: &form.text,
        },
    )
    .await?;
    match posted {
        Posted::Posted(view) if crate::errors::wants_json(&headers) => {
            Ok((StatusCode::CREATED, axum::Json(view)).into_response())
        }
        Posted::Posted(_) => Ok(Redirect::to(&format!("/live/{id}#chat")).into_response()),
        Posted::TooFast { seconds } => {
            let mut response: Response = AppError::from(etalase_services::ServiceError::field(
                "text",
                ErrorCode::CommentTooFast,
            ))
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
    }
}

/// The video a live plays as its stream, in ranges so seeking works.
pub async fn recording(
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let id: LiveId = parse_id(&id)?;
    let svc = &ctx.state.services;
    let video = viewers::recording(svc, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    crate::ranged::serve(
        &svc.objects,
        &video.object_key,
        content_type(&video),
        "public, max-age=3600",
        &format!("{}-{}", video.id, video.bytes),
        &headers,
    )
    .await
}

/// A live's cover picture.
pub async fn cover(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: LiveId = parse_id(&id)?;
    let bytes = etalase_services::content::live::cover(&ctx.state.services, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    Ok(crate::pages::jpeg(bytes, "public, max-age=300"))
}

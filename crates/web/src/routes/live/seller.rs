//! Seller Center → Live (marketing or owner): schedule a live with its
//! products and stream, then run it from its console — go on air, pin a
//! product, set live prices, start a flash deal, moderate the chat, watch
//! viewers, carts, orders and sales come in, and end it.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::content::live::LiveState;
use etalase_domain::id::{LiveCommentId, LiveId, ProductId, PromotionId, SkuId, VideoId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_services::ServiceError;
use etalase_services::content::live::{
    self as lives, DealInput, LiveView, Plan, StreamInput, viewers,
};
use etalase_services::content::videos;
use etalase_store::lives::Live;

use crate::ctx::SellerCtx;
use crate::errors::{AppError, AppResult};
use crate::pages::{Chrome, FormErrors, NavItem, html};
use crate::routes::NoticeQuery;
use crate::routes::seller::{Frame, frame, parse_id};
use crate::routes::videos::claims_text::{self, MismatchRow};

/// One live in the list.
pub struct LiveRow {
    pub id: String,
    pub title: String,
    pub state: &'static str,
    pub state_key: String,
    pub planned: String,
    pub products: usize,
}

/// A product that can be featured, as the form shows it.
pub struct ProductChoice {
    pub id: String,
    pub title: String,
    pub chosen: bool,
    pub reachable: bool,
}

/// What the seller typed, kept when the form is refused.
#[derive(Default)]
pub struct Typed {
    pub title: String,
    pub planned: String,
    pub stream_kind: String,
    pub stream_url: String,
    pub stream_video: String,
    pub chosen: Vec<ProductId>,
}

#[derive(Template)]
#[template(path = "seller/lives.html")]
struct ListPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    lives: Vec<LiveRow>,
    can_write: bool,
    typed: Typed,
    products: Vec<ProductChoice>,
    videos: Vec<(String, String)>,
    errors: FormErrors,
}

/// The shop's products a live may feature (those not in the Shop say so),
/// `chosen` checked.
async fn product_choices(s: &SellerCtx, chosen: &[ProductId]) -> AppResult<Vec<ProductChoice>> {
    Ok(videos::tag_candidates(&s.ctx.state.services, &s.scope)
        .await?
        .into_iter()
        .map(|c| ProductChoice {
            id: c.product.to_string(),
            chosen: chosen.contains(&c.product),
            title: c.title,
            reachable: c.reachable,
        })
        .collect())
}

fn row(t: &crate::i18n::T, l: &Live) -> LiveRow {
    LiveRow {
        id: l.id.to_string(),
        title: l.title.clone(),
        state: l.state.as_str(),
        state_key: format!("live.state.{}", l.state.as_str()),
        planned: t.time(&l.planned_start_at),
        products: l.products.len(),
    }
}

async fn list_page(
    s: &SellerCtx,
    notice: Option<&str>,
    typed: Typed,
    errors: FormErrors,
) -> AppResult<ListPage> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let lives = lives::list(svc, &s.scope)
        .await?
        .iter()
        .map(|l| row(t, l))
        .collect();
    let products = product_choices(s, &typed.chosen).await?;
    let videos = videos::list(svc, &s.scope)
        .await?
        .into_iter()
        .map(|v| {
            let caption: String = v.video.caption.chars().take(60).collect();
            (v.video.id.to_string(), caption)
        })
        .collect();
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/videos", notice);
    Ok(ListPage {
        c,
        nav,
        shop_name,
        role_key,
        lives,
        can_write: s.scope.may(SellerAction::write(Area::Content)),
        typed,
        products,
        videos,
        errors,
    })
}

pub async fn list(s: SellerCtx, Query(q): Query<NoticeQuery>) -> AppResult<Response> {
    let typed = Typed {
        planned: s.ctx.state.services.now().plus_seconds(3600).to_wib_local(),
        stream_kind: "recorded".to_owned(),
        ..Typed::default()
    };
    Ok(html(
        &list_page(&s, q.notice.as_deref(), typed, FormErrors::default()).await?,
    ))
}

fn value(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Schedules a live: `title`, `planned_start` (WIB), `stream_kind`
/// (`hls` with `stream_url`, or `recorded` with `stream_video`) and one
/// `product` per featured product.
pub async fn schedule(
    s: SellerCtx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let typed = Typed {
        title: value(&pairs, "title"),
        planned: value(&pairs, "planned_start"),
        stream_kind: value(&pairs, "stream_kind"),
        stream_url: value(&pairs, "stream_url"),
        stream_video: value(&pairs, "stream_video"),
        chosen: pairs
            .iter()
            .filter(|(k, _)| k == "product")
            .filter_map(|(_, v)| parse_id::<ProductId>(v).ok())
            .collect(),
    };
    let planned = Timestamp::parse_wib_local(&typed.planned);
    let stream = if typed.stream_kind == "hls" {
        Some(StreamInput::Hls(typed.stream_url.clone()))
    } else {
        parse_id::<VideoId>(&typed.stream_video)
            .ok()
            .map(StreamInput::Recorded)
    };
    let outcome = match (planned, stream) {
        (Some(planned_start), Some(stream)) => {
            let plan = Plan {
                title: typed.title.clone(),
                planned_start,
                stream,
                products: typed.chosen.clone(),
            };
            lives::schedule(&s.ctx.state.services, &s.scope, &plan).await
        }
        (None, _) => Err(ServiceError::field(
            "planned_start",
            ErrorCode::LiveStartRequired,
        )),
        (_, None) => Err(ServiceError::field(
            "stream_video",
            ErrorCode::LiveStreamVideoUnknown,
        )),
    };
    match outcome {
        Ok(live) => Ok(
            Redirect::to(&format!("/seller/live/{}?notice=live_scheduled", live.id))
                .into_response(),
        ),
        Err(e) if matches!(e.code.status(), 409 | 422) => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = list_page(&s, None, typed, errors).await?;
            Ok((crate::errors::status_of(e.code), html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A SKU row of the console: its normal price, the live price set and
/// what buyers on the live pay now.
pub struct SkuRow {
    pub id: String,
    pub label: String,
    pub base: String,
    pub live_price: Option<i64>,
    pub pays: String,
    pub stock: i64,
}

pub struct ItemRow {
    pub id: String,
    pub title: String,
    pub available: bool,
    pub pinned: bool,
    pub skus: Vec<SkuRow>,
}

pub struct CommentRow {
    pub id: String,
    pub author: String,
    pub body: String,
    pub state_key: String,
    pub shown: bool,
    pub deleted: bool,
}

pub struct DealRow {
    pub id: String,
    pub sku: String,
    pub price: String,
    pub sold: i64,
    pub quota: i64,
    pub ends_at_ms: i64,
    pub running: bool,
}

#[derive(Template)]
#[template(path = "seller/live.html")]
struct ConsolePage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    id: String,
    title: String,
    state: &'static str,
    state_key: String,
    version: i32,
    planned: String,
    has_cover: bool,
    started: Option<String>,
    ended: Option<String>,
    stream: String,
    on_air: bool,
    can_write: bool,
    items: Vec<ItemRow>,
    deals: Vec<DealRow>,
    comments: Vec<CommentRow>,
    mismatches: Vec<MismatchRow>,
    claims: usize,
    unavailable: Vec<String>,
    ask_confirm: bool,
    /// The shop's products, the featured ones chosen (the plan's form).
    choices: Vec<ProductChoice>,
    errors: FormErrors,
}

async fn console_page(
    s: &SellerCtx,
    id: LiveId,
    notice: Option<&str>,
    errors: FormErrors,
    ask_confirm: bool,
) -> AppResult<ConsolePage> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let view: LiveView = lives::get(svc, &s.scope, id).await?;
    let l = &view.live;
    let now = svc.now();
    let items = view
        .basket
        .items
        .iter()
        .map(|item| ItemRow {
            id: item.product.to_string(),
            title: if item.available {
                item.title.clone()
            } else {
                t.t("videos.shop.unavailable").to_owned()
            },
            available: item.available,
            pinned: view.basket.pinned == Some(item.product),
            skus: item
                .skus
                .iter()
                .map(|sku| SkuRow {
                    id: sku.id.to_string(),
                    label: if sku.label.is_empty() {
                        "—".to_owned()
                    } else {
                        sku.label.clone()
                    },
                    base: sku
                        .unit
                        .as_ref()
                        .map(|u| t.rupiah(u.base))
                        .unwrap_or_default(),
                    live_price: view
                        .prices
                        .iter()
                        .find(|p| p.sku_id == sku.id)
                        .map(|p| p.price),
                    pays: t.rupiah(sku.price),
                    stock: sku.stock,
                })
                .collect(),
        })
        .collect();
    let deals = view
        .deals
        .iter()
        .map(|d| DealRow {
            id: d.promotion.to_string(),
            sku: view
                .basket
                .items
                .iter()
                .find_map(|i| {
                    let sku = i.skus.iter().find(|s| s.id == d.sku_id)?;
                    Some(if sku.label.is_empty() {
                        i.title.clone()
                    } else {
                        format!("{} — {}", i.title, sku.label)
                    })
                })
                .unwrap_or_default(),
            price: t.rupiah(d.deal.price),
            sold: d.sold,
            quota: d.deal.quota,
            ends_at_ms: d.deal.ends_at.unix_millis(),
            running: d.deal.starts_at <= now && now < d.deal.ends_at,
        })
        .collect();
    let comments = viewers::moderation_view(svc, &s.scope, id)
        .await?
        .into_iter()
        .rev()
        .take(100)
        .map(|c| CommentRow {
            id: c.id.to_string(),
            author: c.author,
            body: c.body,
            state_key: format!("live.comment.{}", c.moderation.as_str()),
            shown: c.moderation == etalase_domain::content::live::Moderation::Shown,
            deleted: c.moderation == etalase_domain::content::live::Moderation::DeletedBySeller,
        })
        .collect();
    let stream = match &l.stream {
        etalase_domain::content::live::StreamSource::Hls(url) => url.as_str().to_owned(),
        etalase_domain::content::live::StreamSource::Recorded(video) => {
            t.tf1("live.recorded_from", &video.to_string())
        }
    };
    let choices = product_choices(s, &l.products).await?;
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/videos", notice);
    Ok(ConsolePage {
        c,
        nav,
        shop_name,
        role_key,
        id: l.id.to_string(),
        title: l.title.clone(),
        state: l.state.as_str(),
        state_key: format!("live.state.{}", l.state.as_str()),
        version: l.version,
        planned: t.time(&l.planned_start_at),
        has_cover: l.cover_key.is_some(),
        started: l.started_at.map(|at| t.time(&at)),
        ended: l.ended_at.map(|at| t.time(&at)),
        stream,
        on_air: l.state == LiveState::Live,
        can_write: s.scope.may(SellerAction::write(Area::Content)) && l.state.accepts_changes(),
        items,
        deals,
        comments,
        claims: view.consistency.claims.len(),
        mismatches: claims_text::rows(t, &view.consistency),
        unavailable: view.unavailable.iter().map(|u| u.title.clone()).collect(),
        ask_confirm,
        choices,
        errors,
    })
}

pub async fn console(
    s: SellerCtx,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let id: LiveId = parse_id(&id)?;
    Ok(html(
        &console_page(&s, id, q.notice.as_deref(), FormErrors::default(), false).await?,
    ))
}

/// What the console's forms send.
#[derive(serde::Deserialize, Default)]
pub struct ActForm {
    #[serde(default)]
    version: i32,
    #[serde(default)]
    confirm: Option<String>,
    #[serde(default)]
    product: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    quota: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    deal: String,
    #[serde(default)]
    comment: String,
}

/// "Rp 99.000", "99000" or "99.000" as whole Rupiah.
fn rupiah_input(text: &str) -> Option<i64> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 12 {
        return None;
    }
    digits.parse().ok()
}

fn number(text: &str, field: &'static str, code: ErrorCode) -> Result<i64, ServiceError> {
    text.trim()
        .parse()
        .map_err(|_| ServiceError::field(field, code))
}

async fn act_on(
    s: &SellerCtx,
    id: LiveId,
    action: &str,
    form: &ActForm,
) -> Result<&'static str, ServiceError> {
    let svc = &s.ctx.state.services;
    let scope = &s.scope;
    let sku = || {
        parse_id::<SkuId>(&form.sku)
            .map_err(|_| ServiceError::field("sku", ErrorCode::LiveSkuNotFeatured))
    };
    match action {
        "go-live" => {
            let confirm = form.confirm.as_deref() == Some("1");
            lives::go_live(svc, scope, id, form.version, confirm).await?;
            Ok("live_started")
        }
        "end" => {
            lives::end(svc, scope, id, form.version).await?;
            Ok("live_ended")
        }
        "cancel" => {
            lives::cancel(svc, scope, id, form.version).await?;
            Ok("live_cancelled")
        }
        "pin" => {
            let product =
                if form.product.is_empty() {
                    None
                } else {
                    Some(parse_id::<ProductId>(&form.product).map_err(|_| {
                        ServiceError::field("product", ErrorCode::LivePinNotFeatured)
                    })?)
                };
            lives::pin(svc, scope, id, product).await?;
            Ok(if product.is_some() {
                "live_pinned"
            } else {
                "live_unpinned"
            })
        }
        "price" => {
            let price = if form.price.trim().is_empty() {
                None
            } else {
                Some(
                    rupiah_input(&form.price)
                        .ok_or_else(|| ServiceError::field("price", ErrorCode::PriceRequired))?,
                )
            };
            lives::set_price(svc, scope, id, sku()?, price).await?;
            Ok("live_price_set")
        }
        "deal" => {
            let input = DealInput {
                sku: sku()?,
                price: rupiah_input(&form.price)
                    .ok_or_else(|| ServiceError::field("price", ErrorCode::PriceRequired))?,
                quota: number(&form.quota, "quota", ErrorCode::FlashQuotaOutOfRange)?,
                minutes: number(&form.minutes, "minutes", ErrorCode::FlashDealTooLong)?,
            };
            lives::start_deal(svc, scope, id, input).await?;
            Ok("live_deal_started")
        }
        "stop-deal" => {
            let deal = parse_id::<PromotionId>(&form.deal)
                .map_err(|_| ServiceError::from(ErrorCode::NotFound))?;
            lives::stop_deal(svc, scope, id, deal).await?;
            Ok("live_deal_stopped")
        }
        "delete-comment" | "mute" => {
            let comment = parse_id::<LiveCommentId>(&form.comment)
                .map_err(|_| ServiceError::from(ErrorCode::NotFound))?;
            if action == "mute" {
                viewers::mute_author(svc, scope, id, comment).await?;
                Ok("live_viewer_muted")
            } else {
                viewers::delete_comment(svc, scope, id, comment).await?;
                Ok("live_comment_deleted")
            }
        }
        _ => Err(ErrorCode::NotFound.into()),
    }
}

/// The console's actions; each answers with the console again.
pub async fn act(
    s: SellerCtx,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ActForm>,
) -> AppResult<Response> {
    let id: LiveId = parse_id(&id)?;
    match act_on(&s, id, &action, &form).await {
        Ok(notice) => {
            Ok(Redirect::to(&format!("/seller/live/{id}?notice={notice}")).into_response())
        }
        Err(e) if matches!(e.code.status(), 409 | 422) => {
            let ask_confirm = e.code == ErrorCode::LiveClaimsUnconfirmed;
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = console_page(&s, id, None, errors, ask_confirm).await?;
            Ok((crate::errors::status_of(e.code), html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The console's counters, polled by its script.
pub async fn stats(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: LiveId = parse_id(&id)?;
    let stats = viewers::stats(&s.ctx.state.services, &s.scope, id).await?;
    let t = &s.ctx.t;
    Ok(axum::Json(serde_json::json!({
        "viewers": stats.viewers,
        "peak": stats.peak,
        "comments": stats.comments,
        "add_to_carts": stats.add_to_carts,
        "orders": stats.orders,
        "units": stats.units,
        "gmv": stats.gmv,
        "gmv_text": t.rupiah(stats.gmv),
    }))
    .into_response())
}

/// A new cover picture for the live (multipart, field `cover`).
pub async fn upload_cover(
    s: SellerCtx,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let id: LiveId = parse_id(&id)?;
    let mut picture = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::from(ErrorCode::MalformedRequest))?
    {
        if field.name() == Some("cover") {
            picture = field
                .bytes()
                .await
                .map_err(|_| AppError::from(ErrorCode::PayloadTooLarge))?
                .to_vec();
        }
    }
    match lives::set_cover(&s.ctx.state.services, &s.scope, id, picture).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/seller/live/{id}?notice=live_cover_set")).into_response())
        }
        Err(e) if matches!(e.code.status(), 409 | 413 | 422) => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = console_page(&s, id, None, errors, false).await?;
            Ok((crate::errors::status_of(e.code), html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Changes the live's title and featured products (`title`, `version`, one
/// `product` each); its start and stream stay as planned.
pub async fn replan(
    s: SellerCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id: LiveId = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    let live = lives::get(svc, &s.scope, id).await?.live;
    let plan = Plan {
        title: value(&pairs, "title"),
        planned_start: live.planned_start_at,
        stream: match live.stream {
            etalase_domain::content::live::StreamSource::Hls(url) => {
                StreamInput::Hls(url.as_str().to_owned())
            }
            etalase_domain::content::live::StreamSource::Recorded(video) => {
                StreamInput::Recorded(video)
            }
        },
        products: pairs
            .iter()
            .filter(|(k, _)| k == "product")
            .filter_map(|(_, v)| parse_id::<ProductId>(v).ok())
            .collect(),
    };
    let version: i32 = value(&pairs, "version").parse().unwrap_or_default();
    match lives::replan(svc, &s.scope, id, version, &plan).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/seller/live/{id}?notice=live_replanned")).into_response())
        }
        Err(e) if matches!(e.code.status(), 409 | 422) => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = console_page(&s, id, None, errors, false).await?;
            Ok((crate::errors::status_of(e.code), html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

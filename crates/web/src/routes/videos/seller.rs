//! Seller Center → Videos (marketing or owner): upload a short video, write
//! its caption, tag up to six products that are in the Shop, see what the
//! caption claims against what buyers will pay, publish, hide or delete.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::ErrorCode;
use etalase_domain::id::{ProductId, VideoId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_services::ServiceError;
use etalase_services::content::videos::{self, Details, TagView, Upload, VideoView};
use etalase_store::videos::Video;

use super::claims_text::{self, MismatchRow};
use super::{duration_text, size_text};
use crate::ctx::SellerCtx;
use crate::errors::{AppError, AppResult};
use crate::pages::{Chrome, FormErrors, NavItem, html};
use crate::routes::NoticeQuery;
use crate::routes::catalog::sync::{ReasonRow, reason_rows};
use crate::routes::seller::{Frame, frame, parse_id};

/// One video in the list.
pub struct VideoRow {
    pub id: String,
    pub state: &'static str,
    pub state_key: String,
    pub caption: String,
    pub facts: String,
    pub tags: usize,
    pub mismatches: usize,
    pub unavailable: usize,
}

fn facts_text(v: &Video) -> String {
    format!(
        "{} · {}×{} · {} · {}",
        duration_text(v.duration_ms),
        v.width,
        v.height,
        v.container.to_uppercase(),
        size_text(v.bytes)
    )
}

fn row(v: &VideoView) -> VideoRow {
    VideoRow {
        id: v.video.id.to_string(),
        state: v.video.state.as_str(),
        state_key: format!("videos.state.{}", v.video.state.as_str()),
        caption: v.video.caption.chars().take(90).collect(),
        facts: facts_text(&v.video),
        tags: v.video.products.len(),
        mismatches: v.consistency.mismatches.len(),
        unavailable: v.unavailable_tags().count(),
    }
}

#[derive(Template)]
#[template(path = "seller/videos.html")]
struct ListPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    videos: Vec<VideoRow>,
    can_write: bool,
    max_mb: u64,
    max_minutes: u64,
    errors: FormErrors,
}

async fn list_page(s: &SellerCtx, notice: Option<&str>, errors: FormErrors) -> AppResult<ListPage> {
    let svc = &s.ctx.state.services;
    let videos = videos::list(svc, &s.scope).await?.iter().map(row).collect();
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/videos", notice);
    let limits = svc.config.video_limits;
    Ok(ListPage {
        c,
        nav,
        shop_name,
        role_key,
        videos,
        can_write: s.scope.may(SellerAction::write(Area::Content)),
        max_mb: limits.max_bytes / (1024 * 1024),
        max_minutes: limits.max_duration_ms / 60_000,
        errors,
    })
}

pub async fn list(s: SellerCtx, Query(q): Query<NoticeQuery>) -> AppResult<Response> {
    Ok(html(
        &list_page(&s, q.notice.as_deref(), FormErrors::default()).await?,
    ))
}

async fn refused_upload(s: &SellerCtx, e: ServiceError) -> AppResult<Response> {
    if !matches!(e.code.status(), 413 | 422) {
        return Err(e.into());
    }
    let errors = FormErrors::from_service(&s.ctx.t, &e);
    let page = list_page(s, None, errors).await?;
    Ok((crate::errors::status_of(e.code), html(&page)).into_response())
}

/// Whether a request declares a body larger than `upload` takes (the form
/// around the file is a few hundred bytes): refused before a byte is read.
pub(crate) fn declared_too_large(headers: &HeaderMap, upload: &Upload) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|len| len > upload.max_bytes() + 64 * 1024)
}

/// Streams the form's `file` field into `upload` as it arrives (never the
/// whole file in memory); past the limit, the upload's refusal.
pub(crate) async fn receive(
    multipart: &mut Multipart,
    upload: &mut Upload,
) -> Result<(), ServiceError> {
    let malformed = || ServiceError::from(ErrorCode::MalformedRequest);
    let mut seen_file = false;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| malformed())? {
        if field.name() != Some("file") || seen_file {
            continue;
        }
        seen_file = true;
        while let Some(chunk) = field.chunk().await.map_err(|_| malformed())? {
            upload.write(&chunk).await?;
        }
    }
    Ok(())
}

/// The upload: the file streams into the object store as it arrives; a
/// declared size past the limit is refused before a byte is read.
pub async fn upload(
    s: SellerCtx,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let svc = &s.ctx.state.services;
    let mut upload = videos::begin_upload(svc, &s.scope).await?;
    if declared_too_large(&headers, &upload) {
        return refused_upload(&s, ServiceError::field("file", ErrorCode::VideoTooLarge)).await;
    }
    if let Err(e) = receive(&mut multipart, &mut upload).await {
        return refused_upload(&s, e).await;
    }
    match upload.finish(svc, &s.scope).await {
        Ok(video) => Ok(Redirect::to(&format!(
            "/seller/videos/{}?notice=video_uploaded",
            video.id
        ))
        .into_response()),
        Err(e) => refused_upload(&s, e).await,
    }
}

/// A product that can be tagged, as the form shows it.
pub struct TagChoice {
    pub id: String,
    pub title: String,
    pub chosen: bool,
    pub reachable: bool,
    pub reasons: Vec<ReasonRow>,
    pub error: Option<String>,
    /// What buyers pay now (its cheapest SKU), and the same as text.
    pub price: Option<(i64, String)>,
}

#[derive(Template)]
#[template(path = "seller/video.html")]
struct DetailPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    id: String,
    state: &'static str,
    state_key: String,
    version: i32,
    facts: String,
    vertical: bool,
    has_cover: bool,
    caption: String,
    hashtags: Vec<String>,
    choices: Vec<TagChoice>,
    unavailable: Vec<String>,
    claims: usize,
    mismatches: Vec<MismatchRow>,
    can_write: bool,
    can_publish: bool,
    can_hide: bool,
    ask_confirm: bool,
    published_at: Option<String>,
    errors: FormErrors,
}

/// What the form was given, to show it again when refused.
struct Typed {
    caption: String,
    chosen: Vec<ProductId>,
}

fn choices(
    s: &SellerCtx,
    candidates: &[TagView],
    view: &VideoView,
    typed: &Typed,
    errors: &FormErrors,
) -> Vec<TagChoice> {
    let t = &s.ctx.t;
    // Tagged products first (even one no longer active), then the others.
    let mut listed: Vec<&TagView> = view.tags.iter().collect();
    for c in candidates {
        if !listed.iter().any(|l| l.product == c.product) {
            listed.push(c);
        }
    }
    listed
        .into_iter()
        .map(|tag| TagChoice {
            id: tag.product.to_string(),
            title: tag.title.clone(),
            chosen: typed.chosen.contains(&tag.product),
            reachable: tag.reachable,
            price: tag.price.map(|p| (p, t.rupiah(p))),
            reasons: reason_rows(t, tag.product, &tag.reasons, |field| {
                crate::routes::catalog::editor::field_label(t, field, &[])
            }),
            error: errors
                .get(&format!("tags.{}", tag.product))
                .map(str::to_owned),
        })
        .collect()
}

async fn detail_page(
    s: &SellerCtx,
    id: VideoId,
    notice: Option<&str>,
    typed: Option<Typed>,
    errors: FormErrors,
    ask_confirm: bool,
) -> AppResult<DetailPage> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let view = videos::get(svc, &s.scope, id).await?;
    let candidates = videos::tag_candidates(svc, &s.scope).await?;
    let typed = typed.unwrap_or_else(|| Typed {
        caption: view.video.caption.clone(),
        chosen: view.video.products.clone(),
    });
    let choices = choices(s, &candidates, &view, &typed, &errors);
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/videos", notice);
    let v = &view.video;
    let state = v.state;
    let hashtags = etalase_domain::content::video::Caption::parse(&v.caption)
        .map(|c| c.hashtags())
        .unwrap_or_default();
    Ok(DetailPage {
        c,
        nav,
        shop_name,
        role_key,
        id: v.id.to_string(),
        state: state.as_str(),
        state_key: format!("videos.state.{}", state.as_str()),
        version: v.version,
        facts: facts_text(v),
        vertical: v.height > v.width,
        has_cover: v.cover_key.is_some(),
        caption: typed.caption,
        hashtags,
        choices,
        unavailable: view.unavailable_tags().map(|t| t.title.clone()).collect(),
        claims: view.consistency.claims.len(),
        mismatches: claims_text::rows(t, &view.consistency),
        can_write: s.scope.may(SellerAction::write(Area::Content)),
        can_publish: state != etalase_domain::content::video::VideoState::Published,
        can_hide: state == etalase_domain::content::video::VideoState::Published,
        ask_confirm,
        published_at: v.published_at.map(|at| t.time(&at)),
        errors,
    })
}

pub async fn show(
    s: SellerCtx,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let id: VideoId = parse_id(&id)?;
    Ok(html(
        &detail_page(
            &s,
            id,
            q.notice.as_deref(),
            None,
            FormErrors::default(),
            false,
        )
        .await?,
    ))
}

/// The caption and tags: `caption`, `version` and one `product` per tag.
pub async fn save(
    s: SellerCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id: VideoId = parse_id(&id)?;
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let version: i32 = value("version").parse().unwrap_or_default();
    let mut products = Vec::new();
    for (k, v) in &pairs {
        if k == "product" {
            products.push(
                parse_id::<ProductId>(v)
                    .map_err(|_| ServiceError::field("tags", ErrorCode::VideoTagForeign))?,
            );
        }
    }
    let details = Details {
        caption: value("caption"),
        products,
    };
    match videos::save(&s.ctx.state.services, &s.scope, id, version, &details).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/seller/videos/{id}?notice=video_saved")).into_response())
        }
        Err(e) if matches!(e.code.status(), 409 | 422) => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let typed = Typed {
                caption: details.caption,
                chosen: details.products,
            };
            let page = detail_page(&s, id, None, Some(typed), errors, false).await?;
            Ok((crate::errors::status_of(e.code), html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct ActForm {
    #[serde(default)]
    version: i32,
    #[serde(default)]
    confirm: Option<String>,
}

/// Publish, hide or delete.
pub async fn act(
    s: SellerCtx,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ActForm>,
) -> AppResult<Response> {
    let id: VideoId = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    let done = match action.as_str() {
        "publish" => {
            let confirm = form.confirm.as_deref() == Some("1");
            videos::publish(svc, &s.scope, id, form.version, confirm)
                .await
                .map(|_| "video_published")
        }
        "hide" => videos::hide(svc, &s.scope, id, form.version)
            .await
            .map(|_| "video_hidden"),
        "delete" => {
            videos::delete(svc, &s.scope, id).await?;
            return Ok(Redirect::to("/seller/videos?notice=video_deleted").into_response());
        }
        _ => return Err(ErrorCode::NotFound.into()),
    };
    match done {
        Ok(notice) => {
            Ok(Redirect::to(&format!("/seller/videos/{id}?notice={notice}")).into_response())
        }
        Err(e) if matches!(e.code.status(), 409 | 422) => {
            let ask_confirm = e.code == ErrorCode::VideoClaimsUnconfirmed;
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = detail_page(&s, id, None, None, errors, ask_confirm).await?;
            Ok((crate::errors::status_of(e.code), html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The file, for the Seller Center's player (any state; the team only).
pub async fn file(s: SellerCtx, Path(id): Path<String>, headers: HeaderMap) -> AppResult<Response> {
    let id: VideoId = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    let video = videos::file_of(svc, &s.scope, id).await?;
    crate::ranged::serve(
        &svc.objects,
        &video.object_key,
        videos::content_type(&video),
        "private, max-age=3600",
        &format!("{}-{}", video.id, video.bytes),
        &headers,
    )
    .await
}

/// A new cover picture for the video (multipart, field `cover`).
pub async fn upload_cover(
    s: SellerCtx,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let id: VideoId = parse_id(&id)?;
    let mut picture = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::from(ErrorCode::MalformedRequest))?
    {
        if field.name() == Some("cover") {
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::from(ErrorCode::PayloadTooLarge))?;
            picture = Some(bytes.to_vec());
        }
    }
    let svc = &s.ctx.state.services;
    let picture = picture.unwrap_or_default();
    match videos::set_cover(svc, &s.scope, id, picture).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/seller/videos/{id}?notice=video_cover_set")).into_response(),
        ),
        Err(e) if matches!(e.code.status(), 413 | 422) => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = detail_page(&s, id, None, None, errors, false).await?;
            Ok((crate::errors::status_of(e.code), html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The cover picture, for the Seller Center (any state; the team only).
pub async fn cover(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: VideoId = parse_id(&id)?;
    let bytes = videos::cover(&s.ctx.state.services, Some(&s.scope), id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    Ok(crate::pages::jpeg(bytes, "private, max-age=300"))
}

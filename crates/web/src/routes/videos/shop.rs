//! The Shop's videos: the feed (`/v`, one video per screen, swiped on a
//! phone), a video's page (`/v/<id>`) with its tagged products under the
//! player, and the file served in ranges so seeking works.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use etalase_domain::ErrorCode;
use etalase_domain::attribution::{AttributionEvent, EventKind};
use etalase_domain::checkout::Source;
use etalase_domain::id::{ProductId, VideoId};
use etalase_domain::pricing::{BuyerContext, Channel};
use etalase_services::content::product_video;
use etalase_services::content::shop::{self as videos, ShopVideo, Tagged};
use etalase_services::content::videos::content_type;
use etalase_store::videos::Video;

use super::duration_text;
use crate::ctx::Ctx;
use crate::errors::{AppError, AppResult};
use crate::i18n::T;
use crate::pages::{Chrome, html};
use crate::routes::price_tag::PriceTag;
use crate::routes::seller::parse_id;

/// A tagged product under the player ("keranjang kuning").
pub struct TagCard {
    pub title: String,
    /// The product page, carrying the video as the buyer's source.
    pub href: String,
    pub image: Option<String>,
    pub tag: Option<PriceTag>,
    /// SKUs that can be added to the cart: id, label and price (on the
    /// video's page only).
    pub buyable: Vec<(String, String, String)>,
    pub sold_out: bool,
    pub available: bool,
}

/// A video as the feed and its page show it.
pub struct VideoCard {
    pub id: String,
    pub href: String,
    pub file: String,
    /// The cover picture shown before the video plays, when it has one.
    pub poster: Option<String>,
    pub caption: String,
    pub shop_name: String,
    pub shop_href: String,
    pub duration: String,
    pub vertical: bool,
    pub source: String,
    pub products: Vec<TagCard>,
    /// With a buy form per product (the video's own page); the feed shows
    /// each product as a link with its price, which keeps a page of eight
    /// videos light on a phone's connection.
    pub full: bool,
}

fn tag_card(t: &T, ctx: &Ctx, video: &Video, tagged: &Tagged, full: bool) -> TagCard {
    let svc = &ctx.state.services;
    let source = Source::Video(video.id).to_param();
    match tagged {
        Tagged::Listed(p) => {
            let l = &p.listing;
            // Priced on this video's channel by the one pricing function:
            // the same price the product page and the checkout give.
            let prices = p.prices(
                &svc.config.pricer,
                &BuyerContext::anonymous(),
                Channel::Video(video.id),
                svc.now(),
            );
            let headline = p.headline(&prices);
            let buyable = p
                .document
                .skus
                .iter()
                .zip(&prices)
                .filter(|(s, _)| full && s.stock > 0)
                .map(|(s, price)| {
                    let label = if s.combination.is_empty() {
                        l.title.clone()
                    } else {
                        s.combination.join(" / ")
                    };
                    (s.id.to_string(), label, t.rupiah(price.unit))
                })
                .collect();
            TagCard {
                title: l.title.clone(),
                href: format!("/p/{}-{}?src={source}", l.slug, l.product_id),
                image: l
                    .primary_image
                    .map(|i| format!("/p/{}/images/{i}/160", l.product_id)),
                tag: headline.map(|h| PriceTag::new(t, &h.cheapest, Some(h.highest))),
                sold_out: p.document.skus.iter().all(|s| s.stock <= 0),
                buyable,
                available: true,
            }
        }
        Tagged::Unavailable(_) => TagCard {
            title: t.t("videos.shop.unavailable").to_owned(),
            href: String::new(),
            image: None,
            tag: None,
            buyable: Vec::new(),
            sold_out: false,
            available: false,
        },
    }
}

fn video_card(ctx: &Ctx, v: &ShopVideo, shop: Option<(&str, &str)>, full: bool) -> VideoCard {
    let t = &ctx.t;
    let video = &v.video;
    let (shop_name, shop_href) = shop
        .map(|(name, slug)| (name.to_owned(), format!("/s/{slug}")))
        .unwrap_or_default();
    VideoCard {
        id: video.id.to_string(),
        href: format!("/v/{}", video.id),
        file: format!("/v/{}/file", video.id),
        poster: video
            .cover_key
            .as_ref()
            .map(|_| format!("/v/{}/cover", video.id)),
        caption: video.caption.clone(),
        shop_name,
        shop_href,
        duration: duration_text(video.duration_ms),
        vertical: video.height > video.width,
        source: Source::Video(video.id).to_param(),
        products: v
            .products
            .iter()
            .map(|p| tag_card(t, ctx, video, p, full))
            .collect(),
        full,
    }
}

/// The shop behind a video: from a listed product it tags (the Shop reads
/// only its read model).
fn shop_of(v: &ShopVideo) -> Option<(&str, &str)> {
    v.products.iter().find_map(|p| match p {
        Tagged::Listed(p) => Some((p.listing.shop_name.as_str(), p.listing.shop_slug.as_str())),
        Tagged::Unavailable(_) => None,
    })
}

/// Records that a buyer was shown a video.
fn seen(ctx: &Ctx, v: &ShopVideo) {
    ctx.state.services.attribution.record(AttributionEvent {
        seller: Some(v.video.seller_id),
        ..ctx.event(EventKind::Impression, Source::Video(v.video.id))
    });
}

#[derive(Template)]
#[template(path = "shop/videos.html")]
struct FeedPage {
    c: Chrome,
    videos: Vec<VideoCard>,
    next: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct FeedQuery {
    pub after: Option<String>,
}

/// `/v`: the newest published videos, one per screen; "more" continues
/// after the last one (no JavaScript needed).
pub async fn feed(ctx: Ctx, Query(q): Query<FeedQuery>) -> AppResult<Response> {
    let after = q.after.as_deref().and_then(|a| a.parse::<VideoId>().ok());
    let page = videos::feed(&ctx.state.services, after).await?;
    for v in &page.videos {
        seen(&ctx, v);
    }
    let cards = page
        .videos
        .iter()
        .map(|v| video_card(&ctx, v, shop_of(v), false))
        .collect();
    Ok(html(&FeedPage {
        c: Chrome::new(&ctx),
        videos: cards,
        next: page.next.map(|id| format!("/v?after={id}")),
    }))
}

#[derive(Template)]
#[template(path = "shop/video.html")]
struct VideoPage {
    c: Chrome,
    v: VideoCard,
}

/// `/v/<id>`: a published video and its products (404 otherwise).
pub async fn page(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: VideoId = parse_id(&id)?;
    let found = videos::video(&ctx.state.services, id)
        .await?
        .ok_or(AppError::from(ErrorCode::NotFound))?;
    seen(&ctx, &found);
    let v = video_card(&ctx, &found, shop_of(&found), true);
    Ok(html(&VideoPage {
        c: Chrome::new(&ctx),
        v,
    }))
}

/// A published video's file, in the ranges the player asks for. Its
/// content never changes under its id, so it is cached for long.
pub async fn file(ctx: Ctx, Path(id): Path<String>, headers: HeaderMap) -> AppResult<Response> {
    let id: VideoId = parse_id(&id)?;
    let svc = &ctx.state.services;
    let video = videos::published_file(svc, id)
        .await?
        .ok_or(AppError::from(ErrorCode::NotFound))?;
    crate::ranged::serve(
        &svc.objects,
        &video.object_key,
        content_type(&video),
        "public, max-age=31536000, immutable",
        &format!("{}-{}", video.id, video.bytes),
        &headers,
    )
    .await
    .map(IntoResponse::into_response)
}

/// A product's own video, while the product is in the Shop. The address
/// names the video, so a replaced video is a new address and each may be
/// cached for good.
pub async fn product_video_file(
    ctx: Ctx,
    Path((product, video)): Path<(String, String)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let product: ProductId = parse_id(&product)?;
    let video: VideoId = parse_id(&video)?;
    let svc = &ctx.state.services;
    let media = videos::of_product(svc, product).await?;
    let found = media
        .own
        .as_ref()
        .filter(|v| v.id == video)
        .ok_or(AppError::from(ErrorCode::NotFound))?;
    if etalase_services::storefront::product(svc, product)
        .await?
        .is_none()
    {
        return Err(ErrorCode::NotFound.into());
    }
    crate::ranged::serve(
        &svc.objects,
        &found.object_key,
        product_video::content_type(found),
        "public, max-age=31536000, immutable",
        &format!("{}-{}", found.id, found.bytes),
        &headers,
    )
    .await
    .map(IntoResponse::into_response)
}

/// Small video links for a product's or a shop's page.
pub struct VideoLink {
    pub href: String,
    pub file: String,
    pub poster: Option<String>,
    pub caption: String,
    pub duration: String,
}

pub fn links(videos: &[Video]) -> Vec<VideoLink> {
    videos
        .iter()
        .map(|v| VideoLink {
            href: format!("/v/{}", v.id),
            file: format!("/v/{}/file", v.id),
            poster: v.cover_key.as_ref().map(|_| format!("/v/{}/cover", v.id)),
            caption: v.caption.chars().take(60).collect(),
            duration: duration_text(v.duration_ms),
        })
        .collect()
}

/// A published video's cover picture.
pub async fn cover(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: VideoId = parse_id(&id)?;
    let bytes = etalase_services::content::videos::cover(&ctx.state.services, None, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    Ok(crate::pages::jpeg(bytes, "public, max-age=3600"))
}

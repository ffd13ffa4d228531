//! Videos as buyers see them: published ones only, each with its tagged
//! products from the Shop's read model (a product that left the Shop shows
//! as unavailable, never as a broken link).

use std::sync::Arc;

use etalase_domain::id::{ProductId, SellerId, VideoId};
use etalase_store::videos::{self as store, Video};

use crate::storefront::{self, ProductMedia, ShopProduct};
use crate::{ServiceResult, Services};

/// A tagged product under a video's player ("keranjang kuning").
#[derive(Debug, Clone)]
pub enum Tagged {
    Listed(Arc<ShopProduct>),
    /// No longer in the Shop.
    Unavailable(ProductId),
}

#[derive(Debug, Clone)]
pub struct ShopVideo {
    pub video: Video,
    pub products: Vec<Tagged>,
}

async fn with_products(svc: &Services, video: Video) -> ServiceResult<ShopVideo> {
    let listed = storefront::products(svc, &video.products).await?;
    let products = video
        .products
        .iter()
        .map(|id| {
            listed
                .iter()
                .find(|p| p.listing.product_id == *id)
                .map(|p| Tagged::Listed(p.clone()))
                .unwrap_or(Tagged::Unavailable(*id))
        })
        .collect();
    Ok(ShopVideo { video, products })
}

/// A published video with its products.
pub async fn video(svc: &Services, id: VideoId) -> ServiceResult<Option<ShopVideo>> {
    match store::published(&svc.store, id).await? {
        Some(video) => Ok(Some(with_products(svc, video).await?)),
        None => Ok(None),
    }
}

/// A published video without its products: what serving its file needs
/// (a player asks for many ranges; none needs prices).
pub async fn published_file(svc: &Services, id: VideoId) -> ServiceResult<Option<Video>> {
    Ok(store::published(&svc.store, id).await?)
}

/// A page of the video feed, newest first.
#[derive(Debug, Clone)]
pub struct VideoFeed {
    pub videos: Vec<ShopVideo>,
    /// The video to continue after, when more follow.
    pub next: Option<VideoId>,
}

/// Videos per feed page.
pub const FEED_PAGE: i64 = 8;

/// The feed after `after` (the last video of the previous page); an
/// unknown or unpublished `after` starts from the newest.
pub async fn feed(svc: &Services, after: Option<VideoId>) -> ServiceResult<VideoFeed> {
    let cursor = match after {
        Some(id) => store::published(&svc.store, id)
            .await?
            .and_then(|v| v.published_at.map(|at| (at, v.id))),
        None => None,
    };
    let mut found = match cursor {
        None => latest(svc).await?.as_ref().clone(),
        Some(_) => store::published_feed(&svc.store, cursor, FEED_PAGE + 1).await?,
    };
    let more = found.len() as i64 > FEED_PAGE;
    found.truncate(FEED_PAGE as usize);
    let next = if more {
        found.last().map(|v| v.id)
    } else {
        None
    };
    let mut videos = Vec::with_capacity(found.len());
    for video in found {
        videos.push(with_products(svc, video).await?);
    }
    Ok(VideoFeed { videos, next })
}

/// The newest published videos (the home feed's video cards, and the video
/// feed's first page), kept for a second: every home page shows them.
pub async fn latest(svc: &Services) -> ServiceResult<Arc<Vec<Video>>> {
    if let Some(kept) = svc.shop_cache.videos() {
        return Ok(kept);
    }
    let ticket = svc.shop_cache.ticket();
    let found = Arc::new(store::published_feed(&svc.store, None, FEED_PAGE + 1).await?);
    svc.shop_cache.keep_videos(ticket, found.clone());
    Ok(found)
}

/// The videos of `product`'s page: published ones tagging it and its own
/// video. Kept a second by the Shop's cache: a product page is the Shop's
/// busiest, and these change rarely.
pub async fn of_product(svc: &Services, product: ProductId) -> ServiceResult<Arc<ProductMedia>> {
    if let Some(media) = svc.shop_cache.media(product) {
        return Ok(media);
    }
    let ticket = svc.shop_cache.ticket();
    let read = || async {
        let media = Arc::new(ProductMedia {
            tagging: store::published_tagging(&svc.store, product, 6).await?,
            own: etalase_store::product_videos::of_product(&svc.store, product).await?,
        });
        svc.shop_cache.keep_media(ticket, product, media.clone());
        Ok(media)
    };
    svc.shop_cache
        .media_reads
        .once((product, ticket), read)
        .await
}

/// A shop's published videos (its shop page).
pub async fn of_shop(svc: &Services, seller: SellerId) -> ServiceResult<Vec<Video>> {
    Ok(store::published_of_shop(&svc.store, seller, 12).await?)
}

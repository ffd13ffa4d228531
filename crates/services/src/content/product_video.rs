//! A product's own video, in its page's gallery: uploaded from the product
//! editor (streamed to the object store, checked by its container), within
//! its own, smaller limits (platform settings: by default 20 MB and 60 s);
//! one per product, a new upload replacing the old.
//!
//! Unlike a short video it tags nothing and has no caption to check: it
//! shows the product it belongs to, at that product's price.

use etalase_domain::id::{ProductId, VideoId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::audit;
use etalase_store::catalog;
use etalase_store::product_videos::{self as store, ProductVideo};

use super::videos::{self, Upload};
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

/// Starts an upload of `product`'s video; the product must be the shop's.
pub async fn begin_upload(
    svc: &Services,
    scope: &SellerScope,
    product: ProductId,
) -> ServiceResult<Upload> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    catalog::get_product(&svc.store, scope.seller_id, product).await?;
    let id = VideoId::generate();
    let key = format!("product-videos/{}/{}/{}", scope.seller_id, product, id).to_lowercase();
    videos::begin(svc, id, key, svc.config.product_video_limits).await
}

/// Checks the whole file and makes it the product's video; the one it
/// replaces is deleted.
pub async fn finish(
    upload: Upload,
    svc: &Services,
    scope: &SellerScope,
    product: ProductId,
) -> ServiceResult<ProductVideo> {
    let kept = upload.keep().await?;
    let now = svc.now();
    let video = ProductVideo {
        id: kept.id,
        product_id: product,
        seller_id: scope.seller_id,
        uploaded_by: scope.actor().as_text(),
        object_key: kept.key.clone(),
        bytes: kept.bytes as i64,
        container: kept.container().to_owned(),
        video_codec: kept.facts.video.name().to_owned(),
        audio_codec: kept.facts.audio.as_ref().map(|a| a.name().to_owned()),
        duration_ms: kept.facts.duration_ms as i64,
        width: kept.facts.width as i32,
        height: kept.facts.height as i32,
        created_at: now,
    };
    let product_text = product.to_string();
    let written = async {
        let mut tx = svc.store.write().await?;
        let replaced = store::replace(&mut tx, &video).await?;
        let mut entry = scope.audit("catalog.product_video_uploaded", "product", &product_text);
        entry.before = replaced.as_ref().map(|r| r.id.to_string());
        entry.after = Some(format!(
            "{} {} {}x{} {} ms {} bytes",
            video.id, video.container, video.width, video.height, video.duration_ms, video.bytes
        ));
        audit::record(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok::<_, etalase_store::StoreError>(replaced)
    }
    .await;
    match written {
        Ok(replaced) => {
            svc.shop_cache.forget_media(product);
            if let Some(old) = replaced {
                let _ = svc.objects.delete(&old.object_key).await;
            }
            Ok(video)
        }
        Err(e) => {
            // Nothing refers to the file: it must not stay behind.
            let _ = svc.objects.delete(&kept.key).await;
            Err(e.into())
        }
    }
}

/// Removes the product's video and its file; nothing to remove is not an
/// error (a second click, another member first).
pub async fn remove(svc: &Services, scope: &SellerScope, product: ProductId) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    catalog::get_product(&svc.store, scope.seller_id, product).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let Some(removed) = store::remove(&mut tx, scope.seller_id, product).await? else {
        return Ok(());
    };
    let product_text = product.to_string();
    let mut entry = scope.audit("catalog.product_video_removed", "product", &product_text);
    entry.before = Some(removed.id.to_string());
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    svc.shop_cache.forget_media(product);
    svc.objects
        .delete(&removed.object_key)
        .await
        .map_err(ServiceError::internal)
}

/// The shop's product's video, as its editor shows it.
pub async fn of_own_product(
    svc: &Services,
    scope: &SellerScope,
    product: ProductId,
) -> ServiceResult<Option<ProductVideo>> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    Ok(store::of_product(&svc.store, product)
        .await?
        .filter(|v| v.seller_id == scope.seller_id))
}

/// A product's video, read now (the Shop's pages read it with the
/// product's other videos, cached: `content::shop::of_product`).
pub async fn of_product(svc: &Services, product: ProductId) -> ServiceResult<Option<ProductVideo>> {
    Ok(store::of_product(&svc.store, product).await?)
}

/// The media type a product video is served with.
pub fn content_type(video: &ProductVideo) -> &'static str {
    videos::media_type(&video.container)
}

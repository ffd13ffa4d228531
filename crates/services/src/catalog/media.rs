//! Product images: 1–9 per product, JPEG/PNG/WebP decided by content, up
//! to 5 MB and 300×300–4000×4000 pixels; re-encoded as JPEG (nothing of the
//! original file survives), with the thumbnails the Shop needs, and checked
//! for what makes a listing look poor: low resolution, blur, and a first
//! image that is not on a white background.

use etalase_domain::ErrorCode;
use etalase_domain::catalog::quality::RECOMMENDED_SIDE;
use etalase_domain::id::{ImageId, ProductId, SellerId, SkuId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::audit;
use etalase_store::catalog::{self, ProductImage};
use image::{DynamicImage, ImageFormat, RgbImage};

use super::listing;
use super::records::product_changed;
use crate::documents::{decode_oriented, header_dimensions, sharpness};
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

pub use etalase_domain::catalog::image_source::MAX_IMAGES;
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
pub const MIN_SIDE: u32 = 300;
pub const MAX_SIDE: u32 = 4000;
/// Under this variance of the Laplacian a product photo is called blurry
/// (lower than for documents: a product on a plain background has large
/// flat areas that lower the variance of a sharp photo).
pub const MIN_SHARPNESS: f64 = 25.0;
/// The sizes stored besides the full image (longest side, pixels): cart and
/// thumbnails, feed cards, the product page.
pub const THUMBNAILS: [u32; 3] = [160, 480, 960];

/// A checked, re-encoded upload and what was measured on it.
#[derive(Debug, Clone)]
pub struct ProcessedImage {
    pub full: Vec<u8>,
    pub thumbnails: Vec<(u32, Vec<u8>)>,
    pub width: u32,
    pub height: u32,
    pub sharpness: f64,
    pub blurry: bool,
    pub white_background: bool,
}

fn format_of(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// Checks and re-encodes an upload (CPU work: call it off the async threads).
pub fn process(bytes: &[u8]) -> Result<ProcessedImage, ErrorCode> {
    if bytes.is_empty() {
        return Err(ErrorCode::ImageEmpty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(ErrorCode::DocumentTooLarge);
    }
    let format = format_of(bytes).ok_or(ErrorCode::ImageTypeNotAccepted)?;
    let (width, height) = header_dimensions(bytes, format)?;
    // Checked from the header, before decoding: a pixel flood is refused unread.
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(ErrorCode::ImageTooLarge);
    }
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(ErrorCode::ImageTooSmall);
    }
    let picture = decode_oriented(
        bytes,
        format,
        MAX_SIDE,
        u64::from(MAX_SIDE) * u64::from(MAX_SIDE) * 8,
    )?;
    // Transparent areas become white, as the Shop shows them.
    let rgb = flatten_on_white(&picture);
    let full = encode_jpeg(&rgb)?;
    let mut thumbnails = Vec::new();
    for size in THUMBNAILS {
        let thumb = DynamicImage::ImageRgb8(rgb.clone())
            .resize(size, size, image::imageops::FilterType::Lanczos3)
            .to_rgb8();
        thumbnails.push((size, encode_jpeg(&thumb)?));
    }
    let score = sharpness(&DynamicImage::ImageRgb8(rgb.clone()));
    Ok(ProcessedImage {
        full,
        thumbnails,
        width: rgb.width(),
        height: rgb.height(),
        sharpness: score,
        blurry: score < MIN_SHARPNESS,
        white_background: has_white_background(&rgb),
    })
}

fn flatten_on_white(picture: &DynamicImage) -> RgbImage {
    let rgba = picture.to_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (x, y, p) in rgba.enumerate_pixels() {
        let [r, g, b, a] = p.0;
        let blend =
            |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        out.put_pixel(x, y, image::Rgb([blend(r), blend(g), blend(b)]));
    }
    out
}

fn encode_jpeg(picture: &RgbImage) -> Result<Vec<u8>, ErrorCode> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    picture
        .write_with_encoder(encoder)
        .map_err(|_| ErrorCode::DocumentUnreadable)?;
    Ok(out)
}

/// Nine in ten pixels along the edges (the outer 5%) are near white.
pub fn has_white_background(picture: &RgbImage) -> bool {
    let (w, h) = picture.dimensions();
    let band_x = (w / 20).max(1);
    let band_y = (h / 20).max(1);
    let mut edge = 0u64;
    let mut white = 0u64;
    // Sample every few pixels: enough to judge, cheap on a 4000 px photo.
    let step = (w.max(h) / 400).max(1) as usize;
    for y in (0..h).step_by(step) {
        for x in (0..w).step_by(step) {
            if x >= band_x && x < w - band_x && y >= band_y && y < h - band_y {
                continue;
            }
            edge += 1;
            if picture.get_pixel(x, y).0.iter().all(|&c| c >= 235) {
                white += 1;
            }
        }
    }
    edge > 0 && white * 10 >= edge * 9
}

pub(crate) fn key(
    seller: SellerId,
    product: ProductId,
    image: ImageId,
    size: Option<u32>,
) -> String {
    let name = size
        .map(|s| format!("{s}.jpg"))
        .unwrap_or_else(|| "full.jpg".into());
    format!(
        "products/{}/{}/{}/{name}",
        seller.to_string().to_lowercase(),
        product.to_string().to_lowercase(),
        image.to_string().to_lowercase()
    )
}

/// Adds an image at the end of the product's images.
pub async fn upload(
    svc: &Services,
    scope: &SellerScope,
    product: ProductId,
    bytes: Vec<u8>,
) -> ServiceResult<ProductImage> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let existing = catalog::images_of(&svc.store, scope.seller_id, product).await?;
    catalog::get_product(&svc.store, scope.seller_id, product).await?;
    if existing.len() >= MAX_IMAGES {
        return Err(ServiceError::field("images", ErrorCode::TooManyImages));
    }
    let processed = process_off_thread(bytes)
        .await?
        .map_err(|code| ServiceError::field("images", code))?;
    let id = ImageId::generate();
    let keys = store_objects(svc, scope.seller_id, product, id, &processed).await?;
    let now = svc.now();
    let written = async {
        let mut tx = svc.store.write().await?;
        let product_row = catalog::lock_product(&mut tx, scope.seller_id, product).await?;
        if !product_row.status.is_editable() {
            return Err(ErrorCode::ProductNotEditable.into());
        }
        let count = catalog::images_in_tx(&mut tx, scope.seller_id, product)
            .await?
            .len();
        if count >= MAX_IMAGES {
            return Err(ServiceError::field("images", ErrorCode::TooManyImages));
        }
        let image = image_row(id, product, count, &processed, None);
        catalog::insert_image(&mut tx, scope.seller_id, &image, now).await?;
        listing::refresh(&mut tx, scope.seller_id, product).await?;
        audit::record(
            &mut tx,
            scope.audit("product.image_added", "product", &product.to_string()),
            now,
        )
        .await?;
        product_changed(&mut tx, scope.seller_id, product, now).await?;
        tx.commit().await?;
        ServiceResult::Ok(image)
    }
    .await;
    if written.is_err() {
        delete_objects(svc, &keys).await;
    }
    written
}

/// Stores a processed image and its thumbnails; returns their keys.
pub(crate) async fn store_objects(
    svc: &Services,
    seller: SellerId,
    product: ProductId,
    id: ImageId,
    processed: &ProcessedImage,
) -> ServiceResult<Vec<String>> {
    let mut stored = Vec::new();
    let parts = std::iter::once((None, &processed.full)).chain(
        processed
            .thumbnails
            .iter()
            .map(|(size, b)| (Some(*size), b)),
    );
    for (size, bytes) in parts {
        let k = key(seller, product, id, size);
        if let Err(e) = svc.objects.put(&k, bytes.clone()).await {
            delete_objects(svc, &stored).await;
            return Err(ServiceError::internal(e));
        }
        stored.push(k);
    }
    Ok(stored)
}

/// Removes stored objects of an image that was not kept (best effort).
pub(crate) async fn delete_objects(svc: &Services, keys: &[String]) {
    for k in keys {
        let _ = svc.objects.delete(k).await;
    }
}

/// The row of a processed image at `position`.
pub(crate) fn image_row(
    id: ImageId,
    product: ProductId,
    position: usize,
    processed: &ProcessedImage,
    source: Option<String>,
) -> ProductImage {
    ProductImage {
        id,
        product_id: product,
        position: position as i32,
        width: processed.width as i32,
        height: processed.height as i32,
        bytes: processed.full.len() as i64,
        sharpness: processed.sharpness,
        blurry: processed.blurry,
        white_background: processed.white_background,
        source,
    }
}

/// [`process`] on a blocking thread.
pub(crate) async fn process_off_thread(
    bytes: Vec<u8>,
) -> ServiceResult<Result<ProcessedImage, ErrorCode>> {
    tokio::task::spawn_blocking(move || process(&bytes))
        .await
        .map_err(ServiceError::internal)
}

/// An image's bytes (the full image, or one of [`THUMBNAILS`]).
pub async fn bytes(
    svc: &Services,
    scope: &SellerScope,
    product: ProductId,
    image: ImageId,
    size: Option<u32>,
) -> ServiceResult<Vec<u8>> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    if size.is_some_and(|s| !THUMBNAILS.contains(&s)) {
        return Err(ErrorCode::NotFound.into());
    }
    let images = catalog::images_of(&svc.store, scope.seller_id, product).await?;
    if !images.iter().any(|i| i.id == image) {
        return Err(ErrorCode::NotFound.into());
    }
    svc.objects
        .get(&key(scope.seller_id, product, image, size))
        .await
        .map_err(ServiceError::internal)?
        .ok_or_else(|| ErrorCode::NotFound.into())
}

/// A stored image's bytes, once the caller has decided it may be seen.
pub(crate) async fn stored_bytes(
    svc: &Services,
    seller: SellerId,
    product: ProductId,
    image: ImageId,
    size: Option<u32>,
) -> ServiceResult<Vec<u8>> {
    if size.is_some_and(|s| !THUMBNAILS.contains(&s)) {
        return Err(ErrorCode::NotFound.into());
    }
    svc.objects
        .get(&key(seller, product, image, size))
        .await
        .map_err(ServiceError::internal)?
        .ok_or_else(|| ErrorCode::NotFound.into())
}

/// An image's bytes for a moderator (any shop's product).
pub async fn bytes_for_moderation(
    svc: &Services,
    reviewer: &etalase_store::accounts::User,
    product: ProductId,
    image: ImageId,
    size: Option<u32>,
) -> ServiceResult<Vec<u8>> {
    if !reviewer.is_admin {
        return Err(ErrorCode::AdminOnly.into());
    }
    if size.is_some_and(|s| !THUMBNAILS.contains(&s)) {
        return Err(ErrorCode::NotFound.into());
    }
    let stored = catalog::find_any(&svc.store, product).await?;
    let images = catalog::images_of(&svc.store, stored.seller_id, product).await?;
    if !images.iter().any(|i| i.id == image) {
        return Err(ErrorCode::NotFound.into());
    }
    svc.objects
        .get(&key(stored.seller_id, product, image, size))
        .await
        .map_err(ServiceError::internal)?
        .ok_or_else(|| ErrorCode::NotFound.into())
}

/// Puts the images in this order; the first is the primary image.
pub async fn reorder(
    svc: &Services,
    scope: &SellerScope,
    product: ProductId,
    order: &[ImageId],
) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let current = catalog::images_in_tx(&mut tx, scope.seller_id, product).await?;
    // Listed ids first, in their order; any others keep their relative order after.
    let mut ordered: Vec<ImageId> = order
        .iter()
        .copied()
        .filter(|id| current.iter().any(|i| i.id == *id))
        .collect();
    ordered.dedup();
    for image in &current {
        if !ordered.contains(&image.id) {
            ordered.push(image.id);
        }
    }
    catalog::reorder_images(&mut tx, scope.seller_id, product, &ordered).await?;
    listing::refresh(&mut tx, scope.seller_id, product).await?;
    product_changed(&mut tx, scope.seller_id, product, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes an image (a live product keeps at least one).
pub async fn remove(
    svc: &Services,
    scope: &SellerScope,
    product: ProductId,
    image: ImageId,
) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let row = catalog::lock_product(&mut tx, scope.seller_id, product).await?;
    let current = catalog::images_in_tx(&mut tx, scope.seller_id, product).await?;
    if row.status.is_active() && current.len() <= 1 {
        return Err(ServiceError::field("images", ErrorCode::ImageRequired));
    }
    if !catalog::delete_image(&mut tx, scope.seller_id, product, image).await? {
        return Err(ErrorCode::NotFound.into());
    }
    let rest: Vec<ImageId> = current
        .iter()
        .map(|i| i.id)
        .filter(|id| *id != image)
        .collect();
    catalog::reorder_images(&mut tx, scope.seller_id, product, &rest).await?;
    listing::refresh(&mut tx, scope.seller_id, product).await?;
    audit::record(
        &mut tx,
        scope.audit("product.image_removed", "product", &product.to_string()),
        now,
    )
    .await?;
    product_changed(&mut tx, scope.seller_id, product, now).await?;
    tx.commit().await?;
    for size in std::iter::once(None).chain(THUMBNAILS.iter().map(|s| Some(*s))) {
        let _ = svc
            .objects
            .delete(&key(scope.seller_id, product, image, size))
            .await;
    }
    Ok(())
}

/// Shows a SKU with one of its product's images (or none).
pub async fn set_sku_image(
    svc: &Services,
    scope: &SellerScope,
    sku: SkuId,
    image: Option<ImageId>,
) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let row = catalog::sku_in_tx(&mut tx, scope.seller_id, sku).await?;
    if let Some(image) = image {
        let images = catalog::images_in_tx(&mut tx, scope.seller_id, row.product_id).await?;
        if !images.iter().any(|i| i.id == image) {
            return Err(ErrorCode::NotFound.into());
        }
    }
    catalog::set_sku_image(&mut tx, scope.seller_id, sku, image).await?;
    product_changed(&mut tx, scope.seller_id, row.product_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the image is large enough for a good listing.
pub fn is_small(image: &ProductImage) -> bool {
    (image.width.min(image.height) as u32) < RECOMMENDED_SIDE
}

//! Product images (their bytes live in the object store).

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub struct ProductImage {
    pub id: ImageId,
    pub product_id: ProductId,
    pub position: i32,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub sharpness: f64,
    pub blurry: bool,
    pub white_background: bool,
    /// Where an imported photo came from (see
    /// `etalase_domain::catalog::image_source::ImageSource::key`); none
    /// for a photo uploaded on the product page.
    pub source: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ImageRow {
    id: String,
    product_id: String,
    position: i32,
    width: i32,
    height: i32,
    bytes: i64,
    sharpness: f64,
    blurry: bool,
    white_background: bool,
    source: Option<String>,
}

pub async fn insert_image(
    tx: &mut Tx,
    seller: SellerId,
    image: &ProductImage,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO product_images (id, product_id, seller_id, position, width, height, bytes, \
         sharpness, blurry, white_background, created_at, source) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
        .bind(image.id.to_string()).bind(image.product_id.to_string()).bind(seller.to_string())
        .bind(image.position).bind(image.width).bind(image.height).bind(image.bytes)
        .bind(image.sharpness).bind(image.blurry).bind(image.white_background)
        .bind(now.unix_millis()).bind(image.source.as_deref())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

const IMAGE_SELECT: &str = "SELECT id, product_id, position, width, height, bytes, sharpness, \
    blurry, white_background, source FROM product_images WHERE product_id = $1 AND seller_id = $2 \
    ORDER BY position";

fn image(r: ImageRow) -> StoreResult<ProductImage> {
    Ok(ProductImage {
        id: r.id.parse().map_err(corrupt)?,
        product_id: r.product_id.parse().map_err(corrupt)?,
        position: r.position,
        width: r.width,
        height: r.height,
        bytes: r.bytes,
        sharpness: r.sharpness,
        blurry: r.blurry,
        white_background: r.white_background,
        source: r.source,
    })
}

pub async fn images_of(
    store: &Store,
    seller: SellerId,
    product: ProductId,
) -> StoreResult<Vec<ProductImage>> {
    let rows: Vec<ImageRow> = on_pool!(store, pool => sqlx::query_as(IMAGE_SELECT)
        .bind(product.to_string()).bind(seller.to_string()).fetch_all(pool).await)?;
    rows.into_iter().map(image).collect()
}

pub async fn images_in_tx(
    tx: &mut Tx,
    seller: SellerId,
    product: ProductId,
) -> StoreResult<Vec<ProductImage>> {
    let rows: Vec<ImageRow> = on_tx!(tx, conn => sqlx::query_as(IMAGE_SELECT)
        .bind(product.to_string()).bind(seller.to_string()).fetch_all(conn).await)?;
    rows.into_iter().map(image).collect()
}

/// Where a seller's imported photos came from, by product, in each
/// product's photo order (photos uploaded on the product page have none).
pub async fn image_sources(
    store: &Store,
    seller: SellerId,
) -> StoreResult<Vec<(ProductId, String)>> {
    let rows: Vec<(String, String)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT product_id, source FROM product_images \
         WHERE seller_id = $1 AND source IS NOT NULL ORDER BY product_id, position")
        .bind(seller.to_string()).fetch_all(pool).await)?;
    rows.into_iter()
        .map(|(product, source)| Ok((product.parse().map_err(corrupt)?, source)))
        .collect()
}

/// Puts the images in the given order (positions 0, 1, …); ids not of this
/// product are ignored.
pub async fn reorder_images(
    tx: &mut Tx,
    seller: SellerId,
    product: ProductId,
    order: &[ImageId],
) -> StoreResult<()> {
    for (position, id) in order.iter().enumerate() {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE product_images SET position = $4 WHERE id = $1 AND product_id = $2 AND seller_id = $3")
            .bind(id.to_string()).bind(product.to_string()).bind(seller.to_string())
            .bind(position as i32).execute(conn).await.map(|_| ()))?;
    }
    Ok(())
}

pub async fn delete_image(
    tx: &mut Tx,
    seller: SellerId,
    product: ProductId,
    id: ImageId,
) -> StoreResult<bool> {
    let gone = on_tx!(tx, conn => sqlx::query(
        "DELETE FROM product_images WHERE id = $1 AND product_id = $2 AND seller_id = $3")
        .bind(id.to_string()).bind(product.to_string()).bind(seller.to_string())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if gone == 1 {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE skus SET image_id = NULL WHERE image_id = $1 AND seller_id = $2")
            .bind(id.to_string()).bind(seller.to_string()).execute(conn).await.map(|_| ()))?;
    }
    Ok(gone == 1)
}

pub async fn set_sku_image(
    tx: &mut Tx,
    seller: SellerId,
    sku: SkuId,
    image: Option<ImageId>,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE skus SET image_id = $3 WHERE id = $1 AND seller_id = $2")
        .bind(sku.to_string()).bind(seller.to_string()).bind(image.map(|i| i.to_string()))
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

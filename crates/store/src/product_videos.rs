//! A product's own video, shown in its page's gallery (migration
//! `0021_product_videos.sql`): one per product, replaced by the next
//! upload. Writes take the seller's id and filter by it.

use etalase_domain::Timestamp;
use etalase_domain::id::{ProductId, SellerId, VideoId};

use crate::error::corrupt;
use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreResult, Tx};

/// A product video as stored: the facts its container gave at upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductVideo {
    pub id: VideoId,
    pub product_id: ProductId,
    pub seller_id: SellerId,
    /// Who uploaded it: a member's user id or an API key's id.
    pub uploaded_by: String,
    pub object_key: String,
    pub bytes: i64,
    pub container: String,
    pub video_codec: String,
    pub audio_codec: Option<String>,
    pub duration_ms: i64,
    pub width: i32,
    pub height: i32,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    product_id: String,
    seller_id: String,
    uploaded_by: String,
    object_key: String,
    bytes: i64,
    container: String,
    video_codec: String,
    audio_codec: Option<String>,
    duration_ms: i64,
    width: i32,
    height: i32,
    created_at: i64,
}

const SELECT: &str = "SELECT id, product_id, seller_id, uploaded_by, object_key, bytes, container, \
    video_codec, audio_codec, duration_ms, width, height, created_at FROM product_videos \
    WHERE product_id = $1";

fn product_video(row: Row) -> StoreResult<ProductVideo> {
    Ok(ProductVideo {
        id: row.id.parse().map_err(corrupt)?,
        product_id: row.product_id.parse().map_err(corrupt)?,
        seller_id: row.seller_id.parse().map_err(corrupt)?,
        uploaded_by: row.uploaded_by,
        object_key: row.object_key,
        bytes: row.bytes,
        container: row.container,
        video_codec: row.video_codec,
        audio_codec: row.audio_codec,
        duration_ms: row.duration_ms,
        width: row.width,
        height: row.height,
        created_at: Timestamp::from_unix_millis(row.created_at),
    })
}

/// The product's video, if it has one.
pub async fn of_product(store: &Store, product: ProductId) -> StoreResult<Option<ProductVideo>> {
    let row: Option<Row> = on_pool!(store, pool => sqlx::query_as(SELECT)
        .bind(product.to_string()).fetch_optional(pool).await)?;
    row.map(product_video).transpose()
}

/// Removes the seller's video of `product`; the removed one (its file is
/// the caller's to delete once the transaction commits).
pub async fn remove(
    tx: &mut Tx,
    seller: SellerId,
    product: ProductId,
) -> StoreResult<Option<ProductVideo>> {
    let row: Option<Row> = on_tx!(tx, conn => sqlx::query_as(SELECT)
        .bind(product.to_string()).fetch_optional(conn).await)?;
    let Some(row) = row.filter(|r| r.seller_id == seller.to_string()) else {
        return Ok(None);
    };
    on_tx!(tx, conn => sqlx::query("DELETE FROM product_videos WHERE product_id = $1 AND seller_id = $2")
        .bind(product.to_string()).bind(seller.to_string()).execute(conn).await.map(|_| ()))?;
    product_video(row).map(Some)
}

/// Makes `v` its product's video; the one it replaces, if any.
pub async fn replace(tx: &mut Tx, v: &ProductVideo) -> StoreResult<Option<ProductVideo>> {
    let previous = remove(tx, v.seller_id, v.product_id).await?;
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO product_videos (product_id, id, seller_id, uploaded_by, object_key, bytes, \
         container, video_codec, audio_codec, duration_ms, width, height, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .bind(v.product_id.to_string()).bind(v.id.to_string()).bind(v.seller_id.to_string())
        .bind(&v.uploaded_by).bind(&v.object_key).bind(v.bytes).bind(&v.container)
        .bind(&v.video_codec).bind(v.audio_codec.as_deref()).bind(v.duration_ms)
        .bind(v.width).bind(v.height).bind(v.created_at.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(previous)
}

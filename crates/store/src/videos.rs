//! Short videos and the products they tag (migration `0017_videos.sql`).
//! The Seller Center's reads and writes take the seller's id and filter by
//! it; the Shop's reads see published videos only.

use etalase_domain::Timestamp;
use etalase_domain::content::video::VideoState;
use etalase_domain::id::{ProductId, SellerId, VideoId};

use crate::error::corrupt;
use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreError, StoreResult, Tx};

/// A video as stored: the facts its container gave at upload, its caption
/// and its tagged products in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Video {
    pub id: VideoId,
    pub seller_id: SellerId,
    /// Who uploaded it: a member's user id or an API key's id.
    pub uploaded_by: String,
    pub state: VideoState,
    pub caption: String,
    pub object_key: String,
    pub cover_key: Option<String>,
    pub bytes: i64,
    pub container: String,
    pub video_codec: String,
    pub audio_codec: Option<String>,
    pub duration_ms: i64,
    pub width: i32,
    pub height: i32,
    pub version: i32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub published_at: Option<Timestamp>,
    pub products: Vec<ProductId>,
}

#[derive(sqlx::FromRow)]
struct VideoRow {
    id: String,
    seller_id: String,
    uploaded_by: String,
    state: String,
    caption: String,
    object_key: String,
    cover_key: Option<String>,
    bytes: i64,
    container: String,
    video_codec: String,
    audio_codec: Option<String>,
    duration_ms: i64,
    width: i32,
    height: i32,
    version: i32,
    created_at: i64,
    updated_at: i64,
    published_at: Option<i64>,
}

const VIDEO_COLUMNS: &str = "id, seller_id, uploaded_by, state, caption, object_key, cover_key, \
    bytes, container, video_codec, audio_codec, duration_ms, width, height, version, created_at, \
    updated_at, published_at";

fn video(row: VideoRow, products: Vec<ProductId>) -> StoreResult<Video> {
    Ok(Video {
        id: row.id.parse().map_err(corrupt)?,
        seller_id: row.seller_id.parse().map_err(corrupt)?,
        uploaded_by: row.uploaded_by,
        state: VideoState::parse(&row.state).ok_or_else(|| corrupt(&row.state))?,
        caption: row.caption,
        object_key: row.object_key,
        cover_key: row.cover_key,
        bytes: row.bytes,
        container: row.container,
        video_codec: row.video_codec,
        audio_codec: row.audio_codec,
        duration_ms: row.duration_ms,
        width: row.width,
        height: row.height,
        version: row.version,
        created_at: Timestamp::from_unix_millis(row.created_at),
        updated_at: Timestamp::from_unix_millis(row.updated_at),
        published_at: row.published_at.map(Timestamp::from_unix_millis),
        products,
    })
}

pub async fn insert_video(tx: &mut Tx, v: &Video) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO videos (id, seller_id, uploaded_by, state, caption, object_key, cover_key, \
         bytes, container, video_codec, audio_codec, duration_ms, width, height, version, \
         created_at, updated_at, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)")
        .bind(v.id.to_string()).bind(v.seller_id.to_string()).bind(&v.uploaded_by)
        .bind(v.state.as_str()).bind(&v.caption).bind(&v.object_key).bind(v.cover_key.as_deref())
        .bind(v.bytes).bind(&v.container).bind(&v.video_codec).bind(v.audio_codec.as_deref())
        .bind(v.duration_ms).bind(v.width).bind(v.height).bind(v.version)
        .bind(v.created_at.unix_millis()).bind(v.updated_at.unix_millis())
        .bind(v.published_at.map(|t| t.unix_millis()))
        .execute(conn).await.map(|_| ()))?;
    replace_tags(tx, v).await
}

/// Writes a changed video if nobody changed it since `v.version - 1` was
/// read; `false` (nothing written) otherwise.
pub async fn update_video(tx: &mut Tx, v: &Video) -> StoreResult<bool> {
    let done = on_tx!(tx, conn => sqlx::query(
        "UPDATE videos SET state = $1, caption = $2, cover_key = $3, version = $4, \
         updated_at = $5, published_at = $6 \
         WHERE id = $7 AND seller_id = $8 AND version = $9")
        .bind(v.state.as_str()).bind(&v.caption).bind(v.cover_key.as_deref()).bind(v.version)
        .bind(v.updated_at.unix_millis()).bind(v.published_at.map(|t| t.unix_millis()))
        .bind(v.id.to_string()).bind(v.seller_id.to_string()).bind(v.version - 1)
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if done != 1 {
        return Ok(false);
    }
    replace_tags(tx, v).await?;
    Ok(true)
}

async fn replace_tags(tx: &mut Tx, v: &Video) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM video_products WHERE video_id = $1")
        .bind(v.id.to_string()).execute(conn).await.map(|_| ()))?;
    for (position, product) in v.products.iter().enumerate() {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO video_products (video_id, product_id, seller_id, position) \
             VALUES ($1, $2, $3, $4)")
            .bind(v.id.to_string()).bind(product.to_string()).bind(v.seller_id.to_string())
            .bind(position as i32)
            .execute(conn).await.map(|_| ()))?;
    }
    Ok(())
}

/// Removes a video and its tags (its file is the caller's to delete).
pub async fn delete_video(tx: &mut Tx, seller: SellerId, id: VideoId) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM video_products WHERE video_id = $1 AND seller_id = $2")
        .bind(id.to_string()).bind(seller.to_string()).execute(conn).await.map(|_| ()))?;
    let done = on_tx!(tx, conn => sqlx::query("DELETE FROM videos WHERE id = $1 AND seller_id = $2")
        .bind(id.to_string()).bind(seller.to_string()).execute(conn).await
        .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

async fn with_tags(store: &Store, rows: Vec<VideoRow>) -> StoreResult<Vec<Video>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT video_id, product_id FROM video_products WHERE video_id IN ({}) \
         ORDER BY video_id, position",
        placeholders.join(", ")
    );
    let tags: Vec<(String, String)> = on_pool!(store, pool => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for id in &ids {
            query = query.bind(id);
        }
        query.fetch_all(pool).await
    })?;
    rows.into_iter()
        .map(|row| {
            let products = tags
                .iter()
                .filter(|(v, _)| *v == row.id)
                .map(|(_, p)| p.parse().map_err(corrupt))
                .collect::<StoreResult<Vec<ProductId>>>()?;
            video(row, products)
        })
        .collect()
}

/// A value bound to a statement of [`select`].
enum Bind {
    Text(String),
    Int(i64),
}

impl From<String> for Bind {
    fn from(text: String) -> Self {
        Bind::Text(text)
    }
}

async fn select(store: &Store, condition: &str, binds: Vec<Bind>) -> StoreResult<Vec<Video>> {
    let sql = format!("SELECT {VIDEO_COLUMNS} FROM videos WHERE {condition}");
    let rows: Vec<VideoRow> = on_pool!(store, pool => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for bind in &binds {
            query = match bind {
                Bind::Text(text) => query.bind(text),
                Bind::Int(number) => query.bind(number),
            };
        }
        query.fetch_all(pool).await
    })?;
    with_tags(store, rows).await
}

/// One of the seller's videos, in any state.
pub async fn video_of(store: &Store, seller: SellerId, id: VideoId) -> StoreResult<Video> {
    select(
        store,
        "id = $1 AND seller_id = $2",
        vec![id.to_string().into(), seller.to_string().into()],
    )
    .await?
    .pop()
    .ok_or(StoreError::NotFound)
}

/// The seller's videos, newest first.
pub async fn videos_of(store: &Store, seller: SellerId) -> StoreResult<Vec<Video>> {
    select(
        store,
        "seller_id = $1 ORDER BY created_at DESC, id DESC LIMIT 200",
        vec![seller.to_string().into()],
    )
    .await
}

/// The seller's videos that tag `product` (to warn when it leaves the Shop).
pub async fn videos_tagging(
    store: &Store,
    seller: SellerId,
    product: ProductId,
) -> StoreResult<Vec<Video>> {
    select(
        store,
        "seller_id = $1 AND id IN (SELECT video_id FROM video_products WHERE product_id = $2) \
         ORDER BY created_at DESC",
        vec![seller.to_string().into(), product.to_string().into()],
    )
    .await
}

/// A published video, for the Shop.
pub async fn published(store: &Store, id: VideoId) -> StoreResult<Option<Video>> {
    Ok(select(
        store,
        "id = $1 AND state = 'published'",
        vec![id.to_string().into()],
    )
    .await?
    .pop())
}

/// Published videos, newest first: a page of the feed after `before`
/// (the last video of the previous page).
pub async fn published_feed(
    store: &Store,
    before: Option<(Timestamp, VideoId)>,
    limit: i64,
) -> StoreResult<Vec<Video>> {
    let limit = limit.clamp(1, 100);
    match before {
        None => {
            select(
                store,
                &format!("state = 'published' ORDER BY published_at DESC, id DESC LIMIT {limit}"),
                vec![],
            )
            .await
        }
        Some((at, id)) => select(
            store,
            &format!(
                "state = 'published' AND (published_at < $1 OR (published_at = $2 AND id < $3)) \
                     ORDER BY published_at DESC, id DESC LIMIT {limit}"
            ),
            vec![
                Bind::Int(at.unix_millis()),
                Bind::Int(at.unix_millis()),
                id.to_string().into(),
            ],
        )
        .await,
    }
}

/// Published videos that tag `product`, newest first.
pub async fn published_tagging(
    store: &Store,
    product: ProductId,
    limit: i64,
) -> StoreResult<Vec<Video>> {
    let limit = limit.clamp(1, 50);
    select(
        store,
        &format!(
            "state = 'published' AND id IN (SELECT video_id FROM video_products WHERE product_id = $1) \
             ORDER BY published_at DESC, id DESC LIMIT {limit}"
        ),
        vec![product.to_string().into()],
    )
    .await
}

/// A shop's published videos, newest first.
pub async fn published_of_shop(
    store: &Store,
    seller: SellerId,
    limit: i64,
) -> StoreResult<Vec<Video>> {
    let limit = limit.clamp(1, 50);
    select(
        store,
        &format!(
            "state = 'published' AND seller_id = $1 ORDER BY published_at DESC, id DESC LIMIT {limit}"
        ),
        vec![seller.to_string().into()],
    )
    .await
}

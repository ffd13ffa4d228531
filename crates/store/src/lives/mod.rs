//! Lives (migration `0019_lives.sql`): a seller's live sessions and the
//! products each features. The Seller Center's reads take the seller's id
//! and filter by it; the Shop's reads see lives that are announced, on air
//! or over, never a cancelled one.

pub mod comments;
pub mod prices;

use etalase_domain::Timestamp;
use etalase_domain::content::live::{LiveState, Pin, StreamSource};
use etalase_domain::id::{LiveId, ProductId, SellerId};

use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreError, StoreResult, Tx};

/// A live as stored, with its featured products in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    pub id: LiveId,
    pub seller_id: SellerId,
    /// Who scheduled it: a member's user id or an API key's id.
    pub created_by: String,
    pub title: String,
    pub planned_start_at: Timestamp,
    pub stream: StreamSource,
    pub state: LiveState,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub pin: Option<Pin>,
    pub peak_viewers: i64,
    /// The cover picture's object key, when the seller set one.
    pub cover_key: Option<String>,
    pub version: i32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub products: Vec<ProductId>,
}

#[derive(sqlx::FromRow)]
struct LiveRow {
    id: String,
    seller_id: String,
    created_by: String,
    title: String,
    planned_start_at: i64,
    stream_kind: String,
    stream_ref: String,
    state: String,
    started_at: Option<i64>,
    ended_at: Option<i64>,
    pinned_product_id: Option<String>,
    pinned_at: Option<i64>,
    peak_viewers: i64,
    cover_key: Option<String>,
    version: i32,
    created_at: i64,
    updated_at: i64,
}

const LIVE_COLUMNS: &str = "id, seller_id, created_by, title, planned_start_at, stream_kind, \
    stream_ref, state, started_at, ended_at, pinned_product_id, pinned_at, peak_viewers, cover_key, \
    version, created_at, updated_at";

fn ms(at: i64) -> Timestamp {
    Timestamp::from_unix_millis(at)
}

fn stream_of(kind: &str, reference: &str) -> StoreResult<StreamSource> {
    match kind {
        "hls" => StreamSource::parse_hls(reference).map_err(|_| corrupt(reference)),
        "recorded" => Ok(StreamSource::Recorded(reference.parse().map_err(corrupt)?)),
        other => Err(corrupt(other)),
    }
}

fn stream_ref(stream: &StreamSource) -> String {
    match stream {
        StreamSource::Hls(url) => url.as_str().to_owned(),
        StreamSource::Recorded(video) => video.to_string(),
    }
}

fn live(row: LiveRow, products: Vec<ProductId>) -> StoreResult<Live> {
    let pin = match (row.pinned_product_id, row.pinned_at) {
        (Some(product), Some(at)) => Some(Pin {
            product: product.parse().map_err(corrupt)?,
            at: ms(at),
        }),
        _ => None,
    };
    Ok(Live {
        id: row.id.parse().map_err(corrupt)?,
        seller_id: row.seller_id.parse().map_err(corrupt)?,
        created_by: row.created_by,
        title: row.title,
        planned_start_at: ms(row.planned_start_at),
        stream: stream_of(&row.stream_kind, &row.stream_ref)?,
        state: LiveState::parse(&row.state).ok_or_else(|| corrupt(&row.state))?,
        started_at: row.started_at.map(ms),
        ended_at: row.ended_at.map(ms),
        pin,
        peak_viewers: row.peak_viewers,
        cover_key: row.cover_key,
        version: row.version,
        created_at: ms(row.created_at),
        updated_at: ms(row.updated_at),
        products,
    })
}

pub async fn insert_live(tx: &mut Tx, l: &Live) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO lives (id, seller_id, created_by, title, planned_start_at, stream_kind, \
         stream_ref, state, started_at, ended_at, pinned_product_id, pinned_at, peak_viewers, \
         version, created_at, updated_at, cover_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)")
        .bind(l.id.to_string()).bind(l.seller_id.to_string()).bind(&l.created_by)
        .bind(&l.title).bind(l.planned_start_at.unix_millis()).bind(l.stream.kind())
        .bind(stream_ref(&l.stream)).bind(l.state.as_str())
        .bind(l.started_at.map(|t| t.unix_millis())).bind(l.ended_at.map(|t| t.unix_millis()))
        .bind(l.pin.map(|p| p.product.to_string())).bind(l.pin.map(|p| p.at.unix_millis()))
        .bind(l.peak_viewers).bind(l.version)
        .bind(l.created_at.unix_millis()).bind(l.updated_at.unix_millis())
        .bind(l.cover_key.as_deref())
        .execute(conn).await.map(|_| ()))?;
    replace_products(tx, l).await
}

/// Writes a changed live if nobody changed it since `l.version - 1` was
/// read; `false` (nothing written) otherwise.
pub async fn update_live(tx: &mut Tx, l: &Live) -> StoreResult<bool> {
    let done = on_tx!(tx, conn => sqlx::query(
        "UPDATE lives SET title = $1, planned_start_at = $2, stream_kind = $3, stream_ref = $4, \
         state = $5, started_at = $6, ended_at = $7, pinned_product_id = $8, pinned_at = $9, \
         peak_viewers = $10, version = $11, updated_at = $12, cover_key = $16 \
         WHERE id = $13 AND seller_id = $14 AND version = $15")
        .bind(&l.title).bind(l.planned_start_at.unix_millis()).bind(l.stream.kind())
        .bind(stream_ref(&l.stream)).bind(l.state.as_str())
        .bind(l.started_at.map(|t| t.unix_millis())).bind(l.ended_at.map(|t| t.unix_millis()))
        .bind(l.pin.map(|p| p.product.to_string())).bind(l.pin.map(|p| p.at.unix_millis()))
        .bind(l.peak_viewers).bind(l.version).bind(l.updated_at.unix_millis())
        .bind(l.id.to_string()).bind(l.seller_id.to_string()).bind(l.version - 1)
        .bind(l.cover_key.as_deref())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if done != 1 {
        return Ok(false);
    }
    replace_products(tx, l).await?;
    Ok(true)
}

/// Raises a live's recorded peak of viewers (never lowers it).
pub async fn raise_peak(tx: &mut Tx, id: LiveId, viewers: i64) -> StoreResult<()> {
    Ok(on_tx!(tx, conn => sqlx::query(
        "UPDATE lives SET peak_viewers = $1 WHERE id = $2 AND peak_viewers < $1")
        .bind(viewers).bind(id.to_string())
        .execute(conn).await.map(|_| ()))?)
}

async fn replace_products(tx: &mut Tx, l: &Live) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM live_products WHERE live_id = $1")
        .bind(l.id.to_string()).execute(conn).await.map(|_| ()))?;
    for (position, product) in l.products.iter().enumerate() {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO live_products (live_id, product_id, seller_id, position) \
             VALUES ($1, $2, $3, $4)")
            .bind(l.id.to_string()).bind(product.to_string()).bind(l.seller_id.to_string())
            .bind(position as i32)
            .execute(conn).await.map(|_| ()))?;
    }
    Ok(())
}

async fn select<'a>(
    reader: impl Into<Reader<'a>>,
    condition: &str,
    binds: &[String],
) -> StoreResult<Vec<Live>> {
    let mut reader = reader.into();
    let sql = format!("SELECT {LIVE_COLUMNS} FROM lives WHERE {condition}");
    let rows: Vec<LiveRow> = on_reader!(reader.reborrow(), conn => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for bind in binds {
            query = query.bind(bind);
        }
        query.fetch_all(conn).await
    })?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT live_id, product_id FROM live_products WHERE live_id IN ({}) \
         ORDER BY live_id, position",
        placeholders.join(", ")
    );
    let featured: Vec<(String, String)> = on_reader!(reader, conn => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for id in &ids {
            query = query.bind(id);
        }
        query.fetch_all(conn).await
    })?;
    rows.into_iter()
        .map(|row| {
            let products = featured
                .iter()
                .filter(|(l, _)| *l == row.id)
                .map(|(_, p)| p.parse().map_err(corrupt))
                .collect::<StoreResult<Vec<ProductId>>>()?;
            live(row, products)
        })
        .collect()
}

/// One of the seller's lives, in any state.
pub async fn live_of<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    id: LiveId,
) -> StoreResult<Live> {
    select(
        reader,
        "id = $1 AND seller_id = $2",
        &[id.to_string(), seller.to_string()],
    )
    .await?
    .pop()
    .ok_or(StoreError::NotFound)
}

/// The seller's lives, the latest planned first.
pub async fn lives_of<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
) -> StoreResult<Vec<Live>> {
    select(
        reader,
        "seller_id = $1 ORDER BY planned_start_at DESC, id DESC LIMIT 100",
        &[seller.to_string()],
    )
    .await
}

/// A live buyers may open: announced, on air or over (a cancelled one is
/// as if it never was).
pub async fn visible<'a>(reader: impl Into<Reader<'a>>, id: LiveId) -> StoreResult<Option<Live>> {
    Ok(select(
        reader,
        "id = $1 AND state <> 'cancelled'",
        &[id.to_string()],
    )
    .await?
    .pop())
}

/// Lives on air now, then those announced, soonest first: what the Shop
/// lists.
pub async fn on_air_and_upcoming<'a>(
    reader: impl Into<Reader<'a>>,
    limit: i64,
) -> StoreResult<Vec<Live>> {
    let limit = limit.clamp(1, 100);
    select(
        reader,
        &format!(
            "state IN ('live', 'scheduled') \
             ORDER BY CASE WHEN state = 'live' THEN 0 ELSE 1 END, planned_start_at, id LIMIT {limit}"
        ),
        &[],
    )
    .await
}

/// Lives on air that started before `before` (for ending those left on
/// air past their limit).
pub async fn on_air_since_before<'a>(
    reader: impl Into<Reader<'a>>,
    before: Timestamp,
) -> StoreResult<Vec<Live>> {
    select(
        reader,
        "state = 'live' AND started_at < CAST($1 AS BIGINT) ORDER BY started_at LIMIT 100",
        &[before.unix_millis().to_string()],
    )
    .await
}

/// The lives announced or on air that feature `product` (the places a
/// price change reaches).
pub async fn upcoming_featuring<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
    product: ProductId,
) -> StoreResult<Vec<Live>> {
    select(
        reader,
        "seller_id = $1 AND state IN ('scheduled', 'live') \
         AND id IN (SELECT live_id FROM live_products WHERE product_id = $2) \
         ORDER BY planned_start_at LIMIT 20",
        &[seller.to_string(), product.to_string()],
    )
    .await
}

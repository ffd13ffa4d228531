//! Products and their revisions (migration `0005_catalog.sql`); their SKUs,
//! images, list queries and copy detection live in the submodules.
//! Every read and write takes the seller's id and filters by it; the caller
//! gets that id from the session or the API key, never from the request.

use std::collections::BTreeMap;

use etalase_domain::Timestamp;
use etalase_domain::audit::Actor;
use etalase_domain::catalog::lifecycle::ProductStatus;
use etalase_domain::id::{ImageId, ProductId, SellerId, SkuId};

use crate::error::corrupt;
use crate::pool::{Reader, TxInner, on_pool, on_reader, on_tx};
use crate::{Store, StoreError, StoreResult, Tx};

mod copies;
mod images;
mod list;
mod skus;

pub use copies::*;
pub use images::*;
pub use list::*;
pub use skus::*;

/// A product as stored (content fields already valid: only the services
/// write them, from parsed domain values).
#[derive(Debug, Clone)]
pub struct Product {
    pub id: ProductId,
    pub seller_id: SellerId,
    pub status: ProductStatus,
    pub version: i32,
    pub title: String,
    pub description_html: String,
    pub description_text: String,
    pub bullets: Vec<String>,
    pub category: Option<String>,
    pub brand: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub condition: String,
    pub tags: Vec<String>,
    pub gtin: Option<String>,
    pub cod_allowed: bool,
    pub preorder_days: Option<i32>,
    pub options: Vec<(String, Vec<String>)>,
    pub listing: ListingColumns,
    pub moderation_reason: Option<String>,
    pub review_requested_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub updated_by: Option<Actor>,
    pub published_at: Option<Timestamp>,
}

impl Product {
    /// When it first went live; its creation when it never did.
    pub fn first_live(&self) -> Timestamp {
        self.published_at.unwrap_or(self.created_at)
    }
}

/// What the catalog list shows without reading SKUs and images.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingColumns {
    pub sku_count: i32,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub total_stock: i64,
    pub image_count: i32,
    /// The first image, shown in lists.
    pub primary_image: Option<ImageId>,
    pub quality_score: i32,
    pub quality_grade: String,
    pub needs_attention: bool,
    /// The product whose description this one nearly copies.
    pub copied_from: Option<ProductId>,
}

pub(crate) const PRODUCT_COLUMNS: &str = "id, seller_id, status, version, title, description_html, \
    description_text, bullets, category, brand, attributes, item_condition, tags, gtin, \
    cod_allowed, preorder_days, options, sku_count, min_price, max_price, total_stock, \
    image_count, primary_image, quality_score, quality_grade, needs_attention, copied_from, moderation_reason, \
    review_requested_at, created_at, updated_at, updated_by, published_at";

#[derive(sqlx::FromRow)]
pub(crate) struct ProductRow {
    id: String,
    seller_id: String,
    status: String,
    version: i32,
    title: String,
    description_html: String,
    description_text: String,
    bullets: String,
    category: Option<String>,
    brand: Option<String>,
    attributes: String,
    item_condition: String,
    tags: String,
    gtin: Option<String>,
    cod_allowed: bool,
    preorder_days: Option<i32>,
    options: String,
    sku_count: i32,
    min_price: Option<i64>,
    max_price: Option<i64>,
    total_stock: i64,
    image_count: i32,
    primary_image: Option<String>,
    quality_score: i32,
    quality_grade: String,
    needs_attention: bool,
    copied_from: Option<String>,
    moderation_reason: Option<String>,
    review_requested_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    updated_by: String,
    published_at: Option<i64>,
}

pub(crate) fn json<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(corrupt)
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

impl TryFrom<ProductRow> for Product {
    type Error = StoreError;
    fn try_from(r: ProductRow) -> StoreResult<Product> {
        Ok(Product {
            id: r.id.parse().map_err(corrupt)?,
            seller_id: r.seller_id.parse().map_err(corrupt)?,
            status: ProductStatus::parse(&r.status).ok_or_else(|| corrupt(&r.status))?,
            version: r.version,
            title: r.title,
            description_html: r.description_html,
            description_text: r.description_text,
            bullets: json(&r.bullets)?,
            category: r.category,
            brand: r.brand,
            attributes: json(&r.attributes)?,
            condition: r.item_condition,
            tags: json(&r.tags)?,
            gtin: r.gtin,
            cod_allowed: r.cod_allowed,
            preorder_days: r.preorder_days,
            options: json(&r.options)?,
            listing: ListingColumns {
                sku_count: r.sku_count,
                min_price: r.min_price,
                max_price: r.max_price,
                total_stock: r.total_stock,
                image_count: r.image_count,
                primary_image: r
                    .primary_image
                    .map(|i| i.parse())
                    .transpose()
                    .map_err(corrupt)?,
                quality_score: r.quality_score,
                quality_grade: r.quality_grade,
                needs_attention: r.needs_attention,
                copied_from: r
                    .copied_from
                    .map(|c| c.parse())
                    .transpose()
                    .map_err(corrupt)?,
            },
            moderation_reason: r.moderation_reason,
            review_requested_at: r.review_requested_at.map(Timestamp::from_unix_millis),
            created_at: Timestamp::from_unix_millis(r.created_at),
            updated_at: Timestamp::from_unix_millis(r.updated_at),
            updated_by: Actor::parse_text(&r.updated_by),
            published_at: r.published_at.map(Timestamp::from_unix_millis),
        })
    }
}

/// The content a save writes (a new product or a new version).
pub struct ProductContent<'a> {
    pub title: &'a str,
    pub description_html: &'a str,
    pub description_text: &'a str,
    pub bullets: &'a [String],
    pub category: Option<&'a str>,
    pub brand: Option<&'a str>,
    pub attributes: &'a BTreeMap<String, String>,
    pub condition: &'a str,
    pub tags: &'a [String],
    pub gtin: Option<&'a str>,
    pub cod_allowed: bool,
    pub preorder_days: Option<i32>,
    pub options: &'a [(String, Vec<String>)],
}

/// Inserts a new draft with its list columns already computed.
pub async fn insert_product(
    tx: &mut Tx,
    id: ProductId,
    seller: SellerId,
    content: &ProductContent<'_>,
    columns: &ListingColumns,
    actor: Actor,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO products (id, seller_id, status, version, title, description_html, \
         description_text, bullets, category, brand, attributes, item_condition, tags, gtin, \
         cod_allowed, preorder_days, options, sku_count, min_price, max_price, total_stock, \
         image_count, primary_image, quality_score, quality_grade, needs_attention, copied_from, \
         created_at, updated_at, updated_by) \
         VALUES ($1, $2, 'draft', 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $26, $27)")
        .bind(id.to_string()).bind(seller.to_string())
        .bind(content.title).bind(content.description_html).bind(content.description_text)
        .bind(to_json(&content.bullets)).bind(content.category).bind(content.brand)
        .bind(to_json(content.attributes)).bind(content.condition).bind(to_json(&content.tags))
        .bind(content.gtin).bind(content.cod_allowed).bind(content.preorder_days)
        .bind(to_json(&content.options))
        .bind(columns.sku_count).bind(columns.min_price).bind(columns.max_price)
        .bind(columns.total_stock).bind(columns.image_count)
        .bind(columns.primary_image.map(|i| i.to_string()))
        .bind(columns.quality_score).bind(&columns.quality_grade).bind(columns.needs_attention)
        .bind(columns.copied_from.map(|c| c.to_string()))
        .bind(now.unix_millis()).bind(actor.as_text())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Why a versioned write did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionCheck {
    Written {
        version: i32,
    },
    /// Someone saved first; this is the version now stored.
    Stale {
        current: i32,
    },
}

/// Writes new content if the product is still at `expected` version, and
/// moves it to the next version.
pub async fn update_content(
    tx: &mut Tx,
    seller: SellerId,
    id: ProductId,
    expected: i32,
    content: &ProductContent<'_>,
    actor: Actor,
    now: Timestamp,
) -> StoreResult<VersionCheck> {
    let written = on_tx!(tx, conn => sqlx::query(
        "UPDATE products SET version = version + 1, title = $4, description_html = $5, \
         description_text = $6, bullets = $7, category = $8, brand = $9, attributes = $10, \
         item_condition = $11, tags = $12, gtin = $13, cod_allowed = $14, preorder_days = $15, \
         options = $16, updated_at = $17, updated_by = $18 \
         WHERE id = $1 AND seller_id = $2 AND version = $3 AND status <> 'deleted'")
        .bind(id.to_string()).bind(seller.to_string()).bind(expected)
        .bind(content.title).bind(content.description_html).bind(content.description_text)
        .bind(to_json(&content.bullets)).bind(content.category).bind(content.brand)
        .bind(to_json(content.attributes)).bind(content.condition).bind(to_json(&content.tags))
        .bind(content.gtin).bind(content.cod_allowed).bind(content.preorder_days)
        .bind(to_json(&content.options)).bind(now.unix_millis()).bind(actor.as_text())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if written == 1 {
        return Ok(VersionCheck::Written {
            version: expected + 1,
        });
    }
    let current = lock_product(tx, seller, id).await?;
    Ok(VersionCheck::Stale {
        current: current.version,
    })
}

/// Reads a product inside a write transaction (the writer sees its own
/// changes; on SQLite the transaction already holds the write lock).
pub async fn lock_product(tx: &mut Tx, seller: SellerId, id: ProductId) -> StoreResult<Product> {
    let sql = format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1 AND seller_id = $2{}",
        tx.lock_clause()
    );
    let row: ProductRow = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(seller.to_string()).fetch_one(conn).await)?;
    row.try_into()
}

/// Locks the rows of `products` (PostgreSQL) in id order, in one
/// statement: a checkout takes its products' rows before it writes their
/// lines and stock totals, and two checkouts taking them in different
/// orders would deadlock. Nothing on SQLite, whose single writer already
/// serialises.
pub async fn lock_products(tx: &mut Tx, products: &[ProductId]) -> StoreResult<()> {
    if !matches!(tx.inner, TxInner::Postgres(_)) || products.is_empty() {
        return Ok(());
    }
    let mut ids: Vec<String> = products.iter().map(ToString::to_string).collect();
    ids.sort();
    ids.dedup();
    // What an earlier unit of the batch locked, the transaction holds.
    let ids = tx.locks.not_held(ids);
    if ids.is_empty() {
        return Ok(());
    }
    if let Some(conn) = tx.postgres_conn().await? {
        sqlx::query("SELECT id FROM products WHERE id = ANY($1) ORDER BY id FOR UPDATE")
            .bind(&ids)
            .execute(conn)
            .await?;
    }
    tx.locks.taken(&ids);
    Ok(())
}

pub async fn get_product(store: &Store, seller: SellerId, id: ProductId) -> StoreResult<Product> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1 AND seller_id = $2");
    let row: ProductRow = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(seller.to_string()).fetch_one(pool).await)?;
    row.try_into()
}

/// A status change with the columns that go with it.
pub async fn set_status(
    tx: &mut Tx,
    seller: SellerId,
    id: ProductId,
    status: ProductStatus,
    moderation_reason: Option<&str>,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE products SET status = $3, updated_at = $4, \
         published_at = CASE WHEN $3 = 'active' AND published_at IS NULL THEN $4 ELSE published_at END, \
         deleted_at = CASE WHEN $3 = 'deleted' THEN $4 ELSE deleted_at END, \
         moderation_reason = CASE WHEN $3 = 'platform_deactivated' THEN $5 ELSE NULL END, \
         review_requested_at = NULL \
         WHERE id = $1 AND seller_id = $2")
        .bind(id.to_string()).bind(seller.to_string()).bind(status.as_str())
        .bind(now.unix_millis()).bind(moderation_reason)
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn request_review(
    tx: &mut Tx,
    seller: SellerId,
    id: ProductId,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE products SET review_requested_at = $3 WHERE id = $1 AND seller_id = $2")
        .bind(id.to_string()).bind(seller.to_string()).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Sums a product's stock again after orders moved it (the one list column
/// an order changes; the rest stay as the last edit computed them).
pub async fn refresh_total_stock(tx: &mut Tx, id: ProductId) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE products SET total_stock =          (SELECT COALESCE(SUM(stock), 0) FROM skus WHERE product_id = $1 AND removed_at IS NULL)          WHERE id = $1")
        .bind(id.to_string()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Rewrites the list columns after any change to SKUs, stock, images or
/// content (the services compute them).
pub async fn set_listing_columns(
    tx: &mut Tx,
    id: ProductId,
    columns: &ListingColumns,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE products SET sku_count = $2, min_price = $3, max_price = $4, total_stock = $5, \
         image_count = $6, quality_score = $7, quality_grade = $8, needs_attention = $9, \
         copied_from = $10, primary_image = $11 WHERE id = $1")
        .bind(id.to_string()).bind(columns.sku_count).bind(columns.min_price)
        .bind(columns.max_price).bind(columns.total_stock).bind(columns.image_count)
        .bind(columns.quality_score).bind(&columns.quality_grade).bind(columns.needs_attention)
        .bind(columns.copied_from.map(|c| c.to_string()))
        .bind(columns.primary_image.map(|i| i.to_string()))
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn insert_revision(
    tx: &mut Tx,
    id: ProductId,
    version: i32,
    snapshot: &str,
    actor: Actor,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO product_revisions (product_id, version, snapshot, actor, created_at) \
         VALUES ($1, $2, $3, $4, $5)")
        .bind(id.to_string()).bind(version).bind(snapshot).bind(actor.as_text())
        .bind(now.unix_millis()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Several products' revisions at once (bulk operations).
pub async fn insert_revisions(
    tx: &mut Tx,
    revisions: &[(ProductId, i32, String, Actor)],
    now: Timestamp,
) -> StoreResult<()> {
    use crate::rows::{self, Cell};
    let rows: Vec<Vec<Cell>> = revisions
        .iter()
        .map(|(id, version, snapshot, actor)| {
            vec![
                id.to_string().into(),
                (*version).into(),
                snapshot.clone().into(),
                actor.as_text().into(),
                now.unix_millis().into(),
            ]
        })
        .collect();
    rows::insert(
        tx,
        "product_revisions",
        &["product_id", "version", "snapshot", "actor", "created_at"],
        &rows,
    )
    .await
}

#[derive(Debug, Clone)]
pub struct Revision {
    pub version: i32,
    pub snapshot: String,
    pub actor: Option<Actor>,
    pub created_at: Timestamp,
}

/// A product's saved version (the product must be the seller's).
pub async fn revision(
    store: &Store,
    seller: SellerId,
    id: ProductId,
    version: i32,
) -> StoreResult<Option<Revision>> {
    let row: Option<(i32, String, String, i64)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT r.version, r.snapshot, r.actor, r.created_at FROM product_revisions r \
         JOIN products p ON p.id = r.product_id \
         WHERE r.product_id = $1 AND p.seller_id = $2 AND r.version = $3")
        .bind(id.to_string()).bind(seller.to_string()).bind(version)
        .fetch_optional(pool).await)?;
    Ok(row.map(|(version, snapshot, actor, at)| Revision {
        version,
        snapshot,
        actor: Actor::parse_text(&actor),
        created_at: Timestamp::from_unix_millis(at),
    }))
}

/// Moves a product to its next version without changing its content (a
/// bulk price edit changed its SKUs): an editor open on the old version
/// then sees a conflict instead of overwriting the new prices.
pub async fn bump_version(
    tx: &mut Tx,
    seller: SellerId,
    id: ProductId,
    actor: Actor,
    now: Timestamp,
) -> StoreResult<i32> {
    let version: i32 = on_tx!(tx, conn => sqlx::query_scalar(
        "UPDATE products SET version = version + 1, updated_at = $3, updated_by = $4 \
         WHERE id = $1 AND seller_id = $2 RETURNING version")
        .bind(id.to_string()).bind(seller.to_string()).bind(now.unix_millis())
        .bind(actor.as_text()).fetch_one(conn).await)?;
    Ok(version)
}

/// A product by id in any shop, inside a transaction (the sync's
/// projector); none when there is no such product.
pub async fn find_any_in_tx(tx: &mut Tx, id: ProductId) -> StoreResult<Option<Product>> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1");
    let row: Option<ProductRow> = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).fetch_optional(conn).await)?;
    row.map(TryInto::try_into).transpose()
}

/// A product by id in any shop (for moderators).
pub async fn find_any(store: &Store, id: ProductId) -> StoreResult<Product> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1");
    let row: ProductRow = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).fetch_one(pool).await)?;
    row.try_into()
}

/// Units in stock over a seller's active products (what a whole-shop
/// voucher could be used on).
pub async fn active_stock(tx: &mut Tx, seller: SellerId) -> StoreResult<i64> {
    let total: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT CAST(SUM(total_stock) AS BIGINT) FROM products WHERE seller_id = $1 AND status = 'active'")
        .bind(seller.to_string()).fetch_one(conn).await)?;
    Ok(total.unwrap_or(0))
}

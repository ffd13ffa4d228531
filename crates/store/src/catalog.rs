//! Products, their revisions, SKUs and images (migration `0005_catalog.sql`).
//! Every read and write takes the seller's id and filters by it; the caller
//! gets that id from the session or the API key, never from the request.

use std::collections::BTreeMap;

use etalase_domain::Timestamp;
use etalase_domain::audit::Actor;
use etalase_domain::catalog::lifecycle::ProductStatus;
use etalase_domain::id::{ImageId, ProductId, SellerId, SkuId};

use crate::error::corrupt;
use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreError, StoreResult, Tx};

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

const PRODUCT_COLUMNS: &str = "id, seller_id, status, version, title, description_html, \
    description_text, bullets, category, brand, attributes, item_condition, tags, gtin, \
    cod_allowed, preorder_days, options, sku_count, min_price, max_price, total_stock, \
    image_count, primary_image, quality_score, quality_grade, needs_attention, copied_from, moderation_reason, \
    review_requested_at, created_at, updated_at, updated_by, published_at";

#[derive(sqlx::FromRow)]
struct ProductRow {
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

fn json<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(corrupt)
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
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
        match tx {
            Tx::Sqlite(_) => "",
            Tx::Postgres(_) => " FOR UPDATE",
        }
    );
    let row: ProductRow = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(seller.to_string()).fetch_one(conn).await)?;
    row.try_into()
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

// ---- SKUs -------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sku {
    pub id: SkuId,
    pub product_id: ProductId,
    pub position: i32,
    pub combination: Vec<String>,
    pub code: Option<String>,
    pub price: Option<i64>,
    pub original_price: Option<i64>,
    pub stock: i64,
    pub low_stock_threshold: Option<i32>,
    pub weight_grams: Option<i32>,
    pub dimensions: Option<(i32, i32, i32)>,
    pub barcode: Option<String>,
    pub image_id: Option<ImageId>,
}

const SKU_COLUMNS: &str = "id, product_id, position, combination, code, price, original_price, \
    stock, low_stock_threshold, weight_grams, length_cm, width_cm, height_cm, barcode, image_id";

#[derive(sqlx::FromRow)]
struct SkuRow {
    id: String,
    product_id: String,
    position: i32,
    combination: String,
    code: Option<String>,
    price: Option<i64>,
    original_price: Option<i64>,
    stock: i64,
    low_stock_threshold: Option<i32>,
    weight_grams: Option<i32>,
    length_cm: Option<i32>,
    width_cm: Option<i32>,
    height_cm: Option<i32>,
    barcode: Option<String>,
    image_id: Option<String>,
}

impl TryFrom<SkuRow> for Sku {
    type Error = StoreError;
    fn try_from(r: SkuRow) -> StoreResult<Sku> {
        Ok(Sku {
            id: r.id.parse().map_err(corrupt)?,
            product_id: r.product_id.parse().map_err(corrupt)?,
            position: r.position,
            combination: json(&r.combination)?,
            code: r.code,
            price: r.price,
            original_price: r.original_price,
            stock: r.stock,
            low_stock_threshold: r.low_stock_threshold,
            weight_grams: r.weight_grams,
            dimensions: match (r.length_cm, r.width_cm, r.height_cm) {
                (Some(l), Some(w), Some(h)) => Some((l, w, h)),
                _ => None,
            },
            barcode: r.barcode,
            image_id: r.image_id.map(|i| i.parse()).transpose().map_err(corrupt)?,
        })
    }
}

/// A SKU's editable data (stock moves through the ledger, not here).
pub struct SkuContent<'a> {
    pub position: i32,
    pub combination: &'a [String],
    pub code: Option<&'a str>,
    pub price: Option<i64>,
    pub original_price: Option<i64>,
    pub weight_grams: Option<i32>,
    pub dimensions: Option<(i32, i32, i32)>,
    pub barcode: Option<&'a str>,
}

pub async fn insert_sku(
    tx: &mut Tx,
    id: SkuId,
    seller: SellerId,
    product: ProductId,
    sku: &SkuContent<'_>,
    now: Timestamp,
) -> StoreResult<()> {
    let (l, w, h) = split(sku.dimensions);
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO skus (id, product_id, seller_id, position, combination, code, price, \
         original_price, stock, weight_grams, length_cm, width_cm, height_cm, barcode, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $13, $14, $14)")
        .bind(id.to_string()).bind(product.to_string()).bind(seller.to_string())
        .bind(sku.position).bind(to_json(&sku.combination)).bind(sku.code).bind(sku.price)
        .bind(sku.original_price).bind(sku.weight_grams).bind(l).bind(w).bind(h)
        .bind(sku.barcode).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

fn split(d: Option<(i32, i32, i32)>) -> (Option<i32>, Option<i32>, Option<i32>) {
    match d {
        Some((l, w, h)) => (Some(l), Some(w), Some(h)),
        None => (None, None, None),
    }
}

pub async fn update_sku(
    tx: &mut Tx,
    seller: SellerId,
    id: SkuId,
    sku: &SkuContent<'_>,
    now: Timestamp,
) -> StoreResult<()> {
    let (l, w, h) = split(sku.dimensions);
    on_tx!(tx, conn => sqlx::query(
        "UPDATE skus SET position = $3, combination = $4, code = $5, price = $6, \
         original_price = $7, weight_grams = $8, length_cm = $9, width_cm = $10, height_cm = $11, \
         barcode = $12, updated_at = $13 WHERE id = $1 AND seller_id = $2")
        .bind(id.to_string()).bind(seller.to_string()).bind(sku.position)
        .bind(to_json(&sku.combination)).bind(sku.code).bind(sku.price).bind(sku.original_price)
        .bind(sku.weight_grams).bind(l).bind(w).bind(h).bind(sku.barcode)
        .bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Takes a SKU out of its product's matrix (it stays for history).
pub async fn remove_sku(
    tx: &mut Tx,
    seller: SellerId,
    id: SkuId,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE skus SET removed_at = $3, updated_at = $3 WHERE id = $1 AND seller_id = $2")
        .bind(id.to_string()).bind(seller.to_string()).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// The SKUs in a product's matrix, in order.
pub async fn skus_of(store: &Store, seller: SellerId, product: ProductId) -> StoreResult<Vec<Sku>> {
    let sql = format!(
        "SELECT {SKU_COLUMNS} FROM skus WHERE product_id = $1 AND seller_id = $2 \
         AND removed_at IS NULL ORDER BY position"
    );
    let rows: Vec<SkuRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(product.to_string()).bind(seller.to_string()).fetch_all(pool).await)?;
    rows.into_iter().map(Sku::try_from).collect()
}

/// The same, inside a write transaction.
pub async fn skus_in_tx(
    tx: &mut Tx,
    seller: SellerId,
    product: ProductId,
) -> StoreResult<Vec<Sku>> {
    let sql = format!(
        "SELECT {SKU_COLUMNS} FROM skus WHERE product_id = $1 AND seller_id = $2 \
         AND removed_at IS NULL ORDER BY position"
    );
    let rows: Vec<SkuRow> = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(product.to_string()).bind(seller.to_string()).fetch_all(conn).await)?;
    rows.into_iter().map(Sku::try_from).collect()
}

pub async fn get_sku(store: &Store, seller: SellerId, id: SkuId) -> StoreResult<Sku> {
    let sql = format!("SELECT {SKU_COLUMNS} FROM skus WHERE id = $1 AND seller_id = $2");
    let row: SkuRow = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(seller.to_string()).fetch_one(pool).await)?;
    row.try_into()
}

/// Live SKUs of the seller with these codes (for imports that match by code).
pub async fn skus_by_code_in_tx(
    tx: &mut Tx,
    seller: SellerId,
    code: &str,
) -> StoreResult<Option<Sku>> {
    let sql = format!(
        "SELECT {SKU_COLUMNS} FROM skus WHERE seller_id = $1 AND code = $2 AND removed_at IS NULL"
    );
    let row: Option<SkuRow> = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(seller.to_string()).bind(code).fetch_optional(conn).await)?;
    row.map(Sku::try_from).transpose()
}

// ---- images -----------------------------------------------------------------

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
}

pub async fn insert_image(
    tx: &mut Tx,
    seller: SellerId,
    image: &ProductImage,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO product_images (id, product_id, seller_id, position, width, height, bytes, \
         sharpness, blurry, white_background, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(image.id.to_string()).bind(image.product_id.to_string()).bind(seller.to_string())
        .bind(image.position).bind(image.width).bind(image.height).bind(image.bytes)
        .bind(image.sharpness).bind(image.blurry).bind(image.white_background)
        .bind(now.unix_millis()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

const IMAGE_SELECT: &str = "SELECT id, product_id, position, width, height, bytes, sharpness, \
    blurry, white_background FROM product_images WHERE product_id = $1 AND seller_id = $2 \
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

// ---- the catalog list ---------------------------------------------------------

/// Which products the seller's catalog list shows.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    /// None: every status except deleted.
    pub status: Option<ProductStatus>,
    pub needs_attention: bool,
    pub out_of_stock: bool,
    /// Words in the title, or a SKU code.
    pub query: Option<String>,
}

/// Where a page starts: after this (updated_at, id), newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub updated_at: i64,
    pub id: ProductId,
}

/// A value bound to a built query.
enum Bind {
    Text(String),
    Int(i64),
}

/// One page of the seller's products, newest change first. The statement is
/// built from the filters in use only, so each gets a plan made for it.
pub async fn list_products(
    store: &Store,
    seller: SellerId,
    filter: &ProductFilter,
    after: Option<ListCursor>,
    limit: i64,
) -> StoreResult<Vec<Product>> {
    let mut sql = format!("SELECT {PRODUCT_COLUMNS} FROM products p WHERE seller_id = $1");
    let mut binds: Vec<Bind> = vec![Bind::Text(seller.to_string())];
    let next = |binds: &mut Vec<Bind>, value: Bind| {
        binds.push(value);
        format!("${}", binds.len())
    };
    match filter.status {
        Some(status) => {
            let n = next(&mut binds, Bind::Text(status.as_str().into()));
            sql.push_str(&format!(" AND status = {n}"));
        }
        None => sql.push_str(" AND status <> 'deleted'"),
    }
    if filter.needs_attention {
        sql.push_str(" AND needs_attention");
    }
    if filter.out_of_stock {
        sql.push_str(" AND total_stock = 0");
    }
    if let Some(query) = filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        // Words of the title anywhere; a SKU code by its beginning, as
        // typed or in capitals (a range over the index of codes).
        let pattern = format!("%{}%", query.to_lowercase().replace(['%', '_'], ""));
        let title = next(&mut binds, Bind::Text(pattern));
        // Ranges compare bytes: SQLite's default; PostgreSQL is told so
        // (its own index of codes is in that order too).
        let code = match store.backend() {
            crate::Backend::Sqlite => "s.code",
            crate::Backend::Postgres => "s.code COLLATE \"C\"",
        };
        let mut code_ranges = Vec::new();
        for prefix in [query.to_owned(), query.to_uppercase()] {
            let low = next(&mut binds, Bind::Text(prefix.clone()));
            let high = next(&mut binds, Bind::Text(format!("{prefix}\u{10FFFF}")));
            code_ranges.push(format!("({code} >= {low} AND {code} < {high})"));
        }
        sql.push_str(&format!(
            " AND (LOWER(title) LIKE {title} OR p.id IN (SELECT s.product_id FROM skus s \
             WHERE s.seller_id = $1 AND s.code IS NOT NULL AND s.removed_at IS NULL AND ({})))",
            code_ranges.join(" OR ")
        ));
    }
    if let Some(cursor) = after {
        let at = next(&mut binds, Bind::Int(cursor.updated_at));
        let id = next(&mut binds, Bind::Text(cursor.id.to_string()));
        sql.push_str(&format!(
            " AND (updated_at < {at} OR (updated_at = {at} AND id < {id}))"
        ));
    }
    let n = next(&mut binds, Bind::Int(limit));
    sql.push_str(&format!(" ORDER BY updated_at DESC, id DESC LIMIT {n}"));
    let rows: Vec<ProductRow> = on_pool!(store, pool => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for bind in &binds {
            query = match bind {
                Bind::Text(t) => query.bind(t.clone()),
                Bind::Int(i) => query.bind(*i),
            };
        }
        query.fetch_all(pool).await
    })?;
    rows.into_iter().map(Product::try_from).collect()
}

/// How many of the seller's products are in each status, and how many need
/// attention (for the list's tabs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogCounts {
    pub by_status: Vec<(ProductStatus, i64)>,
    pub needs_attention: i64,
    pub out_of_stock: i64,
}

pub async fn catalog_counts(store: &Store, seller: SellerId) -> StoreResult<CatalogCounts> {
    let rows: Vec<(String, i64, i64, i64)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT status, COUNT(*), \
                COALESCE(SUM(CASE WHEN needs_attention THEN 1 ELSE 0 END), 0), \
                COALESCE(SUM(CASE WHEN total_stock = 0 THEN 1 ELSE 0 END), 0) \
         FROM products WHERE seller_id = $1 GROUP BY status")
        .bind(seller.to_string()).fetch_all(pool).await)?;
    let mut counts = CatalogCounts::default();
    for (status, n, attention, empty) in rows {
        let status = ProductStatus::parse(&status).ok_or_else(|| corrupt(&status))?;
        counts.by_status.push((status, n));
        if status != ProductStatus::Deleted {
            counts.needs_attention += attention;
            counts.out_of_stock += empty;
        }
    }
    Ok(counts)
}

// ---- copy detection -----------------------------------------------------------

/// Removes a product's description signature and band keys.
pub async fn delete_description_signature(tx: &mut Tx, product: ProductId) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM description_bands WHERE product_id = $1")
        .bind(product.to_string()).execute(conn).await.map(|_| ()))?;
    on_tx!(tx, conn => sqlx::query("DELETE FROM description_signatures WHERE product_id = $1")
        .bind(product.to_string()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Stores a product's description signature and its band keys (the product
/// has none yet).
pub async fn insert_description_signature(
    tx: &mut Tx,
    seller: SellerId,
    product: ProductId,
    text: &str,
    bands: &[i64],
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO description_signatures (product_id, seller_id, signature) VALUES ($1, $2, $3)")
        .bind(product.to_string()).bind(seller.to_string()).bind(text)
        .execute(conn).await.map(|_| ()))?;
    let mut unique: Vec<i64> = bands.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.is_empty() {
        return Ok(());
    }
    // One statement for all bands.
    let values: Vec<String> = (0..unique.len())
        .map(|i| format!("(${}, $1)", i + 2))
        .collect();
    let sql = format!(
        "INSERT INTO description_bands (band_key, product_id) VALUES {}",
        values.join(", ")
    );
    on_tx!(tx, conn => {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(product.to_string());
        for band in &unique {
            query = query.bind(*band);
        }
        query.execute(conn).await.map(|_| ())
    })?;
    Ok(())
}

/// Replaces a product's description signature (none when the description
/// is too short to compare).
pub async fn replace_description_signature(
    tx: &mut Tx,
    seller: SellerId,
    product: ProductId,
    signature: Option<(&str, &[i64])>,
) -> StoreResult<()> {
    delete_description_signature(tx, product).await?;
    match signature {
        Some((text, bands)) => insert_description_signature(tx, seller, product, text, bands).await,
        None => Ok(()),
    }
}

/// A listing that shares a band with the one being checked.
#[derive(Debug, Clone)]
pub struct CopyCandidate {
    pub product_id: ProductId,
    pub seller_id: SellerId,
    pub title: String,
    pub signature: String,
}

/// Listings created before `product` that share a band with `bands`: the
/// seller's own (any status but deleted) and other shops' active ones,
/// most shared bands first.
pub async fn copy_candidates(
    tx: &mut Tx,
    seller: SellerId,
    product: ProductId,
    created_at: Timestamp,
    bands: &[i64],
    limit: i64,
) -> StoreResult<Vec<CopyCandidate>> {
    if bands.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..bands.len()).map(|i| format!("${}", i + 5)).collect();
    let sql = format!(
        "SELECT p.id, p.seller_id, p.title, g.signature FROM \
           (SELECT product_id, COUNT(*) AS shared FROM description_bands \
            WHERE band_key IN ({}) AND product_id <> $1 GROUP BY product_id) b \
         JOIN products p ON p.id = b.product_id \
         JOIN description_signatures g ON g.product_id = p.id \
         WHERE p.status <> 'deleted' AND (p.created_at < $3 OR (p.created_at = $3 AND p.id < $1)) \
           AND (p.seller_id = $2 OR p.status = 'active') \
         ORDER BY b.shared DESC, p.id LIMIT $4",
        placeholders.join(", ")
    );
    let rows: Vec<(String, String, String, String)> = on_tx!(tx, conn => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(product.to_string())
            .bind(seller.to_string())
            .bind(created_at.unix_millis())
            .bind(limit);
        for band in bands {
            query = query.bind(*band);
        }
        query.fetch_all(conn).await
    })?;
    rows.into_iter()
        .map(|(id, seller_id, title, signature)| {
            Ok(CopyCandidate {
                product_id: id.parse().map_err(corrupt)?,
                seller_id: seller_id.parse().map_err(corrupt)?,
                title,
                signature,
            })
        })
        .collect()
}

/// A product's title and shop, for naming the listing a description copies.
pub async fn product_title_and_shop(
    store: &Store,
    id: ProductId,
) -> StoreResult<Option<(String, String)>> {
    let row: Option<(String, String)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT p.title, s.name FROM products p JOIN sellers s ON s.id = p.seller_id WHERE p.id = $1")
        .bind(id.to_string()).fetch_optional(pool).await)?;
    Ok(row)
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

pub async fn set_sku_price(
    tx: &mut Tx,
    seller: SellerId,
    sku: SkuId,
    price: i64,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE skus SET price = $3, \
         original_price = CASE WHEN original_price IS NOT NULL AND original_price <= $3 THEN NULL ELSE original_price END, \
         updated_at = $4 WHERE id = $1 AND seller_id = $2")
        .bind(sku.to_string()).bind(seller.to_string()).bind(price).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// A live SKU inside a write transaction (the seller's only).
pub async fn sku_in_tx(tx: &mut Tx, seller: SellerId, id: SkuId) -> StoreResult<Sku> {
    let sql = format!(
        "SELECT {SKU_COLUMNS} FROM skus WHERE id = $1 AND seller_id = $2 AND removed_at IS NULL"
    );
    let row: SkuRow = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(seller.to_string()).fetch_one(conn).await)?;
    row.try_into()
}

/// The seller's live SKUs with their product's title, for the stock page
/// (newest products first; `query` matches title or SKU code).
pub async fn sku_list(
    store: &Store,
    seller: SellerId,
    query: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<(Sku, String)>> {
    let pattern = query.map(|q| format!("%{}%", q.trim().to_lowercase().replace(['%', '_'], "")));
    let sql = format!(
        "SELECT {}, p.title FROM skus s JOIN products p ON p.id = s.product_id \
         WHERE s.seller_id = $1 AND s.removed_at IS NULL AND p.status <> 'deleted' \
           AND ($2 IS NULL OR LOWER(p.title) LIKE $2 OR LOWER(s.code) LIKE $2) \
         ORDER BY p.updated_at DESC, p.id DESC, s.position LIMIT $3",
        SKU_COLUMNS
            .split(", ")
            .map(|c| format!("s.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        sku: SkuRow,
        title: String,
    }
    let rows: Vec<Row> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(seller.to_string()).bind(pattern.as_deref()).bind(limit)
        .fetch_all(pool).await)?;
    rows.into_iter()
        .map(|r| Ok((Sku::try_from(r.sku)?, r.title)))
        .collect()
}

/// Every live SKU code of a seller with its product and SKU (imports match
/// rows by code; one read instead of one per row).
pub async fn sku_codes(
    store: &Store,
    seller: SellerId,
) -> StoreResult<Vec<(String, ProductId, SkuId)>> {
    let rows: Vec<(String, String, String)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT code, product_id, id FROM skus WHERE seller_id = $1 AND code IS NOT NULL \
         AND removed_at IS NULL")
        .bind(seller.to_string()).fetch_all(pool).await)?;
    rows.into_iter()
        .map(|(code, p, s)| {
            Ok((
                code,
                p.parse().map_err(corrupt)?,
                s.parse().map_err(corrupt)?,
            ))
        })
        .collect()
}

/// A new SKU with the stock it starts with.
pub struct NewSku<'a> {
    pub id: SkuId,
    pub content: SkuContent<'a>,
    pub stock: i64,
}

/// Inserts a new product's SKUs in one statement (their starting stock is
/// recorded in the ledger by the caller, see `inventory::record_starting`).
pub async fn insert_skus(
    tx: &mut Tx,
    seller: SellerId,
    product: ProductId,
    skus: &[NewSku<'_>],
    now: Timestamp,
) -> StoreResult<()> {
    use crate::rows::{self, Cell};
    let rows: Vec<Vec<Cell>> = skus
        .iter()
        .map(|s| {
            let (l, w, h) = split(s.content.dimensions);
            vec![
                s.id.to_string().into(),
                product.to_string().into(),
                seller.to_string().into(),
                s.content.position.into(),
                to_json(&s.content.combination).into(),
                s.content.code.map(str::to_owned).into(),
                Cell::Int(s.content.price),
                Cell::Int(s.content.original_price),
                s.stock.into(),
                Cell::Int4(s.content.weight_grams),
                Cell::Int4(l),
                Cell::Int4(w),
                Cell::Int4(h),
                s.content.barcode.map(str::to_owned).into(),
                now.unix_millis().into(),
                now.unix_millis().into(),
            ]
        })
        .collect();
    rows::insert(
        tx,
        "skus",
        &[
            "id",
            "product_id",
            "seller_id",
            "position",
            "combination",
            "code",
            "price",
            "original_price",
            "stock",
            "weight_grams",
            "length_cm",
            "width_cm",
            "height_cm",
            "barcode",
            "created_at",
            "updated_at",
        ],
        &rows,
    )
    .await
}

// ---- moderation (admins, across shops) ---------------------------------------

/// A product as moderators list it, with its shop.
#[derive(Debug, Clone)]
pub struct ModerationRow {
    pub product: Product,
    pub shop_name: String,
    pub shop_slug: String,
}

/// Products across shops: those whose sellers asked for a review first,
/// then the newest changes; `query` matches the title or the shop's name.
pub async fn moderation_list(
    store: &Store,
    query: Option<&str>,
    review_requested_only: bool,
    limit: i64,
) -> StoreResult<Vec<ModerationRow>> {
    let pattern = query
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| format!("%{}%", q.to_lowercase().replace(['%', '_'], "")));
    let columns = PRODUCT_COLUMNS
        .split(", ")
        .map(|c| format!("p.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns}, s.name AS shop_name, s.slug AS shop_slug FROM products p \
         JOIN sellers s ON s.id = p.seller_id \
         WHERE p.status <> 'deleted' AND ($1 = FALSE OR p.review_requested_at IS NOT NULL) \
           AND ($2 IS NULL OR LOWER(p.title) LIKE $2 OR LOWER(s.name) LIKE $2) \
         ORDER BY (p.review_requested_at IS NULL), p.review_requested_at, p.updated_at DESC, p.id DESC \
         LIMIT $3"
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        product: ProductRow,
        shop_name: String,
        shop_slug: String,
    }
    let rows: Vec<Row> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(review_requested_only).bind(pattern.as_deref()).bind(limit)
        .fetch_all(pool).await)?;
    rows.into_iter()
        .map(|r| {
            Ok(ModerationRow {
                product: r.product.try_into()?,
                shop_name: r.shop_name,
                shop_slug: r.shop_slug,
            })
        })
        .collect()
}

/// A product by id in any shop (for moderators).
pub async fn find_any(store: &Store, id: ProductId) -> StoreResult<Product> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1");
    let row: ProductRow = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).fetch_one(pool).await)?;
    row.try_into()
}

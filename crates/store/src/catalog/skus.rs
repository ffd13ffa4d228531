//! SKUs: one row per option combination of a product.

use super::*;

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
    /// What the unit costs the seller, when recorded (the price guards
    /// warn about promotions below it).
    pub cost: Option<i64>,
}

pub(crate) const SKU_COLUMNS: &str = "id, product_id, position, combination, code, price, original_price, \
    stock, low_stock_threshold, weight_grams, length_cm, width_cm, height_cm, barcode, image_id, cost";

#[derive(sqlx::FromRow)]
pub(crate) struct SkuRow {
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
    cost: Option<i64>,
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
            cost: r.cost,
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

pub(crate) fn split(d: Option<(i32, i32, i32)>) -> (Option<i32>, Option<i32>, Option<i32>) {
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

/// A live SKU (not removed from its matrix) of the seller, read outside a
/// transaction.
pub async fn live_sku(store: &Store, seller: SellerId, id: SkuId) -> StoreResult<Sku> {
    let sql = format!(
        "SELECT {SKU_COLUMNS} FROM skus WHERE id = $1 AND seller_id = $2 AND removed_at IS NULL"
    );
    let row: SkuRow = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(seller.to_string()).fetch_one(pool).await)?;
    row.try_into()
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

/// Records (or clears) what a unit costs the seller.
pub async fn set_sku_cost(
    tx: &mut Tx,
    seller: SellerId,
    sku: SkuId,
    cost: Option<i64>,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE skus SET cost = $3, updated_at = $4 WHERE id = $1 AND seller_id = $2")
        .bind(sku.to_string()).bind(seller.to_string()).bind(cost).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
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

#[derive(sqlx::FromRow)]
struct SellerSkuRow {
    seller_id: String,
    #[sqlx(flatten)]
    sku: SkuRow,
}

/// Live SKUs of any shop by id, with their seller (a buyer's cart or
/// quote names SKUs across shops).
pub async fn skus_by_ids<'a>(
    reader: impl Into<Reader<'a>>,
    ids: &[SkuId],
) -> StoreResult<Vec<(SellerId, Sku)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT seller_id, {SKU_COLUMNS} FROM skus WHERE removed_at IS NULL AND id IN ({})",
        marks.join(", ")
    );
    let rows: Vec<SellerSkuRow> = on_reader!(reader.into(), conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for id in ids {
            q = q.bind(id.to_string());
        }
        q.fetch_all(conn).await
    })?;
    rows.into_iter()
        .map(|r| Ok((r.seller_id.parse().map_err(corrupt)?, r.sku.try_into()?)))
        .collect()
}

/// The seller's codes of these SKUs (removed ones too: an order keeps
/// the SKU it sold), for labels and packing slips. SKUs without a code
/// are left out.
pub async fn codes_of_skus(
    store: &Store,
    seller: SellerId,
    ids: &[SkuId],
) -> StoreResult<Vec<(SkuId, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, code FROM skus WHERE seller_id = $1 AND code IS NOT NULL AND id IN ({})",
        crate::pricing::placeholders(2, ids.len())
    );
    let rows: Vec<(String, String)> = on_pool!(store, pool => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(seller.to_string());
        for id in ids {
            q = q.bind(id.to_string());
        }
        q.fetch_all(pool).await
    })?;
    rows.into_iter()
        .map(|(id, code)| Ok((id.parse().map_err(corrupt)?, code)))
        .collect()
}

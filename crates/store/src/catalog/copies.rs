//! Copy detection: description signatures, band keys and candidates.

use super::*;

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

/// How many listings of one band are read, the newest first. A band many
/// listings share is boilerplate (a shop's template, a common phrase); a
/// near copy shares rarer bands too, so reading a whole crowded band only
/// costs time — the more so as the catalog grows.
const PER_BAND: usize = 100;

/// Listings created before `product` that share a band with `bands`: the
/// seller's own (any status but deleted) and other shops' active ones,
/// most shared bands first (up to [`PER_BAND`] read per band).
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
    let per_band: Vec<String> = (0..bands.len())
        .map(|i| {
            format!(
                "SELECT * FROM (SELECT product_id FROM description_bands \
                 WHERE band_key = ${} AND product_id <> $1 \
                 ORDER BY product_id DESC LIMIT {PER_BAND}) AS band{i}",
                i + 5
            )
        })
        .collect();
    let sql = format!(
        "SELECT p.id, p.seller_id, p.title, g.signature FROM \
           (SELECT product_id, COUNT(*) AS shared FROM ({}) AS read_bands GROUP BY product_id) b \
         JOIN products p ON p.id = b.product_id \
         JOIN description_signatures g ON g.product_id = p.id \
         WHERE p.status <> 'deleted' AND (p.created_at < $3 OR (p.created_at = $3 AND p.id < $1)) \
           AND (p.seller_id = $2 OR p.status = 'active') \
         ORDER BY b.shared DESC, p.id LIMIT $4",
        per_band.join(" UNION ALL ")
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

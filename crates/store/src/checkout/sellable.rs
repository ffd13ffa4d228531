//! Whether products can be bought now, read from the system of record: the
//! product is active, its shop approved, and the Shop lists it (the
//! listing carries every other reason — moderation, missing photos…). A
//! checkout reads this inside its transaction.

use etalase_domain::id::{ProductId, SellerId};

use crate::StoreResult;
use crate::error::corrupt;
use crate::pool::{Reader, on_reader};
use crate::pricing::placeholders;

/// A product as a checkout needs it.
#[derive(Debug, Clone)]
pub struct Sellable {
    pub product: ProductId,
    pub seller: SellerId,
    pub title: String,
    pub shop_name: String,
    pub cod_allowed: bool,
    /// The district of the shop's pickup address (where packages leave
    /// from); none while the shop has not given one.
    pub origin_district: Option<String>,
    /// Days the seller needs to make it (a pre-order), if any.
    pub preorder_days: Option<i32>,
}

#[derive(sqlx::FromRow)]
struct SellableRow {
    id: String,
    seller_id: String,
    title: String,
    shop_name: String,
    cod_allowed: bool,
    origin_district: Option<String>,
    preorder_days: Option<i32>,
}

/// The products of `ids` that can be bought now; the others are missing.
pub async fn sellable_products<'a>(
    reader: impl Into<Reader<'a>>,
    ids: &[ProductId],
) -> StoreResult<Vec<Sellable>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT p.id, p.seller_id, p.title, s.name AS shop_name, p.cod_allowed, \
         a.district_code AS origin_district, p.preorder_days \
         FROM products p JOIN sellers s ON s.id = p.seller_id \
         JOIN shop_listings l ON l.product_id = p.id \
         LEFT JOIN kyc_addresses a ON a.seller_id = p.seller_id AND a.kind = 'pickup' \
         WHERE p.status = 'active' AND s.status = 'approved' AND p.id IN ({})",
        placeholders(1, ids.len())
    );
    let rows: Vec<SellableRow> = on_reader!(reader.into(), conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for id in ids {
            q = q.bind(id.to_string());
        }
        q.fetch_all(conn).await
    })?;
    rows.into_iter()
        .map(|r| {
            Ok(Sellable {
                product: r.id.parse().map_err(corrupt)?,
                seller: r.seller_id.parse().map_err(corrupt)?,
                title: r.title,
                shop_name: r.shop_name,
                cod_allowed: r.cod_allowed,
                origin_district: r.origin_district,
                preorder_days: r.preorder_days,
            })
        })
        .collect()
}

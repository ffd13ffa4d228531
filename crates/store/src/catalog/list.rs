//! The catalog list of a shop, its counts, the stock page's SKU list, and
//! moderators' list across shops.

use super::*;

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

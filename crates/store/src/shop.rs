//! The Shop's read model: the listings the sync's projector keeps (see
//! DESIGN.md §5). The Shop reads only these rows; the projector is the
//! only writer, but for the rank score the ranking pass moves
//! (`crate::ranking`).

use etalase_domain::Timestamp;
use etalase_domain::id::{ImageId, ProductId, SellerId};
use etalase_domain::listing::Visibility;
use etalase_domain::reviews::Rating;

use crate::error::corrupt;
use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreResult, Tx};

/// One product as the Shop shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopListing {
    pub product_id: ProductId,
    pub seller_id: SellerId,
    pub shop_slug: String,
    pub shop_name: String,
    /// The regency (Kemendagri code, e.g. `3273`) the shop ships from, when
    /// its pickup address is known.
    pub shop_regency: Option<String>,
    pub slug: String,
    pub title: String,
    /// Listed or sold out (hidden products have no row).
    pub visibility: Visibility,
    pub category: Option<String>,
    pub brand: Option<String>,
    pub min_price: i64,
    pub max_price: i64,
    pub original_price: Option<i64>,
    pub total_stock: i64,
    pub primary_image: Option<ImageId>,
    pub quality_score: i32,
    /// Units sold (the listing's "terjual"), as of its last projection.
    pub sold_count: i64,
    /// Its buyers' reviews, as of its last projection.
    pub rating: Rating,
    /// Its place in the ranked feeds (domain `ranking`): scored by the
    /// projector when it writes the listing, and moved by the ranking pass
    /// as signals and freshness change.
    pub rank_score: i64,
    /// When the product was first published (its creation when never).
    pub published_at: Timestamp,
    pub product_version: i32,
    pub cod_allowed: bool,
    /// The rest, as JSON (the services own its shape).
    pub document: String,
    pub product_updated_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct ListingRow {
    product_id: String,
    seller_id: String,
    shop_slug: String,
    shop_name: String,
    shop_regency: Option<String>,
    slug: String,
    title: String,
    visibility: String,
    category: Option<String>,
    brand: Option<String>,
    min_price: i64,
    max_price: i64,
    original_price: Option<i64>,
    total_stock: i64,
    primary_image: Option<String>,
    quality_score: i32,
    sold_count: i64,
    review_count: i64,
    star_sum: i64,
    rank_score: i64,
    product_published_at: i64,
    product_version: i32,
    cod_allowed: bool,
    document: String,
    product_updated_at: i64,
}

const COLUMNS: &str = "product_id, seller_id, shop_slug, shop_name, slug, title, visibility, \
    category, brand, min_price, max_price, original_price, total_stock, primary_image, \
    quality_score, product_version, cod_allowed, document, product_updated_at, shop_regency, \
    sold_count, review_count, star_sum, rank_score, product_published_at";

impl TryFrom<ListingRow> for ShopListing {
    type Error = crate::StoreError;

    fn try_from(r: ListingRow) -> StoreResult<ShopListing> {
        Ok(ShopListing {
            product_id: r.product_id.parse().map_err(corrupt)?,
            seller_id: r.seller_id.parse().map_err(corrupt)?,
            shop_slug: r.shop_slug,
            shop_name: r.shop_name,
            shop_regency: r.shop_regency,
            slug: r.slug,
            title: r.title,
            visibility: Visibility::parse(&r.visibility).ok_or_else(|| corrupt(&r.visibility))?,
            category: r.category,
            brand: r.brand,
            min_price: r.min_price,
            max_price: r.max_price,
            original_price: r.original_price,
            total_stock: r.total_stock,
            primary_image: r
                .primary_image
                .map(|i| i.parse())
                .transpose()
                .map_err(corrupt)?,
            quality_score: r.quality_score,
            sold_count: r.sold_count,
            rating: Rating {
                count: r.review_count,
                stars: r.star_sum,
            },
            rank_score: r.rank_score,
            published_at: Timestamp::from_unix_millis(r.product_published_at),
            product_version: r.product_version,
            cod_allowed: r.cod_allowed,
            document: r.document,
            product_updated_at: Timestamp::from_unix_millis(r.product_updated_at),
        })
    }
}

/// Writes the listing, replacing the one there.
pub async fn put(tx: &mut Tx, l: &ShopListing) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO shop_listings ({COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) \
         ON CONFLICT (product_id) DO UPDATE SET seller_id = excluded.seller_id, \
         shop_slug = excluded.shop_slug, shop_name = excluded.shop_name, slug = excluded.slug, \
         title = excluded.title, visibility = excluded.visibility, category = excluded.category, \
         brand = excluded.brand, min_price = excluded.min_price, max_price = excluded.max_price, \
         original_price = excluded.original_price, total_stock = excluded.total_stock, \
         primary_image = excluded.primary_image, quality_score = excluded.quality_score, \
         product_version = excluded.product_version, cod_allowed = excluded.cod_allowed, \
         document = excluded.document, product_updated_at = excluded.product_updated_at, \
         shop_regency = excluded.shop_regency, sold_count = excluded.sold_count, \
         review_count = excluded.review_count, star_sum = excluded.star_sum, \
         rank_score = excluded.rank_score, product_published_at = excluded.product_published_at"
    );
    on_tx!(tx, conn => sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(l.product_id.to_string()).bind(l.seller_id.to_string())
        .bind(&l.shop_slug).bind(&l.shop_name).bind(&l.slug).bind(&l.title)
        .bind(l.visibility.as_str()).bind(l.category.as_deref()).bind(l.brand.as_deref())
        .bind(l.min_price).bind(l.max_price).bind(l.original_price).bind(l.total_stock)
        .bind(l.primary_image.map(|i| i.to_string())).bind(l.quality_score)
        .bind(l.product_version).bind(l.cod_allowed).bind(&l.document)
        .bind(l.product_updated_at.unix_millis()).bind(l.shop_regency.as_deref())
        .bind(l.sold_count).bind(l.rating.count).bind(l.rating.stars)
        .bind(l.rank_score).bind(l.published_at.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Takes a product out of the Shop (nothing happens if it was not there).
pub async fn remove(tx: &mut Tx, product: ProductId) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM shop_listings WHERE product_id = $1")
        .bind(product.to_string()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn get(store: &Store, product: ProductId) -> StoreResult<Option<ShopListing>> {
    let sql = format!("SELECT {COLUMNS} FROM shop_listings WHERE product_id = $1");
    let row: Option<ListingRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(product.to_string()).fetch_optional(pool).await)?;
    row.map(TryInto::try_into).transpose()
}

/// The listings of these products that are there, in no particular order:
/// one statement for a page of hits.
pub async fn get_many(store: &Store, products: &[ProductId]) -> StoreResult<Vec<ShopListing>> {
    if products.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=products.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM shop_listings WHERE product_id IN ({})",
        marks.join(", ")
    );
    let rows: Vec<ListingRow> = on_pool!(store, pool => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for id in products {
            query = query.bind(id.to_string());
        }
        query.fetch_all(pool).await
    })?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Every listing, by product id (rebuild checks and tests).
pub async fn all(store: &Store) -> StoreResult<Vec<ShopListing>> {
    let sql = format!("SELECT {COLUMNS} FROM shop_listings ORDER BY product_id");
    let rows: Vec<ListingRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .fetch_all(pool).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Up to `limit` listings after `after` (by product id), for walking the
/// whole read model a page at a time.
pub async fn page_after(
    store: &Store,
    after: Option<ProductId>,
    limit: i64,
) -> StoreResult<Vec<ShopListing>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM shop_listings WHERE product_id > $1 ORDER BY product_id LIMIT $2"
    );
    let after = after.map(|id| id.to_string()).unwrap_or_default();
    let rows: Vec<ListingRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(&after).bind(limit).fetch_all(pool).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Listings whose product no longer exists (a rebuild removes them).
pub async fn remove_orphans(tx: &mut Tx) -> StoreResult<u64> {
    let gone = on_tx!(tx, conn => sqlx::query(
        "DELETE FROM shop_listings WHERE NOT EXISTS \
         (SELECT 1 FROM products p WHERE p.id = shop_listings.product_id)")
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(gone)
}

pub async fn count(store: &Store, visibility: Visibility) -> StoreResult<i64> {
    let n: i64 = on_pool!(store, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM shop_listings WHERE visibility = $1")
        .bind(visibility.as_str()).fetch_one(pool).await)?;
    Ok(n)
}

/// How a feed is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedOrder {
    /// By rank score (domain `ranking`: recent orders, conversion,
    /// quality, freshness), then the last change, then product id.
    Ranked,
    Newest,
    /// Most units sold first, products that sold nothing left out ("Terlaris").
    BestSelling,
}

/// One page of listed products.
#[derive(Debug, Clone)]
pub struct FeedQuery<'a> {
    pub order: FeedOrder,
    /// One shop's products only.
    pub seller: Option<SellerId>,
    /// A category and everything under it (`fashion-pria` covers
    /// `fashion-pria/atasan/kaos`).
    pub category: Option<&'a str>,
    /// Words every title must contain (a shop's own search box).
    pub words: &'a [String],
    pub offset: i64,
    pub limit: i64,
}

/// Listed products (never sold-out ones: those are reachable only by
/// their own page), in the order asked.
pub async fn feed(store: &Store, q: &FeedQuery<'_>) -> StoreResult<Vec<ShopListing>> {
    let mut sql = format!("SELECT {COLUMNS} FROM shop_listings WHERE visibility = 'listed'");
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    if q.seller.is_some() {
        sql.push_str(&format!(" AND seller_id = {}", next()));
    }
    if q.category.is_some() {
        let (exact, under) = (next(), next());
        sql.push_str(&format!(
            " AND (category = {exact} OR category LIKE {under})"
        ));
    }
    for _ in q.words {
        sql.push_str(&format!(" AND LOWER(title) LIKE {} ESCAPE '\\'", next()));
    }
    sql.push_str(match q.order {
        FeedOrder::Ranked => " ORDER BY rank_score DESC, product_updated_at DESC, product_id",
        FeedOrder::Newest => " ORDER BY product_updated_at DESC, product_id",
        FeedOrder::BestSelling => {
            " AND sold_count > 0 ORDER BY sold_count DESC, quality_score DESC, product_id"
        }
    });
    sql.push_str(&format!(" LIMIT {} OFFSET {}", next(), next()));
    let patterns: Vec<String> = q
        .words
        .iter()
        .map(|w| {
            let escaped = w
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        })
        .collect();
    let rows: Vec<ListingRow> = on_pool!(store, pool => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        if let Some(seller) = q.seller {
            query = query.bind(seller.to_string());
        }
        if let Some(category) = q.category {
            // Category ids are slugs: no LIKE wildcards to escape.
            query = query.bind(category.to_owned()).bind(format!("{category}/%"));
        }
        for p in &patterns {
            query = query.bind(p.clone());
        }
        query.bind(q.limit).bind(q.offset).fetch_all(pool).await
    })?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// A page of listed products by id, with their slug and last change (the
/// sitemap).
pub async fn sitemap_page(
    store: &Store,
    offset: i64,
    limit: i64,
) -> StoreResult<Vec<(ProductId, String, Timestamp)>> {
    let rows: Vec<(String, String, i64)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT product_id, slug, product_updated_at FROM shop_listings \
         WHERE visibility = 'listed' ORDER BY product_id LIMIT $1 OFFSET $2")
        .bind(limit).bind(offset).fetch_all(pool).await)?;
    rows.into_iter()
        .map(|(id, slug, at)| {
            Ok((
                id.parse().map_err(corrupt)?,
                slug,
                Timestamp::from_unix_millis(at),
            ))
        })
        .collect()
}

//! Buyers' reviews and the ratings they add up to (migration
//! `0027_reviews.sql`). A review is written with its product's rating in one
//! transaction; the projector copies the rating into the Shop's listing.

use etalase_domain::Timestamp;
use etalase_domain::id::{OrderId, ProductId, SellerId, UserId};
use etalase_domain::reviews::{Rating, Stars};

use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

/// A review as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview<'a> {
    pub order: OrderId,
    pub line_no: i32,
    pub product: ProductId,
    pub seller: SellerId,
    pub buyer: UserId,
    /// The variant bought ("Merah, L"), shown with the review.
    pub variant: &'a str,
    pub stars: Stars,
    pub body: Option<&'a str>,
}

/// A review as shown: by whom (their name), of which variant, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReview {
    pub order: OrderId,
    pub line_no: i32,
    pub product: ProductId,
    pub buyer_name: String,
    pub variant: String,
    pub stars: u8,
    pub body: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    order_id: String,
    line_no: i32,
    product_id: String,
    buyer_name: String,
    variant: String,
    stars: i16,
    body: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<ReviewRow> for StoredReview {
    type Error = crate::StoreError;

    fn try_from(r: ReviewRow) -> StoreResult<StoredReview> {
        Ok(StoredReview {
            order: r.order_id.parse().map_err(corrupt)?,
            line_no: r.line_no,
            product: r.product_id.parse().map_err(corrupt)?,
            buyer_name: r.buyer_name,
            variant: r.variant,
            stars: u8::try_from(r.stars).map_err(corrupt)?,
            body: r.body,
            created_at: Timestamp::from_unix_millis(r.created_at),
            updated_at: Timestamp::from_unix_millis(r.updated_at),
        })
    }
}

const SHOWN: &str = "SELECT r.order_id, r.line_no, r.product_id, u.name AS buyer_name, r.variant, \
    r.stars, r.body, r.created_at, r.updated_at FROM reviews r JOIN users u ON u.id = r.buyer_id";

/// Writes a review (replacing the line's earlier one) and moves its
/// product's rating by the difference, in the caller's transaction.
/// Returns the stars it replaced, if any.
pub async fn put_review(
    tx: &mut Tx,
    review: &NewReview<'_>,
    now: Timestamp,
) -> StoreResult<Option<u8>> {
    let earlier: Option<i16> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT stars FROM reviews WHERE order_id = $1 AND line_no = $2")
        .bind(review.order.to_string()).bind(review.line_no)
        .fetch_optional(conn).await)?;
    let stars = i16::from(review.stars.get());
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO reviews (order_id, line_no, product_id, seller_id, buyer_id, variant, stars, \
         body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
         ON CONFLICT (order_id, line_no) DO UPDATE SET stars = excluded.stars, \
         body = excluded.body, updated_at = excluded.updated_at")
        .bind(review.order.to_string()).bind(review.line_no).bind(review.product.to_string())
        .bind(review.seller.to_string()).bind(review.buyer.to_string()).bind(review.variant)
        .bind(stars).bind(review.body).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    match earlier {
        // A changed review: the same count, the stars' difference (the
        // candidate row of an upsert would carry a negative sum, which the
        // table's check refuses before the conflict is seen).
        Some(before) => on_tx!(tx, conn => sqlx::query(
            "UPDATE product_ratings SET star_sum = star_sum + $2, updated_at = $3 \
             WHERE product_id = $1")
            .bind(review.product.to_string()).bind(i64::from(stars - before))
            .bind(now.unix_millis())
            .execute(conn).await.map(|_| ()))?,
        None => on_tx!(tx, conn => sqlx::query(
            "INSERT INTO product_ratings (product_id, seller_id, review_count, star_sum, updated_at) \
             VALUES ($1, $2, 1, $3, $4) ON CONFLICT (product_id) DO UPDATE SET \
             review_count = product_ratings.review_count + 1, \
             star_sum = product_ratings.star_sum + $3, updated_at = excluded.updated_at")
            .bind(review.product.to_string()).bind(review.seller.to_string())
            .bind(i64::from(stars)).bind(now.unix_millis())
            .execute(conn).await.map(|_| ()))?,
    }
    earlier
        .map(|s| u8::try_from(s).map_err(corrupt))
        .transpose()
}

/// A product's rating.
pub async fn rating_of<'a>(
    reader: impl Into<Reader<'a>>,
    product: ProductId,
) -> StoreResult<Rating> {
    let row: Option<(i64, i64)> = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT review_count, star_sum FROM product_ratings WHERE product_id = $1")
        .bind(product.to_string()).fetch_optional(conn).await)?;
    Ok(row.map_or_else(Rating::default, |(count, stars)| Rating { count, stars }))
}

/// A shop's rating: every review of its products.
pub async fn shop_rating<'a>(
    reader: impl Into<Reader<'a>>,
    seller: SellerId,
) -> StoreResult<Rating> {
    let (count, stars): (Option<i64>, Option<i64>) = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT CAST(SUM(review_count) AS BIGINT), CAST(SUM(star_sum) AS BIGINT) \
         FROM product_ratings WHERE seller_id = $1")
        .bind(seller.to_string()).fetch_one(conn).await)?;
    Ok(Rating {
        count: count.unwrap_or(0),
        stars: stars.unwrap_or(0),
    })
}

/// A product's newest reviews first.
pub async fn reviews_of_product<'a>(
    reader: impl Into<Reader<'a>>,
    product: ProductId,
    limit: i64,
) -> StoreResult<Vec<StoredReview>> {
    let sql = format!(
        "{SHOWN} WHERE r.product_id = $1 ORDER BY r.updated_at DESC, r.order_id, r.line_no LIMIT $2"
    );
    let rows: Vec<ReviewRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(product.to_string()).bind(limit).fetch_all(conn).await)?;
    rows.into_iter().map(StoredReview::try_from).collect()
}

/// The reviews of an order's lines.
pub async fn reviews_of_order<'a>(
    reader: impl Into<Reader<'a>>,
    order: OrderId,
) -> StoreResult<Vec<StoredReview>> {
    let sql = format!("{SHOWN} WHERE r.order_id = $1 ORDER BY r.line_no");
    let rows: Vec<ReviewRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(order.to_string()).fetch_all(conn).await)?;
    rows.into_iter().map(StoredReview::try_from).collect()
}

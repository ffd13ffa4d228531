//! Flash-sale counters: units sold at the flash price per SKU (at most the
//! quota) and per buyer (at most the limit), both moved by conditional
//! updates so neither is passed, whatever the concurrency.

use std::collections::HashMap;

use etalase_domain::id::{ProductId, PromotionId, SellerId, SkuId, UserId};

use super::promotions::placeholders;
use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

/// Units a buyer has bought at a flash sale's price.
pub async fn flash_units_bought<'a>(
    reader: impl Into<Reader<'a>>,
    buyer: &str,
    promotions: &[PromotionId],
) -> StoreResult<Vec<(PromotionId, i64)>> {
    if promotions.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT promotion_id, units FROM flash_buyers WHERE buyer_id = $1 AND promotion_id IN ({})",
        placeholders(2, promotions.len())
    );
    let rows: Vec<(String, i64)> = on_reader!(reader.into(), conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(buyer);
        for p in promotions {
            q = q.bind(p.to_string());
        }
        q.fetch_all(conn).await
    })?;
    rows.into_iter()
        .map(|(p, u)| Ok((p.parse().map_err(corrupt)?, u)))
        .collect()
}

/// The flash units many buyers bought, by buyer, of every flash sale (a
/// batch of orders reads its buyers' counts together, before it knows
/// which sales its orders meet). A buyer who bought none is not in the map.
pub async fn flash_units_bought_by<'a>(
    reader: impl Into<Reader<'a>>,
    buyers: &[UserId],
) -> StoreResult<HashMap<UserId, Vec<(PromotionId, i64)>>> {
    let mut bought: HashMap<UserId, Vec<(PromotionId, i64)>> = HashMap::new();
    if buyers.is_empty() {
        return Ok(bought);
    }
    let sql = format!(
        "SELECT buyer_id, promotion_id, units FROM flash_buyers WHERE buyer_id IN ({})",
        placeholders(1, buyers.len())
    );
    let rows: Vec<(String, String, i64)> = on_reader!(reader.into(), conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for buyer in buyers {
            q = q.bind(buyer.to_string());
        }
        q.fetch_all(conn).await
    })?;
    for (buyer, promotion, units) in rows {
        bought
            .entry(buyer.parse().map_err(corrupt)?)
            .or_default()
            .push((promotion.parse().map_err(corrupt)?, units));
    }
    Ok(bought)
}

/// What taking flash units did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashTake {
    /// Taken from the quota of this product's SKU.
    Taken {
        product: ProductId,
        seller: SellerId,
    },
    /// Fewer units are left than asked; nothing was taken.
    QuotaShort,
    /// The buyer would pass the per-buyer limit; nothing was taken.
    BuyerLimit,
}

/// Takes `units` of a flash sale's quota on one SKU for one buyer, both
/// counters by conditional updates (a row lock on PostgreSQL, the single
/// writer on SQLite): the quota and the per-buyer limit are never passed.
/// On a refusal the caller must roll back (the buyer's counter may have
/// moved before the quota was found short).
pub async fn take_flash_units(
    tx: &mut Tx,
    promotion: PromotionId,
    sku: SkuId,
    buyer: &str,
    units: i64,
    per_buyer_limit: Option<i64>,
) -> StoreResult<FlashTake> {
    let limit = per_buyer_limit.unwrap_or(i64::MAX);
    let bought: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO flash_buyers (promotion_id, buyer_id, units) VALUES ($1, $2, $3) \
         ON CONFLICT (promotion_id, buyer_id) DO UPDATE SET units = flash_buyers.units + $3 \
         WHERE flash_buyers.units + $3 <= $4 RETURNING units")
        .bind(promotion.to_string()).bind(buyer).bind(units).bind(limit)
        .fetch_optional(conn).await)?;
    if bought.is_none_or(|b| b > limit) {
        return Ok(FlashTake::BuyerLimit);
    }
    let sold: Option<(String, String)> = on_tx!(tx, conn => sqlx::query_as(
        "UPDATE promotion_items SET flash_sold = flash_sold + $3 \
         WHERE promotion_id = $1 AND sku_id = $2 AND flash_sold + $3 <= flash_quota \
         RETURNING product_id, seller_id")
        .bind(promotion.to_string()).bind(sku.to_string()).bind(units)
        .fetch_optional(conn).await)?;
    Ok(match sold {
        Some((product, seller)) => FlashTake::Taken {
            product: product.parse().map_err(corrupt)?,
            seller: seller.parse().map_err(corrupt)?,
        },
        None => FlashTake::QuotaShort,
    })
}

/// Gives flash units back (a cancelled order): to the SKU's quota and off
/// the buyer's count.
pub async fn release_flash_units(
    tx: &mut Tx,
    promotion: PromotionId,
    sku: SkuId,
    buyer: &str,
    units: i64,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE promotion_items SET flash_sold = flash_sold - $3 \
         WHERE promotion_id = $1 AND sku_id = $2 AND flash_sold >= $3")
        .bind(promotion.to_string()).bind(sku.to_string()).bind(units)
        .execute(conn).await.map(|_| ()))?;
    on_tx!(tx, conn => sqlx::query(
        "UPDATE flash_buyers SET units = units - $3 WHERE promotion_id = $1 AND buyer_id = $2 AND units >= $3")
        .bind(promotion.to_string()).bind(buyer).bind(units)
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

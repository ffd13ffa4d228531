//! Offers buyers may meet: each SKU's terms joined with its promotion's,
//! read by the projection (into the Shop), by quotes and by the guards.

use etalase_domain::Timestamp;
use etalase_domain::id::{ProductId, PromotionId, SellerId, SkuId};
use etalase_domain::pricing::{Offer, Window};

use super::promotions::{PromotionItem, PromotionType, ms, offer_of, placeholders, rule_of};
use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

/// An offer on a SKU, with the product it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkuOffer {
    pub sku_id: SkuId,
    pub product_id: ProductId,
    pub offer: Offer,
}

#[derive(sqlx::FromRow)]
struct OfferRow {
    promotion_id: String,
    kind: String,
    starts_at: i64,
    ends_at: i64,
    per_buyer_limit: Option<i32>,
    sku_id: String,
    product_id: String,
    rule: String,
    amount: i64,
    flash_quota: Option<i64>,
    flash_sold: i64,
}

impl TryFrom<OfferRow> for SkuOffer {
    type Error = crate::StoreError;
    fn try_from(r: OfferRow) -> StoreResult<SkuOffer> {
        let item = PromotionItem {
            sku_id: r.sku_id.parse().map_err(corrupt)?,
            product_id: r.product_id.parse().map_err(corrupt)?,
            rule: rule_of(&r.rule, r.amount)?,
            flash_quota: r.flash_quota,
            flash_sold: r.flash_sold,
        };
        let kind = PromotionType::parse(&r.kind).ok_or_else(|| corrupt(&r.kind))?;
        let window = Window::new(ms(r.starts_at), ms(r.ends_at)).map_err(corrupt)?;
        Ok(SkuOffer {
            sku_id: item.sku_id,
            product_id: item.product_id,
            offer: offer_of(
                r.promotion_id.parse().map_err(corrupt)?,
                kind,
                window,
                r.per_buyer_limit.map(i64::from),
                &item,
            ),
        })
    }
}

/// Each SKU's terms with their promotion's (a macro, so both statements
/// below are built at compile time).
macro_rules! offer_rows {
    () => {
        "SELECT p.id AS promotion_id, p.kind, p.starts_at, p.ends_at, \
         p.per_buyer_limit, i.sku_id, i.product_id, i.rule, i.amount, i.flash_quota, \
         i.flash_sold FROM promotion_items i JOIN promotions p ON p.id = i.promotion_id"
    };
}

/// Scheduled or ongoing (not ended at `$1`).
const OFFER_SELECT: &str = concat!(
    offer_rows!(),
    " WHERE p.activated_at IS NOT NULL AND p.deactivated_at IS NULL AND p.ends_at > $1"
);

/// Offers buyers may still meet (scheduled or ongoing) whose `column`
/// (`i.product_id` or `i.sku_id`) is one of `n` values from `$2`.
fn live_offers_sql(column: &str, n: usize) -> String {
    format!(
        "{OFFER_SELECT} AND {column} IN ({}) ORDER BY i.sku_id, p.id",
        placeholders(2, n)
    )
}

/// Offers buyers may still meet on these products' SKUs, inside a
/// transaction (the projection).
pub async fn live_offers_of_products(
    tx: &mut Tx,
    products: &[ProductId],
    now: Timestamp,
) -> StoreResult<Vec<SkuOffer>> {
    if products.is_empty() {
        return Ok(Vec::new());
    }
    let sql = live_offers_sql("i.product_id", products.len());
    let rows: Vec<OfferRow> = on_tx!(tx, conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(now.unix_millis());
        for p in products {
            q = q.bind(p.to_string());
        }
        q.fetch_all(conn).await
    })?;
    rows.into_iter().map(SkuOffer::try_from).collect()
}

/// Offers buyers may still meet on these SKUs (a quote).
pub async fn live_offers_of_skus<'a>(
    reader: impl Into<Reader<'a>>,
    skus: &[SkuId],
    now: Timestamp,
) -> StoreResult<Vec<SkuOffer>> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    let sql = live_offers_sql("i.sku_id", skus.len());
    let rows: Vec<OfferRow> = on_reader!(reader.into(), conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(now.unix_millis());
        for s in skus {
            q = q.bind(s.to_string());
        }
        q.fetch_all(conn).await
    })?;
    rows.into_iter().map(SkuOffer::try_from).collect()
}

/// Offers of activated promotions whose window touched `[since, now]` on a
/// SKU (for the lowest price of the last 30 days).
pub async fn recent_offers_of_sku(
    tx: &mut Tx,
    sku: SkuId,
    since: Timestamp,
    now: Timestamp,
) -> StoreResult<Vec<Offer>> {
    let sql = concat!(
        offer_rows!(),
        " WHERE i.sku_id = $1 AND p.activated_at IS NOT NULL AND p.ends_at > $2 AND p.starts_at <= $3 \
          AND (p.deactivated_at IS NULL OR p.deactivated_at > p.starts_at)"
    );
    let rows: Vec<OfferRow> = on_tx!(tx, conn => sqlx::query_as(sql)
        .bind(sku.to_string()).bind(since.unix_millis()).bind(now.unix_millis())
        .fetch_all(conn).await)?;
    rows.into_iter()
        .map(|r| SkuOffer::try_from(r).map(|o| o.offer))
        .collect()
}

/// The seller's other activated flash sales whose slot overlaps `window`.
pub async fn overlapping_flash_sales(
    tx: &mut Tx,
    seller: SellerId,
    window: Window,
    except: PromotionId,
) -> StoreResult<Vec<PromotionId>> {
    let ids: Vec<String> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT id FROM promotions WHERE seller_id = $1 AND kind = 'flash_sale' AND id <> $2 \
         AND activated_at IS NOT NULL AND deactivated_at IS NULL \
         AND starts_at < $4 AND ends_at > $3 ORDER BY id")
        .bind(seller.to_string()).bind(except.to_string())
        .bind(window.starts_at.unix_millis())
        .bind(window.ends_at.map_or(i64::MAX, Timestamp::unix_millis))
        .fetch_all(conn).await)?;
    ids.iter().map(|i| i.parse().map_err(corrupt)).collect()
}

//! A live's own prices: a live-only price per SKU and flash deals with a
//! quota. Both become offers of kind `Live` (see
//! `etalase_domain::content::live::price`) for lives on air only, so a
//! live that ended, or never went on air, offers nothing.

use etalase_domain::Timestamp;
use etalase_domain::content::live::{FlashDeal, live_offer, live_window};
use etalase_domain::id::{LiveId, ProductId, PromotionId, SellerId, SkuId};

use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::pricing::SkuOffer;
use crate::{StoreResult, Tx};

/// A live-only price on one SKU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LivePrice {
    pub sku_id: SkuId,
    pub product_id: ProductId,
    pub price: i64,
}

/// Sets (or replaces) a SKU's live-only price on a live.
pub async fn set_price(
    tx: &mut Tx,
    live: LiveId,
    seller: SellerId,
    price: &LivePrice,
) -> StoreResult<()> {
    Ok(on_tx!(tx, conn => sqlx::query(
        "INSERT INTO live_prices (live_id, sku_id, product_id, seller_id, price) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (live_id, sku_id) DO UPDATE SET price = excluded.price")
        .bind(live.to_string()).bind(price.sku_id.to_string())
        .bind(price.product_id.to_string()).bind(seller.to_string()).bind(price.price)
        .execute(conn).await.map(|_| ()))?)
}

/// Takes a SKU's live-only price off (buyers on the live pay the normal
/// price again). `false` when it had none.
pub async fn clear_price(tx: &mut Tx, live: LiveId, sku: SkuId) -> StoreResult<bool> {
    Ok(
        on_tx!(tx, conn => sqlx::query("DELETE FROM live_prices WHERE live_id = $1 AND sku_id = $2")
        .bind(live.to_string()).bind(sku.to_string())
        .execute(conn).await.map(|r| r.rows_affected() == 1))?,
    )
}

/// Drops the live prices of products no longer featured.
pub async fn keep_prices_of(tx: &mut Tx, live: LiveId, products: &[ProductId]) -> StoreResult<()> {
    let existing: Vec<(String, String)> = on_tx!(tx, conn => sqlx::query_as(
        "SELECT sku_id, product_id FROM live_prices WHERE live_id = $1")
        .bind(live.to_string()).fetch_all(conn).await)?;
    for (sku, product) in existing {
        if !products.iter().any(|p| p.to_string() == product) {
            on_tx!(tx, conn => sqlx::query("DELETE FROM live_prices WHERE live_id = $1 AND sku_id = $2")
                .bind(live.to_string()).bind(&sku).execute(conn).await.map(|_| ()))?;
        }
    }
    Ok(())
}

/// A live's live-only prices.
pub async fn prices_of<'a>(
    reader: impl Into<Reader<'a>>,
    live: LiveId,
) -> StoreResult<Vec<LivePrice>> {
    let rows: Vec<(String, String, i64)> = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT sku_id, product_id, price FROM live_prices WHERE live_id = $1 ORDER BY sku_id")
        .bind(live.to_string()).fetch_all(conn).await)?;
    rows.into_iter()
        .map(|(sku, product, price)| {
            Ok(LivePrice {
                sku_id: sku.parse().map_err(corrupt)?,
                product_id: product.parse().map_err(corrupt)?,
                price,
            })
        })
        .collect()
}

/// A flash deal as stored: the deal, its SKU and the units sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredFlashDeal {
    pub promotion: PromotionId,
    pub sku_id: SkuId,
    pub product_id: ProductId,
    pub deal: FlashDeal,
    pub sold: i64,
}

pub async fn insert_flash_deal(
    tx: &mut Tx,
    live: LiveId,
    seller: SellerId,
    deal: &StoredFlashDeal,
) -> StoreResult<()> {
    Ok(on_tx!(tx, conn => sqlx::query(
        "INSERT INTO live_flash_deals (promotion_id, live_id, sku_id, product_id, seller_id, \
         price, quota, sold, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9)")
        .bind(deal.promotion.to_string()).bind(live.to_string()).bind(deal.sku_id.to_string())
        .bind(deal.product_id.to_string()).bind(seller.to_string())
        .bind(deal.deal.price).bind(deal.deal.quota)
        .bind(deal.deal.starts_at.unix_millis()).bind(deal.deal.ends_at.unix_millis())
        .execute(conn).await.map(|_| ()))?)
}

/// Ends a running flash deal now (the seller stops it early).
pub async fn stop_flash_deal(
    tx: &mut Tx,
    live: LiveId,
    promotion: PromotionId,
    now: Timestamp,
) -> StoreResult<bool> {
    Ok(on_tx!(tx, conn => sqlx::query(
        "UPDATE live_flash_deals SET ends_at = $1 \
         WHERE promotion_id = $2 AND live_id = $3 AND ends_at > $1 AND starts_at < $1")
        .bind(now.unix_millis()).bind(promotion.to_string()).bind(live.to_string())
        .execute(conn).await.map(|r| r.rows_affected() == 1))?)
}

#[derive(sqlx::FromRow)]
struct DealRow {
    promotion_id: String,
    sku_id: String,
    product_id: String,
    price: i64,
    quota: i64,
    sold: i64,
    starts_at: i64,
    ends_at: i64,
}

impl TryFrom<DealRow> for StoredFlashDeal {
    type Error = crate::StoreError;
    fn try_from(r: DealRow) -> StoreResult<StoredFlashDeal> {
        Ok(StoredFlashDeal {
            promotion: r.promotion_id.parse().map_err(corrupt)?,
            sku_id: r.sku_id.parse().map_err(corrupt)?,
            product_id: r.product_id.parse().map_err(corrupt)?,
            deal: FlashDeal {
                price: r.price,
                quota: r.quota,
                starts_at: Timestamp::from_unix_millis(r.starts_at),
                ends_at: Timestamp::from_unix_millis(r.ends_at),
            },
            sold: r.sold,
        })
    }
}

/// A live's flash deals, the latest first.
pub async fn flash_deals_of<'a>(
    reader: impl Into<Reader<'a>>,
    live: LiveId,
) -> StoreResult<Vec<StoredFlashDeal>> {
    let rows: Vec<DealRow> = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT promotion_id, sku_id, product_id, price, quota, sold, starts_at, ends_at \
         FROM live_flash_deals WHERE live_id = $1 ORDER BY starts_at DESC LIMIT 50")
        .bind(live.to_string()).fetch_all(conn).await)?;
    rows.into_iter().map(StoredFlashDeal::try_from).collect()
}

/// Takes `units` of a flash deal's quota on its SKU by a conditional
/// update (never past the quota, whatever the concurrency): `false`, and
/// nothing taken, when fewer are left.
pub async fn take_flash_units(
    tx: &mut Tx,
    promotion: PromotionId,
    sku: SkuId,
    units: i64,
) -> StoreResult<bool> {
    Ok(on_tx!(tx, conn => sqlx::query(
        "UPDATE live_flash_deals SET sold = sold + $3 \
         WHERE promotion_id = $1 AND sku_id = $2 AND sold + $3 <= quota")
        .bind(promotion.to_string()).bind(sku.to_string()).bind(units)
        .execute(conn).await.map(|r| r.rows_affected() == 1))?)
}

/// Gives flash-deal units back (a cancelled or expired order).
pub async fn release_flash_units(
    tx: &mut Tx,
    promotion: PromotionId,
    sku: SkuId,
    units: i64,
) -> StoreResult<()> {
    Ok(on_tx!(tx, conn => sqlx::query(
        "UPDATE live_flash_deals SET sold = sold - $3 \
         WHERE promotion_id = $1 AND sku_id = $2 AND sold >= $3")
        .bind(promotion.to_string()).bind(sku.to_string()).bind(units)
        .execute(conn).await.map(|_| ()))?)
}

/// Whether `promotion` is one of a live's flash deals (its quota is kept
/// here, not in the promotions' tables).
pub async fn is_flash_deal(tx: &mut Tx, promotion: PromotionId) -> StoreResult<bool> {
    let found: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT 1 FROM live_flash_deals WHERE promotion_id = $1")
        .bind(promotion.to_string()).fetch_optional(conn).await)?;
    Ok(found.is_some())
}

/// The live offers on these SKUs at `now`: the live-only prices and the
/// running flash deals with units left, of lives on air. They hold only on
/// their live's channel (the pricing function checks it).
pub async fn offers_of_skus<'a>(
    reader: impl Into<Reader<'a>>,
    skus: &[SkuId],
    now: Timestamp,
) -> StoreResult<Vec<SkuOffer>> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=skus.len()).map(|i| format!("${i}")).collect();
    let condition = format!(
        "l.state = 'live' AND {{t}}.sku_id IN ({})",
        marks.join(", ")
    );
    let binds: Vec<String> = skus.iter().map(ToString::to_string).collect();
    offers_where(reader.into(), &condition, &binds, None, now).await
}

/// One live's offers at `now` as if it were on air since `on_air_since`
/// (the console's preview, and the title check before going on air).
pub async fn offers_of_live<'a>(
    reader: impl Into<Reader<'a>>,
    live: LiveId,
    on_air_since: Timestamp,
    now: Timestamp,
) -> StoreResult<Vec<SkuOffer>> {
    let condition = "l.id = $1".to_owned();
    offers_where(
        reader.into(),
        &condition,
        &[live.to_string()],
        Some(on_air_since),
        now,
    )
    .await
}

#[derive(sqlx::FromRow)]
struct LiveDealRow {
    live_id: String,
    sku_id: String,
    product_id: String,
    price: i64,
    quota: i64,
    sold: i64,
    starts_at: i64,
    ends_at: i64,
}

/// Live prices and running flash deals of the lives matching `condition`
/// (`{t}` is the price's or the deal's table alias).
async fn offers_where(
    mut reader: Reader<'_>,
    condition: &str,
    binds: &[String],
    on_air_since: Option<Timestamp>,
    now: Timestamp,
) -> StoreResult<Vec<SkuOffer>> {
    let price_sql = format!(
        "SELECT p.live_id, p.sku_id, p.product_id, p.price, l.started_at FROM live_prices p \
         JOIN lives l ON l.id = p.live_id WHERE {}",
        condition.replace("{t}", "p")
    );
    let prices: Vec<(String, String, String, i64, Option<i64>)> = on_reader!(reader.reborrow(), conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(price_sql.clone()));
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_all(conn).await
    })?;
    let deal_sql = format!(
        "SELECT d.live_id, d.sku_id, d.product_id, d.price, d.quota, d.sold, \
         d.starts_at, d.ends_at FROM live_flash_deals d JOIN lives l ON l.id = d.live_id \
         WHERE d.sold < d.quota AND d.ends_at > ${} AND {}",
        // A parameter, not the time in the text: the statement is
        // prepared once and kept, not once per millisecond.
        binds.len() + 1,
        condition.replace("{t}", "d")
    );
    let deals: Vec<LiveDealRow> = on_reader!(reader, conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(deal_sql.clone()));
        for b in binds {
            q = q.bind(b);
        }
        q.bind(now.unix_millis()).fetch_all(conn).await
    })?;
    let mut offers = Vec::with_capacity(prices.len() + deals.len());
    for (live, sku, product, price, started_at) in prices {
        let Some(since) = started_at.map(Timestamp::from_unix_millis).or(on_air_since) else {
            continue;
        };
        let live: LiveId = live.parse().map_err(corrupt)?;
        offers.push(SkuOffer {
            sku_id: sku.parse().map_err(corrupt)?,
            product_id: product.parse().map_err(corrupt)?,
            offer: live_offer(live, price, live_window(since, None)),
        });
    }
    for d in deals {
        let live: LiveId = d.live_id.parse().map_err(corrupt)?;
        let deal = FlashDeal {
            price: d.price,
            quota: d.quota,
            starts_at: Timestamp::from_unix_millis(d.starts_at),
            ends_at: Timestamp::from_unix_millis(d.ends_at),
        };
        if let Some(offer) = deal.offer(live, None, d.sold) {
            offers.push(SkuOffer {
                sku_id: d.sku_id.parse().map_err(corrupt)?,
                product_id: d.product_id.parse().map_err(corrupt)?,
                offer,
            });
        }
    }
    Ok(offers)
}

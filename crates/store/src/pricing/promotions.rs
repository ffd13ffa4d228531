//! Promotions (product discounts and flash sales) and their per-SKU terms;
//! flash-sale counters taken by conditional updates, so a quota or a
//! per-buyer limit is never passed, whatever the concurrency.

use etalase_domain::Timestamp;
use etalase_domain::id::{ProductId, PromotionId, SellerId, SkuId};
use etalase_domain::pricing::{Offer, OfferKind, OfferRule, Percent, PromotionState, Window};

use crate::error::corrupt;
use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreResult, Tx};

/// What a promotion does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PromotionType {
    Discount,
    FlashSale,
}

impl PromotionType {
    pub fn as_str(self) -> &'static str {
        match self {
            PromotionType::Discount => "discount",
            PromotionType::FlashSale => "flash_sale",
        }
    }

    pub fn parse(text: &str) -> Option<PromotionType> {
        match text {
            "discount" => Some(PromotionType::Discount),
            "flash_sale" => Some(PromotionType::FlashSale),
            _ => None,
        }
    }
}

/// One SKU's terms in a promotion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromotionItem {
    pub sku_id: SkuId,
    pub product_id: ProductId,
    pub rule: OfferRule,
    /// Units at the flash price (flash sales only).
    pub flash_quota: Option<i64>,
    pub flash_sold: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promotion {
    pub id: PromotionId,
    pub seller_id: SellerId,
    pub kind: PromotionType,
    pub name: String,
    pub window: Window,
    pub per_buyer_limit: Option<i64>,
    pub activated_at: Option<Timestamp>,
    pub deactivated_at: Option<Timestamp>,
    pub version: i32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub updated_by: String,
    pub items: Vec<PromotionItem>,
}

impl Promotion {
    pub fn state(&self, at: Timestamp) -> PromotionState {
        PromotionState::at(
            self.activated_at.is_some(),
            self.deactivated_at.is_some(),
            &self.window,
            at,
        )
    }

    /// The offer one of its items makes.
    pub fn offer(&self, item: &PromotionItem) -> Offer {
        offer_of(self.id, self.kind, self.window, self.per_buyer_limit, item)
    }

    pub fn products(&self) -> Vec<ProductId> {
        let mut ids: Vec<ProductId> = self.items.iter().map(|i| i.product_id).collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

fn offer_of(
    id: PromotionId,
    kind: PromotionType,
    window: Window,
    per_buyer_limit: Option<i64>,
    item: &PromotionItem,
) -> Offer {
    Offer {
        promotion: id,
        kind: match kind {
            PromotionType::Discount => OfferKind::Discount,
            PromotionType::FlashSale => OfferKind::FlashSale {
                quota_left: item.flash_quota.unwrap_or(0) - item.flash_sold,
                per_buyer_limit,
            },
        },
        rule: item.rule,
        window,
    }
}

const PROMOTION_COLUMNS: &str = "id, seller_id, kind, name, starts_at, ends_at, per_buyer_limit, \
    activated_at, deactivated_at, version, created_at, updated_at, updated_by";

#[derive(sqlx::FromRow)]
struct PromotionRow {
    id: String,
    seller_id: String,
    kind: String,
    name: String,
    starts_at: i64,
    ends_at: i64,
    per_buyer_limit: Option<i32>,
    activated_at: Option<i64>,
    deactivated_at: Option<i64>,
    version: i32,
    created_at: i64,
    updated_at: i64,
    updated_by: String,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    promotion_id: String,
    sku_id: String,
    product_id: String,
    rule: String,
    amount: i64,
    flash_quota: Option<i64>,
    flash_sold: i64,
}

fn ms(t: i64) -> Timestamp {
    Timestamp::from_unix_millis(t)
}

impl PromotionRow {
    fn into_promotion(self, items: Vec<PromotionItem>) -> StoreResult<Promotion> {
        Ok(Promotion {
            id: self.id.parse().map_err(corrupt)?,
            seller_id: self.seller_id.parse().map_err(corrupt)?,
            kind: PromotionType::parse(&self.kind).ok_or_else(|| corrupt(&self.kind))?,
            name: self.name,
            window: Window::new(ms(self.starts_at), ms(self.ends_at)).map_err(corrupt)?,
            per_buyer_limit: self.per_buyer_limit.map(i64::from),
            activated_at: self.activated_at.map(ms),
            deactivated_at: self.deactivated_at.map(ms),
            version: self.version,
            created_at: ms(self.created_at),
            updated_at: ms(self.updated_at),
            updated_by: self.updated_by,
            items,
        })
    }
}

impl TryFrom<&ItemRow> for PromotionItem {
    type Error = crate::StoreError;
    fn try_from(r: &ItemRow) -> StoreResult<PromotionItem> {
        Ok(PromotionItem {
            sku_id: r.sku_id.parse().map_err(corrupt)?,
            product_id: r.product_id.parse().map_err(corrupt)?,
            rule: rule_of(&r.rule, r.amount)?,
            flash_quota: r.flash_quota,
            flash_sold: r.flash_sold,
        })
    }
}

fn rule_of(rule: &str, amount: i64) -> StoreResult<OfferRule> {
    match rule {
        "fixed" => Ok(OfferRule::Fixed { price: amount }),
        "percent" => Ok(OfferRule::PercentOff {
            percent: Percent::new(amount).map_err(corrupt)?,
        }),
        other => Err(corrupt(other)),
    }
}

fn rule_columns(rule: OfferRule) -> (&'static str, i64) {
    match rule {
        OfferRule::Fixed { price } => ("fixed", price),
        OfferRule::PercentOff { percent } => ("percent", percent.value() as i64),
    }
}

/// Writes a new promotion with its items.
pub async fn insert_promotion(tx: &mut Tx, p: &Promotion) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO promotions (id, seller_id, kind, name, starts_at, ends_at, per_buyer_limit, \
         activated_at, deactivated_at, version, created_at, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .bind(p.id.to_string()).bind(p.seller_id.to_string()).bind(p.kind.as_str())
        .bind(&p.name).bind(p.window.starts_at.unix_millis())
        .bind(p.window.ends_at.map(Timestamp::unix_millis))
        .bind(p.per_buyer_limit.map(|l| l as i32))
        .bind(p.activated_at.map(Timestamp::unix_millis))
        .bind(p.deactivated_at.map(Timestamp::unix_millis)).bind(p.version)
        .bind(p.created_at.unix_millis()).bind(p.updated_at.unix_millis()).bind(&p.updated_by)
        .execute(conn).await.map(|_| ()))?;
    insert_items(tx, p).await
}

async fn insert_items(tx: &mut Tx, p: &Promotion) -> StoreResult<()> {
    for item in &p.items {
        let (rule, amount) = rule_columns(item.rule);
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO promotion_items (promotion_id, sku_id, product_id, seller_id, rule, amount, \
             flash_quota, flash_sold) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(p.id.to_string()).bind(item.sku_id.to_string())
            .bind(item.product_id.to_string()).bind(p.seller_id.to_string()).bind(rule)
            .bind(amount).bind(item.flash_quota).bind(item.flash_sold)
            .execute(conn).await.map(|_| ()))?;
    }
    Ok(())
}

/// Replaces a promotion's terms and items when it is still at
/// `expected_version`; false (nothing written) when someone saved first.
pub async fn update_promotion(
    tx: &mut Tx,
    p: &Promotion,
    expected_version: i32,
) -> StoreResult<bool> {
    let updated = on_tx!(tx, conn => sqlx::query(
        "UPDATE promotions SET name = $3, starts_at = $4, ends_at = $5, per_buyer_limit = $6, \
         version = version + 1, updated_at = $7, updated_by = $8 \
         WHERE id = $1 AND seller_id = $2 AND version = $9")
        .bind(p.id.to_string()).bind(p.seller_id.to_string()).bind(&p.name)
        .bind(p.window.starts_at.unix_millis()).bind(p.window.ends_at.map(Timestamp::unix_millis))
        .bind(p.per_buyer_limit.map(|l| l as i32)).bind(p.updated_at.unix_millis())
        .bind(&p.updated_by).bind(expected_version)
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if updated == 0 {
        return Ok(false);
    }
    on_tx!(tx, conn => sqlx::query("DELETE FROM promotion_items WHERE promotion_id = $1")
        .bind(p.id.to_string()).execute(conn).await.map(|_| ()))?;
    insert_items(tx, p).await?;
    Ok(true)
}

/// Activates (schedules) or deactivates a promotion.
pub async fn set_promotion_switch(
    tx: &mut Tx,
    seller: SellerId,
    id: PromotionId,
    switch: Switch,
    actor: &str,
    now: Timestamp,
) -> StoreResult<()> {
    // The seller's own only: an id from elsewhere changes nothing.
    let ours: Option<String> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT id FROM promotions WHERE id = $1 AND seller_id = $2")
        .bind(id.to_string()).bind(seller.to_string()).fetch_optional(conn).await)?;
    match ours {
        Some(_) => flip(tx, "promotions", &id.to_string(), switch, actor, now).await,
        None => Err(crate::StoreError::NotFound),
    }
}

/// Sets a promotion's or voucher's switch time and bumps its version.
pub(super) async fn flip(
    tx: &mut Tx,
    table: &'static str,
    id: &str,
    switch: Switch,
    actor: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let column = match switch {
        Switch::Activate => "activated_at",
        Switch::Deactivate => "deactivated_at",
    };
    let sql = format!(
        "UPDATE {table} SET {column} = $2, version = version + 1, updated_at = $2, \
         updated_by = $3 WHERE id = $1"
    );
    on_tx!(tx, conn => sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).bind(now.unix_millis()).bind(actor)
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Turning a promotion or a voucher on (scheduling it) or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    Activate,
    Deactivate,
}

fn items_sql(n: usize) -> String {
    format!(
        "SELECT promotion_id, sku_id, product_id, rule, amount, flash_quota, flash_sold \
         FROM promotion_items WHERE promotion_id IN ({}) ORDER BY promotion_id, sku_id",
        placeholders(1, n)
    )
}

async fn items_of(tx: &mut Tx, ids: &[String]) -> StoreResult<Vec<ItemRow>> {
    let sql = items_sql(ids.len());
    on_tx!(tx, conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(conn).await
    })
    .map_err(Into::into)
}

async fn items_of_pool(store: &Store, ids: &[String]) -> StoreResult<Vec<ItemRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = items_sql(ids.len());
    on_pool!(store, pool => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(pool).await
    })
    .map_err(Into::into)
}

/// `$from, $from+1, …` for an IN list of `n` values.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn assemble(rows: Vec<PromotionRow>, items: Vec<ItemRow>) -> StoreResult<Vec<Promotion>> {
    rows.into_iter()
        .map(|row| {
            let mine = items
                .iter()
                .filter(|i| i.promotion_id == row.id)
                .map(PromotionItem::try_from)
                .collect::<StoreResult<Vec<_>>>()?;
            row.into_promotion(mine)
        })
        .collect()
}

/// A seller's promotion, locked for the rest of the transaction.
pub async fn promotion_in_tx(
    tx: &mut Tx,
    seller: SellerId,
    id: PromotionId,
) -> StoreResult<Promotion> {
    let sql = format!(
        "SELECT {PROMOTION_COLUMNS} FROM promotions WHERE id = $1 AND seller_id = $2{}",
        tx.lock_clause()
    );
    let row: PromotionRow = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(seller.to_string()).fetch_one(conn).await)?;
    let items = items_of(tx, std::slice::from_ref(&row.id)).await?;
    Ok(assemble(vec![row], items)?.remove(0))
}

pub async fn get_promotion(
    store: &Store,
    seller: SellerId,
    id: PromotionId,
) -> StoreResult<Promotion> {
    let sql =
        format!("SELECT {PROMOTION_COLUMNS} FROM promotions WHERE id = $1 AND seller_id = $2");
    let row: PromotionRow = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(seller.to_string()).fetch_one(pool).await)?;
    let items = items_of_pool(store, std::slice::from_ref(&row.id)).await?;
    Ok(assemble(vec![row], items)?.remove(0))
}

/// A seller's promotions, latest-ending first.
pub async fn list_promotions(
    store: &Store,
    seller: SellerId,
    limit: i64,
) -> StoreResult<Vec<Promotion>> {
    let sql = format!(
        "SELECT {PROMOTION_COLUMNS} FROM promotions WHERE seller_id = $1 \
         ORDER BY ends_at DESC, id DESC LIMIT $2"
    );
    let rows: Vec<PromotionRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(seller.to_string()).bind(limit).fetch_all(pool).await)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let items = items_of_pool(store, &ids).await?;
    assemble(rows, items)
}

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
pub async fn live_offers_of_skus(
    store: &Store,
    skus: &[SkuId],
    now: Timestamp,
) -> StoreResult<Vec<SkuOffer>> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    let sql = live_offers_sql("i.sku_id", skus.len());
    let rows: Vec<OfferRow> = on_pool!(store, pool => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(now.unix_millis());
        for s in skus {
            q = q.bind(s.to_string());
        }
        q.fetch_all(pool).await
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

/// Units a buyer has bought at a flash sale's price.
pub async fn flash_units_bought(
    store: &Store,
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
    let rows: Vec<(String, i64)> = on_pool!(store, pool => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(buyer);
        for p in promotions {
            q = q.bind(p.to_string());
        }
        q.fetch_all(pool).await
    })?;
    rows.into_iter()
        .map(|(p, u)| Ok((p.parse().map_err(corrupt)?, u)))
        .collect()
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

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

pub(super) fn offer_of(
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

pub(super) fn ms(t: i64) -> Timestamp {
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

pub(super) fn rule_of(rule: &str, amount: i64) -> StoreResult<OfferRule> {
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

/// `($1, $2), ($3, $4), …` for a row-value IN list of `n` pairs.
pub(crate) fn pair_placeholders(n: usize) -> String {
    (0..n)
        .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
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

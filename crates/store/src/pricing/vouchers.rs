//! Vouchers and what buyers hold of them. A claim moves two counters by
//! conditional updates in one transaction — the buyer's (at most the
//! per-buyer limit) and the voucher's (at most its quota) — so neither is
//! ever passed; the table's CHECK constraints say the same.

use etalase_domain::Timestamp;
use etalase_domain::id::{ProductId, SellerId, UserId, VoucherId};
use etalase_domain::pricing::{Benefit, Issuer, Percent, PromotionState, VoucherCode, Window};

use super::promotions::{Switch, flip, placeholders};
use crate::error::corrupt;
use crate::pool::{Reader, on_pool, on_reader, on_tx};
use crate::{Store, StoreResult, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVoucher {
    pub id: VoucherId,
    pub issuer: Issuer,
    pub code: VoucherCode,
    pub name: String,
    pub benefit: Benefit,
    pub min_spend: i64,
    pub window: Window,
    /// None: the whole shop (or, for the platform's, every shop).
    pub products: Option<Vec<ProductId>>,
    pub quota: i64,
    pub claimed: i64,
    pub used: i64,
    pub per_buyer_limit: i64,
    /// Shown on the shop and product pages to claim; otherwise by code only.
    pub public: bool,
    pub activated_at: Option<Timestamp>,
    pub deactivated_at: Option<Timestamp>,
    pub version: i32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub updated_by: String,
}

impl StoredVoucher {
    pub fn state(&self, at: Timestamp) -> PromotionState {
        PromotionState::at(
            self.activated_at.is_some(),
            self.deactivated_at.is_some(),
            &self.window,
            at,
        )
    }

    pub fn seller(&self) -> Option<SellerId> {
        match self.issuer {
            Issuer::Seller(s) => Some(s),
            Issuer::Platform => None,
        }
    }
}

/// What one buyer holds of one voucher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Holding {
    pub claimed: i64,
    pub used: i64,
}

const VOUCHER_COLUMNS: &str = "id, seller_id, code, name, benefit, amount, cap, min_spend, \
    starts_at, ends_at, products, quota, claimed, used, per_buyer_limit, public, activated_at, \
    deactivated_at, version, created_at, updated_at, updated_by";

#[derive(sqlx::FromRow)]
struct VoucherRow {
    id: String,
    seller_id: Option<String>,
    code: String,
    name: String,
    benefit: String,
    amount: Option<i64>,
    cap: Option<i64>,
    min_spend: i64,
    starts_at: i64,
    ends_at: i64,
    products: Option<String>,
    quota: i64,
    claimed: i64,
    used: i64,
    per_buyer_limit: i32,
    public: bool,
    activated_at: Option<i64>,
    deactivated_at: Option<i64>,
    version: i32,
    created_at: i64,
    updated_at: i64,
    updated_by: String,
}

fn ms(t: i64) -> Timestamp {
    Timestamp::from_unix_millis(t)
}

impl TryFrom<VoucherRow> for StoredVoucher {
    type Error = crate::StoreError;
    fn try_from(r: VoucherRow) -> StoreResult<StoredVoucher> {
        let benefit = match r.benefit.as_str() {
            "percent" => Benefit::PercentOff {
                percent: Percent::new(r.amount.unwrap_or(0)).map_err(corrupt)?,
                cap: r.cap,
            },
            "amount" => Benefit::AmountOff {
                amount: r.amount.ok_or_else(|| corrupt("voucher amount"))?,
            },
            "free_shipping" => Benefit::FreeShipping { cap: r.cap },
            other => return Err(corrupt(other)),
        };
        Ok(StoredVoucher {
            id: r.id.parse().map_err(corrupt)?,
            issuer: match r.seller_id {
                Some(s) => Issuer::Seller(s.parse().map_err(corrupt)?),
                None => Issuer::Platform,
            },
            code: VoucherCode::parse(&r.code).map_err(corrupt)?,
            name: r.name,
            benefit,
            min_spend: r.min_spend,
            window: Window::new(ms(r.starts_at), ms(r.ends_at)).map_err(corrupt)?,
            products: r
                .products
                .map(|p| serde_json::from_str(&p).map_err(corrupt))
                .transpose()?,
            quota: r.quota,
            claimed: r.claimed,
            used: r.used,
            per_buyer_limit: r.per_buyer_limit as i64,
            public: r.public,
            activated_at: r.activated_at.map(ms),
            deactivated_at: r.deactivated_at.map(ms),
            version: r.version,
            created_at: ms(r.created_at),
            updated_at: ms(r.updated_at),
            updated_by: r.updated_by,
        })
    }
}

fn benefit_columns(b: Benefit) -> (&'static str, Option<i64>, Option<i64>) {
    match b {
        Benefit::PercentOff { percent, cap } => ("percent", Some(percent.value() as i64), cap),
        Benefit::AmountOff { amount } => ("amount", Some(amount), None),
        Benefit::FreeShipping { cap } => ("free_shipping", None, cap),
    }
}

pub async fn insert_voucher(tx: &mut Tx, v: &StoredVoucher) -> StoreResult<()> {
    let (benefit, amount, cap) = benefit_columns(v.benefit);
    let products = v
        .products
        .as_ref()
        .map(|p| serde_json::to_string(p).unwrap_or_else(|_| "[]".into()));
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO vouchers (id, seller_id, code, name, benefit, amount, cap, min_spend, starts_at, \
         ends_at, products, quota, claimed, used, per_buyer_limit, public, activated_at, \
         deactivated_at, version, created_at, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, 0, $13, $14, $15, $16, $17, \
         $18, $19, $20)")
        .bind(v.id.to_string()).bind(v.seller().map(|s| s.to_string())).bind(v.code.as_str())
        .bind(&v.name).bind(benefit).bind(amount).bind(cap).bind(v.min_spend)
        .bind(v.window.starts_at.unix_millis()).bind(v.window.ends_at.map(Timestamp::unix_millis))
        .bind(products).bind(v.quota).bind(v.per_buyer_limit as i32).bind(v.public)
        .bind(v.activated_at.map(Timestamp::unix_millis))
        .bind(v.deactivated_at.map(Timestamp::unix_millis)).bind(v.version)
        .bind(v.created_at.unix_millis()).bind(v.updated_at.unix_millis()).bind(&v.updated_by)
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Replaces a voucher's terms when it is still at `expected_version`.
pub async fn update_voucher(
    tx: &mut Tx,
    v: &StoredVoucher,
    expected_version: i32,
) -> StoreResult<bool> {
    let (benefit, amount, cap) = benefit_columns(v.benefit);
    let products = v
        .products
        .as_ref()
        .map(|p| serde_json::to_string(p).unwrap_or_else(|_| "[]".into()));
    let done = on_tx!(tx, conn => sqlx::query(
        "UPDATE vouchers SET code = $2, name = $3, benefit = $4, amount = $5, cap = $6, \
         min_spend = $7, starts_at = $8, ends_at = $9, products = $10, quota = $11, \
         per_buyer_limit = $12, public = $13, version = version + 1, updated_at = $14, \
         updated_by = $15 WHERE id = $1 AND version = $16")
        .bind(v.id.to_string()).bind(v.code.as_str()).bind(&v.name).bind(benefit).bind(amount)
        .bind(cap).bind(v.min_spend).bind(v.window.starts_at.unix_millis())
        .bind(v.window.ends_at.map(Timestamp::unix_millis)).bind(products).bind(v.quota)
        .bind(v.per_buyer_limit as i32).bind(v.public).bind(v.updated_at.unix_millis())
        .bind(&v.updated_by).bind(expected_version)
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(done > 0)
}

pub async fn set_voucher_switch(
    tx: &mut Tx,
    id: VoucherId,
    switch: Switch,
    actor: &str,
    now: Timestamp,
) -> StoreResult<()> {
    flip(tx, "vouchers", &id.to_string(), switch, actor, now).await
}

/// A voucher of `issuer`, locked for the rest of the transaction.
pub async fn voucher_in_tx(
    tx: &mut Tx,
    issuer: Issuer,
    id: VoucherId,
) -> StoreResult<StoredVoucher> {
    let sql = format!(
        "SELECT {VOUCHER_COLUMNS} FROM vouchers WHERE id = $1 AND {}{}",
        issuer_filter(2),
        tx.lock_clause()
    );
    let row: VoucherRow = on_tx!(tx, conn => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id.to_string()).bind(issuer_key(issuer)).fetch_one(conn).await
    })?;
    row.try_into()
}

pub async fn get_voucher(
    store: &Store,
    issuer: Issuer,
    id: VoucherId,
) -> StoreResult<StoredVoucher> {
    let sql = format!(
        "SELECT {VOUCHER_COLUMNS} FROM vouchers WHERE id = $1 AND {}",
        issuer_filter(2)
    );
    let row: VoucherRow = on_pool!(store, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id.to_string()).bind(issuer_key(issuer)).fetch_one(pool).await
    })?;
    row.try_into()
}

/// Any voucher by id (a buyer claiming, a cart).
pub async fn find_voucher(store: &Store, id: VoucherId) -> StoreResult<StoredVoucher> {
    let sql = format!("SELECT {VOUCHER_COLUMNS} FROM vouchers WHERE id = $1");
    let row: VoucherRow = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).fetch_one(pool).await)?;
    row.try_into()
}

/// A voucher by the code a buyer typed.
pub async fn voucher_by_code<'a>(
    reader: impl Into<Reader<'a>>,
    code: &VoucherCode,
) -> StoreResult<Option<StoredVoucher>> {
    let sql = format!("SELECT {VOUCHER_COLUMNS} FROM vouchers WHERE code = $1");
    let row: Option<VoucherRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(code.as_str()).fetch_optional(conn).await)?;
    row.map(TryInto::try_into).transpose()
}

/// An issuer's vouchers, latest-ending first.
pub async fn list_vouchers(
    store: &Store,
    issuer: Issuer,
    limit: i64,
) -> StoreResult<Vec<StoredVoucher>> {
    let sql = format!(
        "SELECT {VOUCHER_COLUMNS} FROM vouchers WHERE {} ORDER BY ends_at DESC, id DESC LIMIT $1",
        issuer_filter(2)
    );
    let rows: Vec<VoucherRow> = on_pool!(store, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(limit).bind(issuer_key(issuer)).fetch_all(pool).await
    })?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Public vouchers buyers can claim now on a shop (the shop's own and
/// the platform's), soonest-ending first.
pub async fn claimable_vouchers(
    store: &Store,
    seller: SellerId,
    now: Timestamp,
) -> StoreResult<Vec<StoredVoucher>> {
    let sql = format!(
        "SELECT {VOUCHER_COLUMNS} FROM vouchers WHERE (seller_id = $1 OR seller_id IS NULL) \
         AND public AND activated_at IS NOT NULL AND deactivated_at IS NULL \
         AND starts_at <= $2 AND ends_at > $2 AND claimed < quota AND benefit <> 'free_shipping' \
         ORDER BY ends_at, id LIMIT 20"
    );
    let rows: Vec<VoucherRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(seller.to_string()).bind(now.unix_millis()).fetch_all(pool).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Public free-shipping vouchers running now with quota left (what the
/// Shop's "Gratis ongkir" filter covers).
pub async fn running_free_shipping(
    store: &Store,
    now: Timestamp,
) -> StoreResult<Vec<StoredVoucher>> {
    let sql = format!(
        "SELECT {VOUCHER_COLUMNS} FROM vouchers WHERE benefit = 'free_shipping' \
         AND public AND activated_at IS NOT NULL AND deactivated_at IS NULL \
         AND starts_at <= $1 AND ends_at > $1 AND used < quota ORDER BY id LIMIT 100"
    );
    let rows: Vec<VoucherRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(now.unix_millis()).fetch_all(pool).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// `COALESCE(seller_id, '') = $n`: one statement for a seller's vouchers
/// and the platform's (bound to [`issuer_key`]).
fn issuer_filter(n: usize) -> String {
    format!("COALESCE(seller_id, '') = ${n}")
}

fn issuer_key(issuer: Issuer) -> String {
    match issuer {
        Issuer::Seller(s) => s.to_string(),
        Issuer::Platform => String::new(),
    }
}

/// What a claim did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimOutcome {
    Claimed,
    /// The quota is used up; nothing changed (once rolled back).
    UsedUp,
    /// The buyer holds as many as the limit allows.
    LimitReached,
}

/// One claim of a voucher by a buyer. The buyer's counter first (a row of
/// its own, little contention), then the voucher's, whose row lock is then
/// held only until the commit. On a refusal the caller rolls back.
pub async fn claim(
    tx: &mut Tx,
    voucher: VoucherId,
    buyer: UserId,
    per_buyer_limit: i64,
    now: Timestamp,
) -> StoreResult<ClaimOutcome> {
    let held: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO voucher_holders (voucher_id, buyer_id, claimed, used, first_claimed_at) \
         VALUES ($1, $2, 1, 0, $3) \
         ON CONFLICT (voucher_id, buyer_id) DO UPDATE SET claimed = voucher_holders.claimed + 1 \
         WHERE voucher_holders.claimed < $4 RETURNING CAST(claimed AS BIGINT)")
        .bind(voucher.to_string()).bind(buyer.to_string()).bind(now.unix_millis())
        .bind(per_buyer_limit).fetch_optional(conn).await)?;
    if held.is_none() {
        return Ok(ClaimOutcome::LimitReached);
    }
    let claimed: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "UPDATE vouchers SET claimed = claimed + 1 WHERE id = $1 AND claimed < quota RETURNING claimed")
        .bind(voucher.to_string()).fetch_optional(conn).await)?;
    Ok(if claimed.is_some() {
        ClaimOutcome::Claimed
    } else {
        ClaimOutcome::UsedUp
    })
}

/// What a buyer holds of some vouchers.
pub async fn holdings<'a>(
    reader: impl Into<Reader<'a>>,
    buyer: UserId,
    vouchers: &[VoucherId],
) -> StoreResult<Vec<(VoucherId, Holding)>> {
    if vouchers.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT voucher_id, CAST(claimed AS BIGINT), CAST(used AS BIGINT) FROM voucher_holders \
         WHERE buyer_id = $1 AND voucher_id IN ({})",
        placeholders(2, vouchers.len())
    );
    let rows: Vec<(String, i64, i64)> = on_reader!(reader.into(), conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(buyer.to_string());
        for v in vouchers {
            q = q.bind(v.to_string());
        }
        q.fetch_all(conn).await
    })?;
    rows.into_iter()
        .map(|(v, claimed, used)| Ok((v.parse().map_err(corrupt)?, Holding { claimed, used })))
        .collect()
}

/// Vouchers a buyer holds with claims left to use.
pub async fn wallet(
    store: &Store,
    buyer: UserId,
    now: Timestamp,
) -> StoreResult<Vec<StoredVoucher>> {
    let sql = format!(
        "SELECT {} FROM vouchers v JOIN voucher_holders h ON h.voucher_id = v.id \
         WHERE h.buyer_id = $1 AND h.used < h.claimed AND v.ends_at > $2 AND v.deactivated_at IS NULL \
         ORDER BY v.ends_at, v.id",
        VOUCHER_COLUMNS
            .split(", ")
            .map(|c| format!("v.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rows: Vec<VoucherRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(buyer.to_string()).bind(now.unix_millis()).fetch_all(pool).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// One use of a voucher on an order: an unused claim of the buyer's if
/// there is one, otherwise a claim and its use at once (a code typed at
/// checkout), under the same quota and per-buyer limit as a claim. On a
/// refusal the caller rolls back.
pub async fn use_voucher(
    tx: &mut Tx,
    voucher: VoucherId,
    buyer: UserId,
    per_buyer_limit: i64,
    now: Timestamp,
) -> StoreResult<ClaimOutcome> {
    if !use_held_claim(tx, voucher, buyer).await? {
        match claim(tx, voucher, buyer, per_buyer_limit, now).await? {
            ClaimOutcome::Claimed => {}
            refused => return Ok(refused),
        }
        if !use_held_claim(tx, voucher, buyer).await? {
            return Err(corrupt("a fresh voucher claim could not be used"));
        }
    }
    Ok(ClaimOutcome::Claimed)
}

async fn use_held_claim(tx: &mut Tx, voucher: VoucherId, buyer: UserId) -> StoreResult<bool> {
    let used: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "UPDATE voucher_holders SET used = used + 1 \
         WHERE voucher_id = $1 AND buyer_id = $2 AND used < claimed RETURNING CAST(used AS BIGINT)")
        .bind(voucher.to_string()).bind(buyer.to_string()).fetch_optional(conn).await)?;
    if used.is_none() {
        return Ok(false);
    }
    on_tx!(tx, conn => sqlx::query("UPDATE vouchers SET used = used + 1 WHERE id = $1")
        .bind(voucher.to_string()).execute(conn).await.map(|_| ()))?;
    Ok(true)
}

/// Gives a use back (a cancelled order): the buyer keeps the claim and may
/// use the voucher again while it runs.
pub async fn release_voucher_use(
    tx: &mut Tx,
    voucher: VoucherId,
    buyer: UserId,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE voucher_holders SET used = used - 1 WHERE voucher_id = $1 AND buyer_id = $2 AND used > 0")
        .bind(voucher.to_string()).bind(buyer.to_string()).execute(conn).await.map(|_| ()))?;
    on_tx!(tx, conn => sqlx::query("UPDATE vouchers SET used = used - 1 WHERE id = $1 AND used > 0")
        .bind(voucher.to_string()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

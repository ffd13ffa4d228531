//! Seller verification records. Sensitive values arrive here already sealed
//! by the services' vault; this module never sees a plain NIK, NPWP or
//! account number. Every read takes the seller's id.

use etalase_domain::Timestamp;
use etalase_domain::id::{SellerId, UserId};
use etalase_domain::verification::{BusinessType, VerificationState, WizardStep};

use crate::error::corrupt;
use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreError, StoreResult, Tx};

#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub seller_id: SellerId,
    pub state: VerificationState,
    pub business_type: Option<BusinessType>,
    pub category_focus: Option<String>,
    pub completed_steps: Vec<WizardStep>,
    pub round: i32,
    pub submitted_at: Option<Timestamp>,
    /// `YYYY-MM-DD` in WIB.
    pub decision_due_on: Option<String>,
    pub decision_due_is_estimate: bool,
    pub decided_at: Option<Timestamp>,
    /// JSON of the latest rejection's findings.
    pub findings: Option<String>,
    pub submitted_fingerprint: Option<String>,
}

#[derive(sqlx::FromRow)]
struct VerificationRow {
    seller_id: String,
    state: String,
    business_type: Option<String>,
    category_focus: Option<String>,
    completed_steps: String,
    round: i32,
    submitted_at: Option<i64>,
    decision_due_on: Option<String>,
    decision_due_is_estimate: bool,
    decided_at: Option<i64>,
    findings: Option<String>,
    submitted_fingerprint: Option<String>,
}

fn business_type_str(b: BusinessType) -> &'static str {
    match b {
        BusinessType::Individual => "individual",
        BusinessType::Company => "company",
    }
}

impl TryFrom<VerificationRow> for Verification {
    type Error = StoreError;
    fn try_from(row: VerificationRow) -> StoreResult<Verification> {
        Ok(Verification {
            seller_id: SellerId::parse(&row.seller_id).map_err(corrupt)?,
            state: VerificationState::parse(&row.state).ok_or_else(|| corrupt(&row.state))?,
            business_type: match row.business_type.as_deref() {
                None => None,
                Some("individual") => Some(BusinessType::Individual),
                Some("company") => Some(BusinessType::Company),
                Some(other) => return Err(corrupt(other)),
            },
            category_focus: row.category_focus,
            completed_steps: row
                .completed_steps
                .split_whitespace()
                .map(|s| WizardStep::parse(s).ok_or_else(|| corrupt(s)))
                .collect::<StoreResult<_>>()?,
            round: row.round,
            submitted_at: row.submitted_at.map(Timestamp::from_unix_millis),
            decision_due_on: row.decision_due_on,
            decision_due_is_estimate: row.decision_due_is_estimate,
            decided_at: row.decided_at.map(Timestamp::from_unix_millis),
            findings: row.findings,
            submitted_fingerprint: row.submitted_fingerprint,
        })
    }
}

const VERIFICATION_COLUMNS: &str = "seller_id, state, business_type, category_focus, completed_steps, round, \
     submitted_at, decision_due_on, decision_due_is_estimate, decided_at, findings, submitted_fingerprint";

pub async fn insert_verification(
    tx: &mut Tx,
    seller: SellerId,
    state: VerificationState,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO seller_verifications (seller_id, state, updated_at) VALUES ($1, $2, $3)")
        .bind(seller.to_string()).bind(state.as_str()).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn get_verification(store: &Store, seller: SellerId) -> StoreResult<Verification> {
    let sql =
        format!("SELECT {VERIFICATION_COLUMNS} FROM seller_verifications WHERE seller_id = $1");
    let row: VerificationRow = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(seller.to_string()).fetch_one(pool).await)?;
    row.try_into()
}

/// Reads the record inside a write transaction, locking it on PostgreSQL
/// (SQLite's single writer already serialises).
pub async fn lock_verification(tx: &mut Tx, seller: SellerId) -> StoreResult<Verification> {
    let lock = tx.lock_clause();
    let sql = format!(
        "SELECT {VERIFICATION_COLUMNS} FROM seller_verifications WHERE seller_id = $1{lock}"
    );
    let row: VerificationRow = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(seller.to_string()).fetch_one(conn).await)?;
    row.try_into()
}

/// Writes back every field a command may change.
pub async fn save_verification(tx: &mut Tx, v: &Verification, now: Timestamp) -> StoreResult<()> {
    let steps: Vec<&str> = v.completed_steps.iter().map(|s| s.as_str()).collect();
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE seller_verifications SET state = $2, business_type = $3, category_focus = $4, \
         completed_steps = $5, round = $6, submitted_at = $7, decision_due_on = $8, \
         decision_due_is_estimate = $9, decided_at = $10, findings = $11, submitted_fingerprint = $12, \
         updated_at = $13 WHERE seller_id = $1")
        .bind(v.seller_id.to_string()).bind(v.state.as_str())
        .bind(v.business_type.map(business_type_str)).bind(&v.category_focus)
        .bind(steps.join(" ")).bind(v.round)
        .bind(v.submitted_at.map(Timestamp::unix_millis)).bind(&v.decision_due_on)
        .bind(v.decision_due_is_estimate).bind(v.decided_at.map(Timestamp::unix_millis))
        .bind(&v.findings).bind(&v.submitted_fingerprint).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A seller waiting for review, for the admin queue.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueEntry {
    pub seller_id: String,
    pub shop_name: String,
    pub shop_slug: String,
    pub state: String,
    pub round: i32,
    pub submitted_at: i64,
    pub decision_due_on: Option<String>,
}

/// Oldest submission first.
pub async fn review_queue(store: &Store, limit: i64) -> StoreResult<Vec<QueueEntry>> {
    let rows = on_pool!(store, pool => sqlx::query_as(
        "SELECT v.seller_id, s.name AS shop_name, s.slug AS shop_slug, v.state, v.round, \
                v.submitted_at, v.decision_due_on \
         FROM seller_verifications v JOIN sellers s ON s.id = v.seller_id \
         WHERE v.state IN ('submitted', 'in_review') AND v.submitted_at IS NOT NULL \
         ORDER BY v.submitted_at, v.seller_id LIMIT $1")
        .bind(limit).fetch_all(pool).await)?;
    Ok(rows)
}

// ---- identity, tax, addresses, bank account, documents -----------------------

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IdentityRecord {
    pub full_name: String,
    pub nik_sealed: String,
    pub nik_masked: String,
    pub nik_fingerprint: String,
    pub birth_date: String,
    pub gender: String,
    pub company_name: Option<String>,
    pub nib: Option<String>,
}

pub async fn put_identity(
    tx: &mut Tx,
    seller: SellerId,
    r: &IdentityRecord,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO kyc_identities (seller_id, full_name, nik_sealed, nik_masked, nik_fingerprint, birth_date, gender, company_name, nib, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (seller_id) DO UPDATE SET full_name = excluded.full_name, nik_sealed = excluded.nik_sealed, \
           nik_masked = excluded.nik_masked, nik_fingerprint = excluded.nik_fingerprint, birth_date = excluded.birth_date, \
           gender = excluded.gender, company_name = excluded.company_name, nib = excluded.nib, updated_at = excluded.updated_at")
        .bind(seller.to_string()).bind(&r.full_name).bind(&r.nik_sealed).bind(&r.nik_masked)
        .bind(&r.nik_fingerprint).bind(&r.birth_date).bind(&r.gender).bind(&r.company_name).bind(&r.nib)
        .bind(now.unix_millis()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn get_identity(store: &Store, seller: SellerId) -> StoreResult<Option<IdentityRecord>> {
    let row = on_pool!(store, pool => sqlx::query_as(
        "SELECT full_name, nik_sealed, nik_masked, nik_fingerprint, birth_date, gender, company_name, nib \
         FROM kyc_identities WHERE seller_id = $1")
        .bind(seller.to_string()).fetch_optional(pool).await)?;
    Ok(row)
}

/// How many other shops registered this person (by NIK fingerprint).
pub async fn count_other_shops_with_nik(
    tx: &mut Tx,
    fingerprint: &str,
    except: SellerId,
) -> StoreResult<i64> {
    let (n,): (i64,) = on_tx!(tx, conn => sqlx::query_as(
        "SELECT COUNT(*) FROM kyc_identities WHERE nik_fingerprint = $1 AND seller_id <> $2")
        .bind(fingerprint).bind(except.to_string()).fetch_one(conn).await)?;
    Ok(n)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaxRecord {
    pub npwp_sealed: String,
    pub npwp_masked: String,
}

pub async fn put_tax(
    tx: &mut Tx,
    seller: SellerId,
    r: &TaxRecord,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO kyc_tax (seller_id, npwp_sealed, npwp_masked, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (seller_id) DO UPDATE SET npwp_sealed = excluded.npwp_sealed, npwp_masked = excluded.npwp_masked, \
           updated_at = excluded.updated_at")
        .bind(seller.to_string()).bind(&r.npwp_sealed).bind(&r.npwp_masked).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn get_tax(store: &Store, seller: SellerId) -> StoreResult<Option<TaxRecord>> {
    let row = on_pool!(store, pool => sqlx::query_as(
        "SELECT npwp_sealed, npwp_masked FROM kyc_tax WHERE seller_id = $1")
        .bind(seller.to_string()).fetch_optional(pool).await)?;
    Ok(row)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AddressRecord {
    /// `business` or `pickup`.
    pub kind: String,
    pub street: String,
    pub district_code: String,
    pub postal_code: String,
    /// E.164.
    pub phone: String,
}

pub async fn put_address(
    tx: &mut Tx,
    seller: SellerId,
    r: &AddressRecord,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO kyc_addresses (seller_id, kind, street, district_code, postal_code, phone, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (seller_id, kind) DO UPDATE SET street = excluded.street, district_code = excluded.district_code, \
           postal_code = excluded.postal_code, phone = excluded.phone, updated_at = excluded.updated_at")
        .bind(seller.to_string()).bind(&r.kind).bind(&r.street).bind(&r.district_code)
        .bind(&r.postal_code).bind(&r.phone).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn list_addresses(store: &Store, seller: SellerId) -> StoreResult<Vec<AddressRecord>> {
    let rows = on_pool!(store, pool => sqlx::query_as(
        "SELECT kind, street, district_code, postal_code, phone FROM kyc_addresses WHERE seller_id = $1 ORDER BY kind")
        .bind(seller.to_string()).fetch_all(pool).await)?;
    Ok(rows)
}

/// The district code of the seller's pickup (warehouse) address, where its
/// parcels leave from.
pub async fn pickup_district_in_tx(tx: &mut Tx, seller: SellerId) -> StoreResult<Option<String>> {
    let code: Option<String> = on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT district_code FROM kyc_addresses WHERE seller_id = $1 AND kind = 'pickup'")
        .bind(seller.to_string()).fetch_optional(conn).await)?;
    Ok(code)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BankAccountRecord {
    pub bank_code: String,
    pub account_sealed: String,
    pub account_masked: String,
    pub holder_name: String,
}

pub async fn put_bank_account(
    tx: &mut Tx,
    seller: SellerId,
    r: &BankAccountRecord,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO kyc_bank_accounts (seller_id, bank_code, account_sealed, account_masked, holder_name, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (seller_id) DO UPDATE SET bank_code = excluded.bank_code, account_sealed = excluded.account_sealed, \
           account_masked = excluded.account_masked, holder_name = excluded.holder_name, updated_at = excluded.updated_at")
        .bind(seller.to_string()).bind(&r.bank_code).bind(&r.account_sealed).bind(&r.account_masked)
        .bind(&r.holder_name).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn get_bank_account(
    store: &Store,
    seller: SellerId,
) -> StoreResult<Option<BankAccountRecord>> {
    let row = on_pool!(store, pool => sqlx::query_as(
        "SELECT bank_code, account_sealed, account_masked, holder_name FROM kyc_bank_accounts WHERE seller_id = $1")
        .bind(seller.to_string()).fetch_optional(pool).await)?;
    Ok(row)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentRecord {
    pub slot: String,
    pub object_key: String,
    pub mime: String,
    pub size_bytes: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// Space-separated warning names (`blurry`, `low_resolution`).
    pub warnings: String,
    pub uploaded_at: i64,
}

pub async fn put_document(tx: &mut Tx, seller: SellerId, r: &DocumentRecord) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO kyc_documents (seller_id, slot, object_key, mime, size_bytes, width, height, warnings, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (seller_id, slot) DO UPDATE SET object_key = excluded.object_key, mime = excluded.mime, \
           size_bytes = excluded.size_bytes, width = excluded.width, height = excluded.height, \
           warnings = excluded.warnings, uploaded_at = excluded.uploaded_at")
        .bind(seller.to_string()).bind(&r.slot).bind(&r.object_key).bind(&r.mime).bind(r.size_bytes)
        .bind(r.width).bind(r.height).bind(&r.warnings).bind(r.uploaded_at)
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn list_documents(store: &Store, seller: SellerId) -> StoreResult<Vec<DocumentRecord>> {
    let rows = on_pool!(store, pool => sqlx::query_as(
        "SELECT slot, object_key, mime, size_bytes, width, height, warnings, uploaded_at \
         FROM kyc_documents WHERE seller_id = $1 ORDER BY slot")
        .bind(seller.to_string()).fetch_all(pool).await)?;
    Ok(rows)
}

// ---- decisions ---------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DecisionRecord {
    pub id: String,
    pub round: i32,
    pub decision: String,
    pub findings: Option<String>,
    pub note: Option<String>,
    pub reviewer_id: String,
    pub decided_at: i64,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_decision(
    tx: &mut Tx,
    seller: SellerId,
    round: i32,
    decision: &str,
    findings: Option<&str>,
    note: Option<&str>,
    reviewer: UserId,
    now: Timestamp,
) -> StoreResult<()> {
    let id = etalase_domain::id::DecisionId::generate().to_string();
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO verification_decisions (id, seller_id, round, decision, findings, note, reviewer_id, decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id).bind(seller.to_string()).bind(round).bind(decision).bind(findings).bind(note)
        .bind(reviewer.to_string()).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn list_decisions(store: &Store, seller: SellerId) -> StoreResult<Vec<DecisionRecord>> {
    let rows = on_pool!(store, pool => sqlx::query_as(
        "SELECT id, round, decision, findings, note, reviewer_id, decided_at FROM verification_decisions \
         WHERE seller_id = $1 ORDER BY decided_at, id")
        .bind(seller.to_string()).fetch_all(pool).await)?;
    Ok(rows)
}

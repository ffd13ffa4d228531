//! Integrators' API keys: only a hash of the secret is kept.

use etalase_domain::Timestamp;
use etalase_domain::id::{ApiKeyId, SellerId, UserId};
use etalase_domain::policy::ApiScope;

use crate::error::corrupt;
use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreError, StoreResult, Tx};

#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub seller_id: SellerId,
    pub name: String,
    /// The first characters of the secret, shown so a seller can tell keys apart.
    pub token_prefix: String,
    pub scopes: Vec<ApiScope>,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct ApiKeyRow {
    id: String,
    seller_id: String,
    name: String,
    token_prefix: String,
    scopes: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = StoreError;
    fn try_from(row: ApiKeyRow) -> StoreResult<ApiKey> {
        let scopes = row
            .scopes
            .split_whitespace()
            .map(|s| ApiScope::parse(s).ok_or_else(|| corrupt(s)))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(ApiKey {
            id: ApiKeyId::parse(&row.id).map_err(corrupt)?,
            seller_id: SellerId::parse(&row.seller_id).map_err(corrupt)?,
            name: row.name,
            token_prefix: row.token_prefix,
            scopes,
            created_at: Timestamp::from_unix_millis(row.created_at),
            last_used_at: row.last_used_at.map(Timestamp::from_unix_millis),
            revoked_at: row.revoked_at.map(Timestamp::from_unix_millis),
        })
    }
}

const KEY_COLUMNS: &str =
    "id, seller_id, name, token_prefix, scopes, created_at, last_used_at, revoked_at";

pub struct NewApiKey<'a> {
    pub id: ApiKeyId,
    pub seller: SellerId,
    pub name: &'a str,
    pub token_prefix: &'a str,
    pub token_hash: &'a str,
    pub scopes: &'a [ApiScope],
    pub created_by: UserId,
}

pub async fn insert_api_key(tx: &mut Tx, key: NewApiKey<'_>, now: Timestamp) -> StoreResult<()> {
    let scopes = key
        .scopes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO api_keys (id, seller_id, name, token_prefix, token_hash, scopes, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(key.id.to_string()).bind(key.seller.to_string()).bind(key.name)
        .bind(key.token_prefix).bind(key.token_hash).bind(&scopes)
        .bind(key.created_by.to_string()).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn find_by_token_hash(store: &Store, token_hash: &str) -> StoreResult<Option<ApiKey>> {
    let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE token_hash = $1");
    let row: Option<ApiKeyRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(token_hash).fetch_optional(pool).await)?;
    row.map(ApiKey::try_from).transpose()
}

pub async fn list_api_keys(store: &Store, seller: SellerId) -> StoreResult<Vec<ApiKey>> {
    let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE seller_id = $1 ORDER BY id DESC");
    let rows: Vec<ApiKeyRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(seller.to_string()).fetch_all(pool).await)?;
    rows.into_iter().map(ApiKey::try_from).collect()
}

/// Records use at most once a minute per key, so a busy integration does not
/// turn every read into a write.
pub async fn touch_api_key(tx: &mut Tx, id: ApiKeyId, now: Timestamp) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)")
        .bind(id.to_string()).bind(now.unix_millis()).bind(now.plus_seconds(-60).unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn revoke_api_key(
    tx: &mut Tx,
    seller: SellerId,
    id: ApiKeyId,
    now: Timestamp,
) -> StoreResult<()> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE api_keys SET revoked_at = $3 WHERE seller_id = $1 AND id = $2 AND revoked_at IS NULL")
        .bind(seller.to_string()).bind(id.to_string()).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

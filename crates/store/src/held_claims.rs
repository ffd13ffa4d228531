//! The idempotency keys a PostgreSQL batch claims as it begins (see
//! `idempotency::BatchKeys`): a row inserted for each, which makes a
//! concurrent writer of the same key wait for the batch, and deleted just
//! before the batch writes its rows — the keys' answers among them.

use std::collections::{BTreeSet, HashSet};

use etalase_domain::Timestamp;

use crate::{StoreResult, Tx};

/// PostgreSQL: inserts a claim's row for each free key (in key order, so
/// that two batches claiming shared keys wait for each other instead of
/// deadlocking), replacing an expired key's row; what comes back is
/// claimed. A live row (answered, or committed by another node since the
/// read) is left alone. The claim's empty request hash is never read: the
/// row is deleted before the transaction ends ([`free_claims`]), which
/// the transaction is told of here.
pub(crate) async fn claim(
    tx: &mut Tx,
    free: BTreeSet<&(String, String)>,
    now: Timestamp,
    expired_before: Timestamp,
) -> StoreResult<HashSet<(String, String)>> {
    if free.is_empty() {
        return Ok(HashSet::new());
    }
    let (principals, keys): (Vec<&str>, Vec<&str>) = free
        .into_iter()
        .map(|(principal, key)| (principal.as_str(), key.as_str()))
        .unzip();
    let claimed: Vec<(String, String)> = sqlx::query_as(
        "INSERT INTO idempotency_keys (principal, idempotency_key, request_hash, created_at) \
         SELECT principal, idempotency_key, '', $3 \
         FROM UNNEST($1::text[], $2::text[]) AS free (principal, idempotency_key) \
         ON CONFLICT (principal, idempotency_key) DO UPDATE SET \
         request_hash = excluded.request_hash, created_at = excluded.created_at, \
         status = NULL, body = NULL, completed_at = NULL \
         WHERE idempotency_keys.created_at < $4 \
         RETURNING principal, idempotency_key",
    )
    .bind(&principals)
    .bind(&keys)
    .bind(now.unix_millis())
    .bind(expired_before.unix_millis())
    .fetch_all(postgres_conn(tx).await?)
    .await?;
    let claimed: HashSet<(String, String)> = claimed.into_iter().collect();
    tx.claimed_keys.extend(claimed.iter().cloned());
    Ok(claimed)
}

/// Deletes the rows of the keys the transaction claimed, before the
/// answers kept for them are written with the batch's rows; a claimed key
/// that got no answer is free again.
pub(crate) async fn free_claims(tx: &mut Tx) -> StoreResult<()> {
    let claimed = std::mem::take(&mut tx.claimed_keys);
    if claimed.is_empty() {
        return Ok(());
    }
    let (principals, keys): (Vec<String>, Vec<String>) = claimed.into_iter().unzip();
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE (principal, idempotency_key) IN \
         (SELECT * FROM UNNEST($1::text[], $2::text[]))",
    )
    .bind(&principals)
    .bind(&keys)
    .execute(postgres_conn(tx).await?)
    .await?;
    Ok(())
}

/// The connection of a PostgreSQL transaction (claims are PostgreSQL's).
async fn postgres_conn(tx: &mut Tx) -> StoreResult<&mut sqlx::PgConnection> {
    tx.postgres_conn()
        .await?
        .ok_or_else(|| crate::StoreError::Corrupt("idempotency claims outside PostgreSQL".into()))
}

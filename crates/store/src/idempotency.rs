//! Idempotency keys (migration `0007_idempotency.sql`).

use std::collections::{BTreeSet, HashMap, HashSet};

use etalase_domain::Timestamp;

use crate::cells::Cell;
use crate::pool::{on_reader, on_tx};
use crate::{Reader, StoreResult, Tx};

/// What is known of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    pub request_hash: String,
    /// The response, once the first request finished.
    pub response: Option<(u16, String)>,
    pub created_at: Timestamp,
}

pub async fn find<'a>(
    reader: impl Into<Reader<'a>>,
    principal: &str,
    key: &str,
) -> StoreResult<Option<StoredKey>> {
    let row: Option<(String, Option<i32>, Option<String>, i64)> = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT request_hash, status, body, created_at FROM idempotency_keys \
         WHERE principal = $1 AND idempotency_key = $2")
        .bind(principal).bind(key).fetch_optional(conn).await)?;
    Ok(row.map(|(request_hash, status, body, at)| stored_key(request_hash, status, body, at)))
}

/// Claims the key for a request that is about to run. A claim older than
/// `expired_before` is replaced; a live one is left alone and answered with
/// a conflict (on PostgreSQL a concurrent claim of the same key waits for
/// the first, then gets that conflict), so two requests never both run.
pub async fn claim(
    tx: &mut Tx,
    principal: &str,
    key: &str,
    request_hash: &str,
    now: Timestamp,
    expired_before: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "DELETE FROM idempotency_keys WHERE principal = $1 AND idempotency_key = $2 \
         AND created_at < $3")
        .bind(principal).bind(key).bind(expired_before.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO idempotency_keys (principal, idempotency_key, request_hash, created_at) \
         VALUES ($1, $2, $3, $4)")
        .bind(principal).bind(key).bind(request_hash).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// What a batch's transaction read of its units' idempotency keys as it
/// began, in one statement for them all: the stored key (its answer, or
/// that its first request still runs) of each key a row held, so that a
/// retry is answered from it inside the batch with no read of its own
/// beforehand; and which keys the transaction holds free ("absent"), so
/// that their answers are kept with the batch's other rows, written
/// together, instead of one statement each ([`insert_answered`]).
///
/// On SQLite the write transaction shuts out every other writer: a key no
/// row held stays free until it ends. PostgreSQL's writers run side by
/// side, so there the batch claims its free (or expired) keys in one more
/// statement: it inserts a row for each, which makes a concurrent writer
/// of the same key wait for this transaction, and deletes those rows just
/// before its own rows are written (`Tx::write_appends`), answers and all
/// (see `held_claims`).
/// No other transaction ever sees a claim's row. A key the claim finds
/// taken (another node answered it after the read) is kept by a statement
/// of its own, which meets the other's row.
#[derive(Default)]
pub struct BatchKeys {
    stored: HashMap<(String, String), StoredKey>,
    absent: HashSet<(String, String)>,
}

/// Keys per statement (two parameters each).
const KEYS_PER_READ: usize = 400;

type StoredKeyRow = (String, String, String, Option<i32>, Option<String>, i64);

impl BatchKeys {
    /// Reads `keys` inside the batch's transaction, at `now`; a stored key
    /// created before `expired_before` is free again.
    pub async fn read(
        tx: &mut Tx,
        keys: &[(String, String)],
        (now, expired_before): (Timestamp, Timestamp),
    ) -> StoreResult<BatchKeys> {
        let mut read = BatchKeys::default();
        if keys.is_empty() {
            return Ok(read);
        }
        for chunk in keys.chunks(KEYS_PER_READ) {
            let sql = format!(
                "SELECT principal, idempotency_key, request_hash, status, body, created_at \
                 FROM idempotency_keys WHERE (principal, idempotency_key) IN (VALUES {})",
                crate::pricing::pair_placeholders(chunk.len())
            );
            let rows: Vec<StoredKeyRow> = on_tx!(tx, conn => {
                let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for (principal, key) in chunk {
                    query = query.bind(principal).bind(key);
                }
                query.fetch_all(conn).await
            })?;
            for (principal, key, request_hash, status, body, at) in rows {
                read.stored
                    .insert((principal, key), stored_key(request_hash, status, body, at));
            }
        }
        if tx.shuts_out_other_writers() {
            read.absent = keys
                .iter()
                .filter(|key| !read.stored.contains_key(*key))
                .cloned()
                .collect();
        } else if tx.appends.collecting() {
            // (A claim is freed as the collected rows are written; a
            // transaction that writes its rows at once keeps each key by
            // its own statement.)
            let free: BTreeSet<&(String, String)> = keys
                .iter()
                .filter(|key| {
                    read.stored
                        .get(*key)
                        .is_none_or(|stored| stored.created_at < expired_before)
                })
                .collect();
            read.absent = crate::held_claims::claim(tx, free, now, expired_before).await?;
        }
        Ok(read)
    }

    /// What a row held for the key as the batch began.
    pub fn stored(&self, principal: &str, key: &str) -> Option<&StoredKey> {
        self.stored.get(&(principal.to_owned(), key.to_owned()))
    }

    /// Whether the transaction holds the key free; it vouches once. (A batch
    /// never keeps one key twice: a node runs one request per key at a
    /// time.)
    fn take_absent(&mut self, principal: &str, key: &str) -> bool {
        self.absent.remove(&(principal.to_owned(), key.to_owned()))
    }
}

fn stored_key(
    request_hash: String,
    status: Option<i32>,
    body: Option<String>,
    created_at: i64,
) -> StoredKey {
    StoredKey {
        request_hash,
        response: status.zip(body).map(|(s, b)| (s as u16, b)),
        created_at: Timestamp::from_unix_millis(created_at),
    }
}

const ANSWERED_COLUMNS: &[&str] = &[
    "principal",
    "idempotency_key",
    "request_hash",
    "created_at",
    "status",
    "body",
    "completed_at",
];

/// Keeps a key with its answer at once, in the transaction of the work it
/// guards (so the key and the work commit together or not at all). A live
/// key already there (another request answered it first) is left alone
/// and `false` is returned: the caller must undo its work.
pub async fn insert_answered(
    tx: &mut Tx,
    read: &mut BatchKeys,
    (principal, key): (&str, &str),
    request_hash: &str,
    (status, body): (u16, &str),
    now: Timestamp,
    expired_before: Timestamp,
) -> StoreResult<bool> {
    if read.take_absent(principal, key) {
        // No row to meet: appended with the batch's rows (or at once when
        // the transaction does not collect them).
        let cells: Vec<Cell> = vec![
            principal.into(),
            key.into(),
            request_hash.into(),
            now.unix_millis().into(),
            i32::from(status).into(),
            body.into(),
            now.unix_millis().into(),
        ];
        crate::rows::append(tx, "idempotency_keys", ANSWERED_COLUMNS, cells).await?;
        return Ok(true);
    }
    // One statement (it runs once per order of a batch): a new key is
    // inserted, an expired one replaced, a live one left alone.
    let kept = on_tx!(tx, conn => sqlx::query(
        "INSERT INTO idempotency_keys \
         (principal, idempotency_key, request_hash, created_at, status, body, completed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $4) \
         ON CONFLICT (principal, idempotency_key) DO UPDATE SET \
         request_hash = excluded.request_hash, created_at = excluded.created_at, \
         status = excluded.status, body = excluded.body, completed_at = excluded.completed_at \
         WHERE idempotency_keys.created_at < $7")
        .bind(principal).bind(key).bind(request_hash).bind(now.unix_millis())
        .bind(i32::from(status)).bind(body).bind(expired_before.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(kept == 1)
}

pub async fn complete(
    tx: &mut Tx,
    principal: &str,
    key: &str,
    status: u16,
    body: &str,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE idempotency_keys SET status = $3, body = $4, completed_at = $5 \
         WHERE principal = $1 AND idempotency_key = $2")
        .bind(principal).bind(key).bind(i32::from(status)).bind(body).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Lets a key be used again (the request it claimed failed on our side).
pub async fn release(tx: &mut Tx, principal: &str, key: &str) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "DELETE FROM idempotency_keys WHERE principal = $1 AND idempotency_key = $2 AND status IS NULL")
        .bind(principal).bind(key).execute(conn).await.map(|_| ()))?;
    Ok(())
}

//! Idempotency keys for creating requests of the API: the first response
//! (success or refusal) is kept with the key and replayed to retries for
//! 24 hours; the same key on a different request is refused (422); a retry
//! while the first is still running is told so (409). A request that failed
//! on our side (5xx) frees its key, so the retry runs.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::{StoreResult, Tx, idempotency};
use sha2::{Digest, Sha256};

use crate::{ServiceError, ServiceResult, Services};

/// How long a key's response is replayed.
pub const RETENTION_MS: i64 = 24 * 3600 * 1000;
/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// Run it; then call [`finish`] (or [`abandon`]).
    Run,
    /// Answer with the first response again.
    Replay { status: u16, body: String },
}

/// A stable fingerprint of a request: method, path and body.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update([0]);
    hash.update(path.as_bytes());
    hash.update([0]);
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn begin(
    svc: &Services,
    principal: &str,
    key: &str,
    request_hash: &str,
) -> ServiceResult<Begin> {
    check_key(key)?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    if let Some(answer) = answered(
        idempotency::find(&mut tx, principal, key).await?,
        request_hash,
        now,
    ) {
        return answer.map(|(status, body)| Begin::Replay { status, body });
    }
    match idempotency::claim(
        &mut tx,
        principal,
        key,
        request_hash,
        now,
        expired_before(now),
    )
    .await
    {
        Ok(()) => {}
        // Another request claimed the key between our read and our claim.
        Err(etalase_store::StoreError::Conflict { .. }) => {
            return Err(ErrorCode::IdempotencyInProgress.into());
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(Begin::Run)
}

fn check_key(key: &str) -> ServiceResult<()> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || key.chars().any(|c| c.is_control()) {
        return Err(ServiceError::field(
            "Idempotency-Key",
            ErrorCode::InvalidIdempotencyKey,
        ));
    }
    Ok(())
}

/// What a key still within its retention says about a request with it:
/// its first answer (status and body) to replay, a different request
/// refused (422), or the first still running (409). `None`: the key is
/// free.
fn answered(
    stored: Option<idempotency::StoredKey>,
    request_hash: &str,
    now: Timestamp,
) -> Option<ServiceResult<(u16, String)>> {
    let stored = stored?;
    // Expired as the store's statements see it (created before the
    // window), so that a key this lets run is one they replace.
    if stored.created_at < expired_before(now) {
        return None;
    }
    if stored.request_hash != request_hash {
        return Some(Err(ErrorCode::IdempotencyKeyReused.into()));
    }
    Some(
        stored
            .response
            .ok_or_else(|| ErrorCode::IdempotencyInProgress.into()),
    )
}

/// Keys whose request runs on this node now, so that a retry arriving
/// meanwhile is told 409 without touching the database. (Across nodes the
/// key's primary key decides: see [`keep_answer`].)
#[derive(Default)]
pub struct InFlight(Mutex<HashSet<(String, String)>>);

impl InFlight {
    fn running(&self) -> std::sync::MutexGuard<'_, HashSet<(String, String)>> {
        // The set stays consistent whatever panicked while holding it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A key held for a request that keeps its answer in the transaction of its
/// own work ([`keep_answer`]) rather than in transactions of their own —
/// the hot path of placing orders, where every durable commit counts.
/// Dropping it frees the key on this node.
pub struct Keyed {
    pub principal: String,
    pub key: String,
    pub request_hash: String,
    running: Arc<InFlight>,
}

impl Drop for Keyed {
    fn drop(&mut self) {
        self.running
            .running()
            .remove(&(self.principal.clone(), self.key.clone()));
    }
}

/// Before a request that keeps its key's answer with its own work: holds
/// the key on this node (409 if a request with it runs here now). Whether
/// the key was answered before is read with the work, in its batch
/// ([`earlier_answer`]): a read here would be one more statement for
/// every order of a flash sale, to serve the rare retry.
pub fn hold(
    svc: &Services,
    principal: &str,
    key: &str,
    request_hash: &str,
) -> ServiceResult<Keyed> {
    check_key(key)?;
    let entry = (principal.to_owned(), key.to_owned());
    if !svc.keys_in_flight.running().insert(entry) {
        return Err(ErrorCode::IdempotencyInProgress.into());
    }
    Ok(Keyed {
        principal: principal.to_owned(),
        key: key.to_owned(),
        request_hash: request_hash.to_owned(),
        running: svc.keys_in_flight.clone(),
    })
}

/// Reads (and, where other writers run beside it, claims) the keys of a
/// batch's units inside its transaction, at the batch's time `now` (see
/// [`idempotency::BatchKeys`]).
pub async fn read_batch_keys(
    tx: &mut Tx,
    keys: &[(String, String)],
    now: Timestamp,
) -> StoreResult<idempotency::BatchKeys> {
    idempotency::BatchKeys::read(tx, keys, (now, expired_before(now))).await
}

fn expired_before(now: Timestamp) -> Timestamp {
    Timestamp::from_unix_millis(now.unix_millis() - RETENTION_MS)
}

/// What the key of `keyed` said as its batch began (see
/// [`idempotency::BatchKeys`]): the first answer to replay, a different
/// request refused (422), or the first still running (409). `None`: the
/// key is free, and the work runs.
pub fn earlier_answer(
    keys: &idempotency::BatchKeys,
    keyed: &Keyed,
    now: Timestamp,
) -> Option<ServiceResult<(u16, String)>> {
    answered(
        keys.stored(&keyed.principal, &keyed.key).cloned(),
        &keyed.request_hash,
        now,
    )
}

/// Keeps `answer` for `keyed` in `tx`, the transaction of the work the key
/// guards (`read`: what its batch read of its keys, see
/// [`idempotency::BatchKeys`]). `false`: another request (on another
/// node) answered the key first; the caller undoes its work and replays
/// that answer ([`answer_of`]).
pub async fn keep_answer(
    tx: &mut Tx,
    read: &mut idempotency::BatchKeys,
    keyed: &Keyed,
    answer: (u16, &str),
    now: Timestamp,
) -> StoreResult<bool> {
    idempotency::insert_answered(
        tx,
        read,
        (&keyed.principal, &keyed.key),
        &keyed.request_hash,
        answer,
        now,
        expired_before(now),
    )
    .await
}

/// The answer (status and body) another request kept for this key (see
/// [`keep_answer`]).
pub async fn answer_of(svc: &Services, keyed: &Keyed) -> ServiceResult<(u16, String)> {
    let stored = idempotency::find(&svc.store, &keyed.principal, &keyed.key).await?;
    answered(stored, &keyed.request_hash, svc.now())
        .unwrap_or_else(|| Err(ErrorCode::IdempotencyInProgress.into()))
}

pub async fn finish(
    svc: &Services,
    principal: &str,
    key: &str,
    status: u16,
    body: &str,
) -> ServiceResult<()> {
    let mut tx = svc.store.write().await?;
    idempotency::complete(&mut tx, principal, key, status, body, svc.now()).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn abandon(svc: &Services, principal: &str, key: &str) -> ServiceResult<()> {
    let mut tx = svc.store.write().await?;
    idempotency::release(&mut tx, principal, key).await?;
    tx.commit().await?;
    Ok(())
}

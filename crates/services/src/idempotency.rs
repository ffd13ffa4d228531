//! Idempotency keys for creating requests of the API: the first response
//! (success or refusal) is kept with the key and replayed to retries for
//! 24 hours; the same key on a different request is refused (422); a retry
//! while the first is still running is told so (409). A request that failed
//! on our side (5xx) frees its key, so the retry runs.

use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::idempotency;
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
    if key.is_empty() || key.len() > MAX_KEY_LEN || key.chars().any(|c| c.is_control()) {
        return Err(ServiceError::field(
            "Idempotency-Key",
            ErrorCode::InvalidIdempotencyKey,
        ));
    }
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    if let Some(stored) = idempotency::find(&mut tx, principal, key).await?
        && now.unix_millis() - stored.created_at.unix_millis() < RETENTION_MS
    {
        if stored.request_hash != request_hash {
            return Err(ErrorCode::IdempotencyKeyReused.into());
        }
        return match stored.response {
            Some((status, body)) => Ok(Begin::Replay { status, body }),
            None => Err(ErrorCode::IdempotencyInProgress.into()),
        };
    }
    let expired_before = Timestamp::from_unix_millis(now.unix_millis() - RETENTION_MS);
    match idempotency::claim(&mut tx, principal, key, request_hash, now, expired_before).await {
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

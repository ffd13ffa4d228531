//! A session's idle clock, moved forward without a write on the request
//! path. A signed-in request refreshes its session's `last_seen_at` at most
//! once a minute; done inline, that is a durable write transaction on
//! the first request of every buyer who comes back — in a flash sale,
//! thousands of them at once, each waiting for SQLite's single writer.
//! When the server runs a writer ([`spawn_writer`]) a request only notes
//! the time here; the writer stores what gathered in one transaction every
//! second (and at shutdown). Losing the notes of the last second to a
//! crash leaves a session's idle clock that much older: the session ends
//! that much sooner, never later. Without a writer (commands, tests), the
//! refresh is written inline as before.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use etalase_domain::Timestamp;
use etalase_store::accounts as store;

use crate::{ServiceResult, Services};

/// Notes beyond this are written inline: a flood must not grow memory
/// without bound.
const MAX_PENDING: usize = 100_000;

#[derive(Default)]
pub struct SessionTouches {
    /// Session (token hash) → when it was last seen, not yet stored.
    pending: Mutex<HashMap<String, Timestamp>>,
    /// A writer runs: notes are kept for it.
    deferred: AtomicBool,
}

impl SessionTouches {
    /// When this node last saw the session, if not yet stored.
    pub fn seen(&self, token_hash: &str) -> Option<Timestamp> {
        self.lock().get(token_hash).copied()
    }

    /// Keeps the note for the writer; `false` when there is none (or too
    /// much is waiting): the caller writes it itself.
    pub fn note(&self, token_hash: &str, at: Timestamp) -> bool {
        if !self.deferred.load(Ordering::Relaxed) {
            return false;
        }
        let mut pending = self.lock();
        if pending.len() >= MAX_PENDING && !pending.contains_key(token_hash) {
            return false;
        }
        let seen = pending.entry(token_hash.to_owned()).or_insert(at);
        *seen = (*seen).max(at);
        true
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Timestamp>> {
        // A map of times stays usable whatever panicked while holding it.
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts back what a failed write took (a newer note wins).
    fn put_back(&self, taken: HashMap<String, Timestamp>) {
        let mut pending = self.lock();
        for (token, at) in taken {
            let seen = pending.entry(token).or_insert(at);
            *seen = (*seen).max(at);
        }
    }
}

/// Stores every noted refresh in one transaction; returns how many.
pub async fn flush(svc: &Services) -> ServiceResult<usize> {
    let taken = std::mem::take(&mut *svc.session_touches.lock());
    if taken.is_empty() {
        return Ok(0);
    }
    let written = async {
        let seen: Vec<(&str, Timestamp)> = taken
            .iter()
            .map(|(token, at)| (token.as_str(), *at))
            .collect();
        let mut tx = svc.store.write().await?;
        store::touch_sessions(&mut tx, &seen).await?;
        tx.commit().await?;
        ServiceResult::Ok(taken.len())
    }
    .await;
    if written.is_err() {
        svc.session_touches.put_back(taken);
    }
    written
}

/// The writer: stores the noted refreshes every `every`. Stop it with
/// [`flush`] after aborting, so nothing stays behind.
pub fn spawn_writer(svc: Services, every: Duration) -> tokio::task::JoinHandle<()> {
    svc.session_touches.deferred.store(true, Ordering::Relaxed);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            if let Err(e) = flush(&svc).await {
                tracing::warn!(error = %e, "session refreshes not stored yet; trying again");
            }
        }
    })
}

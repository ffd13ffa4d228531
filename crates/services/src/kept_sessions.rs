//! Sessions read a moment ago, given again without a read. A buyer's
//! requests come in runs — a checkout summary and then the order, a page
//! and its next page — and each signed-in request used to read its session
//! (one statement, and on SQLite a hop to a reader connection's thread and
//! back). This node keeps each session it read for [`MAX_AGE`] on the
//! services' clock.
//!
//! Ending a session shows at once on this node: signing out, a sign-in that
//! replaces the browser's session, an expired session, a password change
//! (every session of the user) and a change of language forget what is
//! kept, after their commit, and a read under way across such a change is
//! not kept. Another node's (or a command's) change shows here within
//! [`MAX_AGE`]. The idle and age limits are judged on every request, kept
//! or not.

use std::sync::atomic::{AtomicU64, Ordering};

use etalase_domain::Timestamp;
use etalase_store::accounts::SessionRecord;
use quick_cache::sync::Cache;

/// How long a session read is given again.
pub const MAX_AGE_MS: i64 = 1_000;
/// Sessions kept at most (the least used go first).
const CAPACITY: usize = 100_000;

#[derive(Clone)]
struct Kept {
    record: SessionRecord,
    read_at: Timestamp,
}

pub struct KeptSessions {
    kept: Cache<String, Kept>,
    /// Moves with every forgetting: a read that began before one is not
    /// kept (it may have read what was just ended).
    forgotten: AtomicU64,
}

impl Default for KeptSessions {
    fn default() -> Self {
        KeptSessions {
            kept: Cache::new(CAPACITY),
            forgotten: AtomicU64::new(0),
        }
    }
}

/// Taken before a read; [`KeptSessions::keep`] keeps the read only if
/// nothing was forgotten since.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl KeptSessions {
    /// The session read at most [`MAX_AGE_MS`] before `now`.
    pub fn get(&self, token_hash: &str, now: Timestamp) -> Option<SessionRecord> {
        let kept = self.kept.get(token_hash)?;
        let age = now.unix_millis() - kept.read_at.unix_millis();
        (0..MAX_AGE_MS).contains(&age).then_some(kept.record)
    }

    pub fn ticket(&self) -> Ticket {
        Ticket(self.forgotten.load(Ordering::Acquire))
    }

    pub fn keep(&self, ticket: Ticket, record: &SessionRecord, read_at: Timestamp) {
        let unchanged = || self.forgotten.load(Ordering::Acquire) == ticket.0;
        if !unchanged() {
            return;
        }
        self.kept.insert(
            record.token_hash.clone(),
            Kept {
                record: record.clone(),
                read_at,
            },
        );
        // A forgetting between the check and the insert found nothing to
        // remove: take the read back out.
        if !unchanged() {
            self.kept.remove(&record.token_hash);
        }
    }

    /// After a commit that ended this session.
    pub fn forget(&self, token_hash: &str) {
        self.forgotten.fetch_add(1, Ordering::AcqRel);
        self.kept.remove(token_hash);
    }

    /// After a commit that changed a user (their sessions are not indexed
    /// by user: a password or language change is rare enough to forget all).
    pub fn forget_all(&self) {
        self.forgotten.fetch_add(1, Ordering::AcqRel);
        self.kept.clear();
    }
}

#[cfg(test)]
mod tests {
    use etalase_domain::account::Email;
    use etalase_domain::id::UserId;
    use etalase_store::accounts::User;

    use super::*;

    fn record(token_hash: &str) -> SessionRecord {
        let at = Timestamp::from_unix_millis(1_795_000_000_000);
        SessionRecord {
            token_hash: token_hash.into(),
            user: User {
                id: UserId::generate(),
                email: Email::parse("sari@contoh.id").unwrap(),
                name: "Sari".into(),
                password_hash: String::new(),
                is_admin: false,
                lang: None,
                created_at: at,
            },
            created_at: at,
            last_seen_at: at,
        }
    }

    /// A read that began before a forgetting may hold what was just ended:
    /// it is not kept, whichever session was forgotten.
    #[test]
    fn a_read_across_a_forgetting_is_not_kept() {
        let kept = KeptSessions::default();
        let now = Timestamp::from_unix_millis(1_795_000_000_000);
        let ticket = kept.ticket();
        kept.keep(ticket, &record("a"), now);
        assert!(kept.get("a", now).is_some());

        let ticket = kept.ticket();
        kept.forget("other");
        kept.keep(ticket, &record("b"), now);
        assert!(kept.get("b", now).is_none());

        let ticket = kept.ticket();
        kept.forget_all();
        assert!(kept.get("a", now).is_none());
        kept.keep(ticket, &record("a"), now);
        assert!(kept.get("a", now).is_none());
        // Read before it was written (another clock's instant): not given.
        kept.keep(kept.ticket(), &record("c"), now);
        assert!(
            kept.get("c", Timestamp::from_unix_millis(now.unix_millis() - 1))
                .is_none()
        );
    }
}

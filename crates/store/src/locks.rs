//! The rows a write transaction holds locked (PostgreSQL's `FOR UPDATE`),
//! so that a batch's units do not lock again what an earlier unit of the
//! same transaction already holds. A lock taken inside a savepoint that is
//! rolled back is released with it, so it is forgotten here too.

use std::collections::HashSet;

#[derive(Default)]
pub(crate) struct HeldLocks {
    held: HashSet<String>,
    /// Locked since the open savepoint (none open: `None`).
    since_savepoint: Option<Vec<String>>,
}

impl HeldLocks {
    /// Those of `ids` the transaction does not hold yet.
    pub(crate) fn not_held(&self, ids: Vec<String>) -> Vec<String> {
        ids.into_iter()
            .filter(|id| !self.held.contains(id))
            .collect()
    }

    /// `ids` were locked (by a statement that succeeded).
    pub(crate) fn taken(&mut self, ids: &[String]) {
        for id in ids {
            if self.held.insert(id.clone())
                && let Some(since) = &mut self.since_savepoint
            {
                since.push(id.clone());
            }
        }
    }

    pub(crate) fn savepoint(&mut self) {
        self.since_savepoint = Some(Vec::new());
    }

    pub(crate) fn release(&mut self) {
        self.since_savepoint = None;
    }

    /// The savepoint was rolled back to: its locks are gone (it stays open).
    pub(crate) fn undo(&mut self) {
        if let Some(since) = &mut self.since_savepoint {
            for id in since.drain(..) {
                self.held.remove(&id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn locks_follow_savepoints() {
        let mut locks = HeldLocks::default();
        locks.taken(&ids(&["a"]));
        locks.savepoint();
        assert_eq!(locks.not_held(ids(&["a", "b"])), ids(&["b"]));
        locks.taken(&ids(&["b"]));
        // Rolled back: b's lock went with the savepoint, a's stays.
        locks.undo();
        assert_eq!(locks.not_held(ids(&["a", "b"])), ids(&["b"]));
        locks.taken(&ids(&["b", "c"]));
        locks.release();
        locks.savepoint();
        locks.undo();
        assert!(locks.not_held(ids(&["a", "b", "c"])).is_empty());
    }
}

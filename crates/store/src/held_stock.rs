//! The stock a batch's transaction takes, kept in memory until the batch
//! writes its rows: each SKU's row is read (and locked, on PostgreSQL) the
//! first time a unit takes from it, every unit's take is checked against
//! the level held here, and the batch writes one update per SKU however
//! many of its orders took from it (a flash sale's hundreds of orders of
//! one SKU in a batch used to be as many updates of one row). Follows the
//! transaction's savepoints: a unit rolled back gives its units back, and
//! a level first read by a rolled-back unit is forgotten (its row lock went
//! with the savepoint), so the next unit reads and locks it again.

use std::collections::HashMap;

use etalase_domain::Timestamp;

/// A SKU's row, by seller and SKU id.
pub(crate) type SkuKey = (String, String);

struct Held {
    /// The level after every take so far.
    level: i64,
    /// What the takes added up to (written at the end).
    delta: i64,
    at: Timestamp,
}

enum Step {
    Read(SkuKey),
    Moved(SkuKey, i64),
}

#[derive(Default)]
pub(crate) struct HeldStock {
    skus: HashMap<SkuKey, Held>,
    /// What happened since the open savepoint, to undo in reverse.
    since_savepoint: Option<Vec<Step>>,
}

impl HeldStock {
    /// The level held for a SKU, if a unit read it.
    pub(crate) fn level(&self, sku: &SkuKey) -> Option<i64> {
        self.skus.get(sku).map(|h| h.level)
    }

    /// The SKU's row was read (and locked) at `level`.
    pub(crate) fn read(&mut self, sku: SkuKey, level: i64, at: Timestamp) {
        self.skus.insert(
            sku.clone(),
            Held {
                level,
                delta: 0,
                at,
            },
        );
        self.step(Step::Read(sku));
    }

    /// `delta` taken from (or given to) a SKU that was read.
    pub(crate) fn moved(&mut self, sku: &SkuKey, delta: i64, at: Timestamp) {
        if let Some(held) = self.skus.get_mut(sku) {
            held.level += delta;
            held.delta += delta;
            held.at = at;
            self.step(Step::Moved(sku.clone(), delta));
        }
    }

    fn step(&mut self, step: Step) {
        if let Some(since) = &mut self.since_savepoint {
            since.push(step);
        }
    }

    pub(crate) fn savepoint(&mut self) {
        self.since_savepoint = Some(Vec::new());
    }

    pub(crate) fn release(&mut self) {
        self.since_savepoint = None;
    }

    pub(crate) fn undo(&mut self) {
        let Some(since) = &mut self.since_savepoint else {
            return;
        };
        for step in since.drain(..).rev() {
            match step {
                Step::Read(sku) => {
                    self.skus.remove(&sku);
                }
                Step::Moved(sku, delta) => {
                    if let Some(held) = self.skus.get_mut(&sku) {
                        held.level -= delta;
                        held.delta -= delta;
                    }
                }
            }
        }
    }

    /// The SKUs whose level moved, with the total move, the level it must
    /// come to and the time of the last move; forgets them all.
    pub(crate) fn take(&mut self) -> Vec<(SkuKey, i64, i64, Timestamp)> {
        let mut moved: Vec<_> = self
            .skus
            .drain()
            .filter(|(_, h)| h.delta != 0)
            .map(|(sku, h)| (sku, h.delta, h.level, h.at))
            .collect();
        // One order for every batch: the rows' locks are already held, but
        // a stable order keeps the writes reproducible.
        moved.sort_by(|a, b| a.0.cmp(&b.0));
        self.since_savepoint = self.since_savepoint.as_ref().map(|_| Vec::new());
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(sku: &str) -> SkuKey {
        ("sel_1".to_string(), sku.to_string())
    }

    #[test]
    fn takes_follow_savepoints() {
        let at = Timestamp::from_unix_millis(0);
        let mut stock = HeldStock::default();
        stock.savepoint();
        stock.read(key("a"), 10, at);
        stock.moved(&key("a"), -3, at);
        stock.release();
        // A unit that read b and took from both, rolled back.
        stock.savepoint();
        stock.read(key("b"), 5, at);
        stock.moved(&key("b"), -5, at);
        stock.moved(&key("a"), -2, at);
        stock.undo();
        assert_eq!(stock.level(&key("a")), Some(7));
        assert_eq!(stock.level(&key("b")), None, "read by the rolled-back unit");
        stock.release();
        stock.savepoint();
        stock.moved(&key("a"), -7, at);
        stock.release();
        assert_eq!(stock.take(), vec![(key("a"), -10, 0, at)]);
        assert_eq!(stock.level(&key("a")), None);
    }
}

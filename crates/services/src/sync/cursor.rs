//! A consumer's place in the outbox, stored under its name. On PostgreSQL a
//! sequence number is taken at insert, so an event can become visible after
//! a later one: the cursor never moves past such a gap until it is old
//! enough to be a rolled-back transaction's; events beyond it are handed out
//! once meanwhile.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use etalase_store::outbox::{self, OutboxEvent};
use etalase_store::sync as states;

use crate::{ServiceResult, Services};

/// How long a hole in the sequence may be an in-flight transaction before
/// it counts as a rolled-back one.
const GAP_GRACE: Duration = Duration::from_secs(10);

pub struct OutboxCursor {
    consumer: &'static str,
    position: i64,
    /// Events beyond a gap already handed out.
    handed: BTreeSet<i64>,
    /// When each missing seq was first noticed.
    gaps: HashMap<i64, Instant>,
}

impl OutboxCursor {
    pub async fn load(svc: &Services, consumer: &'static str) -> ServiceResult<OutboxCursor> {
        Ok(OutboxCursor {
            consumer,
            position: states::position(&svc.store, consumer).await?,
            handed: BTreeSet::new(),
            gaps: HashMap::new(),
        })
    }

    pub fn position(&self) -> i64 {
        self.position
    }

    /// The next events not handed out yet (all read events, for
    /// [`OutboxCursor::advance`], and the fresh ones).
    pub async fn read(
        &self,
        svc: &Services,
        limit: i64,
    ) -> ServiceResult<(Vec<OutboxEvent>, Vec<OutboxEvent>)> {
        let events = outbox::read_after(&svc.store, self.position, limit).await?;
        let fresh = events
            .iter()
            .filter(|e| !self.handed.contains(&e.seq))
            .cloned()
            .collect();
        Ok((events, fresh))
    }

    /// Moves over the events read (once they are dealt with), but not past a
    /// gap an in-flight transaction may still fill.
    pub async fn advance(&mut self, svc: &Services, events: &[OutboxEvent]) -> ServiceResult<()> {
        let reached = self.reach(events);
        self.settle(events, reached);
        self.skip_to(svc, reached).await
    }

    /// How far the events read let the position move: over them, but not
    /// past a gap an in-flight transaction may still fill. Nothing moves
    /// until [`OutboxCursor::settle`].
    pub fn reach(&mut self, events: &[OutboxEvent]) -> i64 {
        let mut next = self.position + 1;
        for event in events {
            if event.seq != next {
                let first_seen = *self.gaps.entry(next).or_insert_with(Instant::now);
                if first_seen.elapsed() < GAP_GRACE {
                    break;
                }
                self.gaps.remove(&next);
            }
            next = event.seq + 1;
        }
        next - 1
    }

    /// Once the events read are dealt with: the ones beyond `reached` are
    /// not handed out again.
    pub fn settle(&mut self, events: &[OutboxEvent], reached: i64) {
        for event in events.iter().filter(|e| e.seq > reached) {
            self.handed.insert(event.seq);
        }
    }

    /// Where the position is to be written when it moves to `seq`: the
    /// consumer's name, or none when `seq` is not ahead. Written by the
    /// caller in its own transaction, then told with [`OutboxCursor::moved_to`].
    pub fn moving_to(&self, seq: i64) -> Option<(&'static str, i64)> {
        (seq > self.position).then_some((self.consumer, seq))
    }

    /// The position written at `seq` by the caller.
    pub fn moved_to(&mut self, seq: i64) {
        if seq > self.position {
            self.position = seq;
            self.handed = self.handed.split_off(&(seq + 1));
            self.gaps.retain(|s, _| *s > seq);
        }
    }

    /// Moves the position to `seq` if it is behind.
    pub async fn skip_to(&mut self, svc: &Services, seq: i64) -> ServiceResult<()> {
        if let Some((consumer, seq)) = self.moving_to(seq) {
            let mut tx = svc.store.write().await?;
            states::set_position(&mut tx, consumer, seq, svc.now()).await?;
            tx.commit().await?;
            self.moved_to(seq);
        }
        Ok(())
    }
}

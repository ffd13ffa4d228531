//! How fast each viewer may comment: a sustained pace with a small burst
//! (a token bucket, kept as one "next free" instant per viewer — the
//! generic cell rate algorithm), and a hard cap per minute over a sliding
//! window. The caller passes the time, so the limiter is pure and its tests
//! run on simulated time.
//!
//! Memory is bounded: a viewer silent for a minute is in the same state as
//! one never seen, so it is forgotten (swept at most once a minute), and
//! the number of viewers remembered is capped. When the cap is reached and
//! nobody can be forgotten yet, a *new* viewer waits until someone can:
//! evicting a remembered viewer would hand them a fresh burst, and the
//! cap is only reached under a flood of new accounts.

use std::collections::{HashMap, VecDeque};

use crate::{ErrorCode, Timestamp};

/// The sliding window of the per-minute cap.
const MINUTE_MS: i64 = 60_000;

/// The limiter's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimiterConfig {
    /// The sustained pace: one comment per this many milliseconds.
    pub interval_ms: i64,
    /// Comments that may come at once after a pause.
    pub burst: i64,
    /// Comments in any sixty seconds, whatever the pace allows.
    pub per_minute: usize,
    /// Viewers remembered at once.
    pub max_viewers: usize,
}

impl Default for LimiterConfig {
    /// One comment per 2 s, bursts of 3, at most 20 a minute; 20,000
    /// viewers remembered (a few megabytes).
    fn default() -> Self {
        LimiterConfig {
            interval_ms: 2_000,
            burst: 3,
            per_minute: 20,
            max_viewers: 20_000,
        }
    }
}

impl LimiterConfig {
    /// Every setting at least 1: a zero would refuse everyone forever.
    fn sane(self) -> LimiterConfig {
        LimiterConfig {
            interval_ms: self.interval_ms.max(1),
            burst: self.burst.max(1),
            per_minute: self.per_minute.max(1),
            max_viewers: self.max_viewers.max(1),
        }
    }

    /// How long after their last comment a viewer's state is a fresh one.
    fn forget_after_ms(&self) -> i64 {
        MINUTE_MS.max(self.burst.saturating_mul(self.interval_ms))
    }
}

/// How long to wait before commenting again (answered with
/// [`RetryAfter::code`] and a `Retry-After` header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RetryAfter {
    pub millis: i64,
}

impl RetryAfter {
    /// Whole seconds, rounded up (a header of 0 would invite a retry now).
    pub fn seconds(self) -> i64 {
        (self.millis.max(1) as u64).div_ceil(1000) as i64
    }

    pub fn code(self) -> ErrorCode {
        ErrorCode::CommentTooFast
    }
}

/// One viewer's pace.
#[derive(Debug, Clone)]
struct Pace {
    /// When the bucket is full again (the GCRA's theoretical arrival time).
    full_at: i64,
    /// The admitted comments of the last minute, oldest first (at most
    /// `per_minute` of them).
    recent: VecDeque<i64>,
    last: i64,
}

impl Pace {
    fn new(now: i64) -> Pace {
        Pace {
            full_at: now,
            recent: VecDeque::new(),
            last: now,
        }
    }

    /// How long until a comment at `now` may be admitted (0: now).
    fn wait(&mut self, c: &LimiterConfig, now: i64) -> i64 {
        while self
            .recent
            .front()
            .is_some_and(|t| *t <= now.saturating_sub(MINUTE_MS))
        {
            self.recent.pop_front();
        }
        let slack = (c.burst - 1).saturating_mul(c.interval_ms);
        let bucket = self.full_at.saturating_sub(slack).saturating_sub(now);
        let minute = match self.recent.front() {
            Some(oldest) if self.recent.len() >= c.per_minute => {
                oldest.saturating_add(MINUTE_MS).saturating_sub(now)
            }
            _ => 0,
        };
        bucket.max(minute).max(0)
    }

    fn take(&mut self, c: &LimiterConfig, now: i64) {
        self.full_at = self.full_at.max(now).saturating_add(c.interval_ms);
        self.recent.push_back(now);
        self.last = self.last.max(now);
    }
}

/// Paces comments per viewer (a user id, or a guest's session id: keys
/// are kept, so they should be short).
#[derive(Debug, Clone)]
pub struct CommentLimiter {
    config: LimiterConfig,
    viewers: HashMap<String, Pace>,
    /// The next time idle viewers are swept out.
    sweep_at: i64,
    /// When full: the earliest time a remembered viewer can be forgotten.
    room_at: i64,
}

impl Default for CommentLimiter {
    fn default() -> Self {
        CommentLimiter::new(LimiterConfig::default())
    }
}

impl CommentLimiter {
    pub fn new(config: LimiterConfig) -> CommentLimiter {
        CommentLimiter {
            config: config.sane(),
            viewers: HashMap::new(),
            sweep_at: i64::MIN,
            room_at: i64::MIN,
        }
    }

    /// Admits a comment of `viewer` at `now`, or says how long to wait. A
    /// refused comment costs nothing: only admitted ones count.
    pub fn admit(&mut self, viewer: &str, now: Timestamp) -> Result<(), RetryAfter> {
        let now = now.unix_millis();
        if now >= self.sweep_at {
            self.sweep(now);
        }
        if !self.viewers.contains_key(viewer) {
            self.make_room(now)?;
            self.viewers.insert(viewer.to_owned(), Pace::new(now));
        }
        let config = self.config;
        let pace = self.viewers.get_mut(viewer).expect("inserted above");
        match pace.wait(&config, now) {
            0 => {
                pace.take(&config, now);
                Ok(())
            }
            millis => Err(RetryAfter { millis }),
        }
    }

    /// Viewers remembered now.
    pub fn remembered(&self) -> usize {
        self.viewers.len()
    }

    /// Room for one more viewer, forgetting idle ones if needed.
    fn make_room(&mut self, now: i64) -> Result<(), RetryAfter> {
        if self.viewers.len() < self.config.max_viewers {
            return Ok(());
        }
        if now >= self.room_at {
            self.sweep(now);
        }
        if self.viewers.len() < self.config.max_viewers {
            Ok(())
        } else {
            Err(RetryAfter {
                millis: (self.room_at - now).max(1),
            })
        }
    }

    /// Forgets viewers whose state is a fresh one's, and notes when the
    /// next of the others will be.
    fn sweep(&mut self, now: i64) {
        let forget_after = self.config.forget_after_ms();
        let idle_at = |p: &Pace| p.last.saturating_add(forget_after);
        self.viewers.retain(|_, p| idle_at(p) > now);
        self.room_at = self.viewers.values().map(idle_at).min().unwrap_or(now);
        self.sweep_at = now.saturating_add(MINUTE_MS);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_millis(ms)
    }

    #[test]
    fn a_burst_of_three_then_one_every_two_seconds() {
        let mut limiter = CommentLimiter::default();
        for _ in 0..3 {
            assert_eq!(limiter.admit("usr_a", at(0)), Ok(()));
        }
        assert_eq!(
            limiter.admit("usr_a", at(0)),
            Err(RetryAfter { millis: 2_000 })
        );
        assert_eq!(
            limiter.admit("usr_a", at(1_500)),
            Err(RetryAfter { millis: 500 })
        );
        assert_eq!(limiter.admit("usr_a", at(2_000)), Ok(()));
        assert!(limiter.admit("usr_a", at(3_999)).is_err());
        assert_eq!(limiter.admit("usr_a", at(4_000)), Ok(()));
        assert_eq!(limiter.admit("usr_b", at(4_000)), Ok(()), "per viewer");
    }

    #[test]
    fn a_pause_refills_the_burst_but_never_beyond_three() {
        let mut limiter = CommentLimiter::default();
        assert_eq!(limiter.admit("v", at(0)), Ok(()));
        for _ in 0..3 {
            assert_eq!(limiter.admit("v", at(30_000)), Ok(()));
        }
        assert!(limiter.admit("v", at(30_000)).is_err());
    }

    #[test]
    fn at_most_twenty_in_any_minute_even_at_a_legal_pace() {
        let mut limiter = CommentLimiter::default();
        let mut admitted = Vec::new();
        for t in (0..120_000).step_by(500) {
            if limiter.admit("v", at(t)).is_ok() {
                admitted.push(t);
            }
        }
        for (i, start) in admitted.iter().enumerate() {
            let in_minute = admitted[i..].iter().take_while(|t| **t < start + MINUTE_MS);
            assert!(in_minute.count() <= 20, "from {start}");
        }
        assert_eq!(admitted.iter().filter(|t| **t < MINUTE_MS).count(), 20);
        let twentieth = admitted[19];
        let refused = limiter_after(&admitted[..20], twentieth + 1_000);
        assert_eq!(
            refused,
            Err(RetryAfter {
                millis: MINUTE_MS - twentieth - 1_000
            })
        );
    }

    /// A limiter that admitted `times`, asked again at `now`.
    fn limiter_after(times: &[i64], now: i64) -> Result<(), RetryAfter> {
        let mut limiter = CommentLimiter::default();
        for t in times {
            limiter.admit("v", at(*t)).unwrap();
        }
        limiter.admit("v", at(now))
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(RetryAfter { millis: 1 }.seconds(), 1);
        assert_eq!(RetryAfter { millis: 0 }.seconds(), 1);
        assert_eq!(RetryAfter { millis: 2_001 }.seconds(), 3);
        assert_eq!(RetryAfter { millis: 1 }.code(), ErrorCode::CommentTooFast);
    }

    #[test]
    fn idle_viewers_are_forgotten_and_the_map_is_capped() {
        let mut limiter = CommentLimiter::new(LimiterConfig {
            max_viewers: 3,
            ..LimiterConfig::default()
        });
        for (i, v) in ["a", "b", "c"].iter().enumerate() {
            assert_eq!(limiter.admit(v, at(i as i64 * 1_000)), Ok(()));
        }
        assert_eq!(limiter.remembered(), 3);
        assert_eq!(
            limiter.admit("d", at(10_000)),
            Err(RetryAfter { millis: 50_000 }),
            "full: a new viewer waits until `a` has been idle a minute"
        );
        assert_eq!(
            limiter.admit("a", at(10_000)),
            Ok(()),
            "known viewers go on"
        );
        assert_eq!(limiter.admit("d", at(61_000)), Ok(()), "`b` was forgotten");
        assert_eq!(limiter.remembered(), 3);
        assert_eq!(limiter.admit("e", at(200_000)), Ok(()));
        assert_eq!(limiter.remembered(), 1, "everyone idle is swept");
    }

    #[test]
    fn a_clock_going_back_refuses_rather_than_panics() {
        let mut limiter = CommentLimiter::default();
        for _ in 0..3 {
            limiter.admit("v", at(10_000)).unwrap();
        }
        assert!(limiter.admit("v", at(0)).is_err());
        assert!(limiter.admit("v", at(i64::MIN)).is_err());
        assert!(limiter.admit("w", at(i64::MAX)).is_ok());
        assert!(limiter.admit("w", at(i64::MAX)).is_ok());
    }

    proptest! {
        #[test]
        fn no_viewer_ever_exceeds_the_caps_and_memory_stays_bounded(
            steps in proptest::collection::vec((0u8..40, 0i64..3_000), 1..400)
        ) {
            let config = LimiterConfig { max_viewers: 16, ..LimiterConfig::default() };
            let mut limiter = CommentLimiter::new(config);
            let mut now = 0;
            let mut admitted: HashMap<u8, Vec<i64>> = HashMap::new();
            for (viewer, gap) in steps {
                now += gap;
                if limiter.admit(&viewer.to_string(), at(now)).is_ok() {
                    admitted.entry(viewer).or_default().push(now);
                }
                prop_assert!(limiter.remembered() <= 16);
            }
            for times in admitted.values() {
                for (i, start) in times.iter().enumerate() {
                    let minute = times[i..].iter().take_while(|t| **t < start + MINUTE_MS).count();
                    let burst = times[i..].iter().take_while(|t| **t < start + 1).count();
                    prop_assert!(minute <= 20);
                    prop_assert!(burst <= 3);
                }
            }
        }
    }
}

//! Rate limits: a fixed one-minute window per key, in memory (each node
//! counts its own). The public Shop API counts per client address (the
//! middleware that answers 429 is `throttle::public_api`); the buyer's chat
//! counts per buyer.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

/// Requests counted per address in the current window.
#[derive(Default)]
pub struct PublicLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl PublicLimiter {
    /// Counts one request; the seconds to wait when over `per_minute`.
    pub(crate) fn admit(&self, address: &str, per_minute: u32, now: Instant) -> Result<(), u64> {
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        if windows.len() > 100_000 {
            // Forget addresses whose window is over, so the map stays small.
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry(address.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        if entry.1 >= per_minute {
            let wait = WINDOW.saturating_sub(now.duration_since(entry.0));
            return Err(wait.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_admits_its_limit_then_refuses_until_it_ends() {
        let limiter = PublicLimiter::default();
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.admit("10.0.0.1", 3, start), Ok(()));
        }
        assert_eq!(limiter.admit("10.0.0.1", 3, start), Err(60));
        assert_eq!(limiter.admit("10.0.0.2", 3, start), Ok(()), "per address");
        let later = start + Duration::from_secs(61);
        assert_eq!(limiter.admit("10.0.0.1", 3, later), Ok(()));
    }
}

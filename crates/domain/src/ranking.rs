//! The Shop's ranking ("Pilihan untuk Anda"): one score per listing, made
//! of four parts a seller can read and check by hand — what buyers ordered
//! lately, how often a visit became an order, the listing's quality, and
//! how new the product is. Integer points only, so the same facts give the
//! same order on every machine; ties are broken by the caller (last
//! change, then product id).

use crate::Timestamp;

/// The window the buyers' signals are counted over, in days.
pub const WINDOW_DAYS: i64 = 30;
/// A product counts as new for this many days after it was first published.
pub const FRESH_DAYS: i64 = 30;
/// Points per doubling of recent orders.
pub const POINTS_PER_DOUBLING: i64 = 100;
/// Visits assumed before any were counted, so a product with two visits
/// and one order does not rank as a 50% converter.
pub const CONVERSION_PRIOR_VISITS: i64 = 50;
/// The most points conversion gives (a 20% rate reaches it).
pub const CONVERSION_CAP: i64 = 200;
/// Points per quality point (quality is 0–100).
pub const QUALITY_WEIGHT: i64 = 2;
/// Points of a product published this very moment, falling to none after
/// [`FRESH_DAYS`].
pub const FRESHNESS_POINTS: i64 = 100;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// What buyers did with a product within the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signals {
    /// Orders holding the product that are the seller's to send or sent
    /// (paid, or placed with COD), placed within the window, not cancelled.
    pub orders: i64,
    /// Openings of its product page within the window.
    pub views: i64,
}

/// A listing's score, part by part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RankParts {
    pub orders: i64,
    pub conversion: i64,
    pub quality: i64,
    pub freshness: i64,
}

impl RankParts {
    pub fn total(&self) -> i64 {
        self.orders + self.conversion + self.quality + self.freshness
    }
}

/// The score of a listing with `signals`, a quality score of `quality`
/// (0–100), first published at `published` (its creation when never
/// published), at `now`.
pub fn rank(signals: Signals, quality: i32, published: Timestamp, now: Timestamp) -> RankParts {
    let orders = signals.orders.max(0);
    let views = signals.views.max(0);
    RankParts {
        orders: doublings_points(orders),
        conversion: (orders * 1000 / (views + CONVERSION_PRIOR_VISITS)).min(CONVERSION_CAP),
        quality: i64::from(quality.clamp(0, 100)) * QUALITY_WEIGHT,
        freshness: freshness(published, now),
    }
}

/// [`POINTS_PER_DOUBLING`] × log2(1 + orders), read off a straight line
/// between powers of two (0 orders: 0, 1: 100, 3: 200, 5: 250, 7: 300).
fn doublings_points(orders: i64) -> i64 {
    let n = orders + 1;
    let whole = i64::from(n.ilog2());
    let floor = 1i64 << whole;
    whole * POINTS_PER_DOUBLING + (n - floor) * POINTS_PER_DOUBLING / floor
}

fn freshness(published: Timestamp, now: Timestamp) -> i64 {
    let age = (now.unix_millis() - published.unix_millis()).max(0);
    let span = FRESH_DAYS * DAY_MS;
    if age >= span {
        0
    } else {
        // Rounded up: a whole point lasts its 7.2 hours, the first included.
        (FRESHNESS_POINTS * (span - age) + span - 1) / span
    }
}

/// Where the window starts at `now`.
pub fn window_start(now: Timestamp) -> Timestamp {
    Timestamp::from_unix_millis(now.unix_millis() - WINDOW_DAYS * DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp::from_unix_millis(1_790_000_000_000);

    fn days_ago(days: i64) -> Timestamp {
        Timestamp::from_unix_millis(NOW.unix_millis() - days * DAY_MS)
    }

    #[test]
    fn each_doubling_of_orders_adds_the_same_points() {
        let points: Vec<i64> = [0, 1, 2, 3, 5, 7, 15, 1023]
            .into_iter()
            .map(doublings_points)
            .collect();
        assert_eq!(points, vec![0, 100, 150, 200, 250, 300, 400, 1000]);
    }

    #[test]
    fn conversion_is_smoothed_and_capped() {
        let conversion =
            |orders, views| rank(Signals { orders, views }, 0, days_ago(60), NOW).conversion;
        // 1 order in 2 visits is not a 50% converter yet.
        assert_eq!(conversion(1, 2), 19);
        // 10 orders in 1,000 visits: 1%.
        assert_eq!(conversion(10, 950), 10);
        // 300 orders in 1,000 visits: capped.
        assert_eq!(conversion(300, 1000), CONVERSION_CAP);
        assert_eq!(conversion(0, 0), 0);
    }

    #[test]
    fn freshness_falls_to_nothing_over_its_days() {
        let fresh = |published| rank(Signals::default(), 0, published, NOW).freshness;
        assert_eq!(fresh(NOW), 100);
        assert_eq!(
            fresh(Timestamp::from_unix_millis(NOW.unix_millis() - 60_000)),
            100
        );
        assert_eq!(fresh(days_ago(15)), 50);
        assert_eq!(
            fresh(Timestamp::from_unix_millis(days_ago(30).unix_millis() + 1)),
            1
        );
        assert_eq!(fresh(days_ago(30)), 0);
        assert_eq!(fresh(days_ago(400)), 0);
        // A clock that runs behind the publication never gives more.
        assert_eq!(
            fresh(Timestamp::from_unix_millis(NOW.unix_millis() + DAY_MS)),
            100
        );
    }

    #[test]
    fn the_total_adds_the_parts() {
        let parts = rank(
            Signals {
                orders: 3,
                views: 150,
            },
            80,
            days_ago(3),
            NOW,
        );
        assert_eq!(
            parts,
            RankParts {
                orders: 200,
                conversion: 15,
                quality: 160,
                freshness: 90,
            }
        );
        assert_eq!(parts.total(), 465);
    }

    #[test]
    fn recent_sales_outrank_a_slightly_better_listing() {
        let selling = rank(
            Signals {
                orders: 7,
                views: 200,
            },
            60,
            days_ago(90),
            NOW,
        );
        let polished = rank(Signals::default(), 90, days_ago(90), NOW);
        assert!(selling.total() > polished.total());
    }
}

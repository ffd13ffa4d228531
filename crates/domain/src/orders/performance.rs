//! A shop's health: the fulfilment metrics platforms in Indonesia hold
//! sellers to, each over its window and against its target, what the
//! platform does when late dispatch runs high, and the store rating —
//! the lowest of its product, fulfilment and service scores.
//!
//! - Seller-fault cancellation rate (7 days, target below 2.5%): of the
//!   orders that became the seller's to send in the window, the share
//!   cancelled through the seller's fault (their own cancellations and the
//!   platform's at a missed deadline).
//! - Late dispatch rate (7 days, below 4%): of the orders the seller sent
//!   in the window (pickup arranged, or handed to their own courier), the
//!   share sent after the ship-by deadline.
//! - Fast dispatch rate (30 days, above 95%): of the orders sent in the
//!   window, the share sent within 24 hours of becoming the seller's.

use serde::{Deserialize, Serialize};

/// Rates in basis points: 250 = 2.5%.
pub type BasisPoints = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    SellerFaultCancellation,
    LateDispatch,
    FastDispatch,
}

/// Which side of its target a metric must stay on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Below(BasisPoints),
    Above(BasisPoints),
}

impl Metric {
    pub const ALL: [Metric; 3] = [
        Metric::SellerFaultCancellation,
        Metric::LateDispatch,
        Metric::FastDispatch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::SellerFaultCancellation => "seller_fault_cancellation",
            Metric::LateDispatch => "late_dispatch",
            Metric::FastDispatch => "fast_dispatch",
        }
    }

    pub fn window_days(self) -> i64 {
        match self {
            Metric::SellerFaultCancellation | Metric::LateDispatch => 7,
            Metric::FastDispatch => 30,
        }
    }

    pub fn target(self) -> Target {
        match self {
            Metric::SellerFaultCancellation => Target::Below(250),
            Metric::LateDispatch => Target::Below(400),
            Metric::FastDispatch => Target::Above(9500),
        }
    }

    /// The rate at which the metric's score reaches its lowest (1 star).
    fn floor(self) -> BasisPoints {
        match self {
            Metric::SellerFaultCancellation => 2000,
            Metric::LateDispatch => 5000,
            Metric::FastDispatch => 5000,
        }
    }

    pub fn standing(self, rate: Rate) -> Standing {
        let Some(bp) = rate.basis_points() else {
            return Standing::NoOrders;
        };
        let meets = match self.target() {
            Target::Below(t) => bp < t,
            Target::Above(t) => bp > t,
        };
        if meets {
            Standing::Meets
        } else {
            Standing::Misses
        }
    }

    /// The metric's score in tenths of a star (10..=50): five stars on
    /// target, falling evenly to one star at the metric's floor.
    pub fn score(self, rate: Rate) -> Option<u8> {
        let bp = i64::from(rate.basis_points()?);
        let floor = i64::from(self.floor());
        let (distance, span) = match self.target() {
            Target::Below(t) if bp < i64::from(t) => return Some(50),
            Target::Above(t) if bp > i64::from(t) => return Some(50),
            Target::Below(t) => (bp - i64::from(t), floor - i64::from(t)),
            Target::Above(t) => (i64::from(t) - bp, i64::from(t) - floor),
        };
        let lost = (distance * 40 + span / 2) / span;
        Some(u8::try_from((50 - lost).clamp(10, 50)).unwrap_or(10))
    }
}

/// `count` of `of` orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Rate {
    pub count: u64,
    pub of: u64,
}

impl Rate {
    pub fn new(count: u64, of: u64) -> Rate {
        Rate {
            count: count.min(of),
            of,
        }
    }

    /// None while there are no orders to count.
    pub fn basis_points(self) -> Option<BasisPoints> {
        if self.of == 0 {
            return None;
        }
        let bp = (self.count * 10_000 + self.of / 2) / self.of;
        Some(BasisPoints::try_from(bp).unwrap_or(10_000))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    NoOrders,
    Meets,
    Misses,
}

/// What the platform does as late dispatch climbs: at each threshold the
/// shop's daily orders are capped at a share of its average.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerformancePolicy {
    /// `(late dispatch rate from, cap in percent of the daily average)`,
    /// lowest threshold first.
    pub late_dispatch_caps: Vec<(BasisPoints, u8)>,
}

impl Default for PerformancePolicy {
    fn default() -> Self {
        PerformancePolicy {
            late_dispatch_caps: vec![(1000, 90), (3000, 70), (5000, 50)],
        }
    }
}

impl PerformancePolicy {
    /// The cap (percent of the daily average) the late dispatch rate
    /// brings, if any.
    pub fn order_cap(&self, late_dispatch: Rate) -> Option<u8> {
        let bp = late_dispatch.basis_points()?;
        self.late_dispatch_caps
            .iter()
            .rev()
            .find(|(from, _)| bp >= *from)
            .map(|(_, cap)| *cap)
    }
}

/// The three parts of a store rating, in tenths of a star; a part with
/// nothing to judge yet (no reviews, no chats) is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RatingParts {
    pub product: Option<u8>,
    pub fulfilment: Option<u8>,
    pub service: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RatingPart {
    Product,
    Fulfilment,
    Service,
}

impl RatingPart {
    pub fn as_str(self) -> &'static str {
        match self {
            RatingPart::Product => "product",
            RatingPart::Fulfilment => "fulfilment",
            RatingPart::Service => "service",
        }
    }
}

impl RatingParts {
    /// The fulfilment part: the mean of the scores of the metrics that
    /// have orders.
    pub fn fulfilment_of(rates: &[(Metric, Rate)]) -> Option<u8> {
        let scores: Vec<u32> = rates
            .iter()
            .filter_map(|(m, r)| m.score(*r))
            .map(u32::from)
            .collect();
        if scores.is_empty() {
            return None;
        }
        let n = scores.len() as u32;
        u8::try_from((scores.iter().sum::<u32>() + n / 2) / n).ok()
    }

    /// The store rating: the lowest part that can be judged, and which.
    pub fn rating(self) -> Option<(u8, RatingPart)> {
        [
            (self.product, RatingPart::Product),
            (self.fulfilment, RatingPart::Fulfilment),
            (self.service, RatingPart::Service),
        ]
        .into_iter()
        .filter_map(|(score, part)| Some((score?, part)))
        .min_by_key(|(score, _)| *score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_to_basis_points_and_need_orders() {
        assert_eq!(Rate::new(1, 40).basis_points(), Some(250));
        assert_eq!(Rate::new(1, 3).basis_points(), Some(3333));
        assert_eq!(Rate::new(0, 0).basis_points(), None);
        assert_eq!(Rate::new(5, 2), Rate { count: 2, of: 2 });
    }

    #[test]
    fn each_metric_meets_its_target_on_the_right_side() {
        use Metric::*;
        assert_eq!(
            SellerFaultCancellation.standing(Rate::new(0, 10)),
            Standing::Meets
        );
        // Exactly 2.5% is not below 2.5%.
        assert_eq!(
            SellerFaultCancellation.standing(Rate::new(1, 40)),
            Standing::Misses
        );
        assert_eq!(LateDispatch.standing(Rate::new(3, 100)), Standing::Meets);
        assert_eq!(LateDispatch.standing(Rate::new(4, 100)), Standing::Misses);
        assert_eq!(FastDispatch.standing(Rate::new(96, 100)), Standing::Meets);
        assert_eq!(FastDispatch.standing(Rate::new(95, 100)), Standing::Misses);
        assert_eq!(FastDispatch.standing(Rate::new(0, 0)), Standing::NoOrders);
    }

    #[test]
    fn scores_fall_from_five_stars_at_target_to_one_at_the_floor() {
        use Metric::*;
        assert_eq!(LateDispatch.score(Rate::new(0, 10)), Some(50));
        assert_eq!(LateDispatch.score(Rate::new(50, 100)), Some(10));
        assert_eq!(LateDispatch.score(Rate::new(100, 100)), Some(10));
        // Halfway between 4% and 50% is 27%: three stars.
        assert_eq!(LateDispatch.score(Rate::new(27, 100)), Some(30));
        assert_eq!(FastDispatch.score(Rate::new(50, 100)), Some(10));
        assert_eq!(SellerFaultCancellation.score(Rate::new(1, 5)), Some(10));
        assert_eq!(SellerFaultCancellation.score(Rate::new(0, 0)), None);
    }

    #[test]
    fn late_dispatch_caps_daily_orders_at_each_threshold() {
        let p = PerformancePolicy::default();
        assert_eq!(p.order_cap(Rate::new(9, 100)), None);
        assert_eq!(p.order_cap(Rate::new(10, 100)), Some(90));
        assert_eq!(p.order_cap(Rate::new(30, 100)), Some(70));
        assert_eq!(p.order_cap(Rate::new(49, 100)), Some(70));
        assert_eq!(p.order_cap(Rate::new(50, 100)), Some(50));
        assert_eq!(p.order_cap(Rate::new(0, 0)), None);
    }

    #[test]
    fn the_lowest_judged_part_sets_the_rating() {
        let parts = RatingParts {
            product: Some(48),
            fulfilment: Some(31),
            service: None,
        };
        assert_eq!(parts.rating(), Some((31, RatingPart::Fulfilment)));
        assert_eq!(RatingParts::default().rating(), None);
        let fulfilment = RatingParts::fulfilment_of(&[
            (Metric::SellerFaultCancellation, Rate::new(0, 10)),
            (Metric::LateDispatch, Rate::new(50, 100)),
            (Metric::FastDispatch, Rate::new(0, 0)),
        ]);
        assert_eq!(fulfilment, Some(30), "the mean of 5.0 and 1.0");
    }
}

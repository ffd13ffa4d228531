//! What can lower a SKU's price for a while: a product discount, a flash
//! sale or a live price — each an offer with a window and a rule.

use serde::{Deserialize, Serialize};

use crate::id::{LiveId, PromotionId};
use crate::{ErrorCode, Timestamp};

/// A whole percentage off: 1 to 99. 0 would be no discount and 100 would
/// give the product away; both are refused where they are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Percent(u8);

impl Percent {
    pub fn new(value: i64) -> Result<Percent, ErrorCode> {
        if (1..=99).contains(&value) {
            Ok(Percent(value as u8))
        } else {
            Err(ErrorCode::PercentOutOfRange)
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// `percent` of `amount`, rounded down to a whole Rupiah: a discount
    /// never gives more than the percentage it states.
    pub fn of(self, amount: i64) -> i64 {
        (amount as i128 * self.0 as i128 / 100) as i64
    }
}

impl TryFrom<u8> for Percent {
    type Error = ErrorCode;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Percent::new(value as i64)
    }
}

impl From<Percent> for u8 {
    fn from(p: Percent) -> u8 {
        p.0
    }
}

/// When an offer or voucher holds: from `starts_at` (included) until
/// `ends_at` (excluded); open-ended only for a live that has not ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub starts_at: Timestamp,
    pub ends_at: Option<Timestamp>,
}

impl Window {
    /// A closed window; refused when it ends before (or when) it starts.
    pub fn new(starts_at: Timestamp, ends_at: Timestamp) -> Result<Window, ErrorCode> {
        if ends_at <= starts_at {
            return Err(ErrorCode::EndsBeforeStart);
        }
        Ok(Window {
            starts_at,
            ends_at: Some(ends_at),
        })
    }

    pub fn open_from(starts_at: Timestamp) -> Window {
        Window {
            starts_at,
            ends_at: None,
        }
    }

    pub fn contains(&self, at: Timestamp) -> bool {
        at >= self.starts_at && self.ends_at.is_none_or(|end| at < end)
    }

    pub fn overlaps(&self, other: &Window) -> bool {
        let starts_before_other_ends = other.ends_at.is_none_or(|end| self.starts_at < end);
        let other_starts_before_end = self.ends_at.is_none_or(|end| other.starts_at < end);
        starts_before_other_ends && other_starts_before_end
    }
}

/// How an offer sets the price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OfferRule {
    /// This price, whatever the base price is (never above it).
    Fixed { price: i64 },
    /// The base price less a percentage, the discount rounded down.
    PercentOff { percent: Percent },
}

impl OfferRule {
    /// The price this rule gives for `base` (before the floor).
    pub fn apply(self, base: i64) -> i64 {
        match self {
            OfferRule::Fixed { price } => price.min(base),
            OfferRule::PercentOff { percent } => base - percent.of(base),
        }
    }
}

/// What kind of offer, in the order they win: a live price beats a flash
/// sale, which beats a product discount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OfferKind {
    Discount,
    FlashSale {
        /// Units still to sell at the flash price.
        quota_left: i64,
        /// Units one buyer may buy at the flash price, if limited.
        per_buyer_limit: Option<i64>,
    },
    /// A live-only price: for buyers who came from that live while it is on.
    Live {
        live: LiveId,
    },
}

impl OfferKind {
    /// Higher wins.
    pub fn rank(self) -> u8 {
        match self {
            OfferKind::Discount => 1,
            OfferKind::FlashSale { .. } => 2,
            OfferKind::Live { .. } => 3,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            OfferKind::Discount => "discount",
            OfferKind::FlashSale { .. } => "flash_sale",
            OfferKind::Live { .. } => "live",
        }
    }
}

/// One promotion's offer on one SKU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub promotion: PromotionId,
    pub kind: OfferKind,
    pub rule: OfferRule,
    pub window: Window,
}

/// Where a promotion is in its life (the marketplace vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromotionState {
    /// Being prepared; buyers see nothing.
    Draft,
    /// Activated, waiting for its start.
    Scheduled,
    Ongoing,
    Ended,
    /// Stopped by the seller (or the platform) before its end.
    Deactivated,
}

impl PromotionState {
    /// The state of a promotion at `at`, from what is stored: whether it was
    /// activated, whether it was stopped, and its window.
    pub fn at(activated: bool, deactivated: bool, window: &Window, at: Timestamp) -> Self {
        if deactivated {
            PromotionState::Deactivated
        } else if !activated {
            PromotionState::Draft
        } else if at < window.starts_at {
            PromotionState::Scheduled
        } else if window.contains(at) {
            PromotionState::Ongoing
        } else {
            PromotionState::Ended
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PromotionState::Draft => "draft",
            PromotionState::Scheduled => "scheduled",
            PromotionState::Ongoing => "ongoing",
            PromotionState::Ended => "ended",
            PromotionState::Deactivated => "deactivated",
        }
    }

    pub const ALL: [PromotionState; 5] = [
        PromotionState::Draft,
        PromotionState::Scheduled,
        PromotionState::Ongoing,
        PromotionState::Ended,
        PromotionState::Deactivated,
    ];

    /// Whether its terms may still change (nothing was sold under them).
    pub fn editable(self) -> bool {
        matches!(self, PromotionState::Draft | PromotionState::Scheduled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_unix_millis(s * 1000)
    }

    #[test]
    fn percent_is_one_to_ninety_nine_and_rounds_the_discount_down() {
        assert_eq!(Percent::new(0), Err(ErrorCode::PercentOutOfRange));
        assert_eq!(Percent::new(100), Err(ErrorCode::PercentOutOfRange));
        assert_eq!(Percent::new(-5), Err(ErrorCode::PercentOutOfRange));
        let p = Percent::new(15).unwrap();
        assert_eq!(p.of(9_999), 1_499);
        assert_eq!(OfferRule::PercentOff { percent: p }.apply(9_999), 8_500);
    }

    #[test]
    fn a_window_ends_after_it_starts_and_excludes_its_end() {
        assert_eq!(Window::new(at(10), at(10)), Err(ErrorCode::EndsBeforeStart));
        assert_eq!(Window::new(at(10), at(5)), Err(ErrorCode::EndsBeforeStart));
        let w = Window::new(at(10), at(20)).unwrap();
        assert!(!w.contains(at(9)));
        assert!(w.contains(at(10)));
        assert!(!w.contains(at(20)));
        assert!(w.overlaps(&Window::new(at(19), at(30)).unwrap()));
        assert!(!w.overlaps(&Window::new(at(20), at(30)).unwrap()));
        assert!(w.overlaps(&Window::open_from(at(0))));
    }

    #[test]
    fn states_follow_activation_and_the_clock() {
        let w = Window::new(at(10), at(20)).unwrap();
        let state = |a, d, t| PromotionState::at(a, d, &w, at(t));
        assert_eq!(state(false, false, 15), PromotionState::Draft);
        assert_eq!(state(true, false, 5), PromotionState::Scheduled);
        assert_eq!(state(true, false, 15), PromotionState::Ongoing);
        assert_eq!(state(true, false, 20), PromotionState::Ended);
        assert_eq!(state(true, true, 15), PromotionState::Deactivated);
    }

    #[test]
    fn a_fixed_price_never_raises_the_base() {
        assert_eq!(OfferRule::Fixed { price: 80_000 }.apply(70_000), 70_000);
    }
}

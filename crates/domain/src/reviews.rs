//! Buyers' reviews of what they bought: one per order line, 1 to 5 stars
//! and an optional text, given once the order reached the buyer and for a
//! while after; and the rating they add up to (a product's, a shop's).

use crate::checkout::OrderStatus;
use crate::{ErrorCode, Timestamp};

/// How long after delivery an order's lines may be reviewed (or a review
/// changed): long enough to use what came, short enough that a rating
/// speaks of the shop as it is.
pub const REVIEW_WINDOW_DAYS: i64 = 30;
/// The longest review text, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;

/// A number of stars, 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stars(u8);

impl Stars {
    pub fn new(stars: i64) -> Result<Self, ErrorCode> {
        match u8::try_from(stars) {
            Ok(n @ 1..=5) => Ok(Stars(n)),
            _ => Err(ErrorCode::RatingOutOfRange),
        }
    }

    /// From a form field ("4").
    pub fn parse(text: &str) -> Result<Self, ErrorCode> {
        if text.trim().is_empty() {
            return Err(ErrorCode::RatingRequired);
        }
        let n: i64 = text
            .trim()
            .parse()
            .map_err(|_| ErrorCode::RatingOutOfRange)?;
        Stars::new(n)
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// What the buyer wrote: trimmed, at most [`MAX_TEXT_CHARS`], none when
/// blank (stars alone are a review too).
pub fn review_text(text: &str) -> Result<Option<String>, ErrorCode> {
    let text = text.trim();
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(ErrorCode::ReviewTooLong);
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// Until when an order's lines may be reviewed: [`REVIEW_WINDOW_DAYS`]
/// after it reached the buyer; none while it has not (not delivered or
/// completed, or no delivery time).
pub fn review_deadline(status: OrderStatus, delivered_at: Option<Timestamp>) -> Option<Timestamp> {
    matches!(status, OrderStatus::Delivered | OrderStatus::Completed)
        .then_some(delivered_at?.plus_seconds(REVIEW_WINDOW_DAYS * 86_400))
}

/// Whether an order's lines may be reviewed now (see [`review_deadline`]).
pub fn may_review(
    status: OrderStatus,
    delivered_at: Option<Timestamp>,
    now: Timestamp,
) -> Result<(), ErrorCode> {
    match review_deadline(status, delivered_at) {
        None => Err(ErrorCode::ReviewNotYet),
        Some(until) if now > until => Err(ErrorCode::ReviewWindowClosed),
        Some(_) => Ok(()),
    }
}

/// A reviewer's name as everyone sees it: its first and last letters
/// ("Andi Pembeli" → "A***i"), so a review names no buyer.
pub fn reviewer_shown_as(name: &str) -> String {
    let letters: Vec<char> = name.trim().chars().collect();
    match letters.as_slice() {
        [] => "*****".to_owned(),
        [only] => format!("{only}***"),
        [first, .., last] => format!("{first}***{last}"),
    }
}

/// The reviews of something added up: how many, and their stars' sum (so
/// that a new or changed review moves it exactly, without rounding drift).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rating {
    pub count: i64,
    pub stars: i64,
}

impl Rating {
    /// The average in tenths of a star (48 for 4.8), rounded half up; none
    /// without reviews.
    pub fn tenths(self) -> Option<i64> {
        (self.count > 0).then(|| (self.stars * 20 + self.count) / (2 * self.count))
    }

    /// The average as shown: "4,8" (Indonesian) or "4.8".
    pub fn label(self, decimal: char) -> Option<String> {
        self.tenths()
            .map(|t| format!("{}{decimal}{}", t / 10, t % 10))
    }

    /// The average as a number (for structured data).
    pub fn average(self) -> Option<f64> {
        self.tenths().map(|t| t as f64 / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_are_one_to_five() {
        assert_eq!(Stars::parse("4").map(Stars::get), Ok(4));
        assert_eq!(Stars::parse(" 5 ").map(Stars::get), Ok(5));
        assert_eq!(Stars::parse(""), Err(ErrorCode::RatingRequired));
        for bad in ["0", "6", "-1", "4.5", "lima", "999999999999"] {
            assert_eq!(Stars::parse(bad), Err(ErrorCode::RatingOutOfRange), "{bad}");
        }
    }

    #[test]
    fn text_is_trimmed_optional_and_bounded() {
        assert_eq!(review_text("  "), Ok(None));
        assert_eq!(review_text(" Bagus "), Ok(Some("Bagus".into())));
        let long = "é".repeat(MAX_TEXT_CHARS);
        assert!(review_text(&long).is_ok(), "counted in characters");
        assert_eq!(
            review_text(&format!("{long}x")),
            Err(ErrorCode::ReviewTooLong)
        );
    }

    #[test]
    fn only_what_arrived_is_reviewed_and_only_for_a_while() {
        let delivered = Timestamp::from_unix_millis(1_795_000_000_000);
        let day = |n: i64| delivered.plus_seconds(n * 86_400);
        assert_eq!(
            may_review(OrderStatus::InTransit, None, day(0)),
            Err(ErrorCode::ReviewNotYet)
        );
        assert_eq!(
            may_review(OrderStatus::Cancelled, None, day(0)),
            Err(ErrorCode::ReviewNotYet)
        );
        assert_eq!(
            may_review(OrderStatus::Delivered, Some(delivered), day(1)),
            Ok(())
        );
        assert_eq!(
            may_review(OrderStatus::Completed, Some(delivered), day(30)),
            Ok(())
        );
        assert_eq!(
            may_review(OrderStatus::Completed, Some(delivered), day(31)),
            Err(ErrorCode::ReviewWindowClosed)
        );
        assert_eq!(
            review_deadline(OrderStatus::Delivered, Some(delivered)),
            Some(day(30))
        );
        assert_eq!(review_deadline(OrderStatus::Delivered, None), None);
    }

    #[test]
    fn a_reviewer_is_shown_by_first_and_last_letter() {
        assert_eq!(reviewer_shown_as(" Andi Pembeli "), "A***i");
        assert_eq!(reviewer_shown_as("Ö"), "Ö***");
        assert_eq!(reviewer_shown_as(""), "*****");
    }

    #[test]
    fn a_rating_averages_in_tenths_rounded_half_up() {
        assert_eq!(Rating::default().tenths(), None);
        let r = Rating {
            count: 3,
            stars: 14,
        };
        assert_eq!(r.tenths(), Some(47), "4.666… → 4.7");
        assert_eq!(r.label(','), Some("4,7".into()));
        assert_eq!(Rating { count: 2, stars: 9 }.tenths(), Some(45));
        assert_eq!(Rating { count: 1, stars: 5 }.label('.'), Some("5.0".into()));
    }
}

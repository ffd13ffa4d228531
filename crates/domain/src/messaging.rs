//! Buyer–seller chat: what a message may say, and a shop's response rate —
//! the share of buyers' questions its team answered in time, shown on the
//! seller card so a buyer knows whether asking is worth it.
//!
//! A conversation is one buyer with one shop. Its *turns* are what the rate
//! counts: a turn opens with a buyer's message when none is open and closes
//! with the shop's next reply, so three quick questions before one answer
//! are one turn, answered once.

use crate::{ErrorCode, Timestamp};

/// The longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1000;
/// A question answered within this long counts as answered in time (half a
/// day: a shop that answers the next morning is doing its job).
pub const ANSWER_WITHIN_SECONDS: i64 = 12 * 3600;
/// The rate looks this far back, so it speaks of the shop as it is now.
pub const RATE_WINDOW_DAYS: i64 = 90;

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Buyer,
    Seller,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buyer => "buyer",
            Side::Seller => "seller",
        }
    }

    pub fn parse(text: &str) -> Option<Side> {
        match text {
            "buyer" => Some(Side::Buyer),
            "seller" => Some(Side::Seller),
            _ => None,
        }
    }
}

/// A message as typed: trimmed, line ends made `\n`, not empty, at most
/// [`MAX_MESSAGE_CHARS`].
pub fn message_text(text: &str) -> Result<String, ErrorCode> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    if text.is_empty() {
        return Err(ErrorCode::ChatMessageRequired);
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ErrorCode::ChatMessageTooLong);
    }
    Ok(text.to_owned())
}

/// Which turns a response rate counts at `now`: those opened since
/// `opened_since`, once they are decided — answered, or open since before
/// `undecided_after` (too late to be answered in time). A turn still open
/// within its half day is not counted yet: it may still be answered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateWindow {
    pub opened_since: Timestamp,
    pub undecided_after: Timestamp,
}

impl RateWindow {
    pub fn at(now: Timestamp) -> RateWindow {
        RateWindow {
            opened_since: now.plus_seconds(-RATE_WINDOW_DAYS * 86_400),
            undecided_after: now.plus_seconds(-ANSWER_WITHIN_SECONDS),
        }
    }

    /// How one turn counts: none while not counted, else whether it was
    /// answered in time. The store's query says the same in SQL; its tests
    /// hold the two together.
    pub fn judge(self, opened: Timestamp, answered: Option<Timestamp>) -> Option<bool> {
        if opened < self.opened_since {
            return None;
        }
        match answered {
            Some(at) => {
                Some(at.unix_millis() - opened.unix_millis() <= ANSWER_WITHIN_SECONDS * 1000)
            }
            None if opened < self.undecided_after => Some(false),
            None => None,
        }
    }
}

/// A shop's counted turns and those answered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResponseRate {
    pub counted: i64,
    pub answered: i64,
}

impl ResponseRate {
    /// The rate in whole percent, rounded half up; none before any turn is
    /// counted (a new shop has no rate, not a rate of zero).
    pub fn percent(self) -> Option<i64> {
        (self.counted > 0).then(|| (self.answered * 200 + self.counted) / (2 * self.counted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_trimmed_not_empty_and_bounded() {
        assert_eq!(message_text("  Halo kak \r\n"), Ok("Halo kak".into()));
        assert_eq!(message_text("a\r\nb\rc"), Ok("a\nb\nc".into()));
        assert_eq!(message_text(" \n "), Err(ErrorCode::ChatMessageRequired));
        let long = "é".repeat(MAX_MESSAGE_CHARS);
        assert!(message_text(&long).is_ok(), "counted in characters");
        assert_eq!(
            message_text(&format!("{long}x")),
            Err(ErrorCode::ChatMessageTooLong)
        );
    }

    #[test]
    fn sides_read_back() {
        for side in [Side::Buyer, Side::Seller] {
            assert_eq!(Side::parse(side.as_str()), Some(side));
        }
        assert_eq!(Side::parse("admin"), None);
    }

    #[test]
    fn a_turn_counts_once_decided_and_only_recent_ones() {
        let now = Timestamp::from_unix_millis(1_795_000_000_000);
        let hours = |n: i64| now.plus_seconds(-n * 3600);
        let w = RateWindow::at(now);
        // Open for an hour: may still be answered in time.
        assert_eq!(w.judge(hours(1), None), None);
        // Open for exactly half a day: still undecided; a moment more, missed.
        assert_eq!(w.judge(hours(12), None), None);
        assert_eq!(w.judge(hours(12).plus_seconds(-1), None), Some(false));
        // Answered at exactly half a day is in time; a second later is not.
        assert_eq!(w.judge(hours(30), Some(hours(18))), Some(true));
        assert_eq!(
            w.judge(hours(30), Some(hours(18).plus_seconds(1))),
            Some(false)
        );
        // Answered at once, even a minute ago.
        assert_eq!(w.judge(hours(1), Some(hours(1))), Some(true));
        // Older than the window: not counted, answered or not.
        let old = now.plus_seconds(-RATE_WINDOW_DAYS * 86_400 - 1);
        assert_eq!(w.judge(old, Some(old)), None);
        assert_eq!(w.judge(old, None), None);
        assert_eq!(
            w.judge(now.plus_seconds(-RATE_WINDOW_DAYS * 86_400), None),
            Some(false)
        );
    }

    #[test]
    fn the_rate_rounds_half_up_and_needs_a_counted_turn() {
        let rate = |answered, counted| ResponseRate { counted, answered }.percent();
        assert_eq!(rate(0, 0), None);
        assert_eq!(rate(0, 3), Some(0));
        assert_eq!(rate(3, 3), Some(100));
        assert_eq!(rate(2, 3), Some(67));
        assert_eq!(rate(1, 8), Some(13), "12.5 rounds up");
        assert_eq!(rate(199, 200), Some(100), "99.5 rounds up");
        assert_eq!(rate(397, 400), Some(99), "99.25 rounds down");
    }
}

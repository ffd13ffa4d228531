//! Live shopping: a seller schedules a live, goes on air, pins one of its
//! featured products at a time, sets live-only prices and flash deals, and
//! ends it; viewers comment under a rate limit and moderation.
//!
//! What this module decides (the service around it checks ownership, that
//! products are listed in the Shop, and stores the result):
//! - [`LiveState`]: `scheduled → live → ended`, or `scheduled → cancelled`.
//!   Nothing leaves `ended` or `cancelled`: a finished live is a record of
//!   what buyers were offered, so it is never reopened.
//! - Text a viewer sees ([`LiveTitle`], [`CommentText`]) is one line:
//!   trimmed, every run of whitespace (line breaks and tabs included) one
//!   space, other control characters and bidi overrides refused. Lengths
//!   count Unicode scalar values, as [`super::video::Caption`] does: `🔥` is
//!   one character, a family emoji joined by ZWJs is several.
//! - Live prices go through [`crate::pricing::Pricer`] like every other
//!   price: [`live_offer`] turns one into an [`crate::pricing::Offer`] of
//!   kind `Live`, which holds only on `Channel::Live(that live)` and only
//!   inside [`live_window`]. See [`price`] for how a live maps to a
//!   `PromotionId` and how a flash deal's quota is kept.
//! - Comments: [`CommentLimiter`] paces each viewer, [`BlockedWords`] hides
//!   insults and scam cues, [`Moderation`] is where a comment stands.

mod comment;
mod limiter;
pub mod price;
mod stream;
mod words;

#[cfg(test)]
mod tests;

pub use comment::{CommentAuthor, CommentText, Moderation};
pub use limiter::{CommentLimiter, LimiterConfig, RetryAfter};
pub use price::{
    FlashDeal, check_live_price, flash_deal, live_offer, live_promotion_id, live_window,
};
pub use stream::{HlsUrl, StreamSource};
pub use words::{BlockedWords, DEFAULT_BLOCKED_WORDS};

use serde::{Deserialize, Serialize};

use crate::id::ProductId;
use crate::{ErrorCode, Timestamp};

/// Where a live stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveState {
    /// Announced with a planned start; the seller prepares its products.
    Scheduled,
    /// On air: viewers watch, comment and buy at live prices.
    Live,
    /// Over; its live prices no longer hold.
    Ended,
    /// Called off before it went on air.
    Cancelled,
}

impl LiveState {
    pub const ALL: [LiveState; 4] = [
        LiveState::Scheduled,
        LiveState::Live,
        LiveState::Ended,
        LiveState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LiveState::Scheduled => "scheduled",
            LiveState::Live => "live",
            LiveState::Ended => "ended",
            LiveState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<LiveState> {
        LiveState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// A seller may go on air early or late: the planned start is an
    /// announcement, not a lock.
    pub fn go_live(self) -> Result<LiveState, ErrorCode> {
        match self {
            LiveState::Scheduled => Ok(LiveState::Live),
            _ => Err(ErrorCode::IllegalTransition),
        }
    }

    pub fn end(self) -> Result<LiveState, ErrorCode> {
        match self {
            LiveState::Live => Ok(LiveState::Ended),
            _ => Err(ErrorCode::IllegalTransition),
        }
    }

    /// Only a live that never went on air can be cancelled: one that did
    /// sold at live prices, and is ended instead.
    pub fn cancel(self) -> Result<LiveState, ErrorCode> {
        match self {
            LiveState::Scheduled => Ok(LiveState::Cancelled),
            _ => Err(ErrorCode::IllegalTransition),
        }
    }

    /// Featured products and live prices may change until the live is over
    /// (a seller adds a product mid-show when viewers ask for it).
    pub fn accepts_changes(self) -> bool {
        matches!(self, LiveState::Scheduled | LiveState::Live)
    }

    /// On air: pins, flash deals and comments happen only now.
    pub fn is_on(self) -> bool {
        self == LiveState::Live
    }

    /// Why an on-air action is refused when the live is not on.
    fn require_on(self) -> Result<(), ErrorCode> {
        if self.is_on() {
            Ok(())
        } else {
            Err(ErrorCode::IllegalTransition)
        }
    }
}

/// How long a live may stay on air before it is ended for its seller.
/// A live price is open-ended while the live is on, so a live whose
/// seller's app died must still close, or its prices would hold forever.
pub const MAX_LIVE_HOURS: i64 = 12;

/// When a live that went on air at `started_at` is ended automatically.
pub fn auto_end_at(started_at: Timestamp) -> Timestamp {
    started_at.plus_seconds(MAX_LIVE_HOURS * 3600)
}

/// How far ahead a live may be scheduled: an announcement further out is
/// forgotten by viewers and blocks the seller's products' live prices.
pub const MAX_SCHEDULE_DAYS: i64 = 30;

/// How far in the past a planned start may be: a form filled in slowly
/// ("20:00" sent at 20:03) is still taken.
pub const PLANNED_START_GRACE_SECONDS: i64 = 5 * 60;

/// Whether `planned` may be announced as a live's start at `now`.
pub fn check_planned_start(planned: Timestamp, now: Timestamp) -> Result<(), ErrorCode> {
    if planned < now.plus_seconds(-PLANNED_START_GRACE_SECONDS) {
        return Err(ErrorCode::LiveStartInPast);
    }
    if planned > now.plus_seconds(MAX_SCHEDULE_DAYS * 86_400) {
        return Err(ErrorCode::LiveStartTooFar);
    }
    Ok(())
}

/// A live's title: 5 to 100 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LiveTitle(String);

impl LiveTitle {
    pub const MIN_CHARS: usize = 5;
    pub const MAX_CHARS: usize = 100;

    pub fn parse(text: &str) -> Result<LiveTitle, ErrorCode> {
        let line = one_line(text).ok_or(ErrorCode::LiveTitleInvalid)?;
        let chars = line.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(ErrorCode::LiveTitleTooShort);
        }
        if chars > Self::MAX_CHARS {
            return Err(ErrorCode::LiveTitleTooLong);
        }
        Ok(LiveTitle(line))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LiveTitle {
    type Error = ErrorCode;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        LiveTitle::parse(&text)
    }
}

impl From<LiveTitle> for String {
    fn from(title: LiveTitle) -> String {
        title.0
    }
}

/// `text` as one line: trimmed, whitespace runs made one space; `None` when
/// it holds a control character that is not whitespace (NUL, BEL, ESC…) or
/// a bidi embedding, override or isolate, which would flip how the rest of
/// a chat line or a title reads.
fn one_line(text: &str) -> Option<String> {
    let mut line = String::with_capacity(text.len());
    for word in text.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if word.chars().any(is_forbidden) {
            return None;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    Some(line)
}

fn is_forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The products a live features, each once, in the seller's order: what
/// viewers see in the live's basket and what may be pinned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<ProductId>", into = "Vec<ProductId>")]
pub struct FeaturedProducts(Vec<ProductId>);

impl FeaturedProducts {
    pub const MAX: usize = 20;

    /// Keeps the first of repeated products; none, or more than twenty
    /// distinct ones, is refused (a live sells something, and a basket of
    /// more than twenty is scrolled past, not shown).
    pub fn parse(
        products: impl IntoIterator<Item = ProductId>,
    ) -> Result<FeaturedProducts, ErrorCode> {
        let mut featured: Vec<ProductId> = Vec::new();
        for product in products {
            if !featured.contains(&product) {
                featured.push(product);
            }
            if featured.len() > Self::MAX {
                return Err(ErrorCode::LiveTooManyProducts);
            }
        }
        if featured.is_empty() {
            return Err(ErrorCode::LiveProductRequired);
        }
        Ok(FeaturedProducts(featured))
    }

    pub fn as_slice(&self) -> &[ProductId] {
        &self.0
    }

    pub fn contains(&self, product: ProductId) -> bool {
        self.0.contains(&product)
    }
}

impl TryFrom<Vec<ProductId>> for FeaturedProducts {
    type Error = ErrorCode;
    fn try_from(products: Vec<ProductId>) -> Result<Self, Self::Error> {
        FeaturedProducts::parse(products)
    }
}

impl From<FeaturedProducts> for Vec<ProductId> {
    fn from(featured: FeaturedProducts) -> Vec<ProductId> {
        featured.0
    }
}

/// The product shown on top of the stream right now, since `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    pub product: ProductId,
    pub at: Timestamp,
}

impl Pin {
    /// Whether the pin still stands after the featured products changed:
    /// a product taken out of the live's basket cannot stay on top of it.
    pub fn survives(&self, featured: &FeaturedProducts) -> bool {
        featured.contains(self.product)
    }
}

/// Pins `product` at `at`, replacing any earlier pin. Only while the live
/// is on (there is no one to show it to before), and only a featured
/// product (a pin leads to the live's basket, with its live prices).
pub fn pin(
    state: LiveState,
    featured: &FeaturedProducts,
    product: ProductId,
    at: Timestamp,
) -> Result<Pin, ErrorCode> {
    state.require_on()?;
    if !featured.contains(product) {
        return Err(ErrorCode::LivePinNotFeatured);
    }
    Ok(Pin { product, at })
}

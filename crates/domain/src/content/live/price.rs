//! Live-only prices and flash deals, as offers of the one pricing function.
//!
//! # How a live maps to a `PromotionId`
//!
//! An [`Offer`] names the promotion it belongs to; a live is not a stored
//! promotion, so its id is derived, deterministically, from the live's:
//! - a live price's promotion is [`live_promotion_id`]: the live's own ULID
//!   under the promotion prefix (`liv_01jx…` → `prm_01jx…`). All of a live's
//!   SKU prices share it, the way a promotion's items share theirs, and it
//!   is the same on every node and every read, so a quote stays valid and
//!   an order line records the same promotion the page showed.
//! - a flash deal's promotion keeps the live's 80 random bits and takes the
//!   deal's start as its time part ([`FlashDeal::promotion`]): different
//!   from the live price's (so the pricing breakdown says which one won),
//!   stable for the deal, and sorting after the live price's.
//!
//! A real promotion cannot share one of these: ULIDs of both are drawn
//! with 80 random bits each.
//!
//! # How a flash deal's quota is kept
//!
//! A flash deal is a live-only price: it must hold on the live's channel
//! only, so it is an offer of kind `Live`, not `FlashSale` (which holds on
//! every channel). `Live` offers carry no quota, so the quota is kept here:
//! [`FlashDeal::offer`] gives no offer once the units sold reach the
//! quota, and the caller leaves it out of the SKU's offers. Between two
//! live prices of the same live the pricing function takes the lower, so a
//! flash deal only shows when it is below the SKU's standing live price.

use ulid::Ulid;

use super::LiveState;
use crate::id::{LiveId, PromotionId};
use crate::pricing::{Offer, OfferKind, OfferRule, Window};
use crate::{ErrorCode, Timestamp};

/// Whether `price` may be a live-only price for a SKU whose normal price is
/// `base`, under the platform `floor` (the [`crate::pricing::Pricer`]'s).
/// A live price must be a discount: equal or higher is refused, as the
/// promotion guard refuses it, so viewers are never told "live price" for
/// the price everyone pays.
pub fn check_live_price(price: i64, base: i64, floor: i64) -> Result<(), ErrorCode> {
    if price <= 0 {
        return Err(ErrorCode::PriceOutOfRange);
    }
    if price < floor {
        return Err(ErrorCode::PromotionBelowFloor);
    }
    if price >= base {
        return Err(ErrorCode::PromotionNotBelowBase);
    }
    Ok(())
}

/// The window live prices hold in: from the moment the live went on air
/// until it ended, open while it is on.
///
/// An end at or before the start (clocks of two nodes disagreeing) gives
/// an empty window, `[start, start)`: the live's prices held at no moment,
/// and buyers pay the normal price — never a live price that outlives its
/// live. (`Window::new` refuses such a window; this one is built directly,
/// deliberately.)
pub fn live_window(started_at: Timestamp, ended_at: Option<Timestamp>) -> Window {
    match ended_at {
        None => Window::open_from(started_at),
        Some(end) => Window::new(started_at, end).unwrap_or(Window {
            starts_at: started_at,
            ends_at: Some(started_at),
        }),
    }
}

/// The promotion a live's prices belong to: the live's ULID under the
/// promotion prefix (see the module's documentation).
pub fn live_promotion_id(live: LiveId) -> PromotionId {
    PromotionId::from_ulid(live.ulid())
}

/// The offer of a live-only `price` on one SKU: it holds only for buyers on
/// that live, inside `window` (from [`live_window`]).
pub fn live_offer(live: LiveId, price: i64, window: Window) -> Offer {
    Offer {
        promotion: live_promotion_id(live),
        kind: OfferKind::Live { live },
        rule: OfferRule::Fixed { price },
        window,
    }
}

/// A flash deal inside a live: `quota` units of one SKU at `price`, from
/// `starts_at` until `ends_at` (the countdown viewers see) or the live's
/// end, whichever comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FlashDeal {
    pub price: i64,
    pub quota: i64,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

impl FlashDeal {
    pub const MAX_QUOTA: i64 = 10_000;
    /// A countdown longer than this is not a flash deal but a live price.
    pub const MAX_MINUTES: i64 = 60;

    /// The deal's promotion: the live's random bits, the deal's start.
    pub fn promotion(&self, live: LiveId) -> PromotionId {
        let start = self.starts_at.unix_millis().max(0) as u64;
        PromotionId::from_ulid(Ulid::from_parts(start, live.ulid().random()))
    }

    /// Units still to sell at the deal's price.
    pub fn left(&self, sold: i64) -> i64 {
        (self.quota - sold).max(0)
    }

    /// Whole seconds of the countdown at `now` (0 once over).
    pub fn seconds_left(&self, now: Timestamp) -> i64 {
        let millis = self.ends_at.unix_millis() - now.unix_millis();
        (millis.max(0) as u64).div_ceil(1000) as i64
    }

    /// When the deal holds: until its own end or the live's, if earlier;
    /// none if the live ended before the deal began.
    pub fn window(&self, live_ended_at: Option<Timestamp>) -> Option<Window> {
        let end = live_ended_at.map_or(self.ends_at, |e| e.min(self.ends_at));
        Window::new(self.starts_at, end).ok()
    }

    /// The deal's offer while units are left; none once `sold` reaches the
    /// quota (the caller then leaves it out, and the standing live price,
    /// if any, applies again).
    pub fn offer(
        &self,
        live: LiveId,
        live_ended_at: Option<Timestamp>,
        sold: i64,
    ) -> Option<Offer> {
        if self.left(sold) == 0 {
            return None;
        }
        Some(Offer {
            promotion: self.promotion(live),
            kind: OfferKind::Live { live },
            rule: OfferRule::Fixed { price: self.price },
            window: self.window(live_ended_at)?,
        })
    }
}

/// Starts a flash deal at `now`: only while the live is on, at a price a
/// live price may have, for 1 to 10,000 units, ending after `now` and at
/// most 60 minutes from it. Whether the quota fits the SKU's stock is the
/// service's to check (stock is not known here).
pub fn flash_deal(
    state: LiveState,
    price: i64,
    base: i64,
    floor: i64,
    quota: i64,
    now: Timestamp,
    ends_at: Timestamp,
) -> Result<FlashDeal, ErrorCode> {
    state.require_on()?;
    check_live_price(price, base, floor)?;
    if !(1..=FlashDeal::MAX_QUOTA).contains(&quota) {
        return Err(ErrorCode::FlashQuotaOutOfRange);
    }
    if ends_at <= now {
        return Err(ErrorCode::EndsInPast);
    }
    if ends_at > now.plus_seconds(FlashDeal::MAX_MINUTES * 60) {
        return Err(ErrorCode::FlashDealTooLong);
    }
    Ok(FlashDeal {
        price,
        quota,
        starts_at: now,
        ends_at,
    })
}

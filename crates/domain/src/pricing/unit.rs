//! The price of one unit of one SKU for one buyer, on one channel, at one
//! moment. Every price etalase shows or charges comes from here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::offer::{Offer, OfferKind};
use crate::Timestamp;
use crate::id::{LiveId, PromotionId, SkuId, VideoId};

/// Where the buyer is looking from. Only a live changes the price (its
/// live-only prices); a video is remembered for attribution, and its tags
/// show the same price as the product page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Channel {
    Shop,
    Video(VideoId),
    Live(LiveId),
}

/// What pricing needs to know of the buyer: how many units they already
/// bought at each flash sale's price (for its per-buyer limit).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuyerContext {
    pub flash_bought: BTreeMap<PromotionId, i64>,
}

impl BuyerContext {
    pub fn anonymous() -> Self {
        Self::default()
    }

    pub(crate) fn bought(&self, promotion: PromotionId) -> i64 {
        self.flash_bought.get(&promotion).copied().unwrap_or(0)
    }
}

/// A SKU as pricing sees it: its base price, the seller's own "original"
/// price (a compare-at price), and every offer touching it (of any moment:
/// the function picks what holds at the moment asked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuPricing {
    pub sku: SkuId,
    pub base: i64,
    pub compare_at: Option<i64>,
    pub offers: Vec<Offer>,
}

/// Why the winning offer won.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WinReason {
    /// No other offer held.
    Only,
    /// A live price beats a flash sale, which beats a product discount.
    Precedence,
    /// Of offers of the same kind, the lowest price wins.
    LowestPrice,
    /// Same kind and price: the one that started first.
    StartedFirst,
}

/// The offer that set the price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    pub promotion: PromotionId,
    pub kind: OfferKind,
    pub reason: WinReason,
    /// Offers that held too and lost: each is a promotion the seller may
    /// believe is running.
    pub beaten: Vec<PromotionId>,
    /// The promotion's end (the countdown buyers see); none for a live
    /// price, which ends with the live.
    pub ends_at: Option<Timestamp>,
    /// The platform floor raised the offer's price.
    pub floored: bool,
}

/// The breakdown of one unit's price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitPrice {
    pub sku: SkuId,
    pub base: i64,
    /// What the buyer pays for one unit.
    pub unit: i64,
    /// The price to strike through, when above `unit`.
    pub strike: Option<i64>,
    pub applied: Option<Applied>,
    /// The next moment this breakdown may differ (an offer starts or ends);
    /// a quote is good until then.
    pub changes_at: Option<Timestamp>,
}

impl UnitPrice {
    /// Whole percent off the struck price, for the label ("-20%").
    pub fn percent_off(&self) -> Option<i64> {
        let strike = self.strike?;
        Some(((strike - self.unit) * 100) / strike).filter(|p| *p > 0)
    }
}

/// The platform's pricing rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pricer {
    /// No offer takes a price below this (a sale under it may cost the
    /// seller more in fees than it earns). A base price below the floor is
    /// left as it is, and no offer applies to it.
    pub floor: i64,
}

impl Default for Pricer {
    fn default() -> Self {
        Pricer {
            floor: Self::DEFAULT_FLOOR,
        }
    }
}

impl Pricer {
    pub const DEFAULT_FLOOR: i64 = 2_000;

    /// The price of one unit.
    ///
    /// Precedence, in order:
    /// 1. only offers whose window holds `at` count; a flash sale also needs
    ///    quota left and the buyer under its limit; a live price also needs
    ///    the buyer to be on that live;
    /// 2. the highest kind wins: live price > flash sale > product discount;
    /// 3. within a kind, the lowest price, then the earliest start, then the
    ///    smallest promotion id (ids are time-ordered), so the same inputs
    ///    always give the same answer whatever order the offers come in;
    /// 4. the result is never below the floor and never above the base price.
    pub fn price(
        &self,
        sku: &SkuPricing,
        buyer: &BuyerContext,
        channel: Channel,
        at: Timestamp,
    ) -> UnitPrice {
        self.price_where(sku, buyer, channel, at, |_| true)
    }

    /// The price with some offers left out (a cart prices the units past a
    /// flash sale's quota without it).
    pub(crate) fn price_where(
        &self,
        sku: &SkuPricing,
        buyer: &BuyerContext,
        channel: Channel,
        at: Timestamp,
        allowed: impl Fn(&Offer) -> bool,
    ) -> UnitPrice {
        let held: Vec<(&Offer, i64, bool)> = sku
            .offers
            .iter()
            .filter(|o| allowed(o) && self.holds(o, buyer, channel, at))
            .map(|o| {
                let (price, floored) = self.offer_price(o, sku.base);
                (o, price, floored)
            })
            .collect();
        let best = held
            .iter()
            .copied()
            .min_by(|a, b| precedence(a.0, a.1).cmp(&precedence(b.0, b.1)));
        let mut beaten: Vec<PromotionId> = held
            .iter()
            .map(|(o, _, _)| o.promotion)
            .filter(|p| best.is_none_or(|(w, _, _)| w.promotion != *p))
            .collect();
        beaten.sort();
        let reason = best.map_or(WinReason::Only, |(w, price, _)| why_won(w, price, &held));
        let changes_at = next_change(sku, at);
        match best {
            Some((offer, unit, floored)) if unit < sku.base => UnitPrice {
                sku: sku.sku,
                base: sku.base,
                unit,
                strike: Some(sku.base),
                applied: Some(Applied {
                    promotion: offer.promotion,
                    kind: offer.kind,
                    reason,
                    beaten,
                    ends_at: offer.window.ends_at,
                    floored,
                }),
                changes_at,
            },
            _ => UnitPrice {
                sku: sku.sku,
                base: sku.base,
                unit: sku.base,
                strike: sku.compare_at.filter(|c| *c > sku.base),
                applied: None,
                changes_at,
            },
        }
    }

    /// Whether an offer holds for this buyer, channel and moment.
    fn holds(&self, offer: &Offer, buyer: &BuyerContext, channel: Channel, at: Timestamp) -> bool {
        if !offer.window.contains(at) {
            return false;
        }
        match offer.kind {
            OfferKind::Discount => true,
            OfferKind::FlashSale {
                quota_left,
                per_buyer_limit,
            } => {
                quota_left > 0
                    && per_buyer_limit.is_none_or(|limit| buyer.bought(offer.promotion) < limit)
            }
            OfferKind::Live { live } => channel == Channel::Live(live),
        }
    }

    /// The offer's price for `base`, clamped to the floor (and whether the
    /// floor raised it); never above `base`.
    fn offer_price(&self, offer: &Offer, base: i64) -> (i64, bool) {
        let raw = offer.rule.apply(base);
        if raw < self.floor {
            (self.floor.min(base), true)
        } else {
            (raw, false)
        }
    }
}

/// The sort key of the winner: smallest first — highest kind, lowest
/// price, earliest start, smallest id.
fn precedence(offer: &Offer, price: i64) -> (std::cmp::Reverse<u8>, i64, Timestamp, PromotionId) {
    (
        std::cmp::Reverse(offer.kind.rank()),
        price,
        offer.window.starts_at,
        offer.promotion,
    )
}

/// Why the winner beat the others: by the closest rule that separated it
/// from one of them.
fn why_won(winner: &Offer, price: i64, held: &[(&Offer, i64, bool)]) -> WinReason {
    let others = held
        .iter()
        .filter(|(o, _, _)| o.promotion != winner.promotion);
    let mut reason = WinReason::Only;
    for (other, other_price, _) in others {
        let this = if other.kind.rank() != winner.kind.rank() {
            WinReason::Precedence
        } else if *other_price != price {
            WinReason::LowestPrice
        } else {
            WinReason::StartedFirst
        };
        reason = reason.max(this);
    }
    reason
}

/// The next moment after `at` when some offer starts or ends.
fn next_change(sku: &SkuPricing, at: Timestamp) -> Option<Timestamp> {
    sku.offers
        .iter()
        .flat_map(|o| [Some(o.window.starts_at), o.window.ends_at])
        .flatten()
        .filter(|t| *t > at)
        .min()
}

//! Guards against price mistakes, checked before a promotion is saved or
//! activated: some findings refuse it (a price under the platform floor, a
//! "flash" price that is not lower), the others warn the seller, who may
//! go on knowingly.

use serde::{Deserialize, Serialize};

use super::offer::{Offer, OfferKind, OfferRule};
use super::unit::Pricer;
use super::voucher::Benefit;
use crate::ErrorCode;
use crate::id::{PromotionId, SkuId};

/// Discounts deeper than this (promotion and the best shop voucher
/// together) are worth a second look.
pub const DEEP_DISCOUNT_PERCENT: i64 = 70;

/// What is known of one SKU when a promotion on it is checked.
#[derive(Debug, Clone)]
pub struct SkuFacts<'a> {
    pub sku: SkuId,
    pub base: i64,
    /// The seller's cost, when recorded.
    pub cost: Option<i64>,
    /// The lowest price buyers paid (or could have) in the last 30 days.
    pub lowest_recent: Option<i64>,
    /// Other promotions' offers on this SKU (any window).
    pub others: &'a [Offer],
    /// Running or scheduled shop vouchers covering it (benefit, minimum
    /// spend): the deepest one that one unit can use stacks on the offer.
    pub vouchers: &'a [(Benefit, i64)],
}

/// One finding of the guard on one SKU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Finding {
    /// Under the platform floor: refused.
    BelowFloor { price: i64, floor: i64 },
    /// Not below the base price: refused (it would not be a discount).
    NotBelowBase { price: i64, base: i64 },
    /// Under the seller's recorded cost.
    BelowCost { price: i64, cost: i64 },
    /// Promotion and voucher together take off more than the threshold.
    DeepDiscount { percent: i64 },
    /// The "discounted" price is above the lowest price of the last 30 days:
    /// buyers would see a discount from a price raised for the occasion.
    AboveRecentLowest { price: i64, lowest: i64 },
    /// Another promotion covers the same SKU at the same time; `winner`
    /// sets the price while both hold.
    Overlaps {
        other: PromotionId,
        winner: PromotionId,
    },
}

impl Finding {
    /// Whether the promotion may not go on with it.
    pub fn refuses(self) -> bool {
        matches!(
            self,
            Finding::BelowFloor { .. } | Finding::NotBelowBase { .. }
        )
    }

    /// The error code a refusal is answered with.
    pub fn code(self) -> ErrorCode {
        match self {
            Finding::BelowFloor { .. } => ErrorCode::PromotionBelowFloor,
            Finding::NotBelowBase { .. } => ErrorCode::PromotionNotBelowBase,
            _ => ErrorCode::PromotionNeedsConfirmation,
        }
    }

    /// The stable name (a translation key's last part).
    pub fn name(self) -> &'static str {
        match self {
            Finding::BelowFloor { .. } => "below_floor",
            Finding::NotBelowBase { .. } => "not_below_base",
            Finding::BelowCost { .. } => "below_cost",
            Finding::DeepDiscount { .. } => "deep_discount",
            Finding::AboveRecentLowest { .. } => "above_recent_lowest",
            Finding::Overlaps { .. } => "overlaps",
        }
    }
}

impl Pricer {
    /// What the guard finds about `offer` on one SKU.
    pub fn check_offer(&self, offer: &Offer, facts: &SkuFacts<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let price = match offer.rule {
            OfferRule::Fixed { price } => price,
            OfferRule::PercentOff { .. } => offer.rule.apply(facts.base),
        };
        if price < self.floor {
            findings.push(Finding::BelowFloor {
                price,
                floor: self.floor,
            });
        }
        if price >= facts.base {
            findings.push(Finding::NotBelowBase {
                price,
                base: facts.base,
            });
        }
        if let Some(cost) = facts.cost.filter(|c| price < *c) {
            findings.push(Finding::BelowCost { price, cost });
        }
        let voucher_off = facts
            .vouchers
            .iter()
            .filter(|(b, min_spend)| b.percent_of_unit(price, *min_spend).is_some())
            .map(|(b, _)| b.discount_on(price))
            .max()
            .unwrap_or(0);
        let after_voucher = price - voucher_off;
        let percent = (facts.base - after_voucher) * 100 / facts.base.max(1);
        if percent > DEEP_DISCOUNT_PERCENT {
            findings.push(Finding::DeepDiscount { percent });
        }
        if let Some(lowest) = facts.lowest_recent.filter(|l| price > *l) {
            findings.push(Finding::AboveRecentLowest { price, lowest });
        }
        for other in facts.others {
            if other.promotion == offer.promotion || !other.window.overlaps(&offer.window) {
                continue;
            }
            findings.push(Finding::Overlaps {
                other: other.promotion,
                winner: self.winner_of(offer, other, facts.base),
            });
        }
        findings
    }

    /// Which of two offers sets the price while both hold (the pricing
    /// function's own rules, with any flash quota left).
    fn winner_of(&self, a: &Offer, b: &Offer, base: i64) -> PromotionId {
        let sku = super::unit::SkuPricing {
            sku: SkuId::generate(),
            base,
            compare_at: None,
            offers: [a, b]
                .into_iter()
                .map(|o| Offer {
                    kind: match o.kind {
                        OfferKind::FlashSale { .. } => OfferKind::FlashSale {
                            quota_left: 1,
                            per_buyer_limit: None,
                        },
                        k => k,
                    },
                    ..*o
                })
                .collect(),
        };
        let at = a.window.starts_at.max(b.window.starts_at);
        let channel = [a, b]
            .into_iter()
            .find_map(|o| match o.kind {
                OfferKind::Live { live } => Some(super::unit::Channel::Live(live)),
                _ => None,
            })
            .unwrap_or(super::unit::Channel::Shop);
        let priced = self.price(&sku, &Default::default(), channel, at);
        priced.applied.map_or(a.promotion, |w| w.promotion)
    }
}

/// What the guard finds about a voucher before it is scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VoucherFinding {
    /// More uses than units in stock to use them on.
    QuotaAboveStock { quota: i64, stock: i64 },
    /// It takes off more than the threshold of what it needs spent.
    DeepDiscount { percent: i64 },
}

impl VoucherFinding {
    pub fn name(self) -> &'static str {
        match self {
            VoucherFinding::QuotaAboveStock { .. } => "quota_above_stock",
            VoucherFinding::DeepDiscount { .. } => "deep_discount",
        }
    }
}

/// The voucher guard; `stock` is the units the voucher could be used on
/// (none for a platform voucher, which covers every shop).
pub fn voucher_findings(
    benefit: Benefit,
    min_spend: i64,
    quota: i64,
    stock: Option<i64>,
) -> Vec<VoucherFinding> {
    let mut findings = Vec::new();
    if let Some(stock) = stock.filter(|s| quota > *s) {
        findings.push(VoucherFinding::QuotaAboveStock { quota, stock });
    }
    let percent = match benefit {
        Benefit::PercentOff { percent, .. } => Some(percent.value() as i64),
        Benefit::AmountOff { amount } if min_spend > 0 => Some(amount * 100 / min_spend),
        _ => None,
    };
    if let Some(percent) = percent.filter(|p| *p > DEEP_DISCOUNT_PERCENT) {
        findings.push(VoucherFinding::DeepDiscount { percent });
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;
    use crate::pricing::offer::{Percent, Window};

    fn at(s: i64) -> Timestamp {
        Timestamp::from_unix_millis(s * 1000)
    }

    fn discount(rule: OfferRule, from: i64, to: i64) -> Offer {
        Offer {
            promotion: PromotionId::generate(),
            kind: OfferKind::Discount,
            rule,
            window: Window::new(at(from), at(to)).unwrap(),
        }
    }

    fn facts(base: i64, others: &[Offer]) -> SkuFacts<'_> {
        SkuFacts {
            sku: SkuId::generate(),
            base,
            cost: None,
            lowest_recent: None,
            others,
            vouchers: &[],
        }
    }

    #[test]
    fn under_the_floor_or_not_lower_is_refused() {
        let pricer = Pricer::default();
        let low = discount(OfferRule::Fixed { price: 1_500 }, 0, 10);
        let found = pricer.check_offer(&low, &facts(10_000, &[]));
        assert!(found.contains(&Finding::BelowFloor {
            price: 1_500,
            floor: 2_000
        }));
        assert!(found.iter().any(|f| f.refuses()));
        let same = discount(OfferRule::Fixed { price: 10_000 }, 0, 10);
        let found = pricer.check_offer(&same, &facts(10_000, &[]));
        assert_eq!(
            found,
            vec![Finding::NotBelowBase {
                price: 10_000,
                base: 10_000
            }]
        );
    }

    #[test]
    fn cost_depth_the_recent_lowest_and_overlaps_are_warnings() {
        let pricer = Pricer::default();
        let other = discount(OfferRule::Fixed { price: 70_000 }, 5, 20);
        let offer = discount(
            OfferRule::PercentOff {
                percent: Percent::new(25).unwrap(),
            },
            0,
            10,
        );
        let mut f = facts(100_000, std::slice::from_ref(&other));
        f.cost = Some(80_000);
        f.lowest_recent = Some(72_000);
        let voucher = [(
            Benefit::PercentOff {
                percent: Percent::new(65).unwrap(),
                cap: None,
            },
            0,
        )];
        f.vouchers = &voucher;
        let found = pricer.check_offer(&offer, &f);
        assert_eq!(
            found,
            vec![
                Finding::BelowCost {
                    price: 75_000,
                    cost: 80_000
                },
                Finding::DeepDiscount { percent: 73 },
                Finding::AboveRecentLowest {
                    price: 75_000,
                    lowest: 72_000
                },
                Finding::Overlaps {
                    other: other.promotion,
                    winner: other.promotion
                },
            ]
        );
        assert!(found.iter().all(|f| !f.refuses()));
    }

    #[test]
    fn an_amount_voucher_one_unit_can_use_stacks_on_the_offer() {
        let pricer = Pricer::default();
        let offer = discount(OfferRule::Fixed { price: 40_000 }, 0, 10);
        let amount = [(Benefit::AmountOff { amount: 15_000 }, 30_000)];
        let mut f = facts(100_000, &[]);
        f.vouchers = &amount;
        assert_eq!(
            pricer.check_offer(&offer, &f),
            vec![Finding::DeepDiscount { percent: 75 }]
        );
        let out_of_reach = [(Benefit::AmountOff { amount: 15_000 }, 50_000)];
        f.vouchers = &out_of_reach;
        assert!(
            pricer.check_offer(&offer, &f).is_empty(),
            "one unit does not reach its minimum"
        );
    }

    #[test]
    fn a_voucher_beyond_stock_or_too_deep_is_flagged() {
        let amount = Benefit::AmountOff { amount: 80_000 };
        assert_eq!(
            voucher_findings(amount, 100_000, 500, Some(120)),
            vec![
                VoucherFinding::QuotaAboveStock {
                    quota: 500,
                    stock: 120
                },
                VoucherFinding::DeepDiscount { percent: 80 }
            ]
        );
        assert!(voucher_findings(amount, 200_000, 100, Some(120)).is_empty());
        assert!(voucher_findings(amount, 0, 100, None).is_empty());
    }
}

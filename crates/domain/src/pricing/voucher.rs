//! Vouchers: a seller's (for its shop, or chosen products) or the
//! platform's (for any shop, or for shipping), with a benefit, a minimum
//! spend, a window, a quota and a per-buyer limit.

use serde::{Deserialize, Serialize};

use super::offer::{Percent, Window};
use crate::id::{ProductId, SellerId, VoucherId};
use crate::{ErrorCode, Timestamp};

/// A voucher code as buyers type it: letters and digits, 4 to 20, stored in
/// capitals. Spaces and dashes people type around or inside it are dropped
/// (`hemat 10` is `HEMAT10`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VoucherCode(String);

impl VoucherCode {
    pub const MIN: usize = 4;
    pub const MAX: usize = 20;

    pub fn parse(text: &str) -> Result<VoucherCode, ErrorCode> {
        let code: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let fits = (Self::MIN..=Self::MAX).contains(&code.chars().count());
        if !fits || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ErrorCode::InvalidVoucherCode);
        }
        Ok(VoucherCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for VoucherCode {
    type Error = ErrorCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        VoucherCode::parse(&value)
    }
}

impl From<VoucherCode> for String {
    fn from(code: VoucherCode) -> String {
        code.0
    }
}

impl std::fmt::Display for VoucherCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a voucher takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Benefit {
    /// A percentage of the eligible items, at most `cap` when one is set.
    PercentOff { percent: Percent, cap: Option<i64> },
    /// A fixed amount, at most the eligible items' total.
    AmountOff { amount: i64 },
    /// Shipping, at most `cap` when one is set.
    FreeShipping { cap: Option<i64> },
}

impl Benefit {
    /// The discount on `eligible` (items, or shipping for free shipping),
    /// in whole Rupiah: never more than `eligible`, nor the cap.
    pub fn discount_on(self, eligible: i64) -> i64 {
        let raw = match self {
            Benefit::PercentOff { percent, cap } => {
                let off = percent.of(eligible);
                cap.map_or(off, |c| off.min(c))
            }
            Benefit::AmountOff { amount } => amount,
            Benefit::FreeShipping { cap } => cap.map_or(eligible, |c| eligible.min(c)),
        };
        raw.clamp(0, eligible.max(0))
    }

    /// How much of one unit at `price` it can take off, in whole percent
    /// (the deep-discount guard); none when one unit does not reach
    /// `min_spend`, or for shipping.
    pub fn percent_of_unit(self, price: i64, min_spend: i64) -> Option<i64> {
        if price <= 0 || price < min_spend || matches!(self, Benefit::FreeShipping { .. }) {
            return None;
        }
        Some(self.discount_on(price) * 100 / price)
    }

    /// The most one use can take off, when bounded (for budget checks).
    pub fn max_per_use(self) -> Option<i64> {
        match self {
            Benefit::PercentOff { cap, .. } | Benefit::FreeShipping { cap } => cap,
            Benefit::AmountOff { amount } => Some(amount),
        }
    }
}

/// Who gives the voucher (and pays for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "seller", rename_all = "snake_case")]
pub enum Issuer {
    Seller(SellerId),
    Platform,
}

/// Which of a cart's three voucher places a voucher takes: one seller
/// voucher per shop, one platform voucher and one shipping voucher per
/// order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    Shop,
    Platform,
    Shipping,
}

/// A voucher as pricing sees it, with its counters as they stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voucher {
    pub id: VoucherId,
    pub code: VoucherCode,
    pub issuer: Issuer,
    pub benefit: Benefit,
    /// The eligible items must come to at least this.
    pub min_spend: i64,
    pub window: Window,
    /// The products it is for; none for the whole shop (or every shop).
    pub products: Option<Vec<ProductId>>,
    /// Uses left of its total quota.
    pub quota_left: i64,
    /// Uses left to this buyer.
    pub buyer_uses_left: i64,
    /// Stopped by its issuer.
    pub deactivated: bool,
}

impl Voucher {
    pub fn slot(&self) -> Slot {
        match (self.issuer, self.benefit) {
            (_, Benefit::FreeShipping { .. }) => Slot::Shipping,
            (Issuer::Seller(_), _) => Slot::Shop,
            (Issuer::Platform, _) => Slot::Platform,
        }
    }

    /// Whether it covers a product (of its shop, for a seller voucher).
    pub fn covers(&self, seller: SellerId, product: ProductId) -> bool {
        let shop = match self.issuer {
            Issuer::Seller(s) => s == seller,
            Issuer::Platform => true,
        };
        shop && self.products.as_ref().is_none_or(|p| p.contains(&product))
    }

    /// Why it cannot be used now, if it cannot (before looking at the cart).
    pub fn unusable(&self, at: Timestamp) -> Option<VoucherProblem> {
        if self.deactivated {
            Some(VoucherProblem::Deactivated)
        } else if at < self.window.starts_at {
            Some(VoucherProblem::NotStarted)
        } else if !self.window.contains(at) {
            Some(VoucherProblem::Expired)
        } else if self.quota_left <= 0 {
            Some(VoucherProblem::UsedUp)
        } else if self.buyer_uses_left <= 0 {
            Some(VoucherProblem::BuyerLimitReached)
        } else {
            None
        }
    }
}

/// Why a voucher did not apply to a cart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VoucherProblem {
    Deactivated,
    NotStarted,
    Expired,
    UsedUp,
    BuyerLimitReached,
    /// The eligible items come to less than the minimum spend.
    MinSpendNotMet {
        short_by: i64,
    },
    /// Nothing in the cart is covered (another shop's voucher, or other
    /// products).
    NothingCovered,
    /// Its place (the shop's, the platform's, shipping) already holds a
    /// voucher: they do not stack.
    SlotTaken,
    /// It was put in a place it does not belong (a shipping voucher as the
    /// platform voucher, a seller's voucher on another shop).
    WrongSlot,
}

impl VoucherProblem {
    /// The error code that explains it to a buyer.
    pub fn code(self) -> ErrorCode {
        match self {
            VoucherProblem::Deactivated | VoucherProblem::Expired => ErrorCode::VoucherExpired,
            VoucherProblem::NotStarted => ErrorCode::VoucherNotStarted,
            VoucherProblem::UsedUp => ErrorCode::VoucherUsedUp,
            VoucherProblem::BuyerLimitReached => ErrorCode::VoucherLimitReached,
            VoucherProblem::MinSpendNotMet { .. } => ErrorCode::VoucherMinSpendNotMet,
            VoucherProblem::SlotTaken => ErrorCode::VoucherStacking,
            VoucherProblem::NothingCovered | VoucherProblem::WrongSlot => {
                ErrorCode::VoucherNotApplicable
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised_to_capitals_without_spaces() {
        assert_eq!(
            VoucherCode::parse(" hemat 10 ").unwrap().as_str(),
            "HEMAT10"
        );
        assert_eq!(
            VoucherCode::parse("payday-25").unwrap().as_str(),
            "PAYDAY25"
        );
        assert_eq!(
            VoucherCode::parse("ab1"),
            Err(ErrorCode::InvalidVoucherCode)
        );
        assert_eq!(
            VoucherCode::parse("diskon%"),
            Err(ErrorCode::InvalidVoucherCode)
        );
        assert_eq!(
            VoucherCode::parse("A".repeat(21).as_str()),
            Err(ErrorCode::InvalidVoucherCode)
        );
    }

    #[test]
    fn a_discount_never_exceeds_its_cap_or_the_eligible_amount() {
        let pct = |p, cap| Benefit::PercentOff {
            percent: Percent::new(p).unwrap(),
            cap,
        };
        assert_eq!(pct(10, Some(15_000)).discount_on(200_000), 15_000);
        assert_eq!(pct(10, None).discount_on(99_999), 9_999);
        assert_eq!(
            Benefit::AmountOff { amount: 50_000 }.discount_on(30_000),
            30_000
        );
        assert_eq!(
            Benefit::FreeShipping { cap: Some(10_000) }.discount_on(18_000),
            10_000
        );
        assert_eq!(
            Benefit::FreeShipping { cap: None }.discount_on(18_000),
            18_000
        );
    }
}

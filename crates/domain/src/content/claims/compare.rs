//! Holding claims against what will really be charged.

use serde::{Deserialize, Serialize};

use super::{Claim, ClaimKind};

/// A claimed discount may exceed the real one by this many percentage
/// points: a seller rounds 49.6 % to "50%" while the real discount, like
/// the pricing function's, is rounded down to 49.
const PERCENT_TOLERANCE: u8 = 1;

/// What the pricing function will really charge for one tagged or pinned
/// product at the moment the content is live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargedProduct {
    pub title: String,
    /// The cheapest unit price over its SKUs.
    pub lowest_unit: i64,
    /// The dearest unit price over its SKUs.
    pub highest_unit: i64,
    /// The price struck through (base or compare-at); `>= lowest_unit`.
    pub original: i64,
    /// An active free-shipping voucher or promotion applies to it.
    pub free_shipping: bool,
}

impl ChargedProduct {
    /// Whether some SKU of it is charged `rupiah`.
    pub fn charges(&self, rupiah: i64) -> bool {
        (self.lowest_unit..=self.highest_unit).contains(&rupiah)
    }

    /// The real discount, rounded down like the pricing function's:
    /// `floor((original - lowest) * 100 / original)`.
    pub fn real_percent_off(&self) -> u8 {
        if self.original <= 0 || self.lowest_unit >= self.original {
            return 0;
        }
        let off = i128::from(self.original) - i128::from(self.lowest_unit.max(0));
        let percent = off * 100 / i128::from(self.original);
        u8::try_from(percent.min(100)).unwrap_or(100)
    }
}

/// A claim the charged prices do not back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mismatch {
    /// The claimed price is no product's real price (lowest..=highest) —
    /// says Rp99.000 but charges Rp129.000. For a "starting from" claim:
    /// the claimed price is not the cheapest product's lowest price.
    PriceNotCharged { claim: Claim, cheapest_real: i64 },
    /// The claimed percent off is more than the real discount of every
    /// product, by more than one point.
    DiscountNotGiven { claim: Claim, best_real_percent: u8 },
    /// Free shipping claimed but no product has it.
    FreeShippingNotGiven { claim: Claim },
    /// No single product is struck through at `was` and charged `now`.
    /// `real_original`/`real_lowest` are those of the product the claim
    /// most likely means: one charged `now` if any, else the cheapest.
    WasNowNotTrue {
        claim: Claim,
        real_original: i64,
        real_lowest: i64,
    },
    /// A claim was found but no product is tagged to check it against.
    NothingToCheck { claim: Claim },
}

/// The claims that `products` do not back, in the claims' order; at most
/// one mismatch per claim.
pub fn compare(claims: &[Claim], products: &[ChargedProduct]) -> Vec<Mismatch> {
    claims
        .iter()
        .filter(|claim| !backed(claim.kind, products))
        .map(|claim| mismatch(claim, products))
        .collect()
}

/// Whether the products back the claim; nothing backs a claim when no
/// product is tagged.
fn backed(kind: ClaimKind, products: &[ChargedProduct]) -> bool {
    if products.is_empty() {
        return false;
    }
    match kind {
        ClaimKind::Price(rupiah) => products.iter().any(|p| p.charges(rupiah)),
        ClaimKind::StartingFrom(rupiah) => cheapest(products) == rupiah,
        ClaimKind::PercentOff(percent) => {
            percent <= best_percent(products).saturating_add(PERCENT_TOLERANCE)
        }
        ClaimKind::FreeShipping => products.iter().any(|p| p.free_shipping),
        ClaimKind::WasNow { was, now } => {
            products.iter().any(|p| p.original == was && p.charges(now))
        }
    }
}

fn mismatch(claim: &Claim, products: &[ChargedProduct]) -> Mismatch {
    let claim = claim.clone();
    if products.is_empty() {
        return Mismatch::NothingToCheck { claim };
    }
    match claim.kind {
        ClaimKind::Price(_) | ClaimKind::StartingFrom(_) => Mismatch::PriceNotCharged {
            cheapest_real: cheapest(products),
            claim,
        },
        ClaimKind::PercentOff(_) => Mismatch::DiscountNotGiven {
            best_real_percent: best_percent(products),
            claim,
        },
        ClaimKind::FreeShipping => Mismatch::FreeShippingNotGiven { claim },
        ClaimKind::WasNow { now, .. } => {
            let meant = products
                .iter()
                .find(|p| p.charges(now))
                .or_else(|| products.iter().min_by_key(|p| p.lowest_unit));
            Mismatch::WasNowNotTrue {
                real_original: meant.map_or(0, |p| p.original),
                real_lowest: meant.map_or(0, |p| p.lowest_unit),
                claim,
            }
        }
    }
}

fn cheapest(products: &[ChargedProduct]) -> i64 {
    products.iter().map(|p| p.lowest_unit).min().unwrap_or(0)
}

fn best_percent(products: &[ChargedProduct]) -> u8 {
    products
        .iter()
        .map(ChargedProduct::real_percent_off)
        .max()
        .unwrap_or(0)
}

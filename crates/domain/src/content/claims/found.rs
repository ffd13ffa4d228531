//! What the first pass of the finder reads at a position: a claim already
//! whole (a percent, free shipping, a hashtag), or an amount of money whose
//! meaning the second pass decides. Shared by the finder and its readers,
//! so each depends on this and not on the others.

use super::ClaimKind;
use super::money::Money;

/// A claim before its text is cut out: kind and first/last token.
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub(super) kind: ClaimKind,
    pub(super) first: usize,
    pub(super) last: usize,
}

#[derive(Debug, Clone)]
pub(super) enum Item {
    Claim(Found),
    Money(Money),
}

impl Item {
    pub(super) fn last(&self) -> usize {
        match self {
            Item::Claim(found) => found.last,
            Item::Money(money) => money.last,
        }
    }
}

//! Pricing: the one function behind every price a buyer sees or pays —
//! feed card, product page, video tag, live pin, cart, checkout, order.
//! Pages, quotes and orders all call [`Pricer::price`] (or
//! [`Pricer::price_cart`]) over the same inputs, so what is shown is what
//! is charged.
//!
//! Rules, in order (see [`Pricer::price`] for the details):
//! - a live price (only on that live, while it is on) beats a flash sale
//!   (while its quota lasts and the buyer is under its limit), which beats a
//!   product discount;
//! - within a kind, the lowest price wins, then the earliest start;
//! - no offer takes a price below the platform floor (default Rp2.000) or
//!   above the base price;
//! - whole Rupiah throughout: percentages are rounded in the buyer's
//!   disfavour by at most one Rupiah (the discount is rounded down), and
//!   voucher discounts are split over lines and shops by largest remainder.

pub mod allocate;
pub mod cart;
pub mod guard;
pub mod offer;
pub mod unit;
pub mod voucher;

pub use cart::{Cart, CartBreakdown, CartLine, DiscountLine, DiscountSource, ShopCart};
pub use offer::{Offer, OfferKind, OfferRule, Percent, PromotionState, Window};
pub use unit::{Applied, BuyerContext, Channel, Pricer, SkuPricing, UnitPrice, WinReason};
pub use voucher::{Benefit, Issuer, Slot, Voucher, VoucherCode, VoucherProblem};

#[cfg(test)]
mod tests;

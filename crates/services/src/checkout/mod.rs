//! Checkout: the cart, delivery addresses, the summary a buyer confirms
//! (items, discounts, vouchers, shipping per shop, total, with a version),
//! and placing it — one transaction that re-prices everything against the
//! system of record and either makes every order of the checkout, with the
//! stock, flash units and vouchers they take, or nothing.

pub mod addresses;
pub mod buyer_reads;
pub mod cart;
pub mod expiry;
pub mod orders;
pub mod place;
pub mod summary;

use etalase_domain::id::UserId;

/// Who is shopping: a signed-in buyer, or a guest known by the random key
/// of their cart cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shopper {
    Buyer(UserId),
    Guest(String),
}

/// The outbox topic of an order placed, paid or cancelled.
pub const ORDER_CHANGED: &str = "orders.order_changed";

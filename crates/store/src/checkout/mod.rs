//! Checkout's records (migration `0015_checkout.sql`): carts, buyers'
//! addresses, checkouts and their orders with what each order holds.

pub mod addresses;
pub mod buyer_at_checkout;
pub mod carts;
pub mod orders;
pub mod sales;
pub mod sellable;

pub use addresses::*;
pub use buyer_at_checkout::*;
pub use carts::*;
pub use orders::*;
pub use sales::*;
pub use sellable::*;

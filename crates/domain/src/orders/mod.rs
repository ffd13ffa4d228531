//! An order after checkout: the state machine every change goes through,
//! the deadlines a seller and a courier are held to, the resi (AWB) a
//! package travels under, and the tracking events couriers send.
//!
//! The statuses themselves are [`crate::checkout::OrderStatus`]: checkout
//! creates orders in their first status; everything after is decided here.

pub mod deadlines;
pub mod machine;
pub mod performance;
pub mod resi;
pub mod tabs;
pub mod tracking;

pub use deadlines::FulfilmentPolicy;
pub use machine::{CancelReason, CancelledBy, IllegalTransition, OrderEvent, ShippingMode};
pub use resi::{Resi, ResiError};
pub use tabs::OrderTab;
pub use tracking::TrackingKind;

//! Checkout: where a cart line came from, where the order goes, how it is
//! paid and what state it is in. The prices come from [`crate::pricing`],
//! the shipping costs from [`crate::shipping`].

pub mod address;
pub mod order;
pub mod source;

pub use address::{AddressForm, DeliveryAddress};
pub use order::{OrderStatus, PaymentMethod, PaymentPolicy};
pub use source::Source;

//! The pure rules of etalase: types that can only be built valid, invariants,
//! state machines and policies. No IO, no async, no SQL — every other crate of
//! the workspace depends on this one and it depends on none of ours.

pub mod account;
pub mod attribution;
pub mod audit;
pub mod banks;
pub mod calendar;
pub mod catalog;
pub mod checkout;
pub mod content;
pub mod error;
pub mod id;
pub mod kyc;
pub mod lang;
pub mod listing;
pub mod messaging;
pub mod money;
pub mod notification;
pub mod orders;
pub mod phone;
pub mod policy;
pub mod pricing;
pub mod ranking;
pub mod regions;
pub mod reviews;
pub mod search;
pub mod seller;
pub mod shipping;
pub mod time;
pub mod verification;

pub use error::ErrorCode;
pub use id::Id;
pub use lang::Lang;
pub use money::{Currency, Money};
pub use time::Timestamp;

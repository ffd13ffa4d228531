//! Live shopping: the Seller Center's live list and console, and the
//! Shop's live pages with their real-time stream of events.

pub mod seller;
pub mod shop;
pub mod stream;

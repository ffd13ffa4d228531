//! Content commerce: short videos with tagged products and live
//! sessions. Every price a video shows comes from the one pricing
//! function, and what its caption claims is checked against it.

pub mod claims;
mod cover;
pub mod frame;
pub mod live;
pub mod product_video;
pub mod shop;
pub mod videos;

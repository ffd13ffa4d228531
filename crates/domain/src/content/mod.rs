//! Content sellers publish around their products: short videos, what their
//! containers say, and the price claims made in them.

pub mod claims;
pub mod container;
pub mod live;
pub mod video;

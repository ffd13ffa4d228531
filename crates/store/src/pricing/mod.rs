//! Pricing's records (migration `0011_pricing.sql`): promotions with
//! their per-SKU terms and flash counters, vouchers with their holders, and
//! the history of base prices. The prices themselves are computed by the
//! domain's one pricing function from what these return.

mod flash;
mod history;
mod offers;
mod promotions;
mod vouchers;

pub use flash::*;
pub use history::*;
pub use offers::*;
pub use promotions::*;
pub use vouchers::*;

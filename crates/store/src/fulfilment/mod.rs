//! Fulfilment's records (migration `0022_fulfilment.sql`): orders moving
//! through their statuses, each move a line of the order's timeline, the
//! couriers' tracking reports, and Seller Center's order lists; and the
//! built-in sandbox courier's shipments (`0023_sandbox_courier.sql`).

pub mod due;
pub mod history;
pub mod moves;
pub mod performance;
pub mod sandbox_courier;
pub mod seller;
pub mod timeline;
pub mod tracking;

pub use due::*;
pub use moves::*;
pub use seller::*;
pub use timeline::*;
pub use tracking::*;

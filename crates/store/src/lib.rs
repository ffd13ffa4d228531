//! Persistence of etalase on SQLite (embedded default) and PostgreSQL
//! (scale-out), through one layer: the same SQL written once with `$1, $2 …`
//! placeholders runs on both, and only the migrations differ.
//!
//! Reads go through [`Store`]; every command runs in one [`Tx`] opened with
//! [`Store::write`] — on SQLite that is `BEGIN IMMEDIATE` on the single writer
//! connection, so a transaction that reads then writes waits its turn instead
//! of failing with SQLITE_BUSY.

mod cells;
pub mod checkout;
mod error;
mod held_claims;
mod held_removals;
mod held_stock;
mod locks;
mod pool;
mod read_pool;
pub mod rows;
mod savepoint_list;
mod stock_level;
mod units;

pub mod accounts;
pub mod api_keys;
pub mod attribution;
pub mod audit;
pub mod catalog;
pub mod fulfilment;
pub mod idempotency;
pub mod imports;
pub mod inventory;
pub mod kyc;
pub mod lives;
pub mod mail_queue;
pub mod messaging;
pub mod notifications;
pub mod objects;
pub mod outbox;
pub mod payments;
pub mod pricing;
pub mod product_videos;
pub mod ranking;
pub mod reviews;
pub mod sellers;
pub mod shop;
pub mod sync;
pub mod videos;

pub use error::{StoreError, StoreResult};
pub use pool::{Backend, Reader, Store, StoreOptions, Tx};

//! Orders whose deadline has passed, for the scheduler. Each list reads
//! one partial index (the status is part of the index's condition), so a
//! pass costs the orders due, not the orders kept.

use etalase_domain::Timestamp;
use etalase_domain::id::{OrderId, SellerId};

use crate::StoreResult;
use crate::error::corrupt;
use crate::pool::{Reader, on_reader};

/// The deadlines the scheduler acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// Awaiting shipment past ship-by.
    Ship,
    /// Awaiting collection past collect-by.
    Collect,
    /// In transit by the seller's courier past deliver-by.
    Deliver,
    /// Delivered past the return window.
    Complete,
}

impl Deadline {
    pub const ALL: [Deadline; 4] = [
        Deadline::Ship,
        Deadline::Collect,
        Deadline::Deliver,
        Deadline::Complete,
    ];

    fn sql(self) -> &'static str {
        match self {
            Deadline::Ship => {
                "SELECT id, seller_id FROM orders WHERE status = 'awaiting_shipment' \
                 AND ship_by <= $1 ORDER BY ship_by, id LIMIT $2"
            }
            Deadline::Collect => {
                "SELECT id, seller_id FROM orders WHERE status = 'awaiting_collection' \
                 AND collect_by <= $1 ORDER BY collect_by, id LIMIT $2"
            }
            Deadline::Deliver => {
                "SELECT id, seller_id FROM orders WHERE status = 'in_transit' \
                 AND deliver_by <= $1 ORDER BY deliver_by, id LIMIT $2"
            }
            Deadline::Complete => {
                "SELECT id, seller_id FROM orders WHERE status = 'delivered' \
                 AND complete_by <= $1 ORDER BY complete_by, id LIMIT $2"
            }
        }
    }
}

/// Up to `limit` orders past `deadline` at `now`, earliest first.
pub async fn past_deadline<'a>(
    reader: impl Into<Reader<'a>>,
    deadline: Deadline,
    now: Timestamp,
    limit: i64,
) -> StoreResult<Vec<(OrderId, SellerId)>> {
    let rows: Vec<(String, String)> = on_reader!(reader.into(), conn => sqlx::query_as(deadline.sql())
        .bind(now.unix_millis()).bind(limit).fetch_all(conn).await)?;
    rows.into_iter()
        .map(|(o, s)| Ok((o.parse().map_err(corrupt)?, s.parse().map_err(corrupt)?)))
        .collect()
}

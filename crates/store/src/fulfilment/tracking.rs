//! Couriers' tracking reports, each kept once by the courier's own event
//! id: a report sent again (couriers retry) is recognised and moves
//! nothing.

use etalase_domain::Timestamp;
use etalase_domain::id::OrderId;
use etalase_domain::orders::{Resi, TrackingKind};
use etalase_domain::shipping::Courier;

use crate::pool::on_tx;
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingReport {
    pub courier: Courier,
    pub event_id: String,
    pub resi: Resi,
    pub order: OrderId,
    pub kind: TrackingKind,
    pub happened_at: Timestamp,
    pub location: Option<String>,
}

/// Keeps the report; false when this courier sent that event id before.
pub async fn record_report(tx: &mut Tx, r: &TrackingReport, now: Timestamp) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "INSERT INTO tracking_reports (courier, event_id, resi, order_id, kind, happened_at, \
         location, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (courier, event_id) DO NOTHING")
        .bind(r.courier.code()).bind(&r.event_id).bind(r.resi.as_str()).bind(r.order.to_string())
        .bind(r.kind.as_str()).bind(r.happened_at.unix_millis()).bind(r.location.as_deref())
        .bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

//! The built-in sandbox courier's own records: what a logistics
//! aggregator would keep on its side (it knows nothing of the platform's
//! tables but the reference the platform booked under).

use etalase_domain::Timestamp;

use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SandboxShipment {
    pub id: String,
    pub reference: String,
    pub courier: String,
    pub service: String,
    pub resi: String,
    /// `booked`, then the kind of the last tracking report sent.
    pub status: String,
    pub webhook_url: String,
    /// JSON: the booking as the platform sent it.
    pub details: String,
    pub reports: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, reference, courier, service, resi, status, webhook_url, details, \
    reports, created_at, updated_at";

/// Records a booking; the shipment already booked under its reference
/// when there is one (nothing written then); `None` when its resi is
/// another reference's (nothing written: issue another).
pub async fn book(tx: &mut Tx, s: &SandboxShipment) -> StoreResult<Option<SandboxShipment>> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO sandbox_courier_shipments (id, reference, courier, service, resi, status, \
         webhook_url, details, reports, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT DO NOTHING")
        .bind(&s.id).bind(&s.reference).bind(&s.courier).bind(&s.service).bind(&s.resi)
        .bind(&s.status).bind(&s.webhook_url).bind(&s.details).bind(s.reports)
        .bind(s.created_at).bind(s.updated_at)
        .execute(conn).await.map(|_| ()))?;
    let sql = format!("SELECT {COLUMNS} FROM sandbox_courier_shipments WHERE reference = $1");
    let row = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(&s.reference).fetch_optional(conn).await)?;
    Ok(row)
}

pub async fn by_id<'a>(
    reader: impl Into<Reader<'a>>,
    id: &str,
) -> StoreResult<Option<SandboxShipment>> {
    let sql = format!("SELECT {COLUMNS} FROM sandbox_courier_shipments WHERE id = $1");
    let row = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id).fetch_optional(conn).await)?;
    Ok(row)
}

/// The most recently moved shipments first.
pub async fn recent<'a>(
    reader: impl Into<Reader<'a>>,
    limit: i64,
) -> StoreResult<Vec<SandboxShipment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sandbox_courier_shipments ORDER BY updated_at DESC, id LIMIT $1"
    );
    let rows = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(limit).fetch_all(conn).await)?;
    Ok(rows)
}

/// Counts one more report of `kind` for the shipment, if it still has
/// `reports` sent (two clicks at once send one report); the new count.
pub async fn note_report(
    tx: &mut Tx,
    id: &str,
    reports: i64,
    kind: &str,
    now: Timestamp,
) -> StoreResult<Option<i64>> {
    let n = on_tx!(tx, conn => sqlx::query(
        "UPDATE sandbox_courier_shipments SET reports = reports + 1, status = $3, updated_at = $4 \
         WHERE id = $1 AND reports = $2")
        .bind(id).bind(reports).bind(kind).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok((n == 1).then_some(reports + 1))
}

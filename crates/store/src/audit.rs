//! The append-only audit log (the database refuses updates and deletes).

use etalase_domain::Timestamp;
use etalase_domain::audit::Actor;
use etalase_domain::id::{AuditId, SellerId};

use crate::pool::{on_pool, on_tx};
use crate::rows::{self, Cell};
use crate::{Store, StoreResult, Tx};

pub struct AuditEntry<'a> {
    pub actor: Actor,
    pub seller_id: Option<SellerId>,
    /// What was done, `context.verb` (`team.member_invited`).
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditLine {
    pub seq: i64,
    pub id: String,
    pub at: i64,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub seller_id: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub before_summary: Option<String>,
    pub after_summary: Option<String>,
}

const COLUMNS: &[&str] = &[
    "id",
    "at",
    "actor_kind",
    "actor_id",
    "seller_id",
    "action",
    "subject_type",
    "subject_id",
    "before_summary",
    "after_summary",
];

fn row(e: &AuditEntry<'_>, now: Timestamp) -> Vec<Cell> {
    vec![
        AuditId::generate().to_string().into(),
        now.unix_millis().into(),
        e.actor.kind().into(),
        e.actor.id().into(),
        e.seller_id.map(|s| s.to_string()).into(),
        e.action.into(),
        e.subject_type.into(),
        e.subject_id.into(),
        e.before.clone().into(),
        e.after.clone().into(),
    ]
}

pub async fn record(tx: &mut Tx, entry: AuditEntry<'_>, now: Timestamp) -> StoreResult<()> {
    rows::append(tx, "audit_log", COLUMNS, row(&entry, now)).await
}

/// Several lines at once (bulk operations), all at `now`.
pub async fn record_many(
    tx: &mut Tx,
    entries: &[AuditEntry<'_>],
    now: Timestamp,
) -> StoreResult<()> {
    let rows: Vec<Vec<Cell>> = entries.iter().map(|e| row(e, now)).collect();
    rows::insert(tx, "audit_log", COLUMNS, &rows).await
}

pub async fn list_for_subject(
    store: &Store,
    subject_type: &str,
    subject_id: &str,
) -> StoreResult<Vec<AuditLine>> {
    let rows = on_pool!(store, pool => sqlx::query_as(
        "SELECT seq, id, at, actor_kind, actor_id, seller_id, action, subject_type, subject_id, before_summary, after_summary \
         FROM audit_log WHERE subject_type = $1 AND subject_id = $2 ORDER BY seq")
        .bind(subject_type).bind(subject_id).fetch_all(pool).await)?;
    Ok(rows)
}

pub async fn list_for_seller(
    store: &Store,
    seller: SellerId,
    limit: i64,
) -> StoreResult<Vec<AuditLine>> {
    let rows = on_pool!(store, pool => sqlx::query_as(
        "SELECT seq, id, at, actor_kind, actor_id, seller_id, action, subject_type, subject_id, before_summary, after_summary \
         FROM audit_log WHERE seller_id = $1 ORDER BY seq DESC LIMIT $2")
        .bind(seller.to_string()).bind(limit).fetch_all(pool).await)?;
    Ok(rows)
}

/// Tries to rewrite history; the database must refuse (used by tests).
pub async fn try_erase(tx: &mut Tx, id: &str) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM audit_log WHERE id = $1")
        .bind(id).execute(conn).await.map(|_| ()))?;
    Ok(())
}

//! Import jobs (migration `0006_imports.sql`).

use etalase_domain::Timestamp;
use etalase_domain::audit::Actor;
use etalase_domain::id::{ImportId, SellerId};

use crate::error::corrupt;
use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Import every product whose rows are valid; skip the others.
    ValidRows,
    /// Import nothing if any row has a problem.
    AllOrNothing,
}

impl ImportMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::ValidRows => "valid_rows",
            ImportMode::AllOrNothing => "all_or_nothing",
        }
    }

    pub fn parse(text: &str) -> Option<ImportMode> {
        match text {
            "valid_rows" => Some(ImportMode::ValidRows),
            "all_or_nothing" => Some(ImportMode::AllOrNothing),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Queued => "queued",
            ImportStatus::Running => "running",
            ImportStatus::Done => "done",
            ImportStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<ImportStatus> {
        match text {
            "queued" => Some(ImportStatus::Queued),
            "running" => Some(ImportStatus::Running),
            "done" => Some(ImportStatus::Done),
            "failed" => Some(ImportStatus::Failed),
            _ => None,
        }
    }

    pub fn finished(self) -> bool {
        matches!(self, ImportStatus::Done | ImportStatus::Failed)
    }
}

#[derive(Debug, Clone)]
pub struct ImportJob {
    pub id: ImportId,
    pub seller_id: SellerId,
    pub file_name: String,
    pub mode: ImportMode,
    pub status: ImportStatus,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub created_count: i64,
    pub updated_count: i64,
    pub error_rows: i64,
    /// JSON: `[{"row": 3, "column": "price", "code": "price_out_of_range"}]`.
    pub problems: String,
    pub failure: Option<String>,
    pub actor: Option<Actor>,
    pub created_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    seller_id: String,
    file_name: String,
    mode: String,
    status: String,
    total_rows: i32,
    processed_rows: i32,
    created_count: i32,
    updated_count: i32,
    error_rows: i32,
    problems: String,
    failure: Option<String>,
    actor: String,
    created_at: i64,
    finished_at: Option<i64>,
}

const COLUMNS: &str = "id, seller_id, file_name, mode, status, total_rows, processed_rows, \
    created_count, updated_count, error_rows, problems, failure, actor, created_at, finished_at";

fn job(r: Row) -> StoreResult<ImportJob> {
    Ok(ImportJob {
        id: r.id.parse().map_err(corrupt)?,
        seller_id: r.seller_id.parse().map_err(corrupt)?,
        file_name: r.file_name,
        mode: ImportMode::parse(&r.mode).ok_or_else(|| corrupt(&r.mode))?,
        status: ImportStatus::parse(&r.status).ok_or_else(|| corrupt(&r.status))?,
        total_rows: r.total_rows.into(),
        processed_rows: r.processed_rows.into(),
        created_count: r.created_count.into(),
        updated_count: r.updated_count.into(),
        error_rows: r.error_rows.into(),
        problems: r.problems,
        failure: r.failure,
        actor: Actor::parse_text(&r.actor),
        created_at: Timestamp::from_unix_millis(r.created_at),
        finished_at: r.finished_at.map(Timestamp::from_unix_millis),
    })
}

pub async fn insert(
    store: &Store,
    id: ImportId,
    seller: SellerId,
    file_name: &str,
    mode: ImportMode,
    actor: Actor,
    now: Timestamp,
) -> StoreResult<()> {
    let mut tx = store.write().await?;
    on_tx!(&mut tx, conn => sqlx::query(
        "INSERT INTO import_jobs (id, seller_id, file_name, mode, status, actor, created_at) \
         VALUES ($1, $2, $3, $4, 'queued', $5, $6)")
        .bind(id.to_string()).bind(seller.to_string()).bind(file_name).bind(mode.as_str())
        .bind(actor.as_text()).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    tx.commit().await
}

pub async fn get(store: &Store, seller: SellerId, id: ImportId) -> StoreResult<ImportJob> {
    let sql = format!("SELECT {COLUMNS} FROM import_jobs WHERE id = $1 AND seller_id = $2");
    let row: Row = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(seller.to_string()).fetch_one(pool).await)?;
    job(row)
}

pub async fn recent(store: &Store, seller: SellerId, limit: i64) -> StoreResult<Vec<ImportJob>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM import_jobs WHERE seller_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
    );
    let rows: Vec<Row> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(seller.to_string()).bind(limit).fetch_all(pool).await)?;
    rows.into_iter().map(job).collect()
}

/// Jobs a restart interrupted (or that never started).
pub async fn unfinished(store: &Store) -> StoreResult<Vec<ImportJob>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM import_jobs WHERE status IN ('queued', 'running') ORDER BY created_at"
    );
    let rows: Vec<Row> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .fetch_all(pool).await)?;
    rows.into_iter().map(job).collect()
}

pub async fn start(
    store: &Store,
    id: ImportId,
    total_rows: i64,
    now: Timestamp,
) -> StoreResult<()> {
    let mut tx = store.write().await?;
    on_tx!(&mut tx, conn => sqlx::query(
        "UPDATE import_jobs SET status = 'running', total_rows = $2, processed_rows = 0, \
         started_at = $3 WHERE id = $1")
        .bind(id.to_string()).bind(total_rows as i32).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    tx.commit().await
}

pub async fn progress(store: &Store, id: ImportId, processed_rows: i64) -> StoreResult<()> {
    let mut tx = store.write().await?;
    on_tx!(&mut tx, conn => sqlx::query("UPDATE import_jobs SET processed_rows = $2 WHERE id = $1")
        .bind(id.to_string()).bind(processed_rows as i32)
        .execute(conn).await.map(|_| ()))?;
    tx.commit().await
}

/// The outcome of a finished job.
pub struct Outcome<'a> {
    pub status: ImportStatus,
    pub processed_rows: i64,
    pub created: i64,
    pub updated: i64,
    pub error_rows: i64,
    pub problems: &'a str,
    pub failure: Option<&'a str>,
}

pub async fn finish(
    store: &Store,
    id: ImportId,
    o: &Outcome<'_>,
    now: Timestamp,
) -> StoreResult<()> {
    let mut tx = store.write().await?;
    on_tx!(&mut tx, conn => sqlx::query(
        "UPDATE import_jobs SET status = $2, processed_rows = $3, created_count = $4, \
         updated_count = $5, error_rows = $6, problems = $7, failure = $8, finished_at = $9 \
         WHERE id = $1")
        .bind(id.to_string()).bind(o.status.as_str()).bind(o.processed_rows as i32)
        .bind(o.created as i32).bind(o.updated as i32).bind(o.error_rows as i32)
        .bind(o.problems).bind(o.failure).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    tx.commit().await
}

//! The queue of outgoing e-mail (see the migration `0003_mail_queue.sql`).
//! A message is enqueued inside the transaction of the change it reports and
//! leaves the queue only as sent, or as failed after its last attempt.

use etalase_domain::Timestamp;
use etalase_domain::id::MailId;

use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedMail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
}

/// How many messages wait, and how many were given up on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    pub pending: i64,
    pub failed: i64,
}

pub async fn enqueue(
    tx: &mut Tx,
    recipient: &str,
    subject: &str,
    body: &str,
    now: Timestamp,
) -> StoreResult<MailId> {
    let id = MailId::generate();
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO mail_queue (id, recipient, subject, body, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $5)")
        .bind(id.to_string()).bind(recipient).bind(subject).bind(body)
        .bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(id)
}

/// Takes up to `limit` due messages for sending, holding them until
/// `hold_until` so that a second dispatcher (another process, or the same
/// one woken twice) does not send them again. The outer conditions repeat the
/// inner ones so that, on PostgreSQL, a row claimed by a concurrent
/// transaction is re-checked and skipped.
pub async fn claim_due(
    store: &Store,
    now: Timestamp,
    hold_until: Timestamp,
    limit: i64,
) -> StoreResult<Vec<QueuedMail>> {
    let mut tx = store.write().await?;
    let rows = on_tx!(&mut tx, conn => sqlx::query_as(
        "UPDATE mail_queue SET claimed_until = $1 \
         WHERE id IN (SELECT id FROM mail_queue \
                      WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2 \
                        AND (claimed_until IS NULL OR claimed_until <= $2) \
                      ORDER BY next_attempt_at LIMIT $3) \
           AND sent_at IS NULL AND failed_at IS NULL \
           AND (claimed_until IS NULL OR claimed_until <= $2) \
         RETURNING id, recipient, subject, body, attempts")
        .bind(hold_until.unix_millis()).bind(now.unix_millis()).bind(limit)
        .fetch_all(conn).await)?;
    tx.commit().await?;
    Ok(rows)
}

/// The message went out; its body is dropped.
pub async fn mark_sent(store: &Store, id: &str, now: Timestamp) -> StoreResult<()> {
    let mut tx = store.write().await?;
    on_tx!(&mut tx, conn => sqlx::query(
        "UPDATE mail_queue SET sent_at = $2, body = '', claimed_until = NULL, \
         attempts = attempts + 1, last_error = NULL WHERE id = $1")
        .bind(id).bind(now.unix_millis()).execute(conn).await.map(|_| ()))?;
    tx.commit().await
}

/// The attempt failed; try again at `next_attempt_at`.
pub async fn mark_retry(
    store: &Store,
    id: &str,
    next_attempt_at: Timestamp,
    error: &str,
) -> StoreResult<()> {
    let mut tx = store.write().await?;
    on_tx!(&mut tx, conn => sqlx::query(
        "UPDATE mail_queue SET attempts = attempts + 1, next_attempt_at = $2, \
         claimed_until = NULL, last_error = $3 WHERE id = $1")
        .bind(id).bind(next_attempt_at.unix_millis()).bind(error)
        .execute(conn).await.map(|_| ()))?;
    tx.commit().await
}

/// The message cannot be delivered (refused for good, or out of attempts);
/// its body is dropped and the error kept for the operator.
pub async fn mark_failed(store: &Store, id: &str, now: Timestamp, error: &str) -> StoreResult<()> {
    let mut tx = store.write().await?;
    on_tx!(&mut tx, conn => sqlx::query(
        "UPDATE mail_queue SET attempts = attempts + 1, failed_at = $2, body = '', \
         claimed_until = NULL, last_error = $3 WHERE id = $1")
        .bind(id).bind(now.unix_millis()).bind(error)
        .execute(conn).await.map(|_| ()))?;
    tx.commit().await
}

/// When the earliest waiting message is due, if any.
pub async fn next_due(store: &Store) -> StoreResult<Option<Timestamp>> {
    let next: Option<i64> = on_pool!(store, pool => sqlx::query_scalar(
        "SELECT MIN(next_attempt_at) FROM mail_queue WHERE sent_at IS NULL AND failed_at IS NULL")
        .fetch_one(pool).await)?;
    Ok(next.map(Timestamp::from_unix_millis))
}

pub async fn counts(store: &Store) -> StoreResult<QueueCounts> {
    let (pending, failed): (i64, i64) = on_pool!(store, pool => sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0), \
                COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) \
         FROM mail_queue")
        .fetch_one(pool).await)?;
    Ok(QueueCounts { pending, failed })
}

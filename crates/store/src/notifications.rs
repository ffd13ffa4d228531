//! In-app notices (see the migration `0004_notifications.sql`).

use etalase_domain::Timestamp;
use etalase_domain::id::{NotificationId, SellerId, UserId};
use etalase_domain::notification::NotificationKind;

use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreError, StoreResult, Tx};

#[derive(Debug, Clone)]
pub struct Notification {
    pub id: NotificationId,
    pub seller_id: Option<SellerId>,
    pub kind: NotificationKind,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    seller_id: Option<String>,
    kind: String,
    created_at: i64,
    read_at: Option<i64>,
}

impl TryFrom<Row> for Notification {
    type Error = StoreError;

    fn try_from(row: Row) -> StoreResult<Notification> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("notification {}: {what}", row.id));
        Ok(Notification {
            id: row.id.parse().map_err(|_| corrupt("id"))?,
            seller_id: match &row.seller_id {
                Some(s) => Some(s.parse().map_err(|_| corrupt("seller"))?),
                None => None,
            },
            kind: NotificationKind::parse(&row.kind).ok_or_else(|| corrupt("kind"))?,
            created_at: Timestamp::from_unix_millis(row.created_at),
            read_at: row.read_at.map(Timestamp::from_unix_millis),
        })
    }
}

pub async fn insert(
    tx: &mut Tx,
    user: UserId,
    seller: Option<SellerId>,
    kind: NotificationKind,
    now: Timestamp,
) -> StoreResult<NotificationId> {
    let id = NotificationId::generate();
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO notifications (id, user_id, seller_id, kind, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.to_string()).bind(user.to_string()).bind(seller.map(|s| s.to_string()))
        .bind(kind.as_str()).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(id)
}

/// The newest notices of one person, newest first.
pub async fn list_for_user(
    store: &Store,
    user: UserId,
    limit: i64,
) -> StoreResult<Vec<Notification>> {
    let rows: Vec<Row> = on_pool!(store, pool => sqlx::query_as(
        "SELECT id, seller_id, kind, created_at, read_at FROM notifications \
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
        .bind(user.to_string()).bind(limit).fetch_all(pool).await)?;
    rows.into_iter().map(Notification::try_from).collect()
}

pub async fn unread_count(store: &Store, user: UserId) -> StoreResult<i64> {
    let count: i64 = on_pool!(store, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(user.to_string()).fetch_one(pool).await)?;
    Ok(count)
}

/// Marks one of the person's notices read; another person's id changes nothing.
pub async fn mark_read(
    tx: &mut Tx,
    user: UserId,
    id: NotificationId,
    now: Timestamp,
) -> StoreResult<Option<Notification>> {
    let row: Option<Row> = on_tx!(tx, conn => sqlx::query_as(
        "UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2 \
         RETURNING id, seller_id, kind, created_at, read_at")
        .bind(id.to_string()).bind(user.to_string()).bind(now.unix_millis())
        .fetch_optional(conn).await)?;
    row.map(Notification::try_from).transpose()
}

pub async fn mark_all_read(tx: &mut Tx, user: UserId, now: Timestamp) -> StoreResult<u64> {
    let done = on_tx!(tx, conn => sqlx::query(
        "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
        .bind(user.to_string()).bind(now.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(done)
}

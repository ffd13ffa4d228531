//! Viewers' comments on a live and the viewers its seller muted.

use etalase_domain::Timestamp;
use etalase_domain::content::live::Moderation;
use etalase_domain::id::{LiveCommentId, LiveId};

use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::{StoreError, StoreResult, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: LiveCommentId,
    pub live_id: LiveId,
    /// The viewer's digest: who wrote it, for muting, never shown.
    pub viewer: String,
    /// The name shown beside it.
    pub author: String,
    pub body: String,
    pub moderation: Moderation,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: String,
    live_id: String,
    viewer: String,
    author: String,
    body: String,
    moderation: String,
    created_at: i64,
}

impl TryFrom<CommentRow> for Comment {
    type Error = StoreError;
    fn try_from(r: CommentRow) -> StoreResult<Comment> {
        Ok(Comment {
            id: r.id.parse().map_err(corrupt)?,
            live_id: r.live_id.parse().map_err(corrupt)?,
            viewer: r.viewer,
            author: r.author,
            body: r.body,
            moderation: Moderation::parse(&r.moderation).ok_or_else(|| corrupt(&r.moderation))?,
            created_at: Timestamp::from_unix_millis(r.created_at),
        })
    }
}

pub async fn insert(tx: &mut Tx, c: &Comment) -> StoreResult<()> {
    Ok(on_tx!(tx, conn => sqlx::query(
        "INSERT INTO live_comments (id, live_id, viewer, author, body, moderation, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(c.id.to_string()).bind(c.live_id.to_string()).bind(&c.viewer).bind(&c.author)
        .bind(&c.body).bind(c.moderation.as_str()).bind(c.created_at.unix_millis())
        .execute(conn).await.map(|_| ()))?)
}

const COLUMNS: &str = "id, live_id, viewer, author, body, moderation, created_at";

pub async fn get(tx: &mut Tx, live: LiveId, id: LiveCommentId) -> StoreResult<Comment> {
    let sql = format!("SELECT {COLUMNS} FROM live_comments WHERE id = $1 AND live_id = $2");
    let row: Option<CommentRow> = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(live.to_string()).fetch_optional(conn).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

pub async fn set_moderation(
    tx: &mut Tx,
    id: LiveCommentId,
    moderation: Moderation,
) -> StoreResult<()> {
    Ok(
        on_tx!(tx, conn => sqlx::query("UPDATE live_comments SET moderation = $1 WHERE id = $2")
        .bind(moderation.as_str()).bind(id.to_string())
        .execute(conn).await.map(|_| ()))?,
    )
}

/// Hides what a muted viewer already wrote on the live (shown comments
/// only: a deleted one stays deleted).
pub async fn hide_of_viewer(
    tx: &mut Tx,
    live: LiveId,
    viewer: &str,
) -> StoreResult<Vec<LiveCommentId>> {
    let ids: Vec<String> = on_tx!(tx, conn => sqlx::query_scalar(
        "UPDATE live_comments SET moderation = 'hidden_author_muted' \
         WHERE live_id = $1 AND viewer = $2 AND moderation = 'shown' RETURNING id")
        .bind(live.to_string()).bind(viewer).fetch_all(conn).await)?;
    ids.iter().map(|i| i.parse().map_err(corrupt)).collect()
}

/// The latest `limit` comments of a live, oldest first (all states: the
/// caller decides who sees which).
pub async fn latest<'a>(
    reader: impl Into<Reader<'a>>,
    live: LiveId,
    limit: i64,
) -> StoreResult<Vec<Comment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM live_comments WHERE live_id = $1 ORDER BY id DESC LIMIT {}",
        limit.clamp(1, 500)
    );
    let rows: Vec<CommentRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(live.to_string()).fetch_all(conn).await)?;
    let mut comments = rows
        .into_iter()
        .map(Comment::try_from)
        .collect::<StoreResult<Vec<_>>>()?;
    comments.reverse();
    Ok(comments)
}

/// Comments on a live, all states.
pub async fn count<'a>(reader: impl Into<Reader<'a>>, live: LiveId) -> StoreResult<i64> {
    on_reader!(reader.into(), conn => sqlx::query_scalar(
        "SELECT COUNT(*) FROM live_comments WHERE live_id = $1")
        .bind(live.to_string()).fetch_one(conn).await)
    .map_err(Into::into)
}

pub async fn mute(
    tx: &mut Tx,
    live: LiveId,
    viewer: &str,
    by: &str,
    now: Timestamp,
) -> StoreResult<()> {
    Ok(on_tx!(tx, conn => sqlx::query(
        "INSERT INTO live_mutes (live_id, viewer, muted_by, muted_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (live_id, viewer) DO NOTHING")
        .bind(live.to_string()).bind(viewer).bind(by).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?)
}

pub async fn is_muted<'a>(
    reader: impl Into<Reader<'a>>,
    live: LiveId,
    viewer: &str,
) -> StoreResult<bool> {
    let found: Option<i64> = on_reader!(reader.into(), conn => sqlx::query_scalar(
        "SELECT 1 FROM live_mutes WHERE live_id = $1 AND viewer = $2")
        .bind(live.to_string()).bind(viewer).fetch_optional(conn).await)?;
    Ok(found.is_some())
}

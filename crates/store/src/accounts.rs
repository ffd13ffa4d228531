//! Users, their server-side sessions and the sign-in throttle.

use etalase_domain::account::Email;
use etalase_domain::id::UserId;
use etalase_domain::{Lang, Timestamp};

use crate::error::corrupt;
use crate::pool::{on_pool, on_tx};
use crate::{Store, StoreResult, Tx};

#[derive(Debug, Clone)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub lang: Option<Lang>,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    name: String,
    password_hash: String,
    is_admin: bool,
    lang: Option<String>,
    created_at: i64,
}

impl TryFrom<UserRow> for User {
    type Error = crate::StoreError;
    fn try_from(row: UserRow) -> StoreResult<User> {
        Ok(User {
            id: UserId::parse(&row.id).map_err(corrupt)?,
            email: Email::parse(&row.email).map_err(corrupt)?,
            name: row.name,
            password_hash: row.password_hash,
            is_admin: row.is_admin,
            lang: row.lang.as_deref().and_then(Lang::parse),
            created_at: Timestamp::from_unix_millis(row.created_at),
        })
    }
}

const USER_COLUMNS: &str = "id, email, name, password_hash, is_admin, lang, created_at";

pub struct NewUser<'a> {
    pub id: UserId,
    pub email: &'a Email,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub is_admin: bool,
    pub lang: Option<Lang>,
}

pub async fn insert_user(tx: &mut Tx, user: NewUser<'_>, now: Timestamp) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, is_admin, lang, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")
        .bind(user.id.to_string())
        .bind(user.email.as_str())
        .bind(user.name)
        .bind(user.password_hash)
        .bind(user.is_admin)
        .bind(user.lang.map(Lang::code))
        .bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn find_user_by_email(store: &Store, email: &Email) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    let row: Option<UserRow> = on_pool!(store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(email.as_str()).fetch_optional(pool).await)?;
    row.map(User::try_from).transpose()
}

pub async fn find_user_by_email_tx(tx: &mut Tx, email: &Email) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    let row: Option<UserRow> = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(email.as_str()).fetch_optional(conn).await)?;
    row.map(User::try_from).transpose()
}

pub async fn get_user_tx(tx: &mut Tx, id: UserId) -> StoreResult<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row: UserRow = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string()).fetch_one(conn).await)?;
    row.try_into()
}

pub async fn count_users(store: &Store) -> StoreResult<i64> {
    let (count,): (i64,) = on_pool!(store, pool =>
        sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(pool).await)?;
    Ok(count)
}

pub async fn set_password_hash(
    tx: &mut Tx,
    id: UserId,
    hash: &str,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(id.to_string()).bind(hash).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn set_admin(tx: &mut Tx, id: UserId, is_admin: bool, now: Timestamp) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("UPDATE users SET is_admin = $2, updated_at = $3 WHERE id = $1")
        .bind(id.to_string()).bind(is_admin).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn set_lang(tx: &mut Tx, id: UserId, lang: Lang, now: Timestamp) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("UPDATE users SET lang = $2, updated_at = $3 WHERE id = $1")
        .bind(id.to_string()).bind(lang.code()).bind(now.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

// ---- sessions ----------------------------------------------------------

/// A signed-in session, found by the hash of the cookie's token (the token
/// itself is never stored).
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user: User,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    token_hash: String,
    session_created_at: i64,
    last_seen_at: i64,
    #[sqlx(flatten)]
    user: UserRow,
}

pub async fn insert_session(
    tx: &mut Tx,
    token_hash: &str,
    user: UserId,
    user_agent: &str,
    ip: &str,
    now: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, user_agent, ip) \
         VALUES ($1, $2, $3, $3, $4, $5)")
        .bind(token_hash).bind(user.to_string()).bind(now.unix_millis())
        .bind(user_agent).bind(ip)
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn find_session(store: &Store, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
    let row: Option<SessionRow> = on_pool!(store, pool => sqlx::query_as(
        "SELECT s.token_hash, s.created_at AS session_created_at, s.last_seen_at, \
                u.id, u.email, u.name, u.password_hash, u.is_admin, u.lang, u.created_at \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1")
        .bind(token_hash).fetch_optional(pool).await)?;
    row.map(|row| {
        Ok(SessionRecord {
            token_hash: row.token_hash,
            created_at: Timestamp::from_unix_millis(row.session_created_at),
            last_seen_at: Timestamp::from_unix_millis(row.last_seen_at),
            user: row.user.try_into()?,
        })
    })
    .transpose()
}

/// Moves a session's idle clock forward (never back: a late write of an
/// older time leaves a newer one alone).
pub async fn touch_session(tx: &mut Tx, token_hash: &str, now: Timestamp) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2")
        .bind(token_hash).bind(now.unix_millis()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Sessions refreshed per statement in [`touch_sessions`] (two bound
/// values each, under SQLite's limit).
const TOUCHES_PER_STATEMENT: usize = 400;

/// Moves many sessions' idle clocks forward (never back), a few hundred
/// per statement: a batch of refreshes costs a few statements, not one per
/// session.
pub async fn touch_sessions(tx: &mut Tx, seen: &[(&str, Timestamp)]) -> StoreResult<()> {
    for chunk in seen.chunks(TOUCHES_PER_STATEMENT) {
        let rows = crate::rows::value_rows(tx.backend(), chunk.len(), &["", "BIGINT"]);
        // VALUES names its columns column1, column2 on both backends.
        let sql = format!(
            "UPDATE sessions SET last_seen_at = v.column2 FROM (VALUES {rows}) AS v \
             WHERE sessions.token_hash = v.column1 AND sessions.last_seen_at < v.column2"
        );
        on_tx!(tx, conn => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (token, at) in chunk {
                q = q.bind(*token).bind(at.unix_millis());
            }
            q.execute(conn).await.map(|_| ())
        })?;
    }
    Ok(())
}

pub async fn delete_session(tx: &mut Tx, token_hash: &str) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash).execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Ends every session of a user except `keep` (after a password change).
pub async fn delete_other_sessions(tx: &mut Tx, user: UserId, keep: &str) -> StoreResult<u64> {
    let n = on_tx!(tx, conn => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user.to_string()).bind(keep).execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(n)
}

/// Test and maintenance hook: moves a session's clock (idle/absolute expiry).
pub async fn backdate_session(
    tx: &mut Tx,
    token_hash: &str,
    created_at: Timestamp,
    last_seen_at: Timestamp,
) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE sessions SET created_at = $2, last_seen_at = $3 WHERE token_hash = $1")
        .bind(token_hash).bind(created_at.unix_millis()).bind(last_seen_at.unix_millis())
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn delete_sessions_older_than(
    tx: &mut Tx,
    created_before: Timestamp,
    idle_before: Timestamp,
) -> StoreResult<u64> {
    let n = on_tx!(tx, conn => sqlx::query(
        "DELETE FROM sessions WHERE created_at < $1 OR last_seen_at < $2")
        .bind(created_before.unix_millis()).bind(idle_before.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(n)
}

// ---- sign-in throttle --------------------------------------------------

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct ThrottleRow {
    pub failures: i32,
    pub window_started_at: i64,
    pub locked_until: Option<i64>,
}

pub async fn get_throttle(tx: &mut Tx, key: &str) -> StoreResult<Option<ThrottleRow>> {
    let row = on_tx!(tx, conn => sqlx::query_as(
        "SELECT failures, window_started_at, locked_until FROM signin_throttle WHERE key = $1")
        .bind(key).fetch_optional(conn).await)?;
    Ok(row)
}

pub async fn put_throttle(tx: &mut Tx, key: &str, row: ThrottleRow) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO signin_throttle (key, failures, window_started_at, locked_until) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, \
           window_started_at = excluded.window_started_at, locked_until = excluded.locked_until")
        .bind(key).bind(row.failures).bind(row.window_started_at).bind(row.locked_until)
        .execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub async fn clear_throttle(tx: &mut Tx, key: &str) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM signin_throttle WHERE key = $1")
        .bind(key).execute(conn).await.map(|_| ()))?;
    Ok(())
}

//! SQLite's reader connections, lent out by the store itself rather than by
//! sqlx's pool.
//!
//! A sqlx SQLite connection is a thread of this process; every statement is
//! a message to that thread and a wake-up back. sqlx's pool adds, for each
//! connection it takes back, a task of its own that pings the connection
//! (one more message and wake-up) before lending it again — which, on a
//! read of one statement, doubled the hops: in a flash sale the pings and
//! their tasks were a tenth of the HTTP workers' time and half of the
//! readers' wake-ups. The ping guards against a connection left mid-way by
//! a cancelled query; a SQLite connection cannot be left so: its thread
//! runs the commands it is sent in order, each answering on a channel of
//! its own, so a query dropped half-way only finishes (or stops) before
//! the next one starts, and a dropped transaction queues its rollback first.
//! Here a connection goes back to the idle list as its lender drops it:
//! no task, no message.
//!
//! Connections open as they are first needed, up to the pool's size, and
//! are replaced after [`LIFETIME`], as sqlx's pool did: a connection plans
//! with the statistics it read as it opened (see `Store::tend_statistics`).

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a reader connection serves before it is replaced.
const LIFETIME: Duration = Duration::from_secs(30 * 60);
/// How long a read waits for a free connection before failing.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub(crate) struct ReadPool {
    shared: Arc<Shared>,
}

struct Shared {
    options: SqliteConnectOptions,
    /// One permit per connection that may be lent at once.
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<Idle>>,
}

struct Idle {
    conn: SqliteConnection,
    opened: Instant,
}

/// A lent connection; dropping it gives it back.
pub(crate) struct ReadConn {
    conn: Option<Idle>,
    shared: Arc<Shared>,
    // Released after `drop` has put the connection back, so whoever the
    // permit wakes finds it idle.
    _permit: OwnedSemaphorePermit,
}

impl ReadPool {
    /// A pool of up to `size` connections; one is opened now, so a database
    /// that cannot be read fails here rather than on the first request.
    pub(crate) async fn open(options: SqliteConnectOptions, size: u32) -> sqlx::Result<ReadPool> {
        let size = size.max(1) as usize;
        let first = Idle {
            conn: options.connect().await?,
            opened: Instant::now(),
        };
        Ok(ReadPool {
            shared: Arc::new(Shared {
                options,
                permits: Arc::new(Semaphore::new(size)),
                idle: Mutex::new(vec![first]),
            }),
        })
    }

    /// A connection to read on: an idle one, or a new one while the pool
    /// is below its size.
    pub(crate) async fn acquire(&self) -> sqlx::Result<ReadConn> {
        let permit =
            tokio::time::timeout(ACQUIRE_TIMEOUT, self.shared.permits.clone().acquire_owned())
                .await
                .map_err(|_| sqlx::Error::PoolTimedOut)?
                .map_err(|_| sqlx::Error::PoolClosed)?;
        let kept = self.shared.idle_list().pop();
        let conn = match kept {
            Some(idle) if idle.opened.elapsed() < LIFETIME => idle,
            // An old connection is dropped (its thread closes it) and a
            // new one takes its place.
            _ => Idle {
                conn: self.shared.options.connect().await?,
                opened: Instant::now(),
            },
        };
        Ok(ReadConn {
            conn: Some(conn),
            shared: self.shared.clone(),
            _permit: permit,
        })
    }

    /// Refuses new reads and closes the idle connections; those lent are
    /// closed as they come back.
    pub(crate) async fn close(&self) {
        self.shared.permits.close();
        let idle = std::mem::take(&mut *self.shared.idle_list());
        for Idle { conn, .. } in idle {
            let _ = conn.close().await;
        }
    }
}

impl Shared {
    fn idle_list(&self) -> std::sync::MutexGuard<'_, Vec<Idle>> {
        // The list is only pushed to and popped from: a panic elsewhere
        // while holding it cannot leave it half-changed.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Deref for ReadConn {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.conn.as_ref().expect("lent until dropped").conn
    }
}

impl DerefMut for ReadConn {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.conn.as_mut().expect("lent until dropped").conn
    }
}

impl Drop for ReadConn {
    fn drop(&mut self) {
        if let Some(idle) = self.conn.take()
            && !self.shared.permits.is_closed()
        {
            self.shared.idle_list().push(idle);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::path::PathBuf;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use sqlx::sqlite::SqliteJournalMode;

    use super::*;

    /// A database file of `rows` numbered rows, and its directory.
    async fn numbered(rows: i64) -> (SqliteConnectOptions, PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "etalase-read-pool-{}-{:?}",
            std::process::id(),
            Instant::now()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.join("t.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let mut writer = options.connect().await.unwrap();
        sqlx::query("CREATE TABLE t (n INTEGER PRIMARY KEY)")
            .execute(&mut writer)
            .await
            .unwrap();
        sqlx::query("WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $1) INSERT INTO t SELECT n FROM s")
            .bind(rows)
            .execute(&mut writer)
            .await
            .unwrap();
        writer.close().await.unwrap();
        (options.read_only(true), dir)
    }

    fn poll_once<F: Future>(f: std::pin::Pin<&mut F>) -> Poll<F::Output> {
        f.poll(&mut Context::from_waker(Waker::noop()))
    }

    async fn count(conn: &mut SqliteConnection) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM t")
            .fetch_one(conn)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_connection_given_back_is_lent_again() {
        let (options, dir) = numbered(3).await;
        let pool = ReadPool::open(options, 1).await.unwrap();
        let mut first = pool.acquire().await.unwrap();
        // A temporary table lives as long as its connection.
        sqlx::query("CREATE TEMP TABLE lent (x)")
            .execute(&mut *first)
            .await
            .unwrap();
        drop(first);
        let mut again = pool.acquire().await.unwrap();
        let marks: i64 = sqlx::query_scalar("SELECT count(*) FROM temp.lent")
            .fetch_one(&mut *again)
            .await
            .expect("the same connection, not a new one");
        assert_eq!(marks, 0);
        assert_eq!(count(&mut again).await, 3);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_read_dropped_half_way_leaves_its_connection_ready() {
        let (options, dir) = numbered(5_000).await;
        let pool = ReadPool::open(options, 1).await.unwrap();
        {
            let mut conn = pool.acquire().await.unwrap();
            // Polled once (the query sent to the connection's thread), then
            // dropped with the connection before its rows arrive.
            let read =
                sqlx::query_scalar::<_, i64>("SELECT n FROM t ORDER BY n").fetch_all(&mut *conn);
            let cut = tokio::time::timeout(Duration::ZERO, read).await;
            assert!(cut.is_err(), "dropped half-way");
        }
        let mut conn = pool.acquire().await.unwrap();
        let seventh: i64 = sqlx::query_scalar("SELECT n FROM t WHERE n = $1")
            .bind(7_i64)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(seventh, 7);
        assert_eq!(count(&mut conn).await, 5_000);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn lends_no_more_connections_than_its_size() {
        let (options, dir) = numbered(3).await;
        let pool = ReadPool::open(options, 2).await.unwrap();
        let mut a = pool.acquire().await.unwrap();
        let mut b = pool.acquire().await.unwrap();
        let mut third = pin!(pool.acquire());
        assert!(poll_once(third.as_mut()).is_pending(), "both are lent");
        assert_eq!(count(&mut a).await, 3);
        assert_eq!(count(&mut b).await, 3);
        drop(a);
        let Poll::Ready(Ok(mut c)) = poll_once(third.as_mut()) else {
            panic!("the connection given back is lent at once");
        };
        assert_eq!(count(&mut c).await, 3);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_closed_pool_lends_nothing_and_keeps_nothing() {
        let (options, dir) = numbered(3).await;
        let pool = ReadPool::open(options, 2).await.unwrap();
        let lent = pool.acquire().await.unwrap();
        pool.close().await;
        assert!(matches!(pool.acquire().await, Err(sqlx::Error::PoolClosed)));
        drop(lent);
        assert!(
            pool.shared.idle_list().is_empty(),
            "a connection back after closing is closed"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}

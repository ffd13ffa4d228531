use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::read_pool::ReadPool;
use crate::{StoreError, StoreResult};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Connections for PostgreSQL, or reader connections for SQLite (SQLite
    /// always has exactly one writer).
    pub max_connections: u32,
    pub busy_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            busy_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Clone)]
pub(crate) enum Pool {
    /// SQLite allows one writer at a time: writes queue for the single writer
    /// connection in-process; reads run in parallel on the reader pool (WAL).
    Sqlite {
        read: ReadPool,
        write: SqlitePool,
    },
    Postgres(PgPool),
}

/// The system of record. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    /// Counts commits that wrote outbox events, so the sync's projector
    /// (and anyone else in this process) wakes at once instead of polling.
    events: Arc<watch::Sender<u64>>,
}

/// One write transaction; dropped without [`Tx::commit`] it rolls back. It
/// remembers whether it wrote outbox events, to announce them on commit.
pub struct Tx {
    pub(crate) inner: TxInner,
    pub(crate) wrote_events: bool,
    pub(crate) appends: crate::cells::Appends,
    pub(crate) locks: crate::locks::HeldLocks,
    pub(crate) stock: crate::held_stock::HeldStock,
    pub(crate) removals: crate::held_removals::HeldRemovals,
    /// Idempotency keys claimed for a batch, freed as it writes its rows
    /// (see `held_claims`).
    pub(crate) claimed_keys: Vec<(String, String)>,
    pub(crate) unit: UnitSavepoint,
    /// How many units in a row ran statements (see [`Tx::next_savepoint`]).
    pub(crate) units_with_statements: u32,
    events: Arc<watch::Sender<u64>>,
}

/// Where the savepoint of a batch's unit stands in the database. A unit
/// that writes nothing directly — its rows collected, its stock and cart
/// lines held, its reads shared — has nothing there to undo, so its
/// savepoint is opened in the database only before the unit's first
/// statement, and a unit that ran none costs no round trip at all. What
/// the transaction holds in memory follows every unit's savepoint all the
/// same.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) enum UnitSavepoint {
    /// No unit is open.
    #[default]
    None,
    /// A unit is open and has run no statement: no savepoint in the
    /// database yet.
    Pending,
    /// A unit is open and has run no statement, and its savepoint was
    /// opened ahead, with the previous unit's close.
    Ready,
    /// A unit is open and has run statements, inside its savepoint.
    Open,
}

pub(crate) enum TxInner {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs the same statement on whichever backend a [`Store`] holds (readers).
macro_rules! on_pool {
    ($store:expr, $conn:ident => $body:expr) => {
        match &$store.pool {
            $crate::pool::Pool::Sqlite { read, .. } => match read.acquire().await {
                Ok(mut lent) => {
                    let $conn = &mut *lent;
                    $body
                }
                Err(e) => Err(e.into()),
            },
            $crate::pool::Pool::Postgres($conn) => $body,
        }
    };
}

/// Runs the same statement inside a transaction on either backend, after
/// opening the savepoint of a unit that has not run a statement yet.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx.open_pending_savepoint().await {
            Err(e) => Err(e.into()),
            Ok(()) => $crate::pool::on_tx_conn!($tx, $conn => $body),
        }
    };
}

/// Runs a statement on a transaction's connection as it is (the
/// savepoint statements themselves).
macro_rules! on_tx_conn {
    ($tx:expr, $conn:ident => $body:expr) => {
        match &mut $tx.inner {
            $crate::pool::TxInner::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::pool::TxInner::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// Where a read runs: on the reader pool, or inside a write transaction —
/// a checkout re-reads prices, offers and vouchers in the transaction that
/// places the order, with the same queries a quote used.
pub enum Reader<'a> {
    Pool(&'a Store),
    Tx(&'a mut Tx),
}

impl Reader<'_> {
    /// The same reader again, for one more statement.
    pub fn reborrow(&mut self) -> Reader<'_> {
        match self {
            Reader::Pool(store) => Reader::Pool(store),
            Reader::Tx(tx) => Reader::Tx(tx),
        }
    }
}

impl<'a> From<&'a Store> for Reader<'a> {
    fn from(store: &'a Store) -> Self {
        Reader::Pool(store)
    }
}

impl<'a> From<&'a mut Tx> for Reader<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Reader::Tx(tx)
    }
}

/// Runs the same statement through a [`Reader`].
macro_rules! on_reader {
    ($reader:expr, $conn:ident => $body:expr) => {
        match $reader {
            $crate::pool::Reader::Pool(store) => $crate::pool::on_pool!(store, $conn => $body),
            $crate::pool::Reader::Tx(tx) => $crate::pool::on_tx!(tx, $conn => $body),
        }
    };
}

pub(crate) use {on_pool, on_reader, on_tx, on_tx_conn};

/// How much of the database file each connection reads through a memory
/// map (`PRAGMA mmap_size`) instead of copying pages into its own cache.
/// In WAL mode a reader empties its page cache whenever another
/// connection committed since its last read — in a flash sale, every
/// batch — and reloading those pages by `pread` and copy was a visible
/// share of each read; mapped pages are shared with the OS's cache.
const MMAP_BYTES: &str = "1073741824";

/// `PRAGMA optimize`'s mask: 0x10000, check every table's size (not only
/// the tables this connection's queries were planned on), with the
/// defaults 0x02 (analyze those that need it) and 0x10 (sampled, so
/// bounded on a large table).
const OPTIMIZE_EVERY_TABLE: &str = "0x10012";

impl Store {
    /// Connects to `sqlite://path`, `sqlite:path` or `postgres://…`, without
    /// migrating.
    pub async fn connect(url: &str, options: &StoreOptions) -> StoreResult<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let connect = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(connect)
                .await?;
            return Ok(Store::with_pool(Pool::Postgres(pool)));
        }
        if !url.starts_with("sqlite:") {
            return Err(StoreError::Corrupt(format!(
                "unsupported database URL scheme in {}",
                url.split(':').next().unwrap_or_default()
            )));
        }
        let connect = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout)
            .pragma("mmap_size", MMAP_BYTES);
        // The one writer keeps 32 MB of pages (SQLite's default is 2 MB): a
        // bulk transaction (an import batch) then neither spills dirty pages
        // to the WAL half-way nor reads them back.
        // The writer syncs the WAL at every commit (FULL): a commit answered
        // to a buyer (an order, a payment) survives a power loss, not only a
        // crash of the process. Commits that carry many orders at once make
        // that one sync per batch (see the services' batch committer).
        // Opening it brings the planner's statistics up to date as SQLite
        // advises for long-lived connections (see `refresh_statistics`),
        // before the readers open and load them: a database loaded by an
        // older version, or by hand, is planned for its real size.
        // The writer's pool does not ping its connection as it hands it out
        // (sqlx's default): a SQLite connection is a thread of this
        // process, not a socket that can go stale, and each ping is a round
        // trip to that thread. The readers are lent by the store's own
        // pool, which pings neither way (see `read_pool`).
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(
                connect
                    .clone()
                    .synchronous(SqliteSynchronous::Full)
                    .pragma("cache_size", "-32768")
                    .pragma("optimize", OPTIMIZE_EVERY_TABLE),
            )
            .await?;
        let read = ReadPool::open(connect.read_only(true), options.max_connections).await?;
        Ok(Store::with_pool(Pool::Sqlite { read, write }))
    }

    fn with_pool(pool: Pool) -> Store {
        Store {
            pool,
            events: Arc::new(watch::Sender::new(0)),
        }
    }

    /// Changes whenever a transaction that wrote outbox events commits in
    /// this process.
    pub fn event_commits(&self) -> watch::Receiver<u64> {
        self.events.subscribe()
    }

    pub async fn connect_and_migrate(url: &str, options: &StoreOptions) -> StoreResult<Store> {
        let store = Store::connect(url, options).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite { .. } => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the embedded migrations of this backend that are not applied yet.
    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Opens a write transaction (`BEGIN IMMEDIATE` on SQLite).
    pub async fn write(&self) -> StoreResult<Tx> {
        let inner = match &self.pool {
            Pool::Sqlite { write, .. } => {
                TxInner::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?)
            }
            Pool::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            wrote_events: false,
            appends: Default::default(),
            locks: Default::default(),
            stock: Default::default(),
            removals: Default::default(),
            claimed_keys: Vec::new(),
            unit: UnitSavepoint::None,
            units_with_statements: 0,
            events: self.events.clone(),
        })
    }

    /// Brings the planner's statistics up to date after a bulk load (an
    /// import, a generated catalog), so the next queries get plans made for
    /// the new size of the tables instead of waiting for the database to
    /// notice — on a PostgreSQL whose autovacuum is off or behind, a table
    /// grown from empty is planned as if still empty, a sequential scan per
    /// look-up. PostgreSQL analyzes every table (sampled, so bounded per
    /// table); SQLite's `PRAGMA optimize` re-analyzes (sampled too) each
    /// table whose size moved far from what its statistics say. Its plain
    /// form looks only at tables this connection's queries were planned
    /// on, which after a bulk load of inserts is none: a read model grown
    /// from the demo's 3 listings to 100,000 kept "3 rows", and its
    /// look-ups by id were planned as full scans. Hence
    /// [`OPTIMIZE_EVERY_TABLE`].
    pub async fn refresh_statistics(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite { write, .. } => {
                let sql = sqlx::AssertSqlSafe(format!("PRAGMA optimize={OPTIMIZE_EVERY_TABLE}"));
                sqlx::query(sql).execute(write).await?;
            }
            Pool::Postgres(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
        }
        Ok(())
    }

    /// What a long-running server does now and then for the planner. A
    /// SQLite connection plans with the statistics it opened with, and
    /// `PRAGMA optimize` runs only when the writer opens: a shop started
    /// on a young database, whose carts were analyzed at "1 row", would
    /// go on scanning every cart for each look-up as it grew to thousands.
    /// SQLite advises long-lived connections to run it periodically; it
    /// re-analyzes only the tables whose size moved far, so a pass with
    /// nothing to do is cheap. PostgreSQL's autovacuum analyzes grown
    /// tables itself: nothing to do there.
    pub async fn tend_statistics(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite { .. } => self.refresh_statistics().await,
            Pool::Postgres(_) => Ok(()),
        }
    }

    /// How many rows the query planner believes `table` holds (what it
    /// plans with, not a count): `None` before any statistics. `table`
    /// must be one of ours, never user input.
    pub async fn planned_rows(&self, table: &str) -> StoreResult<Option<i64>> {
        let estimate: Option<(String,)> = match &self.pool {
            // A row of `sqlite_stat1` starts with the table's row count.
            Pool::Sqlite { read, .. } => {
                sqlx::query_as("SELECT stat FROM sqlite_stat1 WHERE tbl = $1 LIMIT 1")
                    .bind(table)
                    .fetch_optional(&mut *read.acquire().await?)
                    .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT reltuples::bigint::text FROM pg_class \
                     WHERE relname = $1 AND relkind = 'r' AND reltuples >= 0",
                )
                .bind(table)
                .fetch_optional(pool)
                .await?
            }
        };
        Ok(estimate.and_then(|(stat,)| stat.split(' ').next()?.parse().ok()))
    }

    /// Answers whether the database is reachable (for `/readyz`).
    pub async fn ping(&self) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Writes a consistent copy of a SQLite database to `path` while it stays
    /// online (`VACUUM INTO`). PostgreSQL is backed up with its own tools.
    pub async fn backup_sqlite(&self, path: &str) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite { write, .. } => {
                sqlx::query("VACUUM INTO $1")
                    .bind(path)
                    .execute(write)
                    .await?;
                Ok(())
            }
            Pool::Postgres(_) => Err(StoreError::Corrupt(
                "backup_sqlite called on a PostgreSQL store".into(),
            )),
        }
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(mut self) -> StoreResult<()> {
        self.write_appends().await?;
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await?,
            TxInner::Postgres(tx) => tx.commit().await?,
        }
        if self.wrote_events {
            self.events.send_modify(|n| *n = n.wrapping_add(1));
        }
        Ok(())
    }

    /// Whether no other writer can change the database until this
    /// transaction ends (SQLite's one writer), so what it read stays as it
    /// read it but for its own writes.
    pub fn shuts_out_other_writers(&self) -> bool {
        matches!(self.inner, TxInner::Sqlite(_))
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            TxInner::Sqlite(_) => Backend::Sqlite,
            TxInner::Postgres(_) => Backend::Postgres,
        }
    }

    /// ` FOR UPDATE` on PostgreSQL, to lock what a transaction reads;
    /// nothing on SQLite, whose single writer already serialises.
    pub fn lock_clause(&self) -> &'static str {
        match self.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }
}

impl Store {
    /// Every row of `table` as text, exactly as the database keeps it: for
    /// audits and for tests that prove what is (not) stored in the clear.
    /// `table` must be one of ours, never user input.
    pub async fn rows_as_text(&self, table: &str) -> StoreResult<Vec<String>> {
        if !table.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(StoreError::Corrupt(format!("not a table name: {table}")));
        }
        match &self.pool {
            Pool::Postgres(pool) => {
                let sql = sqlx::AssertSqlSafe(format!("SELECT t::text FROM {table} t"));
                let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(pool).await?;
                Ok(rows.into_iter().map(|r| r.0).collect())
            }
            Pool::Sqlite { read, .. } => {
                use sqlx::{Row, ValueRef};
                let sql = sqlx::AssertSqlSafe(format!("SELECT * FROM {table}"));
                let rows = sqlx::query(sql)
                    .fetch_all(&mut *read.acquire().await?)
                    .await?;
                Ok(rows
                    .iter()
                    .map(|row| {
                        (0..row.columns().len())
                            .map(|i| match row.try_get_raw(i) {
                                Ok(v) if v.is_null() => "NULL".to_owned(),
                                _ => row
                                    .try_get::<String, _>(i)
                                    .or_else(|_| row.try_get::<i64, _>(i).map(|n| n.to_string()))
                                    .unwrap_or_default(),
                            })
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .collect())
            }
        }
    }

    /// Runs one administrative statement built by our own code (such as
    /// `CREATE DATABASE` for a test database), never from user input.
    pub async fn execute_admin_statement(&self, statement: &str) -> StoreResult<()> {
        let statement = sqlx::AssertSqlSafe(statement.to_owned());
        match &self.pool {
            Pool::Sqlite { write, .. } => {
                sqlx::query(statement).execute(write).await.map(|_| ())?
            }
            Pool::Postgres(pool) => sqlx::query(statement).execute(pool).await.map(|_| ())?,
        };
        Ok(())
    }
}

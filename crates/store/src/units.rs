//! The units of a batch inside one write transaction: each in a savepoint
//! of its own, kept or undone alone, with what the transaction holds in
//! memory (collected rows, locks, stock, cart-line removals) following the
//! database's savepoints.

use crate::pool::{UnitSavepoint, on_tx_conn};
use crate::{StoreResult, Tx};

impl Tx {
    /// Marks a point inside the transaction to come back to: one unit of a
    /// batch (an order among those committed together). The database's
    /// savepoint waits for the unit's first statement ([`UnitSavepoint`]).
    pub async fn savepoint(&mut self) -> StoreResult<()> {
        debug_assert_eq!(self.unit, UnitSavepoint::None, "units do not nest");
        self.held_savepoint();
        self.unit = UnitSavepoint::Pending;
        Ok(())
    }

    /// Opens the database's savepoint of a unit that is about to run its
    /// first statement; nothing otherwise.
    pub(crate) async fn open_pending_savepoint(&mut self) -> Result<(), sqlx::Error> {
        match self.unit {
            UnitSavepoint::Pending => {
                on_tx_conn!(self, conn => sqlx::query("SAVEPOINT unit").execute(conn).await.map(|_| ()))?;
                self.unit = UnitSavepoint::Open;
            }
            UnitSavepoint::Ready => self.unit = UnitSavepoint::Open,
            UnitSavepoint::None | UnitSavepoint::Open => {}
        }
        Ok(())
    }

    /// The PostgreSQL connection, for a statement only PostgreSQL runs
    /// (arrays, row locks), after opening a pending savepoint as `on_tx!`
    /// does; `None` on SQLite.
    pub(crate) async fn postgres_conn(
        &mut self,
    ) -> Result<Option<&mut sqlx::PgConnection>, sqlx::Error> {
        self.open_pending_savepoint().await?;
        Ok(match &mut self.inner {
            crate::pool::TxInner::Postgres(tx) => Some(&mut **tx),
            crate::pool::TxInner::Sqlite(_) => None,
        })
    }

    /// Whether the unit's savepoint is open in the database.
    fn unit_in_database(&self) -> bool {
        matches!(self.unit, UnitSavepoint::Ready | UnitSavepoint::Open)
    }

    /// Keeps what was done since [`Tx::savepoint`].
    pub async fn release_savepoint(&mut self) -> StoreResult<()> {
        self.held_release();
        if self.unit_in_database() {
            self.plain("RELEASE SAVEPOINT unit").await?;
        }
        self.unit = UnitSavepoint::None;
        Ok(())
    }

    /// Undoes what was done since [`Tx::savepoint`] (also after a failed
    /// statement, which PostgreSQL requires before the next one).
    pub async fn rollback_to_savepoint(&mut self) -> StoreResult<()> {
        self.held_undo();
        self.held_release();
        if self.unit_in_database() {
            self.plain("ROLLBACK TO SAVEPOINT unit; RELEASE SAVEPOINT unit")
                .await?;
        }
        self.unit = UnitSavepoint::None;
        Ok(())
    }

    /// Undoes what was done since [`Tx::savepoint`] and stays inside it
    /// (what follows is kept or undone with the savepoint).
    pub async fn undo_to_savepoint(&mut self) -> StoreResult<()> {
        self.held_undo();
        if self.unit_in_database() {
            self.plain("ROLLBACK TO SAVEPOINT unit").await?;
        }
        Ok(())
    }

    /// Closes the open savepoint — keeping what was done since it, or
    /// undoing it — and opens the next one. A batch's units are alike
    /// (orders in a flash sale): after two in a row that ran statements
    /// (on PostgreSQL, each keeps its idempotency key by a statement) the
    /// next one's savepoint is opened ahead, with this close, in one round
    /// trip; otherwise (on SQLite a batch's first unit reads the stock the
    /// rest then hold) the next waits for its first statement, and a unit
    /// that runs none costs none.
    pub async fn next_savepoint(&mut self, keep: bool) -> StoreResult<()> {
        self.units_with_statements = if self.unit == UnitSavepoint::Open {
            self.units_with_statements.saturating_add(1)
        } else {
            0
        };
        if self.units_with_statements < 2 {
            if keep {
                self.release_savepoint().await?;
            } else {
                self.rollback_to_savepoint().await?;
            }
            return self.savepoint().await;
        }
        if !keep {
            self.held_undo();
        }
        self.held_release();
        self.held_savepoint();
        self.plain(if keep {
            "RELEASE SAVEPOINT unit; SAVEPOINT unit"
        } else {
            "ROLLBACK TO SAVEPOINT unit; RELEASE SAVEPOINT unit; SAVEPOINT unit"
        })
        .await?;
        self.unit = UnitSavepoint::Ready;
        Ok(())
    }

    // What the transaction holds in memory follows its savepoint as the
    // database does: the collected rows, the rows it locked, the stock it
    // took, the cart lines it removed.
    fn held_savepoint(&mut self) {
        self.appends.savepoint();
        self.locks.savepoint();
        self.stock.savepoint();
        self.removals.savepoint();
    }

    fn held_release(&mut self) {
        self.appends.release();
        self.locks.release();
        self.stock.release();
        self.removals.release();
    }

    fn held_undo(&mut self) {
        self.appends.undo();
        self.locks.undo();
        self.stock.undo();
        self.removals.undo();
    }

    // The savepoint statements, on the connection as it is: one or more
    // statements without parameters.
    async fn plain(&mut self, sql: &'static str) -> StoreResult<()> {
        on_tx_conn!(self, conn => sqlx::raw_sql(sql).execute(conn).await.map(|_| ()))?;
        Ok(())
    }
}

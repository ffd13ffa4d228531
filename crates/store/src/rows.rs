//! Many rows in one INSERT: bulk writes (imports) go through the database
//! in a few statements instead of one per row.

use crate::pool::on_tx;
use crate::{Backend, StoreResult, Tx};

/// A cell of a row to insert.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(Option<String>),
    /// For BIGINT columns.
    Int(Option<i64>),
    /// For INTEGER columns (PostgreSQL takes the parameter's width from
    /// the column).
    Int4(Option<i32>),
}

impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(Some(v))
    }
}
impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(Some(v.to_owned()))
    }
}
impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Self {
        Cell::Text(v)
    }
}
impl From<i32> for Cell {
    fn from(v: i32) -> Self {
        Cell::Int4(Some(v))
    }
}
impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(Some(v))
    }
}

/// Bind parameters per statement: well under both databases' limits.
const MAX_BINDS: usize = 1000;

/// `(…), (…)…`: `rows` rows of one parameter per column, to be bound row
/// by row in column order; a column whose cast is named gets
/// `CAST(… AS type)` (PostgreSQL cannot infer the types of a bare VALUES
/// list joined to a table). PostgreSQL's parameters are numbered; SQLite's
/// are anonymous `?`: SQLite finds a numbered parameter's name by walking
/// the list of all of them, so binding n numbered parameters costs n² — a
/// 6,000-value insert spent more time binding than writing — while an
/// anonymous one is bound by its position.
pub(crate) fn value_rows(backend: Backend, rows: usize, casts: &[&str]) -> String {
    let width = casts.len();
    (0..rows)
        .map(|row| {
            let marks: Vec<String> = casts
                .iter()
                .enumerate()
                .map(|(column, cast)| {
                    let mark = match backend {
                        Backend::Sqlite => "?".to_owned(),
                        Backend::Postgres => format!("${}", row * width + column + 1),
                    };
                    if cast.is_empty() {
                        mark
                    } else {
                        format!("CAST({mark} AS {cast})")
                    }
                })
                .collect();
            format!("({})", marks.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts `rows` into `table (columns)`; every row has one cell per column.
/// `table` and `columns` are ours, never input.
pub(crate) async fn insert(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Cell>],
) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let width = columns.len();
    let per_statement = (MAX_BINDS / width).max(1);
    for chunk in rows.chunks(per_statement) {
        let values = value_rows(tx.backend(), chunk.len(), &vec![""; width]);
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {values}",
            columns.join(", "),
        );
        on_tx!(tx, conn => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for row in chunk {
                debug_assert_eq!(row.len(), width);
                for cell in row {
                    query = match cell {
                        Cell::Text(t) => query.bind(t.clone()),
                        Cell::Int(i) => query.bind(*i),
                        Cell::Int4(i) => query.bind(*i),
                    };
                }
            }
            query.execute(conn).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Rows appended to tables that nothing in the transaction reads back (an
/// order's lines, its audit line, its outbox event, the stock ledger's
/// move) while a batch of orders runs: collected, then written in one
/// statement per table before the commit instead of one statement per row.
/// A savepoint's rollback drops the rows added since it.
#[derive(Default)]
pub(crate) struct Appends {
    /// Collecting at all (only a batch asks to).
    on: bool,
    rows: Vec<Append>,
    /// How many rows there were at the open savepoint.
    mark: Option<usize>,
}

/// A table, its columns and the rows to insert into it.
type TableRows = (&'static str, &'static [&'static str], Vec<Vec<Cell>>);

struct Append {
    table: &'static str,
    columns: &'static [&'static str],
    cells: Vec<Cell>,
}

impl Appends {
    pub(crate) fn start(&mut self) {
        self.on = true;
    }

    pub(crate) fn savepoint(&mut self) {
        self.mark = Some(self.rows.len());
    }

    pub(crate) fn release(&mut self) {
        self.mark = None;
    }

    pub(crate) fn undo(&mut self) {
        if let Some(mark) = self.mark {
            self.rows.truncate(mark);
        }
    }

    /// The rows to write, grouped by table in the order each table was
    /// first appended to (a parent's rows before its children's).
    fn take(&mut self) -> Vec<TableRows> {
        let mut groups: Vec<TableRows> = Vec::new();
        for row in self.rows.drain(..) {
            match groups.iter_mut().find(|(table, ..)| *table == row.table) {
                Some((_, columns, rows)) => {
                    debug_assert_eq!(*columns, row.columns);
                    rows.push(row.cells);
                }
                None => groups.push((row.table, row.columns, vec![row.cells])),
            }
        }
        self.mark = None;
        groups
    }
}

/// Appends one row to `table`: at once, or with the batch's rows when the
/// transaction collects them ([`Tx::collect_appends`]).
pub(crate) async fn append(
    tx: &mut Tx,
    table: &'static str,
    columns: &'static [&'static str],
    cells: Vec<Cell>,
) -> StoreResult<()> {
    debug_assert_eq!(columns.len(), cells.len());
    if tx.appends.on {
        tx.appends.rows.push(Append {
            table,
            columns,
            cells,
        });
        return Ok(());
    }
    insert(tx, table, columns, &[cells]).await
}

impl Tx {
    /// From now on, rows appended through [`append`] are written together
    /// by [`Tx::write_appends`] (or the commit). Only for work that never
    /// reads those rows back before the commit.
    pub fn collect_appends(&mut self) {
        self.appends.start();
    }

    /// Writes the collected rows, one statement per table (per thousand
    /// values).
    pub async fn write_appends(&mut self) -> StoreResult<()> {
        for (table, columns, rows) in self.appends.take() {
            insert(self, table, columns, &rows).await?;
        }
        Ok(())
    }
}

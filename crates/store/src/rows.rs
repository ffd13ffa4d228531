//! Many rows in one INSERT: bulk writes (imports) go through the database
//! in a few statements instead of one per row.

pub use crate::cells::Cell;
use crate::pool::on_tx;
use crate::{Backend, StoreResult, Tx};

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

/// Appends one row to `table`: at once, or with the batch's rows when the
/// transaction collects them ([`Tx::collect_appends`]).
pub(crate) async fn append(
    tx: &mut Tx,
    table: &'static str,
    columns: &'static [&'static str],
    cells: Vec<Cell>,
) -> StoreResult<()> {
    debug_assert_eq!(columns.len(), cells.len());
    match tx.appends.collect(table, columns, cells) {
        None => Ok(()),
        Some(cells) => insert(tx, table, columns, &[cells]).await,
    }
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

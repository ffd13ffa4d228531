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

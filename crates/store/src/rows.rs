//! Many rows in one INSERT: bulk writes (imports) go through the database
//! in a few statements instead of one per row.

use crate::pool::on_tx;
use crate::{StoreResult, Tx};

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

/// Bind parameters per statement: well under both databases' limits, and
/// small enough that binding stays cheap (SQLite looks each one up by name).
const MAX_BINDS: usize = 1000;

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
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let cells: Vec<String> =
                    (1..=width).map(|c| format!("${}", r * width + c)).collect();
                format!("({})", cells.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            values.join(", ")
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

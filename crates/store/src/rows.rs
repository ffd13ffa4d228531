//! Many rows in one INSERT: bulk writes (imports) go through the database
//! in a few statements instead of one per row. A batch's transaction
//! collects its rows and the stock its units took, and writes them here.

pub use crate::cells::Cell;
use crate::error::corrupt;
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
    if let crate::pool::TxInner::Postgres(_) = tx.inner {
        return insert_unnest(tx, table, columns, rows).await;
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

/// PostgreSQL: one array per column, unnested into rows — one statement
/// text whatever the number of rows, so it is prepared once per table and
/// kept, and one bind per column instead of one per value.
async fn insert_unnest(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Cell>],
) -> StoreResult<()> {
    enum Column {
        Text(Vec<Option<String>>),
        Int(Vec<Option<i64>>),
        Int4(Vec<Option<i32>>),
    }
    let mut arrays: Vec<Column> = rows[0]
        .iter()
        .map(|cell| match cell {
            Cell::Text(_) => Column::Text(Vec::with_capacity(rows.len())),
            Cell::Int(_) => Column::Int(Vec::with_capacity(rows.len())),
            Cell::Int4(_) => Column::Int4(Vec::with_capacity(rows.len())),
        })
        .collect();
    for row in rows {
        debug_assert_eq!(row.len(), columns.len());
        for (array, cell) in arrays.iter_mut().zip(row) {
            match (array, cell) {
                (Column::Text(a), Cell::Text(v)) => a.push(v.clone()),
                (Column::Int(a), Cell::Int(v)) => a.push(*v),
                (Column::Int4(a), Cell::Int4(v)) => a.push(*v),
                _ => {
                    return Err(crate::StoreError::Corrupt(format!(
                        "rows for {table} mix the kinds of a column's cells"
                    )));
                }
            }
        }
    }
    let unnest: Vec<String> = arrays
        .iter()
        .enumerate()
        .map(|(n, array)| {
            let kind = match array {
                Column::Text(_) => "text",
                Column::Int(_) => "int8",
                Column::Int4(_) => "int4",
            };
            format!("${}::{kind}[]", n + 1)
        })
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) SELECT * FROM UNNEST({})",
        columns.join(", "),
        unnest.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for array in arrays {
        query = match array {
            Column::Text(a) => query.bind(a),
            Column::Int(a) => query.bind(a),
            Column::Int4(a) => query.bind(a),
        };
    }
    let Some(conn) = tx.postgres_conn().await? else {
        return Err(crate::StoreError::Corrupt(
            "UNNEST rows for a transaction that is not PostgreSQL's".into(),
        ));
    };
    query.execute(conn).await?;
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
    /// values), after the stock levels and cart-line removals the batch
    /// held, and after freeing the idempotency keys it claimed (their
    /// answers are among the rows).
    pub async fn write_appends(&mut self) -> StoreResult<()> {
        crate::held_claims::free_claims(self).await?;
        write_held_stock(self).await?;
        crate::checkout::carts::write_held_removals(self).await?;
        for (table, columns, rows) in self.appends.take() {
            insert(self, table, columns, &rows).await?;
        }
        Ok(())
    }
}

/// Writes the levels a batch's transaction holds: one conditional update
/// per SKU, which must land on the level the units were checked against
/// (the row was locked since it was read; anything else is corruption, and
/// the batch fails whole).
async fn write_held_stock(tx: &mut Tx) -> StoreResult<()> {
    for ((seller, sku), delta, expected, at) in tx.stock.take() {
        let level = crate::stock_level::move_level(tx, (&seller, &sku), delta, at).await?;
        if level != Some(expected) {
            return Err(corrupt(format!(
                "stock of {sku} came to {level:?}, not the {expected} its batch held"
            )));
        }
    }
    Ok(())
}

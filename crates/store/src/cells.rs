//! The values of rows to insert, and the rows a batch collects to insert
//! together (written by `rows`).

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
pub(crate) type TableRows = (&'static str, &'static [&'static str], Vec<Vec<Cell>>);

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

    /// Keeps the row when collecting; gives it back otherwise (to be
    /// written at once).
    pub(crate) fn collect(
        &mut self,
        table: &'static str,
        columns: &'static [&'static str],
        cells: Vec<Cell>,
    ) -> Option<Vec<Cell>> {
        if !self.on {
            return Some(cells);
        }
        self.rows.push(Append {
            table,
            columns,
            cells,
        });
        None
    }

    /// The rows to write, grouped by table in the order each table was
    /// first appended to (a parent's rows before its children's).
    pub(crate) fn take(&mut self) -> Vec<TableRows> {
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

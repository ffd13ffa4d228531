//! The values of rows to insert, and the rows a batch collects to insert
//! together (written by `rows`).

use crate::savepoint_list::SavepointList;

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
    rows: SavepointList<Append>,
}

/// Tables whose collected rows other collected rows refer to (a checkout's
/// orders, an order's lines and holds), parents first: a batch may collect
/// an order before it collects another unit's checkout (a form's checkout
/// is inserted at once, an API's is collected).
const PARENTS: &[&str] = &["checkouts", "orders"];

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

    /// Collecting: the transaction is a batch's.
    pub(crate) fn collecting(&self) -> bool {
        self.on
    }

    pub(crate) fn savepoint(&mut self) {
        self.rows.savepoint();
    }

    pub(crate) fn release(&mut self) {
        self.rows.release();
    }

    pub(crate) fn undo(&mut self) {
        self.rows.undo();
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

    /// The rows to write, grouped by table: the tables other rows refer to
    /// first ([`PARENTS`]), then the others in the order each was first
    /// appended to (a parent's rows before its children's).
    pub(crate) fn take(&mut self) -> Vec<TableRows> {
        let mut groups: Vec<TableRows> = Vec::new();
        for row in self.rows.take() {
            match groups.iter_mut().find(|(table, ..)| *table == row.table) {
                Some((_, columns, rows)) => {
                    debug_assert_eq!(*columns, row.columns);
                    rows.push(row.cells);
                }
                None => groups.push((row.table, row.columns, vec![row.cells])),
            }
        }
        // Stable: tables that are not parents keep their first-seen order.
        groups.sort_by_key(|(table, ..)| {
            PARENTS
                .iter()
                .position(|parent| parent == table)
                .unwrap_or(PARENTS.len())
        });
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(groups: &[TableRows]) -> Vec<&'static str> {
        groups.iter().map(|(table, ..)| *table).collect()
    }

    #[test]
    fn parents_are_written_before_the_rows_that_refer_to_them() {
        let mut appends = Appends::default();
        appends.start();
        // A form's checkout was inserted at once: its order comes first;
        // then an API's checkout is collected with its own order.
        for table in [
            "orders",
            "order_lines",
            "audit_log",
            "checkouts",
            "orders",
            "order_lines",
        ] {
            assert!(appends.collect(table, &["id"], vec!["x".into()]).is_none());
        }
        let groups = appends.take();
        assert_eq!(
            tables(&groups),
            ["checkouts", "orders", "order_lines", "audit_log"]
        );
        assert_eq!(groups[1].2.len(), 2, "both orders in one statement");
    }
}

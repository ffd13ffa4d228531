//! The cart lines a batch's orders bought, held in memory and removed in
//! one statement when the batch writes its rows, instead of one statement
//! per order. Follows the transaction's savepoints as the database would:
//! a unit rolled back keeps its lines in the cart. A read of carts inside
//! the transaction writes them first (see `checkout::carts`), so the
//! transaction always reads what it removed.

/// A cart line, by cart and SKU id.
pub(crate) type LineKey = (String, String);

#[derive(Default)]
pub(crate) struct HeldRemovals {
    lines: Vec<LineKey>,
    /// How many lines there were at the open savepoint.
    mark: Option<usize>,
}

impl HeldRemovals {
    pub(crate) fn hold(&mut self, lines: impl IntoIterator<Item = LineKey>) {
        self.lines.extend(lines);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines held so far, to remove before a read. They stay held: a
    /// savepoint open now would undo their removal with its own unit's,
    /// and removing a removed line again at the end changes nothing.
    pub(crate) fn held(&self) -> Vec<LineKey> {
        self.lines.clone()
    }

    /// The lines to remove as the batch writes its rows.
    pub(crate) fn take(&mut self) -> Vec<LineKey> {
        self.mark = None;
        std::mem::take(&mut self.lines)
    }

    pub(crate) fn savepoint(&mut self) {
        self.mark = Some(self.lines.len());
    }

    pub(crate) fn release(&mut self) {
        self.mark = None;
    }

    pub(crate) fn undo(&mut self) {
        if let Some(mark) = self.mark {
            self.lines.truncate(mark);
        }
    }
}

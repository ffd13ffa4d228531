//! A list a transaction holds in memory that follows its savepoints as the
//! database would: what was added since the open savepoint is dropped when
//! that savepoint is rolled back.

pub(crate) struct SavepointList<T> {
    items: Vec<T>,
    /// How many items there were at the open savepoint.
    mark: Option<usize>,
}

impl<T> Default for SavepointList<T> {
    fn default() -> Self {
        SavepointList {
            items: Vec::new(),
            mark: None,
        }
    }
}

impl<T> SavepointList<T> {
    pub(crate) fn push(&mut self, item: T) {
        self.items.push(item);
    }

    pub(crate) fn extend(&mut self, items: impl IntoIterator<Item = T>) {
        self.items.extend(items);
    }

    pub(crate) fn items(&self) -> &[T] {
        &self.items
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Everything held, to write now; nothing is left to undo.
    pub(crate) fn take(&mut self) -> Vec<T> {
        self.mark = None;
        std::mem::take(&mut self.items)
    }

    pub(crate) fn savepoint(&mut self) {
        self.mark = Some(self.items.len());
    }

    pub(crate) fn release(&mut self) {
        self.mark = None;
    }

    pub(crate) fn undo(&mut self) {
        if let Some(mark) = self.mark {
            self.items.truncate(mark);
        }
    }
}

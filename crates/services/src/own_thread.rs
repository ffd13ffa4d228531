//! Work that holds the one writer — the order batches, the sync's
//! projector — runs on a thread of its own with a runtime of its own: it is
//! a chain of round trips to the database's connection, and on the shared
//! runtime each of its wake-ups would queue behind the HTTP tasks while the
//! writer waits with it.

use std::future::Future;

/// Runs `work` to its end on a new thread named `name`, on a runtime of
/// that thread's own.
pub(crate) fn spawn(name: &str, work: impl Future<Output = ()> + Send + 'static) {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for a thread of its own")
                .block_on(work)
        })
        .expect("a thread of its own");
}

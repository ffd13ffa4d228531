//! The planner's statistics on a long-running server: tended now and then
//! (see [`Store::tend_statistics`]), so look-ups stay on their indexes as
//! the tables grow from what the database held when the server started.

use std::time::Duration;

use etalase_store::Store;

/// Tends the statistics every `every` until the process ends.
pub fn spawn(store: Store, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is at once, and the writer tended them as it opened.
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = store.tend_statistics().await {
                tracing::warn!(error = %e, "the planner's statistics were not tended; the next pass retries");
            }
        }
    })
}

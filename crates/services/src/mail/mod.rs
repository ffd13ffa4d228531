//! Outgoing e-mail. A use case queues its messages inside its own transaction
//! ([`queue`]), so a message exists exactly when the change it reports was
//! committed; after the commit it calls [`dispatch`]. Delivery then runs in
//! the background dispatcher of `etalase serve` (or inline where there is
//! none, as in command-line tools and tests), retrying temporary failures
//! with growing pauses until [`MAX_ATTEMPTS`].

mod transport;

use std::sync::Arc;
use std::time::Duration;

use etalase_domain::Timestamp;
use etalase_store::{Tx, mail_queue};
use tokio::sync::Notify;

pub use mail_queue::QueueCounts;
pub use transport::{FileMailer, Mailer, MemoryMailer, SendError, SmtpMailer, sender};

use crate::{ServiceResult, Services};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Attempts before a message is given up as failed (about two days).
pub const MAX_ATTEMPTS: i32 = 8;

/// How long a dispatcher holds a message it is sending before another may
/// take it (covers a crash in the middle of a send).
const CLAIM_HOLD_MS: i64 = 2 * 60 * 1000;

/// Messages sent per round.
const BATCH: i64 = 50;

/// The pause after the `attempt`-th failed attempt (1-based).
pub fn retry_delay(attempt: i32) -> Duration {
    const MINUTES: [u64; 7] = [1, 5, 30, 120, 360, 720, 1440];
    let index = (attempt.max(1) as usize - 1).min(MINUTES.len() - 1);
    Duration::from_secs(MINUTES[index] * 60)
}

/// Queues a message in the caller's transaction.
pub async fn queue(tx: &mut Tx, mail: &OutgoingMail, now: Timestamp) -> ServiceResult<()> {
    mail_queue::enqueue(tx, &mail.to, &mail.subject, &mail.body, now).await?;
    Ok(())
}

/// Called after a commit that queued mail: wakes the dispatcher, or delivers
/// right away when there is none. Delivery problems are logged and retried
/// later; they never fail the use case that queued the message.
pub async fn dispatch(svc: &Services) {
    match &svc.mail_wake {
        Some(wake) => wake.notify_one(),
        None => {
            if let Err(e) = deliver_due(svc).await {
                tracing::warn!(error = %e, "mail delivery deferred");
            }
        }
    }
}

/// What one round of delivery did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Sends every message that is due now.
pub async fn deliver_due(svc: &Services) -> ServiceResult<DeliveryReport> {
    let mut report = DeliveryReport::default();
    loop {
        let now = svc.now();
        let hold = Timestamp::from_unix_millis(now.unix_millis() + CLAIM_HOLD_MS);
        let batch = mail_queue::claim_due(&svc.store, now, hold, BATCH).await?;
        if batch.is_empty() {
            return Ok(report);
        }
        for queued in batch {
            let mail = OutgoingMail {
                to: queued.recipient,
                subject: queued.subject,
                body: queued.body,
            };
            let attempt = queued.attempts + 1;
            match svc.mailer.send(&mail, svc.now()).await {
                Ok(()) => {
                    mail_queue::mark_sent(&svc.store, &queued.id, svc.now()).await?;
                    report.sent += 1;
                }
                Err(SendError::Transient(error)) if attempt < MAX_ATTEMPTS => {
                    let delay = retry_delay(attempt).as_millis() as i64;
                    let next = Timestamp::from_unix_millis(svc.now().unix_millis() + delay);
                    tracing::warn!(mail = %queued.id, attempt, %error, "mail not sent, will retry");
                    mail_queue::mark_retry(&svc.store, &queued.id, next, &error).await?;
                    report.retried += 1;
                }
                Err(error) => {
                    tracing::error!(mail = %queued.id, attempt, %error, "mail given up");
                    mail_queue::mark_failed(&svc.store, &queued.id, svc.now(), &error.to_string())
                        .await?;
                    report.failed += 1;
                }
            }
        }
    }
}

/// Waiting and failed messages, for the operations page.
pub async fn counts(svc: &Services) -> ServiceResult<QueueCounts> {
    Ok(mail_queue::counts(&svc.store).await?)
}

/// The longest the dispatcher sleeps between rounds when nothing wakes it.
const IDLE_ROUND: Duration = Duration::from_secs(60);

/// Starts the background dispatcher and returns the services that wake it.
/// It delivers what is due at once (mail queued before a restart), then
/// whenever a use case queues mail and whenever a retry comes due.
pub fn spawn_dispatcher(mut svc: Services) -> (Services, tokio::task::JoinHandle<()>) {
    let wake = Arc::new(Notify::new());
    svc.mail_wake = Some(wake.clone());
    let worker = svc.clone();
    let handle = tokio::spawn(async move {
        loop {
            if let Err(e) = deliver_due(&worker).await {
                tracing::warn!(error = %e, "mail delivery round failed");
            }
            let pause = match mail_queue::next_due(&worker.store).await {
                Ok(Some(due)) => {
                    let wait = due.unix_millis() - worker.now().unix_millis();
                    Duration::from_millis(wait.max(0) as u64).min(IDLE_ROUND)
                }
                _ => IDLE_ROUND,
            };
            // A due message still held by a crashed send is retried once its
            // hold ends; never spin faster than once a second.
            let pause = pause.max(Duration::from_secs(1));
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(pause) => {}
            }
        }
    });
    (svc, handle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop_growing() {
        assert_eq!(retry_delay(1), Duration::from_secs(60));
        assert!(retry_delay(2) > retry_delay(1));
        assert_eq!(retry_delay(7), Duration::from_secs(24 * 3600));
        assert_eq!(retry_delay(50), retry_delay(7));
    }
}

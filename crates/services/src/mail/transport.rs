//! How a message leaves etalase: an SMTP relay when one is configured, else
//! `.eml` files under the data directory (where an operator or a local mail
//! tool picks them up); tests keep messages in memory. Every transport builds
//! the same RFC 5322 message, so non-ASCII subjects and names are encoded the
//! same way whichever is used.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use etalase_domain::Timestamp;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::OutgoingMail;

/// Why a message did not go out, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The server or the network failed for now (4xx, timeout, refused connection).
    #[error("temporary failure: {0}")]
    Transient(String),
    /// The message can never be delivered as it is (5xx, invalid address).
    #[error("permanent failure: {0}")]
    Permanent(String),
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

pub trait Mailer: Send + Sync {
    fn send<'a>(&'a self, mail: &'a OutgoingMail, now: Timestamp) -> SendFuture<'a>;
    /// Where messages go, for operators (never contains a password).
    fn describe(&self) -> String;
}

/// The RFC 5322 message for `mail`, sent from `from`.
fn message(from: &Mailbox, mail: &OutgoingMail, now: Timestamp) -> Result<Message, SendError> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| SendError::Permanent(format!("recipient {}: {e}", mail.to)))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .date(now.to_datetime().into())
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|e| SendError::Permanent(format!("message: {e}")))
}

/// Parses the sender address given in the settings.
pub fn sender(from: &str) -> Result<Mailbox, String> {
    from.parse()
        .map_err(|e| format!("sender address {from:?} is invalid: {e}"))
}

/// Writes each message as an `.eml` file into a directory.
pub struct FileMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl FileMailer {
    pub fn new(dir: PathBuf, from: Mailbox) -> Self {
        Self { dir, from }
    }
}

impl Mailer for FileMailer {
    fn send<'a>(&'a self, mail: &'a OutgoingMail, now: Timestamp) -> SendFuture<'a> {
        Box::pin(async move {
            let message = message(&self.from, mail, now)?;
            let name = format!("{}-{}.eml", now.unix_millis(), ulid::Ulid::new());
            let path = self.dir.join(name);
            let dir = self.dir.clone();
            tokio::task::spawn_blocking(move || {
                std::fs::create_dir_all(&dir)?;
                std::fs::write(path, message.formatted())
            })
            .await
            .map_err(|e| SendError::Transient(e.to_string()))?
            .map_err(|e| SendError::Transient(format!("cannot write mail file: {e}")))
        })
    }

    fn describe(&self) -> String {
        format!("files in {}", self.dir.display())
    }
}

/// Sends through an SMTP relay given as a URL: `smtps://user:pass@host:465`
/// (TLS), `smtp://user:pass@host:587?tls=required` (STARTTLS) or
/// `smtp://host:25` (plain, for a relay on the same machine).
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    described: String,
}

impl SmtpMailer {
    pub fn from_url(url: &str, from: Mailbox) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP URL is invalid: {e}"))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(Self {
            transport,
            from,
            described: crate::redact_url(url),
        })
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, mail: &'a OutgoingMail, now: Timestamp) -> SendFuture<'a> {
        Box::pin(async move {
            let message = message(&self.from, mail, now)?;
            self.transport.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Transient(e.to_string())
                }
            })
        })
    }

    fn describe(&self) -> String {
        format!("SMTP {}", self.described)
    }
}

/// Keeps sent mail for inspection (tests); can be told to fail.
#[derive(Default)]
pub struct MemoryMailer {
    sent: Mutex<Vec<OutgoingMail>>,
    failures: Mutex<Vec<SendError>>,
}

impl MemoryMailer {
    pub fn sent(&self) -> Vec<OutgoingMail> {
        self.sent.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// The next sends fail with these errors, in order.
    pub fn fail_next(&self, errors: Vec<SendError>) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.extend(errors);
        }
    }
}

impl Mailer for MemoryMailer {
    fn send<'a>(&'a self, mail: &'a OutgoingMail, _now: Timestamp) -> SendFuture<'a> {
        Box::pin(async move {
            let failure = self
                .failures
                .lock()
                .ok()
                .and_then(|mut f| (!f.is_empty()).then(|| f.remove(0)));
            if let Some(error) = failure {
                return Err(error);
            }
            if let Ok(mut sent) = self.sent.lock() {
                sent.push(mail.clone());
            }
            Ok(())
        })
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_subjects_are_encoded() {
        let from = sender("etalase <noreply@etalase.local>").unwrap();
        let mail = OutgoingMail {
            to: "Siti Rahayu <siti@example.id>".into(),
            subject: "Toko “Kain Nusantara” terverifikasi".into(),
            body: "Selamat!".into(),
        };
        let text = String::from_utf8(
            message(&from, &mail, Timestamp::from_unix_millis(0))
                .unwrap()
                .formatted(),
        )
        .unwrap();
        let subject = text.lines().find(|l| l.starts_with("Subject:")).unwrap();
        assert!(subject.is_ascii(), "{subject}");
        assert!(subject.contains("=?utf-8?"), "{subject}");
    }

    #[test]
    fn an_invalid_recipient_is_a_permanent_failure() {
        let from = sender("noreply@etalase.local").unwrap();
        let mail = OutgoingMail {
            to: "not an address".into(),
            subject: "x".into(),
            body: "x".into(),
        };
        assert!(matches!(
            message(&from, &mail, Timestamp::from_unix_millis(0)),
            Err(SendError::Permanent(_))
        ));
    }
}

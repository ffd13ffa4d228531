//! Outgoing e-mail. The embedded default writes each message as an `.eml`
//! file under the data directory (`data/mail/`), where an operator or a
//! local mail tool can pick it up; tests keep messages in memory.

use std::path::PathBuf;
use std::sync::Mutex;

use etalase_domain::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

pub trait Mailer: Send + Sync {
    fn send(&self, mail: OutgoingMail, now: Timestamp) -> std::io::Result<()>;
}

/// Writes RFC 5322 messages into a directory.
pub struct FileMailer {
    dir: PathBuf,
    from: String,
}

impl FileMailer {
    pub fn new(dir: PathBuf, from: impl Into<String>) -> Self {
        Self {
            dir,
            from: from.into(),
        }
    }
}

impl Mailer for FileMailer {
    fn send(&self, mail: OutgoingMail, now: Timestamp) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let name = format!("{}-{}.eml", now.unix_millis(), ulid::Ulid::new());
        let date = now
            .to_datetime()
            .format(&time::format_description::well_known::Rfc2822)
            .unwrap_or_default();
        let message = format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {date}\r\nMIME-Version: 1.0\r\n\
             Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
            self.from,
            mail.to,
            mail.subject,
            mail.body.replace('\n', "\r\n")
        );
        std::fs::write(self.dir.join(name), message)
    }
}

/// Keeps sent mail for inspection (tests).
#[derive(Default)]
pub struct MemoryMailer {
    sent: Mutex<Vec<OutgoingMail>>,
}

impl MemoryMailer {
    pub fn sent(&self) -> Vec<OutgoingMail> {
        self.sent.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

impl Mailer for MemoryMailer {
    fn send(&self, mail: OutgoingMail, _now: Timestamp) -> std::io::Result<()> {
        if let Ok(mut sent) = self.sent.lock() {
            sent.push(mail);
        }
        Ok(())
    }
}

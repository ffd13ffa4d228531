//! `etalase mail test|status`.

use etalase_services::mail;

use crate::{MailCommand, Settings, offline};

pub async fn mail_command(settings: &Settings, command: MailCommand) -> anyhow::Result<()> {
    let (store, svc) = offline(settings).await?;
    let result = match command {
        MailCommand::Test { address } => {
            let message = etalase_services::OutgoingMail {
                to: address.clone(),
                subject: "Tes surel etalase / etalase test e-mail".into(),
                body: "Pengaturan surel etalase berfungsi. / etalase can send e-mail.\n".into(),
            };
            match svc.mailer.send(&message, svc.now()).await {
                Ok(()) => {
                    println!(
                        "Sent a test message to {address} via {}.",
                        svc.mailer.describe()
                    );
                    Ok(())
                }
                Err(e) => Err(anyhow::anyhow!(
                    "not sent via {}: {e}",
                    svc.mailer.describe()
                )),
            }
        }
        MailCommand::Status => {
            let counts = mail::counts(&svc)
                .await
                .map_err(|e| anyhow::anyhow!("mail queue: {e}"))?;
            println!(
                "Transport: {}\nWaiting: {}\nGiven up: {}",
                svc.mailer.describe(),
                counts.pending,
                counts.failed
            );
            Ok(())
        }
    };
    store.close().await;
    result
}

//! Outgoing e-mail on both backends: queued in the transaction of the change
//! it reports, delivered once, retried on temporary failures, given up on
//! permanent ones — and a real SMTP conversation with a relay.

use std::sync::Arc;

use etalase_domain::Timestamp;
use etalase_services::accounts::{self, ClientInfo, ShopDetails, SignUp};
use etalase_services::clock::ManualClock;
use etalase_services::mail::{
    self, DeliveryReport, Mailer, MemoryMailer, OutgoingMail, SendError, SmtpMailer,
};
use etalase_services::teams::{self, SellerScope};
use etalase_services::{ServiceConfig, Services};
use etalase_store::{mail_queue, sellers};
use etalase_testkit::{Backend, TestDatabase, database, on_both_backends};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

struct World {
    svc: Services,
    clock: Arc<ManualClock>,
    mailer: Arc<MemoryMailer>,
    _db: TestDatabase,
}

async fn world(backend: Backend) -> World {
    let db = database(backend).await;
    let clock = Arc::new(ManualClock::new(Timestamp::from_unix_millis(
        1_795_000_000_000,
    )));
    let mailer = Arc::new(MemoryMailer::default());
    let svc = Services::new(
        db.store.clone(),
        clock.clone(),
        mailer.clone(),
        Arc::new(etalase_services::vault::Vault::ephemeral()),
        etalase_store::objects::ObjectStore::memory(),
        ServiceConfig::default(),
    );
    World {
        svc,
        clock,
        mailer,
        _db: db,
    }
}

async fn owner_scope(svc: &Services) -> SellerScope {
    let signed_in = accounts::sign_up_seller(
        svc,
        SignUp {
            email: "pemilik@contoh.id",
            name: "Pemilik",
            password: "kopi susu gula aren",
            password_confirmation: "kopi susu gula aren",
            lang: etalase_domain::Lang::Id,
        },
        ShopDetails {
            shop_name: "Toko Surel",
            shop_slug: "toko-surel",
        },
        &ClientInfo::default(),
    )
    .await
    .unwrap();
    let member = sellers::find_membership(&svc.store, signed_in.user.id)
        .await
        .unwrap()
        .unwrap();
    SellerScope::for_member(&member)
}

async fn queue_plain(svc: &Services, to: &str) {
    let mut tx = svc.store.write().await.unwrap();
    mail::queue(
        &mut tx,
        &OutgoingMail {
            to: to.into(),
            subject: "Halo".into(),
            body: "Isi".into(),
        },
        svc.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn an_invitation_is_queued_with_it_and_sent_once(backend: Backend) {
    let w = world(backend).await;
    let scope = owner_scope(&w.svc).await;
    teams::invite(&w.svc, &scope, "staf@contoh.id", "operations")
        .await
        .unwrap();
    let sent = w.mailer.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "staf@contoh.id");
    assert!(sent[0].body.contains("/seller/invitations/"));
    // Sent mail keeps no body (it held the invitation link).
    let rows = w.svc.store.rows_as_text("mail_queue").await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].contains("/seller/invitations/"), "{}", rows[0]);
    assert_eq!(mail::counts(&w.svc).await.unwrap().pending, 0);
    // Another round sends nothing again.
    let report = mail::deliver_due(&w.svc).await.unwrap();
    assert_eq!(report, DeliveryReport::default());
    assert_eq!(w.mailer.sent().len(), 1);
}

async fn a_refused_invitation_queues_no_mail(backend: Backend) {
    let w = world(backend).await;
    let scope = owner_scope(&w.svc).await;
    let Err(error) = teams::invite(&w.svc, &scope, "bukan-surel", "operations").await else {
        panic!("an invalid address was invited");
    };
    assert_eq!(error.fields[0].field, "email");
    assert!(
        w.svc
            .store
            .rows_as_text("mail_queue")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(w.mailer.sent().is_empty());
}

async fn a_temporary_failure_is_retried_after_a_pause(backend: Backend) {
    let w = world(backend).await;
    let scope = owner_scope(&w.svc).await;
    w.mailer.fail_next(vec![
        SendError::Transient("421 try later".into()),
        SendError::Transient("connection refused".into()),
    ]);
    // The invitation stands even though its mail did not go out yet.
    teams::invite(&w.svc, &scope, "staf@contoh.id", "operations")
        .await
        .unwrap();
    assert!(w.mailer.sent().is_empty());
    assert_eq!(mail::counts(&w.svc).await.unwrap().pending, 1);
    // Not due again before its pause ends.
    w.clock.advance_secs(30);
    assert_eq!(
        mail::deliver_due(&w.svc).await.unwrap(),
        DeliveryReport::default()
    );
    w.clock.advance_secs(31);
    let second = mail::deliver_due(&w.svc).await.unwrap();
    assert_eq!(second.retried, 1);
    // The second pause is longer than the first.
    w.clock.advance_secs(120);
    assert_eq!(
        mail::deliver_due(&w.svc).await.unwrap(),
        DeliveryReport::default()
    );
    w.clock.advance_secs(5 * 60);
    let third = mail::deliver_due(&w.svc).await.unwrap();
    assert_eq!(third.sent, 1);
    assert_eq!(w.mailer.sent().len(), 1);
    assert_eq!(mail::counts(&w.svc).await.unwrap(), Default::default());
}

async fn a_permanent_failure_is_given_up_and_counted(backend: Backend) {
    let w = world(backend).await;
    w.mailer
        .fail_next(vec![SendError::Permanent("550 no such user".into())]);
    queue_plain(&w.svc, "hilang@contoh.id").await;
    let report = mail::deliver_due(&w.svc).await.unwrap();
    assert_eq!(report.failed, 1);
    let counts = mail::counts(&w.svc).await.unwrap();
    assert_eq!((counts.pending, counts.failed), (0, 1));
    let rows = w.svc.store.rows_as_text("mail_queue").await.unwrap();
    assert!(rows[0].contains("550 no such user"), "{}", rows[0]);
    // Never tried again.
    w.clock.advance_secs(3 * 24 * 3600);
    assert_eq!(
        mail::deliver_due(&w.svc).await.unwrap(),
        DeliveryReport::default()
    );
}

async fn temporary_failures_give_up_after_the_last_attempt(backend: Backend) {
    let w = world(backend).await;
    w.mailer.fail_next(
        (0..mail::MAX_ATTEMPTS)
            .map(|n| SendError::Transient(format!("attempt {n}")))
            .collect(),
    );
    queue_plain(&w.svc, "jauh@contoh.id").await;
    let mut failed = 0;
    for _ in 0..mail::MAX_ATTEMPTS {
        failed += mail::deliver_due(&w.svc).await.unwrap().failed;
        w.clock.advance_secs(24 * 3600);
    }
    assert_eq!(failed, 1);
    assert_eq!(mail::counts(&w.svc).await.unwrap().failed, 1);
    assert!(w.mailer.sent().is_empty());
}

async fn two_dispatchers_never_send_a_message_twice(backend: Backend) {
    let w = world(backend).await;
    for n in 0..30 {
        queue_plain(&w.svc, &format!("pembeli{n}@contoh.id")).await;
    }
    let (a, b) = tokio::join!(mail::deliver_due(&w.svc), mail::deliver_due(&w.svc));
    assert_eq!(a.unwrap().sent + b.unwrap().sent, 30);
    let mut recipients: Vec<String> = w.mailer.sent().into_iter().map(|m| m.to).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 30);
}

async fn a_message_held_by_a_crashed_sender_is_sent_after_the_hold(backend: Backend) {
    let w = world(backend).await;
    queue_plain(&w.svc, "tertahan@contoh.id").await;
    // A dispatcher claims it and dies before sending.
    let now = w.svc.now();
    let claimed = mail_queue::claim_due(
        &w.svc.store,
        now,
        Timestamp::from_unix_millis(now.unix_millis() + 120_000),
        10,
    )
    .await
    .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(mail::deliver_due(&w.svc).await.unwrap().sent, 0);
    w.clock.advance_secs(121);
    assert_eq!(mail::deliver_due(&w.svc).await.unwrap().sent, 1);
}

on_both_backends!(
    an_invitation_is_queued_with_it_and_sent_once,
    a_refused_invitation_queues_no_mail,
    a_temporary_failure_is_retried_after_a_pause,
    a_permanent_failure_is_given_up_and_counted,
    temporary_failures_give_up_after_the_last_attempt,
    two_dispatchers_never_send_a_message_twice,
    a_message_held_by_a_crashed_sender_is_sent_after_the_hold,
);

/// A minimal SMTP relay on 127.0.0.1: answers the conversation, keeps the
/// DATA of each message, and answers RCPT TO with `rcpt_reply`.
async fn smtp_relay(rcpt_reply: &'static str) -> (u16, tokio::sync::mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (messages, received) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let messages = messages.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 relay.test ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") {
                        b"250-relay.test\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("RCPT") {
                        rcpt_reply.as_bytes()
                    } else if command.starts_with("DATA") {
                        write.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        let _ = messages.send(data).await;
                        b"250 queued\r\n"
                    } else if command.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, received)
}

fn decision_mail() -> OutgoingMail {
    OutgoingMail {
        to: "Siti <siti@contoh.id>".into(),
        subject: "Toko Anda terverifikasi / Your shop is verified: Batik “Sekar”".into(),
        body: "Selamat!\n\nhttp://127.0.0.1:8080/seller/verification\n".into(),
    }
}

#[tokio::test]
async fn smtp_delivers_to_the_relay() {
    let (port, mut received) = smtp_relay("250 ok\r\n").await;
    let from = mail::sender("etalase <noreply@etalase.local>").unwrap();
    let smtp = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}"), from).unwrap();
    smtp.send(
        &decision_mail(),
        Timestamp::from_unix_millis(1_795_000_000_000),
    )
    .await
    .unwrap();
    let data = received.recv().await.unwrap();
    assert!(
        data.contains("To: \"Siti\" <siti@contoh.id>")
            || data.contains("To: Siti <siti@contoh.id>"),
        "{data}"
    );
    let subject = data.lines().find(|l| l.starts_with("Subject:")).unwrap();
    assert!(subject.is_ascii(), "{subject}");
    assert!(data.contains("/seller/verification"), "{data}");
}

#[tokio::test]
async fn smtp_tells_temporary_from_permanent_refusals() {
    let from = mail::sender("noreply@etalase.local").unwrap();
    let (port, _r) = smtp_relay("450 mailbox busy\r\n").await;
    let smtp = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}"), from.clone()).unwrap();
    let error = smtp
        .send(&decision_mail(), Timestamp::from_unix_millis(0))
        .await
        .unwrap_err();
    assert!(matches!(error, SendError::Transient(_)), "{error:?}");

    let (port, _r) = smtp_relay("550 no such user\r\n").await;
    let smtp = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}"), from.clone()).unwrap();
    let error = smtp
        .send(&decision_mail(), Timestamp::from_unix_millis(0))
        .await
        .unwrap_err();
    assert!(matches!(error, SendError::Permanent(_)), "{error:?}");

    // Nobody listening: temporary, the relay may come back.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let smtp = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}"), from).unwrap();
    let error = smtp
        .send(&decision_mail(), Timestamp::from_unix_millis(0))
        .await
        .unwrap_err();
    assert!(matches!(error, SendError::Transient(_)), "{error:?}");
}

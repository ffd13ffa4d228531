//! The gateway's notifications. Each is verified by its signature, recorded
//! whatever becomes of it, deduplicated, matched to a payment and its exact
//! amount, and then — because a notification is only a hint — the status is
//! asked again from the gateway's status API, and only that answer moves
//! the payment. Paid, the payment and every order of its checkout move in
//! one transaction; orders that expired meanwhile are not brought back:
//! their money goes back instead.

use etalase_domain::ErrorCode;
use etalase_domain::Timestamp;
use etalase_domain::audit::Actor;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::{CheckoutId, PaymentId, UserId};
use etalase_store::checkout as orders_store;
use etalase_store::payments::{
    self as store, GatewayDetails, NewNotification, NotificationOutcome, PaymentStatus,
    StoredPayment,
};
use etalase_store::{Tx, audit};
use sha2::{Digest, Sha256};

use super::gateway::{Gateway, Report, StatusReply};
use super::refunds::{self, AUTO_REFUND_SUFFIX};
use super::signature::{self, hex, parse_gross_amount};
use super::start::unavailable;
use super::status::{self, Verdict};
use super::{of_checkout, receipt};
use crate::{ServiceResult, Services};

/// The most of a notification's body kept with its record.
const STORED_BODY_LIMIT: usize = 16 * 1024;

/// What became of a notification the platform accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationReceipt {
    pub outcome: NotificationOutcome,
    pub payment: Option<PaymentId>,
}

/// The notification as received, for its record.
struct Incoming<'a> {
    report: &'a Report,
    body: &'a str,
    dedupe_key: &'a str,
}

/// Handles one HTTP notification of the gateway (its raw body). Refusals
/// are recorded and answered with a clear code; a notification seen before
/// is answered as done and changes nothing.
pub async fn receive_notification(
    svc: &Services,
    raw: &[u8],
) -> ServiceResult<NotificationReceipt> {
    let now = svc.now();
    let body = stored_body(raw);
    let notes = Notes {
        svc,
        body: &body,
        now,
    };
    let Some(report) = Report::parse(raw) else {
        notes
            .note(&Report::default(), false, NotificationOutcome::Malformed)
            .await?;
        return Err(ErrorCode::MalformedJson.into());
    };
    let (Some(order_id), Some(status_code), Some(gross), Some(presented), Some(_)) = (
        report.order_id.as_deref(),
        report.status_code.as_deref(),
        report.gross_amount.as_deref(),
        report.signature_key.as_deref(),
        report.transaction_status.as_deref(),
    ) else {
        notes
            .note(&report, false, NotificationOutcome::Malformed)
            .await?;
        return Err(ErrorCode::MalformedJson.into());
    };
    let key = svc.config.gateway.server_key.expose();
    if !signature::verify(order_id, status_code, gross, key, presented) {
        tracing::warn!(
            order_id,
            "payment notification with a bad signature refused"
        );
        notes
            .note(&report, false, NotificationOutcome::BadSignature)
            .await?;
        return Err(ErrorCode::PaymentSignatureInvalid.into());
    }
    let dedupe_key = dedupe_key(&report);
    let found = order_id.parse::<PaymentId>().ok();
    if store::notification_seen(&svc.store, &dedupe_key).await? {
        notes
            .note(&report, true, NotificationOutcome::Duplicate)
            .await?;
        return Ok(NotificationReceipt {
            outcome: NotificationOutcome::Duplicate,
            payment: found,
        });
    }
    let payment = match found {
        Some(id) => store::payment_by_id(&svc.store, id).await?,
        None => None,
    };
    let Some(payment) = payment else {
        tracing::warn!(
            order_id,
            "payment notification for an unknown order refused"
        );
        notes
            .note(&report, true, NotificationOutcome::UnknownOrder)
            .await?;
        return Err(ErrorCode::PaymentUnknown.into());
    };
    if parse_gross_amount(gross) != Some(payment.amount) {
        tracing::error!(payment = %payment.id, gross, expected = payment.amount,
            "payment notification with the wrong amount refused");
        notes
            .note(&report, true, NotificationOutcome::AmountMismatch)
            .await?;
        return Err(ErrorCode::PaymentAmountMismatch.into());
    }
    let checked = match Gateway::new(&svc.config.gateway).status(order_id).await {
        Ok(StatusReply::Found(checked)) => checked,
        Ok(StatusReply::NotFound) => {
            tracing::warn!(payment = %payment.id, "the gateway's status API does not know a notified payment");
            notes
                .note(&report, true, NotificationOutcome::StatusUnavailable)
                .await?;
            return Err(ErrorCode::GatewayUnavailable.into());
        }
        Err(error) => {
            notes
                .note(&report, true, NotificationOutcome::StatusUnavailable)
                .await?;
            return Err(unavailable(error));
        }
    };
    let incoming = Incoming {
        report: &report,
        body: &body,
        dedupe_key: &dedupe_key,
    };
    let outcome = apply(svc, &payment, &checked, Some(incoming), now).await?;
    Ok(NotificationReceipt {
        outcome,
        payment: Some(payment.id),
    })
}

/// Asks the gateway about a buyer's pending payment and applies its answer
/// (the finish page does, in case a notification is late or lost).
/// Problems reaching the gateway change nothing and are only logged.
pub async fn reconcile(svc: &Services, buyer: UserId, checkout: CheckoutId) -> ServiceResult<()> {
    let found = of_checkout(svc, buyer, checkout).await?;
    let Some(pending) = found
        .payments
        .iter()
        .find(|p| p.status == PaymentStatus::Pending)
    else {
        return Ok(());
    };
    let id = pending.id.to_string();
    match Gateway::new(&svc.config.gateway).status(&id).await {
        Ok(StatusReply::Found(checked)) => {
            match apply(svc, pending, &checked, None, svc.now()).await {
                Ok(_) => {}
                Err(e) if e.code == ErrorCode::PaymentAmountMismatch => {}
                Err(e) => return Err(e),
            }
        }
        Ok(StatusReply::NotFound) => {}
        Err(error) => tracing::info!(%error, payment = %id, "payment status not checked"),
    }
    Ok(())
}

/// What a paid attempt leaves to give back.
struct RefundDue {
    amount: i64,
    reason: &'static str,
}

/// Moves a payment as the gateway's status says, in one transaction with
/// its orders, their audit lines and events, the receipt, a refund of what
/// no order took, and the notification's record.
async fn apply(
    svc: &Services,
    payment: &StoredPayment,
    checked: &Report,
    incoming: Option<Incoming<'_>>,
    now: Timestamp,
) -> ServiceResult<NotificationOutcome> {
    let about_this = checked.order_id.as_deref() == Some(&payment.id.to_string())
        && checked.gross_amount.as_deref().and_then(parse_gross_amount) == Some(payment.amount);
    if !about_this {
        tracing::error!(payment = %payment.id, ?checked.order_id, ?checked.gross_amount,
            "the gateway's status does not match the payment; nothing changed");
        if let Some(i) = &incoming {
            let outcome = NotificationOutcome::AmountMismatch;
            Notes {
                svc,
                body: i.body,
                now,
            }
            .note(i.report, true, outcome)
            .await?;
        }
        return Err(ErrorCode::PaymentAmountMismatch.into());
    }
    let transaction_status = checked.transaction_status.as_deref().unwrap_or_default();
    let verdict = status::verdict(transaction_status, checked.fraud_status.as_deref());
    let mut tx = svc.store.write().await?;
    let current = store::payment_for_update(&mut tx, payment.id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let details = GatewayDetails {
        gateway_status: Some(transaction_status.to_owned()),
        channel: checked.channel(),
        transaction_id: checked.transaction_id.clone(),
        va_number: checked.va.as_ref().map(|(_, number)| number.clone()),
        qr_string: checked.qr_string.clone(),
    };
    store::record_gateway_details(&mut tx, payment.id, &details, now).await?;
    let mut refund_due = None;
    let mut mailed = false;
    let outcome = match status::next(current.status, verdict) {
        Some(to) => {
            let paid_at = (to == PaymentStatus::Paid).then_some(now);
            if store::move_payment(&mut tx, payment.id, status::sources(to), to, paid_at, now)
                .await?
            {
                audit_move(&mut tx, &current, to, transaction_status, now).await?;
                if to == PaymentStatus::Paid {
                    let (due, mail) =
                        settle_orders(svc, &mut tx, &current, details.channel.as_deref(), now)
                            .await?;
                    refund_due = due;
                    mailed = mail;
                }
                if refund_due.is_some() {
                    NotificationOutcome::RefundStarted
                } else {
                    NotificationOutcome::Applied
                }
            } else {
                NotificationOutcome::NoChange
            }
        }
        None => {
            if verdict == Verdict::Unknown {
                tracing::warn!(payment = %payment.id, transaction_status, "unknown gateway status ignored");
            }
            NotificationOutcome::NoChange
        }
    };
    if let Some(i) = &incoming {
        let written = store::insert_notification(
            &mut tx,
            &record(i.report, i.body, true, Some(i.dedupe_key), outcome, now),
        )
        .await?;
        if !written {
            // The same notification, handled by a concurrent request.
            drop(tx);
            let notes = Notes {
                svc,
                body: i.body,
                now,
            };
            notes
                .note(i.report, true, NotificationOutcome::Duplicate)
                .await?;
            return Ok(NotificationOutcome::Duplicate);
        }
    }
    tx.commit().await?;
    if mailed {
        crate::mail::dispatch(svc).await;
    }
    if refund_due.is_some() {
        let key = format!("{}{AUTO_REFUND_SUFFIX}", payment.id);
        if let Err(e) = refunds::send_by_key(svc, &key).await {
            tracing::warn!(error = %e, payment = %payment.id,
                "refund of a payment no order took is not done yet; it is retried");
        }
    }
    Ok(outcome)
}

/// The orders of a checkout just paid: those still awaiting payment move
/// to awaiting shipment (audit + event each); what none of them took is
/// requested back. Returns the refund due and whether a mail was queued.
async fn settle_orders(
    svc: &Services,
    tx: &mut Tx,
    payment: &StoredPayment,
    channel: Option<&str>,
    now: Timestamp,
) -> ServiceResult<(Option<RefundDue>, bool)> {
    let paid_orders = crate::fulfilment::ship::orders_paid(svc, tx, payment.checkout, now).await?;
    let covered: i64 = paid_orders.iter().map(|o| o.total).sum();
    let due = (covered < payment.amount).then(|| payment.amount - covered);
    let refund = match due {
        Some(amount) => {
            let orders = orders_store::orders_of_checkout(&mut *tx, payment.checkout).await?;
            let reason = if orders.iter().any(|o| o.status == OrderStatus::Cancelled) {
                "orders_cancelled"
            } else {
                "duplicate_payment"
            };
            tracing::warn!(payment = %payment.id, amount, reason,
                "a payment arrived that no order can take; refunding it");
            let key = format!("{}{AUTO_REFUND_SUFFIX}", payment.id);
            refunds::request_in(tx, payment, &key, amount, reason, Actor::System, now).await?;
            Some(RefundDue { amount, reason })
        }
        None => None,
    };
    let mailed = receipt::queue(
        tx,
        svc,
        payment,
        &paid_orders,
        channel,
        refund.as_ref().map(|r| r.amount),
        now,
    )
    .await?;
    if let Some(r) = &refund {
        tracing::info!(payment = %payment.id, amount = r.amount, reason = r.reason, "refund requested");
    }
    Ok((refund, mailed))
}

async fn audit_move(
    tx: &mut Tx,
    payment: &StoredPayment,
    to: PaymentStatus,
    transaction_status: &str,
    now: Timestamp,
) -> ServiceResult<()> {
    let id = payment.id.to_string();
    audit::record(
        tx,
        audit::AuditEntry {
            actor: Actor::System,
            seller_id: None,
            action: &format!("payment.{}", to.as_str()),
            subject_type: "payment",
            subject_id: &id,
            before: Some(format!("status={}", payment.status.as_str())),
            after: Some(format!(
                "status={} gateway={transaction_status} amount={}",
                to.as_str(),
                payment.amount
            )),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Where notifications the platform did not act on are recorded: one body,
/// received at one moment.
struct Notes<'a> {
    svc: &'a Services,
    body: &'a str,
    now: Timestamp,
}

impl Notes<'_> {
    /// Records one, in a transaction of its own.
    async fn note(
        &self,
        report: &Report,
        signature_ok: bool,
        outcome: NotificationOutcome,
    ) -> ServiceResult<()> {
        let mut tx = self.svc.store.write().await?;
        store::insert_notification(
            &mut tx,
            &record(report, self.body, signature_ok, None, outcome, self.now),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn record<'a>(
    report: &'a Report,
    body: &'a str,
    signature_ok: bool,
    dedupe_key: Option<&'a str>,
    outcome: NotificationOutcome,
    now: Timestamp,
) -> NewNotification<'a> {
    NewNotification {
        order_ref: report.order_id.as_deref(),
        transaction_status: report.transaction_status.as_deref(),
        status_code: report.status_code.as_deref(),
        gross_amount: report.gross_amount.as_deref(),
        signature_ok,
        dedupe_key,
        body,
        outcome,
        received_at: now,
    }
}

/// Identifies a notification across the gateway's retries: the same
/// transaction in the same status is the same news.
fn dedupe_key(report: &Report) -> String {
    let parts = [
        report.order_id.as_deref(),
        report.transaction_id.as_deref(),
        report.transaction_status.as_deref(),
        report.status_code.as_deref(),
        report.gross_amount.as_deref(),
        report.fraud_status.as_deref(),
    ];
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.unwrap_or_default().as_bytes());
        hash.update([0x1f]);
    }
    hex(&hash.finalize())
}

fn stored_body(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    match text.char_indices().nth(STORED_BODY_LIMIT) {
        Some((cut, _)) => text[..cut].to_owned(),
        None => text.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_news_has_the_same_key_and_other_news_another() {
        let report = Report {
            order_id: Some("pay_1".into()),
            transaction_id: Some("t-1".into()),
            transaction_status: Some("settlement".into()),
            status_code: Some("200".into()),
            gross_amount: Some("150000.00".into()),
            ..Report::default()
        };
        let same = report.clone();
        assert_eq!(dedupe_key(&report), dedupe_key(&same));
        let later = Report {
            transaction_status: Some("refund".into()),
            ..report.clone()
        };
        assert_ne!(dedupe_key(&report), dedupe_key(&later));
    }

    #[test]
    fn stored_bodies_are_cut_to_their_limit() {
        assert_eq!(stored_body(b"{}"), "{}");
        let long = vec![b'a'; STORED_BODY_LIMIT + 10];
        assert_eq!(stored_body(&long).len(), STORED_BODY_LIMIT);
    }
}

//! Giving money back through the gateway. The refund is recorded (with its
//! key) before the gateway is asked, and the gateway treats the same key as
//! the same refund: a request retried after a timeout or a crash refunds
//! once. A refund the gateway cannot make (virtual accounts) is recorded as
//! refused, for a transfer by hand.

use std::time::Duration;

use etalase_domain::ErrorCode;
use etalase_domain::Timestamp;
use etalase_domain::audit::Actor;
use etalase_domain::id::PaymentId;
use etalase_store::payments::{
    self as store, NewRefund, RefundStatus, StoredPayment, StoredRefund,
};
use etalase_store::{Tx, audit};

use super::gateway::{Gateway, GatewayError};
use super::start::unavailable;
use crate::{ServiceError, ServiceResult, Services};

/// The refund key of the refund the platform starts itself when a payment
/// arrives that no order can take: `pay_…-auto`.
pub(crate) const AUTO_REFUND_SUFFIX: &str = "-auto";

/// The longest refund key the gateway takes.
const MAX_KEY: usize = 100;
const MAX_REASON: usize = 255;

#[derive(Debug, Clone)]
pub struct RefundRequest<'a> {
    /// Whole Rupiah; at most what was paid and not given back yet.
    pub amount: i64,
    pub reason: &'a str,
    /// Chosen by the caller: the same key again is the same refund
    /// (letters, digits, `-` and `_`, up to 100).
    pub refund_key: &'a str,
}

/// Refunds (part of) a paid payment through the gateway.
pub async fn refund(
    svc: &Services,
    actor: Actor,
    payment: PaymentId,
    request: &RefundRequest<'_>,
) -> ServiceResult<StoredRefund> {
    let key = request.refund_key;
    let mut validation = crate::error::Validation::default();
    if key.is_empty()
        || key.len() > MAX_KEY
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        validation.add("refund_key", ErrorCode::InvalidIdempotencyKey);
    }
    let reason = request.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        validation.add("reason", ErrorCode::RefundReasonRequired);
    }
    if request.amount <= 0 {
        validation.add("amount", ErrorCode::RefundAmountInvalid);
    }
    validation.finish()?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let found = store::payment_for_update(&mut tx, payment)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    if let Some(existing) = store::refund_by_key(&mut tx, key).await? {
        drop(tx);
        if existing.payment != payment || existing.amount != request.amount {
            return Err(ErrorCode::IdempotencyKeyReused.into());
        }
        return send(svc, existing).await;
    }
    if !found.status.money_taken() {
        return Err(ErrorCode::PaymentNotRefundable.into());
    }
    let committed: i64 = store::refunds_of_payment(&mut tx, payment)
        .await?
        .iter()
        .filter(|r| r.status != RefundStatus::Refused)
        .map(|r| r.amount)
        .sum();
    if request.amount > found.amount - committed {
        return Err(ServiceError::field(
            "amount",
            ErrorCode::RefundAmountInvalid,
        ));
    }
    request_in(&mut tx, &found, key, request.amount, reason, actor, now).await?;
    tx.commit().await?;
    send_by_key(svc, key).await
}

/// Records a refund to request, in the caller's transaction; false when
/// its key was recorded before.
pub(crate) async fn request_in(
    tx: &mut Tx,
    payment: &StoredPayment,
    refund_key: &str,
    amount: i64,
    reason: &str,
    actor: Actor,
    now: Timestamp,
) -> ServiceResult<bool> {
    let new = NewRefund {
        payment: payment.id,
        refund_key,
        amount,
        reason,
        actor: &actor.as_text(),
        now,
    };
    if !store::insert_refund(tx, &new).await? {
        return Ok(false);
    }
    audit_refund(
        tx,
        actor,
        payment.id,
        "payment.refund_requested",
        format!("key={refund_key} amount={amount} reason={reason}"),
        now,
    )
    .await?;
    Ok(true)
}

/// Sends a recorded refund to the gateway (again).
pub(crate) async fn send_by_key(svc: &Services, refund_key: &str) -> ServiceResult<StoredRefund> {
    let refund = store::refund_by_key(&svc.store, refund_key)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    send(svc, refund).await
}

async fn send(svc: &Services, refund: StoredRefund) -> ServiceResult<StoredRefund> {
    match refund.status {
        RefundStatus::Requested => {}
        RefundStatus::Succeeded => return Ok(refund),
        RefundStatus::Refused => return Err(ErrorCode::RefundRefused.into()),
    }
    let answer = Gateway::new(&svc.config.gateway)
        .refund(
            &refund.payment.to_string(),
            &refund.refund_key,
            refund.amount,
            &refund.reason,
        )
        .await;
    let now = svc.now();
    match answer {
        Ok(()) => {
            let mut tx = svc.store.write().await?;
            if store::settle_refund(
                &mut tx,
                &refund.refund_key,
                RefundStatus::Succeeded,
                None,
                now,
            )
            .await?
            {
                if !store::add_refunded(&mut tx, refund.payment, refund.amount, now).await? {
                    // Only if the payment's records disagree with the
                    // gateway's: keep the refund, say so loudly.
                    tracing::error!(payment = %refund.payment, amount = refund.amount,
                        "the gateway refunded more than the payment shows as paid");
                }
                audit_refund(
                    &mut tx,
                    Actor::System,
                    refund.payment,
                    "payment.refunded",
                    format!("key={} amount={}", refund.refund_key, refund.amount),
                    now,
                )
                .await?;
            }
            tx.commit().await?;
        }
        Err(GatewayError::Refused {
            status_code,
            message,
        }) => {
            tracing::warn!(payment = %refund.payment, amount = refund.amount, %status_code, %message,
                "the gateway refused a refund: it must be transferred by hand");
            let mut tx = svc.store.write().await?;
            let said = format!("{status_code}: {message}");
            if store::settle_refund(
                &mut tx,
                &refund.refund_key,
                RefundStatus::Refused,
                Some(&said),
                now,
            )
            .await?
            {
                audit_refund(
                    &mut tx,
                    Actor::System,
                    refund.payment,
                    "payment.refund_refused",
                    format!("key={} gateway={said}", refund.refund_key),
                    now,
                )
                .await?;
            }
            tx.commit().await?;
            return Err(ErrorCode::RefundRefused.into());
        }
        Err(error) => return Err(unavailable(error)),
    }
    store::refund_by_key(&svc.store, &refund.refund_key)
        .await?
        .ok_or_else(|| ErrorCode::NotFound.into())
}

async fn audit_refund(
    tx: &mut Tx,
    actor: Actor,
    payment: PaymentId,
    action: &str,
    after: String,
    now: Timestamp,
) -> ServiceResult<()> {
    audit::record(
        tx,
        audit::AuditEntry {
            actor,
            seller_id: None,
            action,
            subject_type: "payment",
            subject_id: &payment.to_string(),
            before: None,
            after: Some(after),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Refunds a pass sends again at most.
const BATCH: i64 = 100;

/// Sends again the refunds the gateway has not answered; returns how many
/// it settled.
pub async fn retry_refunds(svc: &Services) -> ServiceResult<usize> {
    let mut settled = 0;
    for refund in store::requested_refunds(&svc.store, BATCH).await? {
        match send(svc, refund).await {
            Ok(_) => settled += 1,
            Err(e) if e.code == ErrorCode::RefundRefused => settled += 1,
            Err(e) => tracing::info!(error = %e, "refund still waiting for the gateway"),
        }
    }
    Ok(settled)
}

/// Runs [`retry_refunds`] every `every` until the process ends.
pub fn spawn_refund_retries(svc: Services, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = retry_refunds(&svc).await {
                tracing::warn!(error = %e, "retrying refunds failed; next pass retries");
            }
        }
    })
}

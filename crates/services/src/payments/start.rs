//! Starting to pay a checkout: the pending attempt again, or a new one made
//! at the gateway first and recorded after — so a gateway that does not
//! answer leaves nothing behind, and the buyer is never sent to a page
//! the platform does not know about.

use etalase_domain::audit::Actor;
use etalase_domain::checkout::{OrderStatus, PaymentMethod};
use etalase_domain::id::{CheckoutId, PaymentId, UserId};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::checkout::{self as orders_store, StoredOrder};
use etalase_store::payments::{self as store, PaymentStatus, StoredPayment};
use etalase_store::{audit, sellers};

use super::gateway::{
    Callbacks, CustomerDetails, Expiry, Gateway, GatewayError, ItemDetail, SnapRequest,
    TransactionDetails, gateway_time,
};
use super::{NOTIFICATION_PATH, of_checkout};
use crate::{ServiceError, ServiceResult, Services};

/// The gateway's page closes this long before the orders' payment
/// deadline, so no payment can arrive after the expiry job cancelled them
/// (notifications take seconds; the margin is generous).
pub(crate) const DEADLINE_MARGIN_SECS: i64 = 5 * 60;

/// The shortest time worth sending a buyer to pay in.
const SHORTEST_WINDOW_SECS: i64 = 60;

/// Where the buyer goes next.
#[derive(Debug, Clone)]
pub enum Started {
    /// To the gateway's hosted page of this attempt.
    Pay(Box<StoredPayment>),
    /// Nowhere: the checkout is paid already.
    AlreadyPaid,
}

/// Starts (or resumes) paying a buyer's checkout through the gateway.
pub async fn start(svc: &Services, buyer: UserId, checkout: CheckoutId) -> ServiceResult<Started> {
    let now = svc.now();
    let found = of_checkout(svc, buyer, checkout).await?;
    if found.checkout.method != PaymentMethod::Gateway {
        return Err(ErrorCode::PaymentNotNeeded.into());
    }
    if found.paid().is_some() {
        return Ok(Started::AlreadyPaid);
    }
    let awaiting: Vec<&StoredOrder> = found
        .orders
        .iter()
        .filter(|o| o.status == OrderStatus::AwaitingPayment)
        .collect();
    if awaiting.is_empty() {
        return Err(ErrorCode::PaymentClosed.into());
    }
    let deadline = payment_deadline(&found.checkout, &awaiting);
    if deadline.seconds_since(now) < SHORTEST_WINDOW_SECS {
        return Err(ErrorCode::PaymentClosed.into());
    }
    if let Some(pending) = found
        .payments
        .iter()
        .find(|p| p.status == PaymentStatus::Pending && p.expires_at > now)
    {
        return Ok(Started::Pay(Box::new(pending.clone())));
    }
    let amount: i64 = awaiting.iter().map(|o| o.total).sum();
    let id = PaymentId::generate();
    let request = snap_request(svc, buyer, checkout, id, &awaiting, amount, now, deadline).await?;
    let notification_url = format!(
        "{}{NOTIFICATION_PATH}",
        svc.config.public_url.trim_end_matches('/')
    );
    let created = Gateway::new(&svc.config.gateway)
        .create(&request, &notification_url)
        .await
        .map_err(unavailable)?;
    let payment = StoredPayment {
        id,
        checkout,
        buyer,
        amount,
        status: PaymentStatus::Pending,
        gateway_status: None,
        channel: None,
        gateway_token: created.token,
        redirect_url: created.redirect_url,
        transaction_id: None,
        va_number: None,
        qr_string: None,
        refunded_amount: 0,
        expires_at: deadline,
        paid_at: None,
        created_at: now,
        updated_at: now,
    };
    record(svc, &payment).await
}

/// Records a payment made at the gateway, unless the orders moved on
/// meanwhile or another request recorded one first (then that one is the
/// buyer's; the gateway's transaction of this one is never shown).
async fn record(svc: &Services, payment: &StoredPayment) -> ServiceResult<Started> {
    let mut tx = svc.store.write().await?;
    let orders = orders_store::orders_of_checkout(&mut tx, payment.checkout).await?;
    let still_awaiting: i64 = orders
        .iter()
        .filter(|o| o.status == OrderStatus::AwaitingPayment)
        .map(|o| o.total)
        .sum();
    if still_awaiting != payment.amount {
        drop(tx);
        return match store::payments_of_checkout(&svc.store, payment.checkout)
            .await?
            .iter()
            .any(|p| p.status.money_taken())
        {
            true => Ok(Started::AlreadyPaid),
            false => Err(ErrorCode::PaymentClosed.into()),
        };
    }
    match store::insert_payment(&mut tx, payment).await {
        Ok(()) => {}
        Err(e) if e.is_conflict_on("payments_checkout_id_key") => {
            drop(tx);
            let first = store::payments_of_checkout(&svc.store, payment.checkout)
                .await?
                .into_iter()
                .find(|p| p.status == PaymentStatus::Pending)
                .ok_or(ErrorCode::IdempotencyInProgress)?;
            return Ok(Started::Pay(Box::new(first)));
        }
        Err(e) => return Err(e.into()),
    }
    let id = payment.id.to_string();
    audit::record(
        &mut tx,
        audit::AuditEntry {
            actor: Actor::User(payment.buyer),
            seller_id: None,
            action: "payment.started",
            subject_type: "payment",
            subject_id: &id,
            before: None,
            after: Some(format!(
                "checkout={} amount={} status=pending",
                payment.checkout, payment.amount
            )),
        },
        payment.created_at,
    )
    .await?;
    tx.commit().await?;
    Ok(Started::Pay(Box::new(payment.clone())))
}

/// When the gateway's page closes: a margin before the orders' deadline.
fn payment_deadline(
    checkout: &orders_store::StoredCheckout,
    awaiting: &[&StoredOrder],
) -> Timestamp {
    let pay_by = awaiting
        .iter()
        .filter_map(|o| o.pay_by)
        .chain(checkout.pay_by)
        .min()
        .unwrap_or(checkout.placed_at);
    pay_by.plus_seconds(-DEADLINE_MARGIN_SECS)
}

#[allow(clippy::too_many_arguments)]
async fn snap_request(
    svc: &Services,
    buyer: UserId,
    checkout: CheckoutId,
    id: PaymentId,
    awaiting: &[&StoredOrder],
    amount: i64,
    now: Timestamp,
    deadline: Timestamp,
) -> ServiceResult<SnapRequest> {
    let (name, email) = store::buyer_contact(&svc.store, buyer)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let mut items = Vec::with_capacity(awaiting.len());
    for order in awaiting {
        let shop = sellers::get_seller(&svc.store, order.seller).await?;
        items.push(ItemDetail {
            id: order.id.to_string(),
            price: order.total,
            quantity: 1,
            // The gateway takes 50 characters.
            name: shorten(&format!("{} · {}", shop.name, order.id), 50),
        });
    }
    let public = svc.config.public_url.trim_end_matches('/');
    Ok(SnapRequest {
        transaction_details: TransactionDetails {
            order_id: id.to_string(),
            gross_amount: amount,
        },
        item_details: items,
        customer_details: CustomerDetails {
            first_name: shorten(&name, 50),
            email,
        },
        callbacks: Callbacks {
            finish: format!("{public}/checkout/{checkout}/paid"),
        },
        expiry: Expiry {
            start_time: gateway_time(now),
            unit: "minute",
            duration: (deadline.seconds_since(now) / 60).max(1),
        },
    })
}

fn shorten(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// A gateway that did not give a usable answer: logged with the reason,
/// answered with one clear code.
pub(crate) fn unavailable(error: GatewayError) -> ServiceError {
    tracing::warn!(%error, "payment gateway call failed");
    let mut e = ServiceError::new(ErrorCode::GatewayUnavailable);
    e.internal = Some(Box::new(error));
    e
}

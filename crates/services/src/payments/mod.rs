//! Paying a checkout through a payment gateway shaped like Midtrans Snap:
//! the buyer is sent to the gateway's hosted page ([`start`]); the gateway
//! tells the platform what happened with signed HTTP notifications
//! ([`receive_notification`]), each verified, recorded, deduplicated and
//! then checked against the gateway's status API before anything changes;
//! money goes back through the gateway's refund API ([`refund`]).
//!
//! The built-in [`sandbox`] gateway (demo and test mode only) answers the
//! same API on the platform's own address, so this code path runs end to
//! end without a real gateway. In production the same code talks to the
//! real gateway's URLs with the real server key.
//!
//! One checkout is paid as a whole (all its orders, one per shop). A
//! failed or expired attempt leaves the orders awaiting payment: the buyer
//! may try again until the orders' payment deadline, after which the
//! expiry job cancels them.

pub(crate) mod gateway;
mod notify;
mod receipt;
pub(crate) mod refunds;
pub mod sandbox;
pub mod signature;
mod start;
mod status;

use std::sync::Arc;
use std::time::Duration;

pub use etalase_store::payments::{
    NotificationOutcome, PaymentStatus, RefundStatus, StoredPayment, StoredRefund,
};
pub use notify::{NotificationReceipt, receive_notification, reconcile};
pub use receipt::channel_name;
pub use refunds::{RefundRequest, refund, retry_refunds, spawn_refund_retries};
pub use start::{Started, start};

use etalase_domain::ErrorCode;
use etalase_domain::id::{CheckoutId, UserId};
use etalase_store::checkout as orders_store;
use etalase_store::payments as store;

use crate::{ServiceResult, Services};

/// The gateway's server key: it signs notifications and authenticates the
/// platform's requests. Never shown by `Debug`.
#[derive(Clone, Default)]
pub struct ServerKey(Arc<str>);

impl ServerKey {
    pub fn new(key: impl Into<Arc<str>>) -> ServerKey {
        ServerKey(key.into())
    }

    /// A fresh random key, for the sandbox gateway.
    pub fn generate() -> ServerKey {
        ServerKey::new(format!("SB-etalase-{}", crate::tokens::random_token()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(***)")
    }
}

/// Where the gateway is and how the platform proves who it is.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// The Snap API's base: `https://app.midtrans.com` in production,
    /// `https://app.sandbox.midtrans.com` for Midtrans's own sandbox, the
    /// platform's `{public_url}/sandbox-gateway` for the built-in one.
    pub snap_url: String,
    /// The base of the status and refund API: `https://api.midtrans.com`
    /// (Midtrans serves it from another host than Snap); the same as
    /// `snap_url` for the built-in sandbox.
    pub api_url: String,
    pub server_key: ServerKey,
    /// Serve the built-in sandbox gateway under `/sandbox-gateway` (demo
    /// and test mode only).
    pub sandbox_enabled: bool,
    /// The longest the platform waits for one answer of the gateway.
    pub timeout: Duration,
}

impl Default for GatewayConfig {
    /// No gateway: the sandbox is off and there is no key, so paying by
    /// gateway answers `gateway_unavailable` until one is configured.
    fn default() -> Self {
        GatewayConfig {
            snap_url: format!("http://127.0.0.1:8080{SANDBOX_PATH}"),
            api_url: format!("http://127.0.0.1:8080{SANDBOX_PATH}"),
            server_key: ServerKey::default(),
            sandbox_enabled: false,
            timeout: Duration::from_secs(15),
        }
    }
}

/// Where the sandbox gateway is mounted.
pub const SANDBOX_PATH: &str = "/sandbox-gateway";

/// Where the gateway sends its notifications, relative to the public URL.
pub const NOTIFICATION_PATH: &str = "/api/v1/payments/notifications";

impl GatewayConfig {
    /// The built-in sandbox, reached at the platform's own public address.
    pub fn sandbox(public_url: &str, server_key: ServerKey) -> GatewayConfig {
        let base = format!("{}{SANDBOX_PATH}", public_url.trim_end_matches('/'));
        GatewayConfig {
            snap_url: base.clone(),
            api_url: base,
            server_key,
            sandbox_enabled: true,
            ..GatewayConfig::default()
        }
    }
}

/// What a checkout's payment page shows: the checkout, its orders, and
/// its payment attempts (newest first).
#[derive(Debug, Clone)]
pub struct CheckoutPayment {
    pub checkout: orders_store::StoredCheckout,
    pub orders: Vec<orders_store::StoredOrder>,
    pub payments: Vec<StoredPayment>,
}

impl CheckoutPayment {
    /// The attempt that took the buyer's money, if one did.
    pub fn paid(&self) -> Option<&StoredPayment> {
        self.payments.iter().find(|p| p.status.money_taken())
    }

    /// The newest attempt.
    pub fn latest(&self) -> Option<&StoredPayment> {
        self.payments.first()
    }

    /// Orders still waiting to be paid.
    pub fn awaiting(&self) -> bool {
        self.orders
            .iter()
            .any(|o| o.status == etalase_domain::checkout::OrderStatus::AwaitingPayment)
    }
}

/// A buyer's checkout with its payment attempts (another buyer's is not
/// found).
pub async fn of_checkout(
    svc: &Services,
    buyer: UserId,
    checkout: CheckoutId,
) -> ServiceResult<CheckoutPayment> {
    let found = orders_store::checkout_by_id(&svc.store, checkout)
        .await?
        .filter(|c| c.buyer == buyer)
        .ok_or(ErrorCode::NotFound)?;
    let orders = orders_store::orders_of_checkout(&svc.store, checkout).await?;
    let payments = store::payments_of_checkout(&svc.store, checkout).await?;
    Ok(CheckoutPayment {
        checkout: found,
        orders,
        payments,
    })
}

/// The notifications received about a payment, oldest first (support and
/// tests).
pub async fn notifications_of(
    svc: &Services,
    payment: etalase_domain::id::PaymentId,
) -> ServiceResult<Vec<store::StoredNotification>> {
    Ok(store::notifications_for(&svc.store, &payment.to_string()).await?)
}

/// A payment's refunds, oldest first.
pub async fn refunds_of(
    svc: &Services,
    payment: etalase_domain::id::PaymentId,
) -> ServiceResult<Vec<StoredRefund>> {
    Ok(store::refunds_of_payment(&svc.store, payment).await?)
}

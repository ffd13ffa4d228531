//! What the payment tests share: an etalase with the sandbox gateway on its
//! own address, a buyer with a placed checkout, and the steps of paying.
#![allow(dead_code, unused_imports)]

use std::time::Duration;

use crate::common::{TestApp, location};
use etalase_domain::account::Email;
use etalase_domain::audit::Actor;
use etalase_domain::checkout::{AddressForm, OrderStatus, Source};
use etalase_domain::id::{CheckoutId, PaymentId, UserId};
use etalase_domain::{ErrorCode, Lang};
use etalase_services::checkout::place::{CheckoutToken, PlaceOutcome, PlaceRequest, place};
use etalase_services::checkout::summary::{CheckoutChoice, summary};
use etalase_services::checkout::{Shopper, addresses, cart, expiry};
use etalase_services::payments::signature::sign;
use etalase_services::payments::{
    self, GatewayConfig, PaymentStatus, RefundRequest, RefundStatus, ServerKey, StoredPayment,
};
use etalase_services::{ServiceConfig, storefront, sync};
use etalase_store::checkout::{StoredOrder, orders_of_checkout};
use etalase_store::shop::FeedOrder;
use etalase_store::{audit, catalog as records, outbox};
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

pub const SERVER_KEY: &str = "SB-Mid-server-etalase-test";
pub const NOTIFICATIONS: &str = "/api/v1/payments/notifications";

/// An etalase with the sandbox gateway enabled on its own address.
pub async fn app(backend: Backend) -> TestApp {
    app_with(backend, |_| {}).await
}

pub async fn app_with(backend: Backend, adjust: impl FnOnce(&mut GatewayConfig)) -> TestApp {
    TestApp::spawn_with_services(backend, |base| {
        let mut gateway = GatewayConfig::sandbox(base, ServerKey::new(SERVER_KEY));
        gateway.timeout = Duration::from_secs(5);
        adjust(&mut gateway);
        ServiceConfig {
            public_url: base.to_owned(),
            gateway,
            ..ServiceConfig::default()
        }
    })
    .await
}

/// A buyer (signed in, in their browser) with a placed checkout paid by
/// gateway: one order of the demo shop's batik shirt.
pub struct Bought {
    pub browser: Client,
    pub buyer: UserId,
    pub email: String,
    pub checkout: CheckoutId,
    pub orders: Vec<StoredOrder>,
}

pub async fn bought(app: &TestApp, email: &str) -> Bought {
    let svc = &app.services;
    if etalase_store::sellers::find_seller_by_slug(&svc.store, "shop")
        .await
        .unwrap()
        .is_none()
    {
        etalase_services::demo::load(svc).await.unwrap();
        sync::catch_up(svc).await.unwrap();
    }
    let browser = app.buyer(email).await;
    let buyer =
        etalase_store::accounts::find_user_by_email(&svc.store, &Email::parse(email).unwrap())
            .await
            .unwrap()
            .unwrap()
            .id;
    let form = AddressForm {
        label: "Rumah".into(),
        recipient: "Pembeli Uji".into(),
        phone: "0813-1111-2222".into(),
        street: "Jl. Kamal Raya No. 5, RT 01/RW 04".into(),
        district_code: "317301".into(),
        postal_code: "11730".into(),
    };
    addresses::add(svc, buyer, &form, true).await.unwrap();
    let feed = storefront::Feed {
        order: FeedOrder::Ranked,
        seller: None,
        category: None,
        query: "",
        page: 1,
        per_page: 60,
    };
    let cards = storefront::cards(svc, &feed).await.unwrap();
    let shirt = cards
        .cards
        .iter()
        .find(|c| c.listing.title.contains("Kemeja"))
        .expect("the demo shirt is listed");
    let sku = records::skus_of(
        &svc.store,
        shirt.listing.seller_id,
        shirt.listing.product_id,
    )
    .await
    .unwrap()
    .into_iter()
    .find(|s| s.stock > 0)
    .expect("a SKU in stock");
    cart::add(svc, &Shopper::Buyer(buyer), sku.id, 1, Source::Search)
        .await
        .unwrap();
    let choice = CheckoutChoice::default();
    let shown = summary(svc, buyer, &choice).await.unwrap();
    assert!(shown.problems.is_empty(), "{:?}", shown.problems);
    let request = PlaceRequest {
        checkout: CheckoutToken::new(),
        confirmed_version: shown.version.clone(),
        choice,
    };
    let PlaceOutcome::Placed(placed) = place(svc, buyer, &request).await.unwrap() else {
        panic!("the summary changed")
    };
    assert!(
        placed
            .orders
            .iter()
            .all(|o| o.status == OrderStatus::AwaitingPayment)
    );
    Bought {
        browser,
        buyer,
        email: email.to_owned(),
        checkout: placed.checkout.id,
        orders: placed.orders,
    }
}

impl Bought {
    pub fn pay_path(&self) -> String {
        format!("/checkout/{}/pay", self.checkout)
    }

    pub fn finish_path(&self) -> String {
        format!("/checkout/{}/paid", self.checkout)
    }

    pub fn amount(&self) -> i64 {
        self.orders.iter().map(|o| o.total).sum()
    }
}

/// The path of an absolute URL on the app.
pub fn path_of(app: &TestApp, url: &str) -> String {
    url.strip_prefix(&app.base)
        .unwrap_or_else(|| panic!("{url} is not on the app"))
        .to_owned()
}

/// Starts paying; returns the hosted page's path.
pub async fn to_gateway(app: &TestApp, b: &Bought) -> String {
    let response = app.get(&b.browser, &b.pay_path()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = path_of(app, &location(&response));
    assert!(
        page.starts_with("/sandbox-gateway/snap/v2/vtweb/"),
        "{page}"
    );
    page
}

pub async fn choose(app: &TestApp, b: &Bought, page: &str, channel: &str) {
    let response = app
        .submit(
            &b.browser,
            page,
            &format!("{page}/channel"),
            &[("channel", channel)],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
}

/// Makes the payment succeed, fail or expire; returns where the buyer is
/// sent back to (the finish page, with the gateway's parameters).
pub async fn simulate(app: &TestApp, b: &Bought, page: &str, outcome: &str) -> String {
    let response = app
        .submit(
            &b.browser,
            page,
            &format!("{page}/simulate"),
            &[("outcome", outcome)],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    path_of(app, &location(&response))
}

pub async fn payments_of(app: &TestApp, b: &Bought) -> Vec<StoredPayment> {
    payments::of_checkout(&app.services, b.buyer, b.checkout)
        .await
        .unwrap()
        .payments
}

pub async fn latest(app: &TestApp, b: &Bought) -> StoredPayment {
    payments_of(app, b)
        .await
        .into_iter()
        .next()
        .expect("a payment")
}

pub async fn orders(app: &TestApp, b: &Bought) -> Vec<StoredOrder> {
    orders_of_checkout(&app.services.store, b.checkout)
        .await
        .unwrap()
}

pub async fn page(app: &TestApp, b: &Bought, path: &str) -> (StatusCode, String) {
    let response = app.get(&b.browser, path).await;
    (response.status(), response.text().await.unwrap())
}

/// A notification as the gateway signs it.
pub fn notification(order_id: &str, status: &str, code: &str, gross: &str, key: &str) -> Value {
    json!({
        "transaction_time": "2026-05-01 10:00:00",
        "transaction_status": status,
        "transaction_id": "tx-test-1",
        "status_message": "midtrans payment notification",
        "status_code": code,
        "signature_key": sign(order_id, code, gross, key),
        "payment_type": "bank_transfer",
        "order_id": order_id,
        "gross_amount": gross,
        "fraud_status": "accept",
        "currency": "IDR",
    })
}

pub async fn notify(app: &TestApp, body: &Value) -> (StatusCode, Value) {
    let response = Client::new()
        .post(app.url(NOTIFICATIONS))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn pay_by(app: &TestApp, b: &Bought, channel: &str) -> StoredPayment {
    let page = to_gateway(app, b).await;
    choose(app, b, &page, channel).await;
    let back = simulate(app, b, &page, "pay").await;
    assert!(back.starts_with(&b.finish_path()), "{back}");
    let paid = latest(app, b).await;
    assert_eq!(paid.status, PaymentStatus::Paid);
    paid
}

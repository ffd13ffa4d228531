//! Helpers of the order tests: the demo's people and SKUs, a COD order
//! placed through the real checkout, pages, and couriers' signed reports.

use etalase_domain::checkout::{PaymentMethod, Source};
use etalase_domain::id::{OrderId, SellerId, SkuId, UserId};
use etalase_domain::shipping::Courier;
use etalase_services::checkout::place::{CheckoutToken, PlaceOutcome, PlaceRequest, place};
use etalase_services::checkout::summary::{CheckoutChoice, summary};
use etalase_services::checkout::{Shopper, cart};
use etalase_services::fulfilment::logistics::LogisticsConfig;
use etalase_services::fulfilment::tracking::{CourierConfig, sign};
use etalase_services::payments::ServerKey;
use etalase_services::{ServiceConfig, Services};
use etalase_store::checkout as orders_store;
use etalase_testkit::Backend;
use reqwest::{Client, StatusCode};

use super::TestApp;

pub const OPS: &str = "operasional@etalase.test";
pub const BUYER: &str = "pembeli@etalase.test";

pub async fn spawn(backend: Backend) -> TestApp {
    TestApp::spawn_with_services(backend, |base| ServiceConfig {
        public_url: base.to_owned(),
        couriers: CourierConfig::generated(),
        logistics: LogisticsConfig::sandbox(base, ServerKey::generate()),
        ..ServiceConfig::default()
    })
    .await
}

pub async fn user(svc: &Services, email: &str) -> UserId {
    let email = etalase_domain::account::Email::parse(email).unwrap();
    etalase_store::accounts::find_user_by_email(&svc.store, &email)
        .await
        .unwrap()
        .unwrap()
        .id
}

pub async fn sku(svc: &Services, seller: SellerId, code: &str) -> SkuId {
    let mut tx = svc.store.write().await.unwrap();
    let found = etalase_store::catalog::skus_by_code_in_tx(&mut tx, seller, code)
        .await
        .unwrap()
        .unwrap();
    drop(tx);
    found.id
}

pub async fn stock(svc: &Services, seller: SellerId, sku: SkuId) -> i64 {
    etalase_store::catalog::get_sku(&svc.store, seller, sku)
        .await
        .unwrap()
        .stock
}

/// The demo buyer orders one `sku` with COD; the new order's id.
pub async fn buy_cod(svc: &Services, buyer: UserId, sku: SkuId) -> OrderId {
    cart::add(svc, &Shopper::Buyer(buyer), sku, 1, Source::Search)
        .await
        .unwrap();
    let choice = CheckoutChoice {
        method: PaymentMethod::Cod,
        ..CheckoutChoice::default()
    };
    let shown = summary(svc, buyer, &choice).await.unwrap();
    let request = PlaceRequest {
        checkout: CheckoutToken::new(),
        confirmed_version: shown.version,
        choice,
    };
    match place(svc, buyer, &request).await.unwrap() {
        PlaceOutcome::Placed(p) => p.orders[0].id,
        PlaceOutcome::Changed(_) => panic!("nothing changed"),
    }
}

pub async fn order(svc: &Services, id: OrderId) -> orders_store::StoredOrder {
    orders_store::order_by_id(&svc.store, id)
        .await
        .unwrap()
        .unwrap()
}

pub async fn page(app: &TestApp, client: &Client, path: &str) -> (StatusCode, String) {
    let r = app.get(client, path).await;
    (r.status(), r.text().await.unwrap())
}

/// A courier's report, signed as the courier signs it (or not).
pub async fn report(
    app: &TestApp,
    courier: Courier,
    body: serde_json::Value,
    signed_with: Option<&str>,
    sent_at: i64,
) -> reqwest::Response {
    let body = serde_json::to_vec(&body).unwrap();
    let id = format!("msg_{}", etalase_domain::id::OrderId::generate());
    let ts = sent_at.to_string();
    let secret = match signed_with {
        Some(other) => ServerKey::new(other),
        None => app.services.config.couriers.secrets[&courier].clone(),
    };
    Client::new()
        .post(app.url(&format!("/api/v1/couriers/{}/events", courier.code())))
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", &ts)
        .header("webhook-signature", sign(&secret, &id, &ts, &body))
        .body(body)
        .send()
        .await
        .unwrap()
}

pub fn event(id: &str, resi: &str, kind: &str, at: etalase_domain::Timestamp) -> serde_json::Value {
    serde_json::json!({
        "event_id": id, "resi": resi, "kind": kind,
        "happened_at": at.to_rfc3339(), "location": "Hub Jakarta Barat",
    })
}

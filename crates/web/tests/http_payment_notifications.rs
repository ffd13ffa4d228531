//! Payment notifications that must change nothing, over HTTP on both
//! backends: forged, replayed, wrong-amount, unknown and out-of-order.

mod common;
mod payment_support;

use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::PaymentId;
use etalase_services::payments::{self, PaymentStatus};
use etalase_store::audit;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use payment_support::*;

async fn a_forged_notification_is_refused_and_changes_nothing(backend: Backend) {
    let app = app(backend).await;
    let b = bought(&app, "pembeli-palsu@contoh.id").await;
    let hosted = to_gateway(&app, &b).await;
    choose(&app, &b, &hosted, "bni_va").await;
    let pending = latest(&app, &b).await;
    let id = pending.id.to_string();
    let gross = format!("{}.00", b.amount());

    let mut forged = notification(&id, "settlement", "200", &gross, SERVER_KEY);
    forged["signature_key"] = json!("00".repeat(64));
    let (status, problem) = notify(&app, &forged).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["code"], "payment_signature_invalid");
    // Signed with another key: just as forged.
    let (status, _) = notify(
        &app,
        &notification(&id, "settlement", "200", &gross, "SB-other"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A signature over other values does not carry over.
    let mut moved = notification(&id, "settlement", "200", &gross, SERVER_KEY);
    moved["gross_amount"] = json!("1.00");
    let (status, _) = notify(&app, &moved).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let after = latest(&app, &b).await;
    assert_eq!(after.status, PaymentStatus::Pending);
    assert!(
        orders(&app, &b)
            .await
            .iter()
            .all(|o| o.status == OrderStatus::AwaitingPayment)
    );
    let received = payments::notifications_of(&app.services, pending.id)
        .await
        .unwrap();
    let refused = received
        .iter()
        .filter(|n| n.outcome == "bad_signature")
        .count();
    assert_eq!(refused, 3);
    assert!(
        received
            .iter()
            .filter(|n| n.outcome == "bad_signature")
            .all(|n| !n.signature_ok)
    );

    // Not JSON, or not a notification.
    let response = Client::new()
        .post(app.url(NOTIFICATIONS))
        .body("order_id=1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (status, _) = notify(&app, &json!({"order_id": id})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn a_replayed_notification_is_a_no_op(backend: Backend) {
    let app = app(backend).await;
    let b = bought(&app, "pembeli-ulang@contoh.id").await;
    let paid = pay_by(&app, &b, "bca_va").await;
    let settled = payments::notifications_of(&app.services, paid.id)
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.outcome == "applied")
        .expect("the settlement notification");
    let versions: Vec<_> = orders(&app, &b).await.iter().map(|o| o.version).collect();
    let mails = app.mailer.sent().len();
    let trail = audit::list_for_subject(&app.services.store, "payment", &paid.id.to_string())
        .await
        .unwrap()
        .len();

    // The very same body, sent again (the gateway retries; anyone can replay).
    for _ in 0..2 {
        let response = Client::new()
            .post(app.url(NOTIFICATIONS))
            .header("content-type", "application/json")
            .body(settled.body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let ack: Value = response.json().await.unwrap();
        assert_eq!(ack["outcome"], "duplicate");
    }
    assert_eq!(latest(&app, &b).await, paid);
    let after: Vec<_> = orders(&app, &b).await.iter().map(|o| o.version).collect();
    assert_eq!(after, versions);
    assert_eq!(app.mailer.sent().len(), mails);
    let trail_after = audit::list_for_subject(&app.services.store, "payment", &paid.id.to_string())
        .await
        .unwrap()
        .len();
    assert_eq!(trail_after, trail);
}

async fn a_wrong_amount_or_an_unknown_order_is_refused(backend: Backend) {
    let app = app(backend).await;
    let b = bought(&app, "pembeli-jumlah@contoh.id").await;
    let hosted = to_gateway(&app, &b).await;
    choose(&app, &b, &hosted, "qris").await;
    let pending = latest(&app, &b).await;
    let id = pending.id.to_string();

    // Signed correctly, but for another amount: never paid.
    for gross in [
        format!("{}.00", b.amount() - 1),
        format!("{}.50", b.amount()),
    ] {
        let (status, problem) = notify(
            &app,
            &notification(&id, "settlement", "200", &gross, SERVER_KEY),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["code"], "payment_amount_mismatch");
    }
    // Signed correctly, for no payment of ours.
    let gross = format!("{}.00", b.amount());
    for unknown in [PaymentId::generate().to_string(), "ORDER-101".to_owned()] {
        let (status, problem) = notify(
            &app,
            &notification(&unknown, "settlement", "200", &gross, SERVER_KEY),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
        assert_eq!(problem["code"], "payment_unknown");
        let recorded = etalase_store::payments::notifications_for(&app.services.store, &unknown)
            .await
            .unwrap();
        assert_eq!(recorded.len(), 1);
        assert_eq!(recorded[0].outcome, "unknown_order");
    }
    assert_eq!(latest(&app, &b).await.status, PaymentStatus::Pending);
    assert!(
        orders(&app, &b)
            .await
            .iter()
            .all(|o| o.status == OrderStatus::AwaitingPayment)
    );
    let refused = payments::notifications_of(&app.services, pending.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.outcome == "amount_mismatch")
        .count();
    assert_eq!(refused, 2);

    // The genuine notification still counts afterwards: a refusal is no dedupe.
    let back = simulate(&app, &b, &hosted, "pay").await;
    assert!(back.contains("transaction_status=settlement"));
    assert_eq!(latest(&app, &b).await.status, PaymentStatus::Paid);
}

async fn a_pending_after_settlement_changes_nothing(backend: Backend) {
    let app = app(backend).await;
    let b = bought(&app, "pembeli-urutan@contoh.id").await;
    let paid = pay_by(&app, &b, "bni_va").await;
    let id = paid.id.to_string();
    let gross = format!("{}.00", b.amount());
    let versions: Vec<_> = orders(&app, &b).await.iter().map(|o| o.version).collect();

    let late = notification(&id, "pending", "201", &gross, SERVER_KEY);
    let (status, ack) = notify(&app, &late).await;
    assert_eq!(status, StatusCode::OK, "{ack}");
    assert_eq!(ack["outcome"], "no_change");
    // An `expire` that claims to come later changes nothing either: the
    // gateway's status API still says settlement.
    let (status, ack) = notify(
        &app,
        &notification(&id, "expire", "407", &gross, SERVER_KEY),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{ack}");
    assert_eq!(ack["outcome"], "no_change");

    let after = latest(&app, &b).await;
    assert_eq!(after.status, PaymentStatus::Paid);
    assert_eq!(after.paid_at, paid.paid_at);
    let now: Vec<_> = orders(&app, &b).await.iter().map(|o| o.version).collect();
    assert_eq!(now, versions);
    assert!(
        orders(&app, &b)
            .await
            .iter()
            .all(|o| o.status == OrderStatus::AwaitingShipment)
    );
}

on_both_backends!(
    a_forged_notification_is_refused_and_changes_nothing,
    a_replayed_notification_is_a_no_op,
    a_wrong_amount_or_an_unknown_order_is_refused,
    a_pending_after_settlement_changes_nothing,
);

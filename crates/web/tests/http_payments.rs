//! Paying over HTTP on both backends, through the built-in sandbox gateway
//! on the app's own address: the platform's real code creates the Snap
//! transaction, the buyer picks a virtual account, QRIS or GoPay on the
//! hosted page and makes it succeed, fail or expire, the sandbox sends the
//! signed notification over HTTP, and the platform checks the status API
//! before moving the payment and the orders. Refunds go through the
//! gateway once; a gateway that does not answer leaves nothing behind.
//! (Bad notifications: http_payment_notifications.rs.)

mod common;
mod payment_support;

use std::time::Duration;

use common::{TestApp, location};
use etalase_domain::audit::Actor;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::{ErrorCode, Lang};
use etalase_services::checkout::expiry;
use etalase_services::fulfilment;
use etalase_services::payments::{self, PaymentStatus, RefundRequest, RefundStatus};
use etalase_store::{audit, outbox};
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use payment_support::*;

async fn a_buyer_pays_by_virtual_account_and_the_orders_go_to_the_sellers(backend: Backend) {
    let app = app(backend).await;
    let b = bought(&app, "pembeli-va@contoh.id").await;

    // Before paying: the page offers to pay, by the deadline.
    let (status, body) = page(&app, &b, &b.finish_path()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("data-state=\"unpaid\""), "{body}");
    assert!(body.contains("data-testid=\"pay-now\""));

    // To the gateway: one pending payment of the checkout's amount; asking
    // again goes to the same page.
    let hosted = to_gateway(&app, &b).await;
    assert_eq!(to_gateway(&app, &b).await, hosted);
    let all = payments_of(&app, &b).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].status, PaymentStatus::Pending);
    assert_eq!(all[0].amount, b.amount());

    let (status, body) = page(&app, &b, &hosted).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("data-testid=\"sandbox-banner\""));
    assert!(body.contains(&all[0].id.to_string()));
    assert!(body.contains("data-testid=\"sandbox-choose\""));

    // A virtual account: the platform hears of it and shows the number.
    choose(&app, &b, &hosted, "bca_va").await;
    let pending = latest(&app, &b).await;
    assert_eq!(pending.status, PaymentStatus::Pending);
    assert_eq!(pending.channel.as_deref(), Some("bca_va"));
    let va = pending
        .va_number
        .clone()
        .expect("the VA number, from the pending notification");
    let (_, body) = page(&app, &b, &b.finish_path()).await;
    assert!(body.contains("data-state=\"pending\""), "{body}");
    assert!(
        body.contains(&format!("data-testid=\"va-number\">{va}<")),
        "{body}"
    );
    assert!(body.contains("BCA Virtual Account"));

    // Paid: the notification moves the payment and the order at once.
    let back = simulate(&app, &b, &hosted, "pay").await;
    assert!(back.starts_with(&b.finish_path()), "{back}");
    assert!(back.contains("transaction_status=settlement"));
    let paid = latest(&app, &b).await;
    assert_eq!(paid.status, PaymentStatus::Paid);
    assert!(paid.paid_at.is_some());
    for order in orders(&app, &b).await {
        assert_eq!(order.status, OrderStatus::AwaitingShipment);
        assert!(order.paid_at.is_some());
        let trail = audit::list_for_subject(&app.services.store, "order", &order.id.to_string())
            .await
            .unwrap();
        assert_eq!(
            trail.iter().map(|l| l.action.as_str()).collect::<Vec<_>>(),
            ["order.placed", "order.paid"]
        );
    }
    let events = outbox::read_after(&app.services.store, 0, 10_000)
        .await
        .unwrap();
    for order in &b.orders {
        let paid_events = events
            .iter()
            .filter(|e| e.topic == "orders.order_changed" && e.aggregate_id == order.id.to_string())
            .filter(|e| e.payload.contains("\"what\":\"paid\""))
            .count();
        assert_eq!(paid_events, 1);
    }
    let trail = audit::list_for_subject(&app.services.store, "payment", &paid.id.to_string())
        .await
        .unwrap();
    let actions: Vec<_> = trail.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(actions, ["payment.started", "payment.paid"]);
    let received = payments::notifications_of(&app.services, paid.id)
        .await
        .unwrap();
    let outcomes: Vec<_> = received
        .iter()
        .map(|n| {
            (
                n.transaction_status.as_deref().unwrap_or_default(),
                n.outcome.as_str(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [("pending", "no_change"), ("settlement", "applied")]
    );
    assert!(received.iter().all(|n| n.signature_ok));

    // The receipt, in both languages.
    let receipts: Vec<_> = app
        .mailer
        .sent()
        .into_iter()
        .filter(|m| m.to == b.email)
        .collect();
    assert_eq!(receipts.len(), 1);
    let expected = etalase_domain::Money::idr(b.amount()).format(Lang::Id);
    assert!(
        receipts[0].subject.contains(&expected),
        "{}",
        receipts[0].subject
    );
    assert!(receipts[0].body.contains("Terima kasih"));
    assert!(receipts[0].body.contains("Thank you"));
    assert!(receipts[0].body.contains(&paid.id.to_string()));

    // The finish page is the receipt; paying again goes there.
    let (status, body) = page(&app, &b, &back).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("data-state=\"paid\""), "{body}");
    assert!(body.contains(&paid.id.to_string()));
    let again = app.get(&b.browser, &b.pay_path()).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&again), b.finish_path());
    assert_eq!(payments_of(&app, &b).await.len(), 1);

    // Nobody else sees it.
    let other = app.buyer("orang-lain@contoh.id").await;
    let response = app.get(&other, &b.finish_path()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app.get(&other, &b.pay_path()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

async fn a_failed_or_expired_payment_leaves_the_orders_waiting_for_a_new_one(backend: Backend) {
    let app = app(backend).await;
    let b = bought(&app, "pembeli-gagal@contoh.id").await;

    let first = to_gateway(&app, &b).await;
    choose(&app, &b, &first, "bni_va").await;
    let back = simulate(&app, &b, &first, "fail").await;
    assert!(back.contains("transaction_status=deny"), "{back}");
    assert_eq!(latest(&app, &b).await.status, PaymentStatus::Failed);
    assert!(
        orders(&app, &b)
            .await
            .iter()
            .all(|o| o.status == OrderStatus::AwaitingPayment)
    );
    let (_, body) = page(&app, &b, &back).await;
    assert!(body.contains("data-state=\"failed\""), "{body}");
    assert!(body.contains("data-testid=\"pay-again\""));
    // The hosted page of a settled transaction says so and offers no buttons.
    let (_, hosted) = page(&app, &b, &first).await;
    assert!(hosted.contains("data-status=\"deny\""), "{hosted}");
    assert!(!hosted.contains("data-testid=\"sandbox-pay\""));

    let second = to_gateway(&app, &b).await;
    assert_ne!(second, first, "a new payment");
    choose(&app, &b, &second, "qris").await;
    let (_, body) = page(&app, &b, &b.finish_path()).await;
    assert!(body.contains("data-testid=\"qr-string\">000201"), "{body}");
    let back = simulate(&app, &b, &second, "expire").await;
    assert!(back.contains("transaction_status=expire"), "{back}");
    assert_eq!(latest(&app, &b).await.status, PaymentStatus::Expired);
    let (_, body) = page(&app, &b, &back).await;
    assert!(body.contains("data-state=\"expired\""), "{body}");

    let third = to_gateway(&app, &b).await;
    choose(&app, &b, &third, "gopay").await;
    simulate(&app, &b, &third, "pay").await;
    let statuses: Vec<_> = payments_of(&app, &b)
        .await
        .iter()
        .map(|p| p.status)
        .collect();
    assert_eq!(
        statuses,
        [
            PaymentStatus::Paid,
            PaymentStatus::Expired,
            PaymentStatus::Failed
        ]
    );
    assert!(
        orders(&app, &b)
            .await
            .iter()
            .all(|o| o.status == OrderStatus::AwaitingShipment)
    );
    // Pressing a button of the old page again changes nothing.
    let response = app
        .submit(
            &b.browser,
            &first,
            &format!("{first}/simulate"),
            &[("outcome", "pay")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(payments_of(&app, &b).await[2].status, PaymentStatus::Failed);
}

async fn a_refund_goes_through_the_gateway_once(backend: Backend) {
    let app = app(backend).await;
    let svc = &app.services;
    let b = bought(&app, "pembeli-refund@contoh.id").await;
    let paid = pay_by(&app, &b, "qris").await;
    let request = RefundRequest {
        amount: 10_000,
        reason: "Ukuran tidak tersedia",
        refund_key: "rf-1",
    };
    let refund = payments::refund(svc, Actor::System, paid.id, &request)
        .await
        .unwrap();
    assert_eq!(refund.status, RefundStatus::Succeeded);
    let after = latest(&app, &b).await;
    assert_eq!(after.status, PaymentStatus::PartiallyRefunded);
    assert_eq!(after.refunded_amount, 10_000);
    // The same key again: the same refund, at the gateway too.
    let again = payments::refund(svc, Actor::System, paid.id, &request)
        .await
        .unwrap();
    assert_eq!(again.seq, refund.seq);
    let at_gateway = etalase_store::payments::sandbox::by_order(&svc.store, &paid.id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at_gateway.refunded_amount, 10_000);
    assert_eq!(latest(&app, &b).await.refunded_amount, 10_000);
    // The same key for another amount is refused; so is more than is left.
    let reused = RefundRequest {
        amount: 20_000,
        ..request.clone()
    };
    let e = payments::refund(svc, Actor::System, paid.id, &reused)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::IdempotencyKeyReused);
    let too_much = RefundRequest {
        amount: b.amount(),
        refund_key: "rf-2",
        ..request.clone()
    };
    let e = payments::refund(svc, Actor::System, paid.id, &too_much)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::RefundAmountInvalid);
    // The rest: refunded in full.
    let rest = RefundRequest {
        amount: b.amount() - 10_000,
        refund_key: "rf-3",
        ..request.clone()
    };
    payments::refund(svc, Actor::System, paid.id, &rest)
        .await
        .unwrap();
    let done = latest(&app, &b).await;
    assert_eq!(done.status, PaymentStatus::Refunded);
    assert_eq!(done.refunded_amount, b.amount());
    let trail = audit::list_for_subject(&svc.store, "payment", &paid.id.to_string())
        .await
        .unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|l| l.action == "payment.refunded")
            .count(),
        2
    );

    // A virtual account cannot be refunded through the gateway: recorded
    // as refused, for a transfer by hand.
    let c = bought(&app, "pembeli-refund-va@contoh.id").await;
    let va_paid = pay_by(&app, &c, "bca_va").await;
    let request = RefundRequest {
        amount: 5_000,
        reason: "Barang rusak",
        refund_key: "rf-va-1",
    };
    let e = payments::refund(svc, Actor::System, va_paid.id, &request)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::RefundRefused);
    let refunds = payments::refunds_of(svc, va_paid.id).await.unwrap();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].status, RefundStatus::Refused);
    assert!(
        refunds[0]
            .gateway_message
            .as_deref()
            .unwrap_or_default()
            .contains("412")
    );
    assert_eq!(latest(&app, &c).await.status, PaymentStatus::Paid);
    // Unpaid payments have nothing to refund.
    let d = bought(&app, "pembeli-refund-belum@contoh.id").await;
    to_gateway(&app, &d).await;
    let unpaid = latest(&app, &d).await;
    let request = RefundRequest {
        amount: 1_000,
        reason: "x",
        refund_key: "rf-unpaid",
    };
    let e = payments::refund(svc, Actor::System, unpaid.id, &request)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PaymentNotRefundable);
}

async fn a_payment_after_the_orders_expired_is_refunded_not_revived(backend: Backend) {
    let app = app(backend).await;
    let svc = &app.services;
    let b = bought(&app, "pembeli-telat@contoh.id").await;
    let hosted = to_gateway(&app, &b).await;
    choose(&app, &b, &hosted, "gopay").await;
    // The deadline passes; the expiry job cancels the orders.
    app.clock.advance_secs(25 * 3600);
    assert!(expiry::expire_unpaid(svc).await.unwrap() >= b.orders.len());
    assert!(
        orders(&app, &b)
            .await
            .iter()
            .all(|o| o.status == OrderStatus::Cancelled)
    );
    // The money arrives anyway (the gateway took it just in time).
    simulate(&app, &b, &hosted, "pay").await;
    let payment = latest(&app, &b).await;
    assert!(payment.status.money_taken());
    assert!(
        orders(&app, &b)
            .await
            .iter()
            .all(|o| o.status == OrderStatus::Cancelled)
    );
    let refunds = payments::refunds_of(svc, payment.id).await.unwrap();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].amount, b.amount());
    assert_eq!(refunds[0].reason, "orders_cancelled");
    assert_eq!(refunds[0].status, RefundStatus::Succeeded);
    assert_eq!(payment.status, PaymentStatus::Refunded);
    let outcome = payments::notifications_of(svc, payment.id)
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.transaction_status.as_deref() == Some("settlement"))
        .unwrap()
        .outcome;
    assert_eq!(outcome, "refund_started");
    let mail = app
        .mailer
        .sent()
        .into_iter()
        .find(|m| m.to == b.email)
        .unwrap();
    assert!(mail.subject.contains("dibatalkan"), "{}", mail.subject);
    // A day later the buyer signs in again and sees what happened.
    let signed_in = app.sign_in(&b.browser, &b.email, common::PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let (status, body) = page(&app, &b, &b.finish_path()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("data-state=\"late\""), "{body}");
    // Nothing more to pay.
    let response = app.get(&b.browser, &b.pay_path()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), b.finish_path());
}

async fn a_gateway_that_does_not_answer_gives_a_clear_error_and_writes_nothing(backend: Backend) {
    // Nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // This one listens and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    for port in [closed, silent_port] {
        let app = app_with(backend, |g| {
            g.snap_url = format!("http://127.0.0.1:{port}");
            g.api_url = format!("http://127.0.0.1:{port}");
            g.timeout = Duration::from_secs(1);
        })
        .await;
        let b = bought(&app, "pembeli-sepi@contoh.id").await;
        let response = app.get(&b.browser, &b.pay_path()).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body = response.text().await.unwrap();
        assert!(body.contains("data-testid=\"payment-error\""), "{body}");
        assert!(
            body.contains("Layanan pembayaran sedang tidak dapat dihubungi"),
            "{body}"
        );
        assert!(
            payments_of(&app, &b).await.is_empty(),
            "nothing half-written"
        );
        assert!(
            orders(&app, &b)
                .await
                .iter()
                .all(|o| o.status == OrderStatus::AwaitingPayment)
        );
        let rows = app.services.store.rows_as_text("payments").await.unwrap();
        assert!(rows.is_empty());
    }

    // A status API that does not answer: the notification is refused with
    // 503 (the gateway sends it again later) and nothing moves.
    let app = app_with(backend, |g| {
        g.api_url = format!("http://127.0.0.1:{closed}");
    })
    .await;
    let b = bought(&app, "pembeli-status@contoh.id").await;
    let hosted = to_gateway(&app, &b).await;
    choose(&app, &b, &hosted, "bca_va").await;
    simulate(&app, &b, &hosted, "pay").await;
    let pending = latest(&app, &b).await;
    assert_eq!(pending.status, PaymentStatus::Pending);
    let gross = format!("{}.00", b.amount());
    let (status, problem) = notify(
        &app,
        &notification(
            &pending.id.to_string(),
            "settlement",
            "200",
            &gross,
            SERVER_KEY,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(problem["code"], "gateway_unavailable");
    assert!(
        orders(&app, &b)
            .await
            .iter()
            .all(|o| o.status == OrderStatus::AwaitingPayment)
    );
    let outcomes: Vec<_> = payments::notifications_of(&app.services, pending.id)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.outcome)
        .collect();
    assert!(
        outcomes.iter().all(|o| o == "status_unavailable"),
        "{outcomes:?}"
    );
    // The finish page shows the payment as still pending.
    let (status, body) = page(&app, &b, &b.finish_path()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("data-state=\"pending\""), "{body}");
}

async fn the_sandbox_checks_the_server_key_and_is_off_by_default(backend: Backend) {
    let app = app(backend).await;
    let create = |auth: Option<String>| {
        let mut request = Client::new()
            .post(app.url("/sandbox-gateway/snap/v1/transactions"))
            .json(&json!({"transaction_details": {"order_id": "pay_x", "gross_amount": 1000}}));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        request.send()
    };
    use base64::Engine;
    let basic = |key: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
        )
    };
    assert_eq!(
        create(None).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        create(Some(basic("SB-wrong"))).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let made = create(Some(basic(SERVER_KEY))).await.unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    assert!(
        made["redirect_url"]
            .as_str()
            .unwrap()
            .starts_with(&app.base)
    );
    // The same order id twice is refused, like the real gateway does.
    assert_eq!(
        create(Some(basic(SERVER_KEY))).await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    let status = Client::new()
        .get(app.url("/sandbox-gateway/v2/pay_x/status"))
        .header("authorization", basic("SB-wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), StatusCode::UNAUTHORIZED);
    let status = Client::new()
        .get(app.url("/sandbox-gateway/v2/pay_x/status"))
        .header("authorization", basic(SERVER_KEY))
        .send()
        .await
        .unwrap();
    assert_eq!(
        status.status(),
        StatusCode::NOT_FOUND,
        "no channel chosen yet"
    );

    // Without the sandbox, there is no sandbox.
    let plain = TestApp::spawn(backend).await;
    let response = Client::new()
        .post(plain.url("/sandbox-gateway/snap/v1/transactions"))
        .header("authorization", basic(SERVER_KEY))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // And paying answers clearly that the gateway is not there.
    let b = bought(&plain, "pembeli-tanpa@contoh.id").await;
    let response = plain.get(&b.browser, &b.pay_path()).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(payments_of(&plain, &b).await.is_empty());
}

async fn a_paid_order_cancelled_is_refunded_once(backend: Backend) {
    let app = app(backend).await;
    let svc = &app.services;
    let b = bought(&app, "pembeli-batal@contoh.id").await;
    let paid = pay_by(&app, &b, "qris").await;
    // Paid: the order is the seller's to send, its ship-by clock running,
    // and its timeline says it was paid.
    let order = orders(&app, &b).await.remove(0);
    assert_eq!(order.status, OrderStatus::AwaitingShipment);
    assert_eq!(order.fulfilment.ready_at, order.paid_at);
    assert!(order.fulfilment.ship_by > order.paid_at);
    let history = fulfilment::history(svc, &order).await.unwrap();
    let kinds: Vec<&str> = history.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["placed", "paid"]);

    // The buyer cancels: the order's total goes back through the gateway.
    let cancelled = fulfilment::buyer::cancel(svc, b.buyer, order.id, "buyer_changed_mind")
        .await
        .unwrap();
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    let after = latest(&app, &b).await;
    assert_eq!(after.refunded_amount, order.total);
    let refunds = etalase_store::payments::refunds_of_payment(&svc.store, paid.id)
        .await
        .unwrap();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].status, RefundStatus::Succeeded);
    let at_gateway = etalase_store::payments::sandbox::by_order(&svc.store, &paid.id.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at_gateway.refunded_amount, order.total);
    // Cancelling again is refused, and refunds nothing more.
    let again = fulfilment::buyer::cancel(svc, b.buyer, order.id, "buyer_changed_mind")
        .await
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::OrderNotCancellable);
    assert_eq!(latest(&app, &b).await.refunded_amount, order.total);
}

on_both_backends!(
    a_buyer_pays_by_virtual_account_and_the_orders_go_to_the_sellers,
    a_failed_or_expired_payment_leaves_the_orders_waiting_for_a_new_one,
    a_refund_goes_through_the_gateway_once,
    a_paid_order_cancelled_is_refunded_once,
    a_payment_after_the_orders_expired_is_refunded_not_revived,
    a_gateway_that_does_not_answer_gives_a_clear_error_and_writes_nothing,
    the_sandbox_checks_the_server_key_and_is_off_by_default,
);

/// Every `payment.…` and `sandbox.…` key the payment pages use exists in
/// both languages (the shared i18n test knows only the older sections).
#[test]
fn the_payment_pages_speak_both_languages() {
    let catalog = etalase_web::i18n::Catalog::load();
    let root = env!("CARGO_MANIFEST_DIR");
    let files = [
        "templates/payments/finish.html",
        "templates/payments/sandbox.html",
        "src/routes/payments.rs",
        "src/routes/sandbox_gateway.rs",
    ];
    let mut used = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        used.extend(
            text.split('"')
                .skip(1)
                .step_by(2)
                .filter(|s| s.starts_with("payment.") || s.starts_with("sandbox."))
                .filter(|s| {
                    s.chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                })
                .filter(|s| !s.ends_with('.'))
                .map(str::to_owned),
        );
    }
    assert!(used.len() > 40, "{used:?}");
    for lang in Lang::ALL {
        for key in &used {
            assert!(catalog.has(lang, key), "{} lacks {key}", lang.code());
        }
        for status in OrderStatus::ALL {
            let key = format!("payment.order_status.{}", status.as_str());
            assert!(catalog.has(lang, &key), "{} lacks {key}", lang.code());
        }
        for channel in payments::sandbox::CHANNELS {
            let key = format!("sandbox.{channel}");
            assert!(catalog.has(lang, &key), "{} lacks {key}", lang.code());
        }
    }
}

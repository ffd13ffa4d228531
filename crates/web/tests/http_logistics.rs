//! Platform logistics over HTTP on both backends, on the demo shop:
//! operations arranges a pickup and the built-in sandbox courier (played
//! over real HTTP on the app's own address) books it once and issues a
//! resi of the courier's shape; on the sandbox's control page a tester
//! moves the package along, each step a signed tracking report to the
//! platform's courier webhook, until the buyer's timeline says delivered.
//! A courier service that cannot be reached leaves the order to ship,
//! with a message saying what to do.

mod common;

use common::location;
use common::orders::*;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::orders::{Resi, ShippingMode};
use etalase_services::ServiceConfig;
use etalase_services::fulfilment::logistics::LogisticsConfig;
use etalase_services::fulfilment::tracking::CourierConfig;
use etalase_services::payments::ServerKey;
use etalase_store::fulfilment::sandbox_courier;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{Client, StatusCode};

async fn a_sandbox_courier_carries_an_arranged_package(backend: Backend) {
    let app = spawn(backend).await;
    let svc = &app.services;
    let shop = app.demo_shop().await;
    let buyer_id = user(svc, BUYER).await;
    let ops = app.demo_member(OPS).await;
    let shirt = sku(svc, shop, "BTK-CS-M").await;
    let id = buy_cod(svc, buyer_id, shirt).await;
    let path = format!("/seller/orders/{id}");

    let (_, detail) = page(&app, &ops, &path).await;
    assert!(detail.contains("data-testid=\"arrange-form\""), "{detail}");

    let arranged = app
        .submit(&ops, &path, &format!("{path}/arrange"), &[])
        .await;
    assert_eq!(arranged.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&arranged), format!("{path}?notice=order_arranged"));
    let o = order(svc, id).await;
    assert_eq!(o.status, OrderStatus::AwaitingCollection);
    assert_eq!(o.fulfilment.mode, Some(ShippingMode::Platform));
    let courier = o.fulfilment.courier.expect("the courier that books it");
    let resi = o.fulfilment.resi.clone().expect("a resi from the courier");
    assert!(resi.looks_like(courier), "{resi} for {courier:?}");
    assert!(o.fulfilment.collect_by.is_some(), "a collect-by deadline");
    // Booked once: the same booking again (a second click) books nothing.
    let again = app
        .submit(&ops, &path, &format!("{path}/arrange"), &[])
        .await;
    assert_ne!(again.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let booked = sandbox_courier::recent(&svc.store, 10).await.unwrap();
    assert_eq!(booked.len(), 1, "{booked:?}");
    assert_eq!(booked[0].reference, id.to_string());
    assert_eq!(Resi::parse(&booked[0].resi).unwrap(), resi);
    let (_, detail) = page(&app, &ops, &path).await;
    assert!(detail.contains(resi.as_str()), "{detail}");
    assert!(
        detail.contains("data-kind=\"shipment_arranged\""),
        "{detail}"
    );

    // The booking API wants the key, like a real aggregator's.
    let anonymous = Client::new()
        .post(app.url("/sandbox-courier/v1/shipments"))
        .json(&serde_json::json!({"reference": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // The tester moves the package along on the control page.
    let tester = app.browser();
    let (status, control) = page(&app, &tester, "/sandbox-courier").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        control.contains(&format!("data-resi=\"{resi}\"")),
        "{control}"
    );
    let shipment = &booked[0].id;
    let action = format!("/sandbox-courier/shipments/{shipment}/report");
    for (kind, status) in [
        ("picked_up", OrderStatus::InTransit),
        ("in_transit", OrderStatus::InTransit),
        ("out_for_delivery", OrderStatus::InTransit),
        ("failed_attempt", OrderStatus::InTransit),
        ("out_for_delivery", OrderStatus::InTransit),
        ("delivered", OrderStatus::Delivered),
    ] {
        let sent = app
            .submit(&tester, "/sandbox-courier", &action, &[("kind", kind)])
            .await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER, "{kind}");
        assert_eq!(location(&sent), format!("/sandbox-courier#{shipment}"));
        assert_eq!(order(svc, id).await.status, status, "after {kind}");
    }
    let delivered = order(svc, id).await;
    assert!(delivered.fulfilment.dispatched_at.is_some());
    assert!(delivered.fulfilment.complete_by.is_some());
    // Nothing comes after delivered.
    let late = app
        .submit(
            &tester,
            "/sandbox-courier",
            &action,
            &[("kind", "picked_up")],
        )
        .await;
    assert_eq!(late.status(), StatusCode::CONFLICT);

    // The buyer follows it on the order's page.
    let buyer = app.demo_member(BUYER).await;
    let (_, mine) = page(&app, &buyer, &format!("/orders/{id}")).await;
    for kind in [
        "shipment_arranged",
        "collected",
        "tracking.in_transit",
        "tracking.failed_attempt",
        "delivered",
    ] {
        assert!(
            mine.contains(&format!("data-kind=\"{kind}\"")),
            "{kind}: {mine}"
        );
    }
    assert!(mine.contains(resi.as_str()));
}

async fn an_unreachable_courier_service_leaves_the_order_to_ship(backend: Backend) {
    let app = common::TestApp::spawn_with_services(backend, |base| ServiceConfig {
        public_url: base.to_owned(),
        couriers: CourierConfig::generated(),
        // Nothing listens on port 9 of loopback.
        logistics: LogisticsConfig {
            api_url: "http://127.0.0.1:9".into(),
            api_key: ServerKey::new("key"),
            ..LogisticsConfig::default()
        },
        ..ServiceConfig::default()
    })
    .await;
    let svc = &app.services;
    let shop = app.demo_shop().await;
    let buyer_id = user(svc, BUYER).await;
    let ops = app.demo_member(OPS).await;
    let id = buy_cod(svc, buyer_id, sku(svc, shop, "BTK-CS-M").await).await;
    let path = format!("/seller/orders/{id}");
    let refused = app
        .submit(&ops, &path, &format!("{path}/arrange"), &[])
        .await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("Layanan kurir sedang tidak dapat dihubungi"),
        "{text}"
    );
    assert_eq!(order(svc, id).await.status, OrderStatus::AwaitingShipment);
    // The sandbox is off here: its pages do not exist.
    let (status, _) = page(&app, &ops, "/sandbox-courier").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The text of each page of a PDF.
fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(bytes).expect("a PDF");
    doc.get_pages()
        .keys()
        .map(|n| doc.extract_text(&[*n]).unwrap_or_default())
        .collect()
}

async fn operations_arrange_print_and_export_in_bulk(backend: Backend) {
    let app = spawn(backend).await;
    let svc = &app.services;
    let shop = app.demo_shop().await;
    let buyer_id = user(svc, BUYER).await;
    let ops = app.demo_member(OPS).await;
    let shirt = sku(svc, shop, "BTK-CS-M").await;
    let a = buy_cod(svc, buyer_id, shirt).await;
    let b = buy_cod(svc, buyer_id, shirt).await;

    // "Perlu dikirim" offers the bulk pickup; a label needs a resi first.
    let (_, list) = page(&app, &ops, "/seller/orders?tab=to_ship").await;
    assert!(list.contains("data-testid=\"bulk-arrange\""), "{list}");
    let early = app
        .get(&ops, &format!("/seller/orders/{a}/label.pdf"))
        .await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    assert!(early.text().await.unwrap().contains("sudah punya resi"));

    let (a_id, b_id) = (a.to_string(), b.to_string());
    let ticked = app
        .submit(
            &ops,
            "/seller/orders?tab=to_ship",
            "/seller/orders/arrange",
            &[("id", a_id.as_str()), ("id", b_id.as_str())],
        )
        .await;
    assert_eq!(ticked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&ticked),
        "/seller/orders?tab=ready_to_ship&notice=orders_arranged"
    );
    let resi_a = order(svc, a).await.fulfilment.resi.unwrap();
    let resi_b = order(svc, b).await.fulfilment.resi.unwrap();
    assert_ne!(resi_a, resi_b);

    // One order's label (A6) with its packing slip.
    let one = app
        .get(
            &ops,
            &format!("/seller/orders/{a}/label.pdf?paper=a6&with=slip"),
        )
        .await;
    assert_eq!(one.status(), StatusCode::OK);
    assert_eq!(one.headers()["content-type"], "application/pdf");
    let pages = pdf_pages(&one.bytes().await.unwrap());
    assert_eq!(pages.len(), 2, "a label and its slip");
    assert!(pages[0].contains(resi_a.as_str()), "{}", pages[0]);
    assert!(pages[0].contains(&a_id));
    assert!(pages[0].contains("COD"), "a COD order says what to collect");
    assert!(pages[1].contains("Daftar Isi Paket"), "{}", pages[1]);

    // The ticked orders' labels in one PDF, in the order ticked.
    let batch = app
        .submit(
            &ops,
            "/seller/orders?tab=ready_to_ship",
            "/seller/orders/labels.pdf",
            &[
                ("id", b_id.as_str()),
                ("id", a_id.as_str()),
                ("paper", "a5"),
            ],
        )
        .await;
    assert_eq!(batch.status(), StatusCode::OK);
    let pages = pdf_pages(&batch.bytes().await.unwrap());
    assert_eq!(pages.len(), 2);
    assert!(pages[0].contains(resi_b.as_str()) && pages[1].contains(resi_a.as_str()));
    let none = app
        .submit(
            &ops,
            "/seller/orders?tab=ready_to_ship",
            "/seller/orders/labels.pdf",
            &[],
        )
        .await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The list as CSV: both orders with their resis, one row each.
    let csv = app
        .get(&ops, "/seller/orders/export.csv?tab=ready_to_ship")
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert!(rows[0].starts_with("ID pesanan,"), "{text}");
    assert_eq!(rows.len(), 3, "{text}");
    for (id, resi) in [(&a_id, &resi_a), (&b_id, &resi_b)] {
        assert!(
            rows.iter()
                .any(|r| r.contains(id.as_str()) && r.contains(resi.as_str())),
            "{text}"
        );
    }

    // Another shop prints nothing of this one.
    let other = app.seller("lain@contoh.id", "toko-lain").await;
    let foreign = app
        .get(&other, &format!("/seller/orders/{a}/label.pdf"))
        .await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
}

on_both_backends!(
    a_sandbox_courier_carries_an_arranged_package,
    operations_arrange_print_and_export_in_bulk,
    an_unreachable_courier_service_leaves_the_order_to_ship,
);

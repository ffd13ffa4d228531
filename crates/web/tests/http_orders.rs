//! Orders after checkout, over HTTP on both backends, on the demo shop:
//! operations sends orders with their own courier and resi (normalised,
//! unusual shapes warned, a resi another order uses refused); a courier's
//! signed reports move a package to delivered (a report sent twice, forged,
//! stale, for an unknown resi or late is handled); the buyer follows the
//! timeline and confirms receipt; the deadline scheduler cancels an
//! unshipped order once, gives its stock back and counts it against the
//! seller, and completes a delivered one after the return window — across
//! a restart; buyers and sellers cancel within their rules.

mod common;

use common::location;
use common::orders::*;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::shipping::Courier;
use etalase_services::fulfilment::scheduler;
use etalase_services::{ServiceConfig, Services};
use etalase_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;

async fn operations_ship_and_a_courier_delivers(backend: Backend) {
    let app = spawn(backend).await;
    let svc = &app.services;
    let shop = app.demo_shop().await;
    let buyer_id = user(svc, BUYER).await;
    let ops = app.demo_member(OPS).await;
    let shirt = sku(svc, shop, "BTK-CS-M").await;
    let a = buy_cod(svc, buyer_id, shirt).await;
    let b = buy_cod(svc, buyer_id, shirt).await;

    // "Perlu dikirim" lists both (and the demo's two COD orders: one due
    // in days, one the shop forgot, due an hour ago), with a deadline
    // each, and counts them.
    let (status, list) = page(&app, &ops, "/seller/orders").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(list.contains(&format!("data-id=\"{a}\"")), "{list}");
    assert!(list.contains(&format!("data-id=\"{b}\"")));
    assert!(list.contains("data-testid=\"count-to_ship\">4<"), "{list}");
    assert!(list.contains("data-testid=\"order-deadline\""));

    // To ship: filtered by the courier the buyer chose, and by "ship
    // today" (a 2-working-day deadline is never today).
    let chosen = etalase_services::fulfilment::ship::chosen_courier(&order(svc, b).await).unwrap();
    let other = Courier::ALL.into_iter().find(|c| *c != chosen).unwrap();
    let (_, same) = page(
        &app,
        &ops,
        &format!("/seller/orders?tab=to_ship&courier={}", chosen.code()),
    )
    .await;
    assert!(same.contains(&format!("data-id=\"{b}\"")), "{same}");
    let (_, others) = page(
        &app,
        &ops,
        &format!("/seller/orders?tab=to_ship&courier={}", other.code()),
    )
    .await;
    assert!(!others.contains(&format!("data-id=\"{b}\"")), "{others}");
    let (_, today) = page(&app, &ops, "/seller/orders?tab=to_ship&today=1").await;
    assert!(!today.contains(&format!("data-id=\"{b}\"")), "{today}");

    // Order A goes with J&T under a resi typed with spaces and lowercase.
    let path = format!("/seller/orders/{a}");
    let shipped = app
        .submit(
            &ops,
            &path,
            &format!("{path}/ship"),
            &[("courier", "jnt"), ("resi", " jt 1234-5678 9012 ")],
        )
        .await;
    assert_eq!(shipped.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&shipped), format!("{path}?notice=order_shipped"));
    let shipped = order(svc, a).await;
    assert_eq!(shipped.status, OrderStatus::InTransit);
    assert_eq!(
        shipped.fulfilment.resi.as_ref().unwrap().as_str(),
        "JT123456789012"
    );
    assert!(
        shipped.fulfilment.deliver_by.is_some(),
        "the seller's courier has a window"
    );

    // The same resi for order B is refused; B stays to ship.
    let path_b = format!("/seller/orders/{b}");
    let taken = app
        .submit(
            &ops,
            &path_b,
            &format!("{path_b}/ship"),
            &[("courier", "jnt"), ("resi", "JT123456789012")],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    let text = taken.text().await.unwrap();
    assert!(text.contains("sudah dipakai pesanan lain"), "{text}");
    assert_eq!(order(svc, b).await.status, OrderStatus::AwaitingShipment);
    // A resi unlike the courier's is kept, with a warning.
    let odd = app
        .submit(
            &ops,
            &path_b,
            &format!("{path_b}/ship"),
            &[("courier", "sicepat"), ("resi", "abc12345")],
        )
        .await;
    assert_eq!(
        location(&odd),
        format!("{path_b}?notice=order_resi_unusual")
    );
    let (_, detail) = page(&app, &ops, &location(&odd)).await;
    assert!(detail.contains("data-testid=\"resi-warning\""), "{detail}");
    // Shipping it again is refused: it is on its way.
    let again = app
        .submit(
            &ops,
            &path,
            &format!("{path}/ship"),
            &[("courier", "jnt"), ("resi", "JT999999999999")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    // Search by SKU code or by the recipient's name; filters by courier
    // and by "ship today" (the 2-working-day deadline is not today).
    let (_, by_sku) = page(&app, &ops, "/seller/orders?q=BTK-CS-M").await;
    assert!(by_sku.contains(&format!("data-id=\"{a}\"")), "{by_sku}");
    let (_, by_name) = page(&app, &ops, "/seller/orders?q=andi+pemb").await;
    assert!(by_name.contains(&format!("data-id=\"{b}\"")), "{by_name}");
    let (_, nobody) = page(&app, &ops, "/seller/orders?q=Siapa%25Saja").await;
    assert!(nobody.contains("data-testid=\"orders-empty\""), "{nobody}");
    // B went with SiCepat, whatever the buyer chose: the courier filter
    // follows the courier that has the package.
    let (_, sicepat) = page(&app, &ops, "/seller/orders?tab=shipping&courier=sicepat").await;
    assert!(sicepat.contains(&format!("data-id=\"{b}\"")), "{sicepat}");
    assert!(!sicepat.contains(&format!("data-id=\"{a}\"")), "{sicepat}");
    let (status, _) = page(&app, &ops, "/seller/orders?page=999999&from=kemarin").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "absurd pages and dates are clamped or ignored"
    );

    // Search by resi finds order A only; the buyer's phone is masked.
    let (_, found) = page(&app, &ops, "/seller/orders?q=jt123456789012").await;
    assert!(found.contains(&format!("data-id=\"{a}\"")), "{found}");
    assert!(!found.contains(&format!("data-id=\"{b}\"")));
    let (_, detail) = page(&app, &ops, &path).await;
    assert!(detail.contains("+62812****1234"), "{detail}");
    assert!(!detail.contains("+6281270001234"));

    // A day later the courier reports delivery; the order is delivered.
    app.clock.advance_secs(86_400);
    let now = svc.now();
    let secs = now.unix_millis() / 1000;
    let resi = "JT123456789012";
    let delivered = report(
        &app,
        Courier::Jnt,
        event("ev-2", resi, "delivered", now),
        None,
        secs,
    )
    .await;
    assert_eq!(delivered.status(), StatusCode::OK);
    let ack: serde_json::Value = delivered.json().await.unwrap();
    assert_eq!(ack["outcome"], "applied");
    assert_eq!(ack["status"], "delivered");
    // The same event again: recognised, nothing moves.
    let twice = report(
        &app,
        Courier::Jnt,
        event("ev-2", resi, "delivered", now),
        None,
        secs,
    )
    .await;
    let ack: serde_json::Value = twice.json().await.unwrap();
    assert_eq!(ack["outcome"], "duplicate");
    // A late "out for delivery" is kept on the timeline, the status stays.
    let earlier = now.plus_seconds(-3600);
    let late = report(
        &app,
        Courier::Jnt,
        event("ev-1", resi, "out_for_delivery", earlier),
        None,
        secs,
    )
    .await;
    let ack: serde_json::Value = late.json().await.unwrap();
    assert_eq!(ack["status"], "delivered");
    // Forged, stale, unknown resi, unknown kind.
    let forged = report(
        &app,
        Courier::Jnt,
        event("ev-3", resi, "returned_to_sender", now),
        Some("guess"),
        secs,
    )
    .await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    let stale = report(
        &app,
        Courier::Jnt,
        event("ev-4", resi, "returned_to_sender", now),
        None,
        secs - 301,
    )
    .await;
    assert_eq!(stale.status(), StatusCode::UNAUTHORIZED);
    let unknown = report(
        &app,
        Courier::Jnt,
        event("ev-5", "JT000000000000", "delivered", now),
        None,
        secs,
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let problem: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(
        problem["type"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap(),
        "tracking_resi_unknown"
    );
    let odd_kind = report(
        &app,
        Courier::Jnt,
        event("ev-6", resi, "weighed", now),
        None,
        secs,
    )
    .await;
    let ack: serde_json::Value = odd_kind.json().await.unwrap();
    assert_eq!(ack["outcome"], "ignored");
    assert_eq!(order(svc, a).await.status, OrderStatus::Delivered);

    // The buyer (signed in now: a day passed) sees the resi and the
    // timeline in the order things happened, and confirms receipt.
    let buyer = app.demo_member(BUYER).await;
    let buyer_path = format!("/orders/{a}");
    let (_, mine) = page(&app, &buyer, &buyer_path).await;
    assert!(mine.contains("JT123456789012"), "{mine}");
    let placed = mine.find("data-kind=\"placed\"").unwrap();
    let handed = mine.find("data-kind=\"handed_over\"").unwrap();
    let out = mine
        .find("data-kind=\"tracking.out_for_delivery\"")
        .unwrap();
    let arrived = mine.find("data-kind=\"delivered\"").unwrap();
    assert!(placed < handed && handed < out && out < arrived, "{mine}");
    assert!(mine.contains("T Express · JT123456789012"), "{mine}");
    let done = app
        .submit(&buyer, &buyer_path, &format!("{buyer_path}/received"), &[])
        .await;
    assert_eq!(
        location(&done),
        format!("{buyer_path}?notice=order_received")
    );
    assert_eq!(order(svc, a).await.status, OrderStatus::Completed);
    // The other buyer-facing rule: a finished order cannot be cancelled.
    let late_cancel = app
        .submit(
            &buyer,
            &buyer_path,
            &format!("{buyer_path}/cancel"),
            &[("reason", "buyer_changed_mind")],
        )
        .await;
    assert_eq!(late_cancel.status(), StatusCode::CONFLICT);
    let text = late_cancel.text().await.unwrap();
    assert!(text.contains("tidak bisa dibatalkan lagi"), "{text}");
}

async fn deadlines_cancel_once_give_stock_back_and_complete(backend: Backend) {
    let app = spawn(backend).await;
    let svc = &app.services;
    let shop = app.demo_shop().await;
    let buyer_id = user(svc, BUYER).await;
    let shirt = sku(svc, shop, "BTK-CS-M").await;
    let before = stock(svc, shop, shirt).await;
    let late = buy_cod(svc, buyer_id, shirt).await;
    assert_eq!(stock(svc, shop, shirt).await, before - 1);
    let ship_by = order(svc, late)
        .await
        .fulfilment
        .ship_by
        .expect("COD starts the clock");

    // Before the deadline only the demo's forgotten order (due an hour
    // ago) goes; after it, this one, once.
    assert_eq!(
        scheduler::run_once(svc).await.unwrap().unshipped_cancelled,
        1
    );
    assert_eq!(order(svc, late).await.status, OrderStatus::AwaitingShipment);
    app.clock.advance_secs(ship_by.seconds_since(svc.now()) + 1);
    let pass = scheduler::run_once(svc).await.unwrap();
    // This order and the demo buyer's own COD order (same SKU, one each).
    assert_eq!(pass.unshipped_cancelled, 2, "{pass:?}");
    let cancelled = order(svc, late).await;
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert_eq!(
        cancelled.cancel_reason.as_deref(),
        Some("not_shipped_in_time")
    );
    assert_eq!(cancelled.cancelled_by.as_deref(), Some("system"));
    assert!(cancelled.fulfilment.seller_fault);
    let restored = stock(svc, shop, shirt).await;
    assert_eq!(restored, before + 1, "both orders' units came back");
    assert!(
        pass.shop_days_recorded >= 1,
        "the new day is recorded: {pass:?}"
    );
    // The shop's health counts the auto-cancel against it and lists it.
    let ops = app.demo_member(OPS).await;
    let (status, health) = page(&app, &ops, "/seller/performance").await;
    assert_eq!(status, StatusCode::OK, "{health}");
    let cancellations = &health[health
        .find("data-testid=\"metric-seller_fault_cancellation\"")
        .expect("the cancellation metric")..];
    assert!(
        cancellations.starts_with(
            "data-testid=\"metric-seller_fault_cancellation\" data-standing=\"misses\""
        ),
        "{cancellations}"
    );
    assert!(
        cancellations.contains(&format!("data-id=\"{late}\"")),
        "{health}"
    );
    assert!(
        health.contains("penjual tidak mengatur pengiriman"),
        "{health}"
    );
    // A second pass, and a pass by a new process on the same database
    // (a restart), act on nothing again.
    assert_eq!(
        scheduler::run_once(svc).await.unwrap(),
        scheduler::Pass::default()
    );
    let restarted = Services::new(
        svc.store.clone(),
        app.clock.clone(),
        app.mailer.clone(),
        std::sync::Arc::new(etalase_services::vault::Vault::ephemeral()),
        etalase_store::objects::ObjectStore::memory(),
        ServiceConfig::default(),
    );
    assert_eq!(
        scheduler::run_once(&restarted).await.unwrap(),
        scheduler::Pass::default()
    );
    assert_eq!(stock(svc, shop, shirt).await, restored);

    // The seller sees it under "Dibatalkan" with its reason.
    let ops = app.demo_member(OPS).await;
    let (_, tab) = page(&app, &ops, "/seller/orders?tab=cancelled").await;
    assert!(tab.contains(&format!("data-id=\"{late}\"")), "{tab}");
    let (_, detail) = page(&app, &ops, &format!("/seller/orders/{late}")).await;
    assert!(
        detail.contains("penjual tidak mengatur pengiriman"),
        "{detail}"
    );

    // A delivered order completes when the return window closes.
    let shipped = buy_cod(svc, buyer_id, shirt).await;
    let path = format!("/seller/orders/{shipped}");
    let r = app
        .submit(
            &ops,
            &path,
            &format!("{path}/ship"),
            &[("courier", "jnt"), ("resi", "JT555566667777")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let now = svc.now();
    let r = report(
        &app,
        Courier::Jnt,
        event("d-1", "JT555566667777", "delivered", now),
        None,
        now.unix_millis() / 1000,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let complete_by = order(svc, shipped).await.fulfilment.complete_by.unwrap();
    assert_eq!(complete_by, now.plus_seconds(6 * 86_400));
    app.clock.advance_secs(6 * 86_400 + 1);
    let pass = scheduler::run_once(svc).await.unwrap();
    assert_eq!(pass.completed, 1, "{pass:?}");
    assert_eq!(order(svc, shipped).await.status, OrderStatus::Completed);
}

async fn cancellations_follow_who_may_cancel_when(backend: Backend) {
    let app = spawn(backend).await;
    let svc = &app.services;
    let shop = app.demo_shop().await;
    let buyer_id = user(svc, BUYER).await;
    let shirt = sku(svc, shop, "BTK-CS-M").await;
    let before = stock(svc, shop, shirt).await;
    let buyer = app.demo_member(BUYER).await;
    let ops = app.demo_member(OPS).await;

    // The buyer cancels before it ships: needs a reason, not the seller's fault.
    let mine = buy_cod(svc, buyer_id, shirt).await;
    let path = format!("/orders/{mine}");
    let no_reason = app
        .submit(&buyer, &path, &format!("{path}/cancel"), &[("reason", "")])
        .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let seller_reason = app
        .submit(
            &buyer,
            &path,
            &format!("{path}/cancel"),
            &[("reason", "seller_out_of_stock")],
        )
        .await;
    assert_eq!(
        seller_reason.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a buyer cannot give a seller's reason"
    );
    let done = app
        .submit(
            &buyer,
            &path,
            &format!("{path}/cancel"),
            &[("reason", "buyer_wrong_address")],
        )
        .await;
    assert_eq!(location(&done), format!("{path}?notice=order_cancelled"));
    let cancelled = order(svc, mine).await;
    assert_eq!(cancelled.cancelled_by.as_deref(), Some("buyer"));
    assert!(!cancelled.fulfilment.seller_fault);
    assert_eq!(stock(svc, shop, shirt).await, before);
    // Shipping a cancelled order is refused.
    let seller_path = format!("/seller/orders/{mine}");
    let ship = app
        .submit(
            &ops,
            &seller_path,
            &format!("{seller_path}/ship"),
            &[("courier", "jnt"), ("resi", "JT111122223333")],
        )
        .await;
    assert_eq!(ship.status(), StatusCode::CONFLICT);
    assert!(ship.text().await.unwrap().contains("tidak bisa dikirim"));

    // The seller cancels with a reason; it counts against the shop.
    let theirs = buy_cod(svc, buyer_id, shirt).await;
    let seller_path = format!("/seller/orders/{theirs}");
    let cancelled = app
        .submit(
            &ops,
            &seller_path,
            &format!("{seller_path}/cancel"),
            &[("reason", "seller_out_of_stock")],
        )
        .await;
    assert_eq!(
        location(&cancelled),
        format!("{seller_path}?notice=order_cancelled")
    );
    assert!(order(svc, theirs).await.fulfilment.seller_fault);

    // Once in transit, neither may cancel.
    let moving = buy_cod(svc, buyer_id, shirt).await;
    let seller_path = format!("/seller/orders/{moving}");
    app.submit(
        &ops,
        &seller_path,
        &format!("{seller_path}/ship"),
        &[("courier", "jne"), ("resi", "1234567890123")],
    )
    .await;
    let refused = app
        .submit(
            &ops,
            &seller_path,
            &format!("/orders/{moving}/cancel"),
            &[("reason", "buyer_other")],
        )
        .await;
    // (the ops member is not this order's buyer: 404)
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let refused = app
        .submit(
            &buyer,
            &format!("/orders/{moving}"),
            &format!("/orders/{moving}/cancel"),
            &[("reason", "buyer_other")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let refused = app
        .submit(
            &ops,
            &seller_path,
            &format!("{seller_path}/cancel"),
            &[("reason", "seller_cannot_ship")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(order(svc, moving).await.status, OrderStatus::InTransit);

    // Marketing does not work on orders; another shop's order is a 404.
    let marketing = app.demo_member("marketing@etalase.test").await;
    let (status, _) = page(&app, &marketing, "/seller/orders").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other = app.seller("lain@contoh.id", "toko-lain").await;
    let (status, _) = page(&app, &other, &format!("/seller/orders/{moving}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    operations_ship_and_a_courier_delivers,
    deadlines_cancel_once_give_stock_back_and_complete,
    cancellations_follow_who_may_cancel_when,
);

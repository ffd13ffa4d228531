//! Checkout on both backends: a confirmed summary becomes one order per
//! shop with exactly the confirmed total; a change in between asks again
//! and writes nothing; a second submit of the same form places nothing
//! more; unpaid orders expire once and give everything back; an answer is
//! kept with its idempotency key. Checkouts placed at the same moment are
//! in `checkout_batch.rs`.

mod support;

use std::sync::Arc;

use etalase_domain::ErrorCode;
use etalase_domain::checkout::{OrderStatus, PaymentMethod, Source};
use etalase_domain::id::{CheckoutId, SkuId, UserId};
use etalase_domain::shipping::Service;
use etalase_services::checkout::place::{
    CheckoutToken, KeptAnswer, KeyedPlacing, PlaceOutcome, PlaceRequest, Render, place, place_keyed,
};
use etalase_services::checkout::summary::{CheckoutChoice, summary};
use etalase_services::checkout::{Shopper, cart, expiry};
use etalase_services::pricing::promotions::{
    self, ItemInput, PromotionInput, RuleInput, SaveOptions, Target,
};
use etalase_services::{ServiceResult, Services, catalog, idempotency, inventory, pricing};
use etalase_store::inventory::StockReason;
use etalase_store::pricing::PromotionType;
use etalase_store::{audit, catalog as records, outbox};
use etalase_testkit::{Backend, on_both_backends};
use support::checkout::*;
use support::*;

async fn a_confirmed_summary_becomes_orders_with_the_confirmed_total(backend: Backend) {
    let w = world(backend).await;
    let (scope, product, skus) = shop_with_product(&w, 5).await;
    let alice = buyer(&w.svc, 1).await;
    let shopper = Shopper::Buyer(alice);
    cart::add(&w.svc, &shopper, skus[0], 2, Source::Search)
        .await
        .unwrap();
    cart::add(&w.svc, &shopper, skus[1], 1, Source::Feed)
        .await
        .unwrap();
    let choice = CheckoutChoice::default();
    let shown = summary(&w.svc, alice, &choice).await.unwrap();
    assert!(shown.problems.is_empty(), "{:?}", shown.problems);
    let package = &shown.packages[0];
    let chosen = package.chosen.as_ref().expect("a shipping option");
    assert_eq!(package.origin.as_deref(), Some("3201"));
    assert_eq!(chosen.cost, shown.packages[0].options[0].cost, "cheapest");
    assert_eq!(shown.quote.breakdown.items_subtotal, 3 * 150_000);
    assert_eq!(shown.total(), 3 * 150_000 + chosen.cost);
    let token = CheckoutId::generate();
    let request = PlaceRequest {
        checkout: CheckoutToken::Carried(token),
        confirmed_version: shown.version.clone(),
        choice: choice.clone(),
    };
    let first = placed(place(&w.svc, alice, &request).await.unwrap());
    assert!(!first.replayed);
    assert_eq!(first.orders.len(), 1);
    let order = &first.orders[0];
    assert_eq!(order.total, shown.total(), "charged exactly what was shown");
    assert_eq!(order.status, OrderStatus::AwaitingPayment);
    assert!(order.pay_by.is_some());
    assert_eq!(stock_of(&w, &scope, product, skus[0]).await, 3);
    assert_eq!(stock_of(&w, &scope, product, skus[1]).await, 4);
    let lines = etalase_store::checkout::lines_of_orders(&w.svc.store, &[order.id])
        .await
        .unwrap();
    assert_eq!(lines.len(), 2);
    assert!(
        lines
            .iter()
            .any(|l| l.source == Source::Search && l.quantity == 2)
    );
    assert_eq!(cart::view(&w.svc, &shopper).await.unwrap().line_count(), 0);

    // The same form again: the first result, nothing more taken.
    let again = placed(place(&w.svc, alice, &request).await.unwrap());
    assert!(again.replayed);
    assert_eq!(again.orders[0].id, order.id);
    assert_eq!(stock_of(&w, &scope, product, skus[0]).await, 3);
    // Each line is an order event of its source, once (not again for the replay).
    etalase_services::attribution::flush(&w.svc).await.unwrap();
    let from_search = etalase_store::attribution::tally(
        &w.svc.store,
        Source::Search,
        etalase_domain::attribution::EventKind::Order,
    )
    .await
    .unwrap();
    assert_eq!((from_search.events, from_search.quantity), (1, 2));
    assert_eq!(
        from_search.amount,
        lines
            .iter()
            .find(|l| l.source == Source::Search)
            .unwrap()
            .net
    );
    let from_feed = etalase_store::attribution::tally(
        &w.svc.store,
        Source::Feed,
        etalase_domain::attribution::EventKind::Order,
    )
    .await
    .unwrap();
    assert_eq!((from_feed.events, from_feed.quantity), (1, 1));
    // Someone else's token is nobody's business.
    let mallory = buyer(&w.svc, 2).await;
    let stolen = place(&w.svc, mallory, &request).await.unwrap_err();
    assert_eq!(stolen.code, ErrorCode::NotFound);

    let events = outbox::read_after(&w.svc.store, 0, 1000).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.topic == "orders.order_changed" && e.aggregate_id == order.id.to_string())
    );
    let trail = audit::list_for_subject(&w.svc.store, "order", &order.id.to_string())
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, "order.placed");
}

async fn a_change_after_confirming_asks_again_and_writes_nothing(backend: Backend) {
    let w = world(backend).await;
    let (scope, product, skus) = shop_with_product(&w, 5).await;
    let alice = buyer(&w.svc, 1).await;
    cart::add(
        &w.svc,
        &Shopper::Buyer(alice),
        skus[0],
        1,
        Source::ProductPage,
    )
    .await
    .unwrap();
    let choice = CheckoutChoice::default();
    let shown = summary(&w.svc, alice, &choice).await.unwrap();
    // The seller raises the price after the buyer saw the summary.
    let mut tx = w.svc.store.write().await.unwrap();
    records::set_sku_price(&mut tx, scope.seller_id, skus[0], 175_000, w.svc.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let request = PlaceRequest {
        checkout: CheckoutToken::new(),
        confirmed_version: shown.version.clone(),
        choice: choice.clone(),
    };
    let PlaceOutcome::Changed(fresh) = place(&w.svc, alice, &request).await.unwrap() else {
        panic!("a higher price must be confirmed again");
    };
    assert_eq!(fresh.total() - shown.total(), 25_000);
    assert_ne!(fresh.version, shown.version);
    assert_eq!(
        stock_of(&w, &scope, product, skus[0]).await,
        5,
        "nothing taken"
    );
    assert!(
        etalase_store::checkout::checkout_by_id(&w.svc.store, request.checkout.id())
            .await
            .unwrap()
            .is_none()
    );
    // Confirming the new summary places it at the new price.
    let request = PlaceRequest {
        confirmed_version: fresh.version.clone(),
        ..request
    };
    let done = placed(place(&w.svc, alice, &request).await.unwrap());
    assert_eq!(done.orders[0].total, fresh.total());
}

async fn unpaid_orders_expire_once_and_give_everything_back(backend: Backend) {
    let w = world(backend).await;
    let (scope, product, skus) = shop_with_product(&w, 5).await;
    shop_voucher(&w, &scope, "BALIK5", 5_000, 0, 10).await;
    let alice = buyer(&w.svc, 1).await;
    cart::add(&w.svc, &Shopper::Buyer(alice), skus[2], 2, Source::Feed)
        .await
        .unwrap();
    let choice = CheckoutChoice {
        voucher_codes: vec!["BALIK5".into()],
        ..CheckoutChoice::default()
    };
    let order = placed(confirm(&w.svc, alice, &choice).await.unwrap()).orders[0].clone();
    assert_eq!(order.discount, 5_000);
    assert_eq!(stock_of(&w, &scope, product, skus[2]).await, 3);
    assert_eq!(
        expiry::expire_unpaid(&w.svc).await.unwrap(),
        0,
        "not yet due"
    );
    w.clock.advance_secs(24 * 3600 + 1);
    assert_eq!(expiry::expire_unpaid(&w.svc).await.unwrap(), 1);
    assert_eq!(
        expiry::expire_unpaid(&w.svc).await.unwrap(),
        0,
        "never twice"
    );
    assert_eq!(stock_of(&w, &scope, product, skus[2]).await, 5);
    let stored = etalase_store::checkout::order_by_id(&w.svc.store, order.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, OrderStatus::Cancelled);
    assert_eq!(stored.cancel_reason.as_deref(), Some("payment_expired"));
    let voucher = etalase_store::pricing::voucher_by_code(
        &w.svc.store,
        &etalase_domain::pricing::VoucherCode::parse("BALIK5").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(voucher.used, 0, "the use came back; the claim stays");
    // The buyer may use it again.
    cart::add(&w.svc, &Shopper::Buyer(alice), skus[2], 1, Source::Feed)
        .await
        .unwrap();
    let again = placed(confirm(&w.svc, alice, &choice).await.unwrap());
    assert_eq!(again.orders[0].discount, 5_000);
}

async fn cod_is_offered_only_where_it_is_allowed(backend: Backend) {
    let config = etalase_services::ServiceConfig {
        payments: etalase_domain::checkout::PaymentPolicy {
            cod_max_total: 400_000,
            ..Default::default()
        },
        ..Default::default()
    };
    let w = world_with(backend, config).await;
    let (_, _, skus) = shop_with_product(&w, 5).await;
    let alice = buyer(&w.svc, 1).await;
    cart::add(&w.svc, &Shopper::Buyer(alice), skus[0], 1, Source::Feed)
        .await
        .unwrap();
    let cod = CheckoutChoice {
        method: PaymentMethod::Cod,
        ..CheckoutChoice::default()
    };
    let shown = summary(&w.svc, alice, &cod).await.unwrap();
    assert!(shown.packages[0].products_allow_cod);
    assert_eq!(shown.cod_refusal, None);
    // A service without COD refuses it, naming the method.
    let seller = shown.packages[0].seller;
    let express = CheckoutChoice {
        services: vec![(seller, Service::JneYes)],
        ..cod.clone()
    };
    let err = confirm(&w.svc, alice, &express).await.unwrap_err();
    assert!(fields(&err).contains(&("method".into(), ErrorCode::CodNotAllowed)));
    let done = placed(confirm(&w.svc, alice, &cod).await.unwrap());
    assert_eq!(done.orders[0].status, OrderStatus::AwaitingShipment);
    assert_eq!(done.orders[0].pay_by, None);
    assert_eq!(
        done.orders[0].shipping_service,
        shown.packages[0].chosen.as_ref().unwrap().service.code()
    );
    // Over the cap: refused, naming the method.
    cart::add(&w.svc, &Shopper::Buyer(alice), skus[1], 3, Source::Feed)
        .await
        .unwrap();
    let err = confirm(&w.svc, alice, &cod).await.unwrap_err();
    assert!(fields(&err).contains(&("method".into(), ErrorCode::CodAmountTooHigh)));
}

async fn bad_cart_input_is_refused_clearly(backend: Backend) {
    let w = world(backend).await;
    let (_, _, skus) = shop_with_product(&w, 2).await;
    let alice = buyer(&w.svc, 1).await;
    let me = Shopper::Buyer(alice);
    for bad in [0, -1, 1000] {
        let err = cart::add(&w.svc, &me, skus[0], bad, Source::Feed)
            .await
            .unwrap_err();
        assert_eq!(
            fields(&err),
            vec![("quantity".into(), ErrorCode::QuantityOutOfRange)]
        );
    }
    let err = cart::add(&w.svc, &me, skus[0], 3, Source::Feed)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::StockShort);
    let err = cart::add(&w.svc, &me, SkuId::generate(), 1, Source::Feed)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SkuUnavailable);
    // Nothing selected: nothing to check out.
    let err = summary(&w.svc, alice, &CheckoutChoice::default())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::CartEmpty);
    // A guest's cart joins the buyer's at sign-in.
    let guest = Shopper::Guest("kunci-tamu-acak".into());
    cart::add(
        &w.svc,
        &guest,
        skus[1],
        1,
        Source::Video(etalase_domain::id::VideoId::generate()),
    )
    .await
    .unwrap();
    cart::add(&w.svc, &me, skus[1], 1, Source::Feed)
        .await
        .unwrap();
    cart::merge_guest(&w.svc, "kunci-tamu-acak", alice)
        .await
        .unwrap();
    let view = cart::view(&w.svc, &me).await.unwrap();
    assert_eq!(view.line_count(), 1);
    let line = &view.shops[0].lines[0];
    assert_eq!(line.line.quantity, 2);
    assert!(matches!(line.line.source, Source::Video(_)));
    assert_eq!(cart::view(&w.svc, &guest).await.unwrap().line_count(), 0);
}

/// What a shown summary reads of its SKUs is kept for the next buyer of
/// the same SKUs (`pricing::kept`); still, every change made here shows in
/// the next summary at once, and offers start and end on time.
async fn a_shown_summary_follows_every_change_made_here_at_once(backend: Backend) {
    let w = world(backend).await;
    let (scope, product, skus) = shop_with_product(&w, 5).await;
    let (alice, bob) = (buyer(&w.svc, 1).await, buyer(&w.svc, 2).await);
    for who in [alice, bob] {
        cart::add(&w.svc, &Shopper::Buyer(who), skus[0], 1, Source::Feed)
            .await
            .unwrap();
    }
    let choice = CheckoutChoice::default();
    let base = summary(&w.svc, alice, &choice).await.unwrap().total();
    assert_eq!(summary(&w.svc, bob, &choice).await.unwrap().total(), base);

    // A discount from an hour on: not yet, then on time, then over, with
    // nothing committed in between.
    let hour = 3600;
    let discount = PromotionInput {
        kind: PromotionType::Discount,
        name: "Promo Gajian".into(),
        starts_at: w.svc.now().plus_seconds(hour),
        ends_at: w.svc.now().plus_seconds(2 * hour),
        per_buyer_limit: None,
        items: vec![ItemInput {
            target: Target::Product(product),
            rule: RuleInput::Percent(20),
            flash_quota: None,
        }],
    };
    let activate = SaveOptions {
        activate: true,
        confirm_warnings: true,
    };
    promotions::create(&w.svc, &scope, &discount, activate)
        .await
        .unwrap();
    assert_eq!(summary(&w.svc, alice, &choice).await.unwrap().total(), base);
    w.clock.advance_secs(hour);
    assert_eq!(
        summary(&w.svc, bob, &choice).await.unwrap().total(),
        base - 30_000,
        "the discount holds from its start"
    );
    w.clock.advance_secs(hour);
    assert_eq!(summary(&w.svc, alice, &choice).await.unwrap().total(), base);

    // The seller's price, stock and product, each shown at once.
    pricing::set_price(&w.svc, &scope, skus[0], 175_000, None)
        .await
        .unwrap();
    assert_eq!(
        summary(&w.svc, alice, &choice).await.unwrap().total(),
        base + 25_000
    );
    inventory::change(
        &w.svc,
        &scope,
        skus[0],
        inventory::StockRequest::Set(0),
        StockReason::Manual,
        None,
    )
    .await
    .unwrap();
    let sold_out = summary(&w.svc, bob, &choice).await.unwrap();
    assert_eq!(
        sold_out.problems,
        vec![("lines[0]".to_string(), ErrorCode::OutOfStock)]
    );
    catalog::deactivate(&w.svc, &scope, product).await.unwrap();
    let gone = summary(&w.svc, alice, &choice).await.unwrap_err();
    assert_eq!(
        fields(&gone),
        vec![("lines[0].sku".to_string(), ErrorCode::SkuUnavailable)]
    );
}

/// Renders a placing as the API would keep it: the checkout's id, or what
/// refused it.
fn render_for_test() -> Render {
    Arc::new(|outcome| match outcome {
        Ok(PlaceOutcome::Placed(p)) => Some((201, p.checkout.id.to_string())),
        Ok(PlaceOutcome::Changed(_)) => Some((409, "quote_changed".into())),
        Err(e) if e.code.status() < 500 => Some((e.code.status(), e.code.code().into())),
        Err(_) => None,
    })
}

async fn keyed(svc: &Services, buyer: UserId, key: &str, hash: &str) -> idempotency::Keyed {
    idempotency::hold(svc, &format!("buyer:{buyer}"), key, hash).unwrap()
}

/// Places `request` under `key`, its answer rendered as the API would.
async fn place_under(
    svc: &Services,
    buyer: UserId,
    (key, hash): (&str, &str),
    request: &PlaceRequest,
) -> ServiceResult<KeyedPlacing> {
    let kept = KeptAnswer {
        keyed: keyed(svc, buyer, key, hash).await,
        render: render_for_test(),
    };
    place_keyed(svc, buyer, request, kept).await
}

async fn orders_of(w: &World, buyer: UserId) -> usize {
    etalase_store::checkout::orders_of_buyer(&w.svc.store, buyer, None, 100)
        .await
        .unwrap()
        .len()
}

/// The key of a placing is kept in the transaction of its orders: one
/// order per key whatever runs at once, on this node (409 while it runs)
/// or on another (the second replays the first's answer); a refusal is
/// kept and replayed; a placing whose answer cannot be kept places nothing.
async fn an_idempotency_key_is_kept_with_its_orders(backend: Backend) {
    let w = world(backend).await;
    let (scope, product, skus) = shop_with_product(&w, 50).await;
    let sku = skus[0];
    let b = buyer(&w.svc, 1).await;
    cart::add(&w.svc, &Shopper::Buyer(b), sku, 1, Source::Feed)
        .await
        .unwrap();
    let choice = CheckoutChoice::default();
    let shown = summary(&w.svc, b, &choice).await.unwrap();
    let request = |version: &str| PlaceRequest {
        checkout: CheckoutToken::new(),
        confirmed_version: version.to_owned(),
        choice: choice.clone(),
    };
    let principal = format!("buyer:{b}");
    let hash = "sidik-1";

    // A failure on our side keeps nothing: no orders, the key stays free.
    let unkept: Render = Arc::new(|_| None);
    let first = keyed(&w.svc, b, "pesan-1", hash).await;
    let kept = KeptAnswer {
        keyed: first,
        render: unkept,
    };
    match place_keyed(&w.svc, b, &request(&shown.version), kept)
        .await
        .unwrap()
    {
        KeyedPlacing::Ran(Err(e)) => assert_eq!(e.code, ErrorCode::Internal),
        _ => panic!("placed although its answer could not be kept"),
    }
    assert_eq!(orders_of(&w, b).await, 0);
    assert_eq!(stock_of(&w, &scope, product, sku).await, 50);

    // This node: a second request while the first holds the key hears 409.
    let here = keyed(&w.svc, b, "pesan-1", hash).await;
    let busy = idempotency::hold(&w.svc, &principal, "pesan-1", hash);
    assert!(matches!(busy, Err(e) if e.code == ErrorCode::IdempotencyInProgress));
    // Another node, not knowing of it, lets its request run too …
    let mut node = w.svc.clone();
    node.keys_in_flight = Arc::default();
    let there = keyed(&node, b, "pesan-1", hash).await;
    let kept = KeptAnswer {
        keyed: here,
        render: render_for_test(),
    };
    let placed_here = place_keyed(&w.svc, b, &request(&shown.version), kept)
        .await
        .unwrap();
    let checkout = match placed_here {
        KeyedPlacing::Ran(Ok(PlaceOutcome::Placed(p))) => p.checkout.id.to_string(),
        _ => panic!("not placed"),
    };
    // … and it gets the first answer back, placing nothing.
    let kept = KeptAnswer {
        keyed: there,
        render: render_for_test(),
    };
    match place_keyed(&node, b, &request(&shown.version), kept)
        .await
        .unwrap()
    {
        KeyedPlacing::Replay { status, body } => {
            assert_eq!((status, body), (201, checkout.clone()))
        }
        _ => panic!("the second node placed again"),
    }
    assert_eq!(orders_of(&w, b).await, 1);
    assert_eq!(stock_of(&w, &scope, product, sku).await, 49);
    // Later retries replay it, placing nothing; another request under the
    // key is refused.
    cart::add(&w.svc, &Shopper::Buyer(b), sku, 1, Source::Feed)
        .await
        .unwrap();
    let again = summary(&w.svc, b, &choice).await.unwrap();
    match place_under(&w.svc, b, ("pesan-1", hash), &request(&again.version))
        .await
        .unwrap()
    {
        KeyedPlacing::Replay { status, body } => assert_eq!((status, body), (201, checkout)),
        _ => panic!("ran again"),
    }
    let reused = place_under(
        &w.svc,
        b,
        ("pesan-1", "sidik-lain"),
        &request(&again.version),
    )
    .await
    .unwrap();
    assert!(
        matches!(reused, KeyedPlacing::Ran(Err(e)) if e.code == ErrorCode::IdempotencyKeyReused)
    );
    assert_eq!(orders_of(&w, b).await, 1);
    assert_eq!(stock_of(&w, &scope, product, sku).await, 49);

    // A refusal is kept too, and nothing of it written.
    let stale = keyed(&w.svc, b, "pesan-2", hash).await;
    let kept = KeptAnswer {
        keyed: stale,
        render: render_for_test(),
    };
    match place_keyed(&w.svc, b, &request("basi"), kept)
        .await
        .unwrap()
    {
        KeyedPlacing::Ran(Ok(PlaceOutcome::Changed(_))) => {}
        _ => panic!("a stale version placed"),
    }
    match place_under(&w.svc, b, ("pesan-2", hash), &request(&again.version))
        .await
        .unwrap()
    {
        KeyedPlacing::Replay { status, body } => {
            assert_eq!((status, body.as_str()), (409, "quote_changed"));
        }
        _ => panic!("the refusal was not kept"),
    }
    assert_eq!(orders_of(&w, b).await, 1);
    assert_eq!(stock_of(&w, &scope, product, sku).await, 49);
}

on_both_backends!(
    an_idempotency_key_is_kept_with_its_orders,
    a_confirmed_summary_becomes_orders_with_the_confirmed_total,
    a_change_after_confirming_asks_again_and_writes_nothing,
    unpaid_orders_expire_once_and_give_everything_back,
    cod_is_offered_only_where_it_is_allowed,
    bad_cart_input_is_refused_clearly,
    a_shown_summary_follows_every_change_made_here_at_once,
);

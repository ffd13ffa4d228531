//! Live shopping over HTTP on both backends, on the demo shop: its
//! marketing member schedules a live with three products, is refused a
//! live price that is not a discount, goes on air, pins a product and sets
//! its live price; a viewer's event stream receives each change as it
//! happens (and what it missed, on reconnecting with `Last-Event-ID`); a
//! buyer from the live pays the live price and the order remembers the
//! live; a flash deal's quota is never passed; once ended, the live's
//! prices no longer hold; a product taken out of a live loses its pin and
//! its live prices. The chat is in `http_live_chat.rs`, one price on every
//! surface in `http_live_prices.rs`.

mod common;

use common::lives::{act, add_from_live, checkout, newest_order, until};
use common::{TestApp, location};
use etalase_domain::checkout::Source;
use etalase_domain::id::{LiveId, ProductId};
use etalase_store::{catalog, videos};
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{StatusCode, header};

async fn a_live_sells_at_its_live_price_and_viewers_see_every_change(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    let marketing = app.demo_member("marketing@etalase.test").await;
    let video = videos::videos_of(&app.services.store, seller)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.state.as_str() == "published")
        .unwrap();
    let products: Vec<ProductId> = video.products.clone();
    let planned = app.services.now().plus_seconds(3600).to_wib_local();
    let video_id = video.id.to_string();
    let mut fields: Vec<(&str, &str)> = vec![
        ("title", "Live uji: kemeja batik dan tenun"),
        ("planned_start", &planned),
        ("stream_kind", "recorded"),
        ("stream_video", &video_id),
    ];
    let ids: Vec<String> = products.iter().map(ToString::to_string).collect();
    fields.extend(ids.iter().map(|p| ("product", p.as_str())));

    // A title too short and no products: both said at once, nothing made.
    let refused = app
        .submit(
            &marketing,
            "/seller/live",
            "/seller/live",
            &[
                ("title", "Hi"),
                ("planned_start", &planned),
                ("stream_kind", "recorded"),
                ("stream_video", &video_id),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text().await.unwrap();
    assert!(text.contains("data-testid=\"products-error\""), "{text}");

    let scheduled = app
        .submit(&marketing, "/seller/live", "/seller/live", &fields)
        .await;
    assert_eq!(scheduled.status(), StatusCode::SEE_OTHER);
    let to = location(&scheduled);
    let live: LiveId = to
        .trim_start_matches("/seller/live/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // Not on air yet: nothing can be pinned.
    let early = act(&app, &marketing, live, "pin", &[("product", &ids[0])]).await;
    assert_eq!(early.status(), StatusCode::CONFLICT);

    // The first product's cheapest SKU in stock gets a live price; one at
    // or above its normal price, or below the platform floor, is refused.
    let (base, sku) = catalog::skus_of(&app.services.store, seller, products[0])
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.stock > 2)
        .filter_map(|s| Some((s.price?, s.id)))
        .min()
        .unwrap();
    let sku_text = sku.to_string();
    for bad in [
        base.to_string(),
        (base + 1000).to_string(),
        "1500".to_owned(),
    ] {
        let r = act(
            &app,
            &marketing,
            live,
            "price",
            &[("sku", &sku_text), ("price", &bad)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let live_price = (base - 25_000).max(2_000);
    let set = act(
        &app,
        &marketing,
        live,
        "price",
        &[("sku", &sku_text), ("price", &live_price.to_string())],
    )
    .await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);

    // A buyer from the live before it is on air pays the normal price.
    let buyer = app.demo_member("pembeli@etalase.test").await;
    let page = app
        .get(&buyer, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-testid=\"live-not-on\""), "{page}");

    let went = act(&app, &marketing, live, "go-live", &[]).await;
    assert_eq!(
        went.status(),
        StatusCode::SEE_OTHER,
        "{}",
        went.text().await.unwrap()
    );

    // A viewer's stream starts with what the live offers now.
    let viewer = app.browser();
    let mut stream = viewer
        .get(app.url(&format!("/live/{live}/events")))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()[header::CONTENT_TYPE], "text/event-stream");
    let mut seen = String::new();
    until(&mut stream, &mut seen, "\n\n").await;
    assert!(seen.contains("event: state"), "{seen}");
    assert!(seen.contains(&format!("\"price\":{live_price},")), "{seen}");
    assert!(seen.contains("\"pinned\":null"), "{seen}");
    let first_id = seen
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .unwrap()
        .to_owned();

    // The pin reaches it without asking.
    let pinned = act(&app, &marketing, live, "pin", &[("product", &ids[0])]).await;
    assert_eq!(pinned.status(), StatusCode::SEE_OTHER);
    until(
        &mut stream,
        &mut seen,
        &format!("\"pinned\":\"{}\"", ids[0]),
    )
    .await;

    // The buyer puts it in the cart from the live and opens the checkout:
    // the live price.
    add_from_live(&app, &buyer, live, sku).await;
    let checkout_page = app.get(&buyer, "/checkout").await.text().await.unwrap();
    let live_price_text = etalase_domain::Money::idr(live_price).format(etalase_domain::Lang::Id);
    assert!(checkout_page.contains(&live_price_text), "{checkout_page}");

    // A new price reaches it too, and the checkout shows it at once.
    let lower = live_price - 1_000;
    act(
        &app,
        &marketing,
        live,
        "price",
        &[("sku", &sku_text), ("price", &lower.to_string())],
    )
    .await;
    until(&mut stream, &mut seen, &format!("\"price\":{lower},")).await;

    // Reconnecting with the first event's id gives what came after it.
    let mut again = viewer
        .get(app.url(&format!("/live/{live}/events")))
        .header("Last-Event-ID", &first_id)
        .send()
        .await
        .unwrap();
    let mut missed = String::new();
    until(&mut again, &mut missed, &format!("\"price\":{lower},")).await;
    assert!(
        missed.contains(&format!("\"pinned\":\"{}\"", ids[0])),
        "{missed}"
    );
    assert!(!missed.contains(&format!("id: {first_id}\n")), "{missed}");
    drop(again);

    // The page shows the pin at its live price.
    let page = app
        .get(&buyer, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-testid=\"pinned-price\">"), "{page}");

    // Bought from the live: the live price is what is charged, and the
    // order remembers the live.
    let checkout_page = app.get(&buyer, "/checkout").await.text().await.unwrap();
    let lower_text = etalase_domain::Money::idr(lower).format(etalase_domain::Lang::Id);
    assert!(checkout_page.contains(&lower_text), "{checkout_page}");
    checkout(&app, &buyer).await;
    let order = newest_order(&app).await;
    assert_eq!(order.source, Source::Live(live));
    assert_eq!(order.items_subtotal, lower);
    // Its viewers hear of it: the stock left, and a purchase.
    until(&mut stream, &mut seen, "event: purchase").await;

    // The console counts it.
    etalase_services::attribution::flush(&app.services)
        .await
        .unwrap();
    let stats: serde_json::Value = marketing
        .get(app.url(&format!("/seller/live/{live}/stats")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["orders"], 1, "{stats}");
    assert_eq!(stats["gmv"], lower, "{stats}");
    assert_eq!(stats["add_to_carts"], 1, "{stats}");
    assert!(stats["viewers"].as_i64().unwrap() >= 1, "{stats}");

    // A flash deal: its quota cannot pass the SKU's stock; one unit at the
    // deal's price, and once sold the live price holds again.
    let over = act(
        &app,
        &marketing,
        live,
        "deal",
        &[
            ("sku", &sku_text),
            ("price", &(lower - 2_000).to_string()),
            ("quota", "100000"),
            ("minutes", "5"),
        ],
    )
    .await;
    assert_eq!(over.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let deal_price = lower - 2_000;
    let started = act(
        &app,
        &marketing,
        live,
        "deal",
        &[
            ("sku", &sku_text),
            ("price", &deal_price.to_string()),
            ("quota", "1"),
            ("minutes", "5"),
        ],
    )
    .await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    until(&mut stream, &mut seen, &format!("\"price\":{deal_price},")).await;
    add_from_live(&app, &buyer, live, sku).await;
    checkout(&app, &buyer).await;
    assert_eq!(newest_order(&app).await.items_subtotal, deal_price);
    let deals = etalase_store::lives::prices::flash_deals_of(&app.services.store, live)
        .await
        .unwrap();
    assert_eq!((deals[0].sold, deals[0].deal.quota), (1, 1));
    add_from_live(&app, &buyer, live, sku).await;
    let checkout_page = app.get(&buyer, "/checkout").await.text().await.unwrap();
    assert!(
        checkout_page.contains(&lower_text),
        "the live price again: {checkout_page}"
    );

    // Ended: the live's prices no longer hold for anyone.
    let ended = act(&app, &marketing, live, "end", &[]).await;
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    until(&mut stream, &mut seen, "\"state\":\"ended\"").await;
    let checkout_page = app.get(&buyer, "/checkout").await.text().await.unwrap();
    assert!(!checkout_page.contains(&lower_text), "{checkout_page}");
    let offers = etalase_store::lives::prices::offers_of_skus(
        &app.services.store,
        &[sku],
        app.services.now(),
    )
    .await
    .unwrap();
    // (The demo's own live, still on air, may price the same SKU.)
    assert!(
        !offers.iter().any(|o| matches!(
            o.offer.kind,
            etalase_domain::pricing::OfferKind::Live { live: l } if l == live
        )),
        "{offers:?}"
    );
}

async fn a_product_taken_out_of_a_live_loses_its_pin_and_live_prices(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    // The demo's live: on air, its first product pinned at a live price.
    let demo_live = etalase_store::lives::lives_of(&app.services.store, seller)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.state.is_on())
        .unwrap();
    let live = demo_live.id;
    assert_eq!(
        demo_live.pin.map(|p| p.product),
        Some(demo_live.products[0])
    );
    assert!(
        !etalase_store::lives::prices::prices_of(&app.services.store, live)
            .await
            .unwrap()
            .is_empty()
    );
    let mut stream = app
        .browser()
        .get(app.url(&format!("/live/{live}/events")))
        .send()
        .await
        .unwrap();
    let mut seen = String::new();
    until(&mut stream, &mut seen, "event: state").await;

    let marketing = app.demo_member("marketing@etalase.test").await;
    let kept: Vec<String> = demo_live.products[1..]
        .iter()
        .map(ToString::to_string)
        .collect();
    // None featured: refused, nothing changed.
    let refused = act(
        &app,
        &marketing,
        live,
        "plan",
        &[("title", "Live batik Solo malam ini")],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields: Vec<(&str, &str)> = vec![("title", "Live batik Solo malam ini")];
    fields.extend(kept.iter().map(|p| ("product", p.as_str())));
    let saved = act(&app, &marketing, live, "plan", &fields).await;
    assert_eq!(
        saved.status(),
        StatusCode::SEE_OTHER,
        "{}",
        saved.text().await.unwrap()
    );

    let after = etalase_store::lives::live_of(&app.services.store, seller, live)
        .await
        .unwrap();
    assert_eq!(after.title, "Live batik Solo malam ini");
    assert_eq!(after.products, demo_live.products[1..].to_vec());
    assert_eq!(after.pin, None);
    assert!(
        etalase_store::lives::prices::prices_of(&app.services.store, live)
            .await
            .unwrap()
            .is_empty()
    );
    until(&mut stream, &mut seen, "\"pinned\":null").await;
}

/// A live left on air past its limit (a seller whose app died) is ended by
/// the workers' sweep, once; before the limit it stays on.
async fn a_live_left_on_air_past_its_limit_is_ended_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    let on_air = |app: &TestApp| {
        let store = app.services.store.clone();
        async move {
            etalase_store::lives::lives_of(&store, seller)
                .await
                .unwrap()
                .into_iter()
                .filter(|l| l.state.is_on())
                .map(|l| l.id)
                .collect::<Vec<LiveId>>()
        }
    };
    let live = on_air(&app).await[0];
    let end_overdue = etalase_services::content::live::end_overdue;
    assert_eq!(end_overdue(&app.services).await.unwrap(), 0);
    app.clock
        .advance_secs(etalase_domain::content::live::MAX_LIVE_HOURS * 3600 - 60);
    assert_eq!(
        end_overdue(&app.services).await.unwrap(),
        0,
        "a minute before the limit it stays on"
    );
    assert!(on_air(&app).await.contains(&live));
    app.clock.advance_secs(120);
    assert!(end_overdue(&app.services).await.unwrap() >= 1);
    assert!(on_air(&app).await.is_empty());
    let ended = etalase_store::lives::live_of(&app.services.store, seller, live)
        .await
        .unwrap();
    assert_eq!(ended.pin, None);
    assert!(ended.ended_at.is_some());
    assert_eq!(end_overdue(&app.services).await.unwrap(), 0, "ended once");
}

on_both_backends!(
    a_live_left_on_air_past_its_limit_is_ended_once,
    a_product_taken_out_of_a_live_loses_its_pin_and_live_prices,
    a_live_sells_at_its_live_price_and_viewers_see_every_change,
);

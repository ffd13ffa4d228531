//! Buyer–seller chat through the pages on both backends: a buyer asks from a
//! product page, the shop's operations member answers in Seller Center, the
//! seller card shows the response rate; strangers and the roles that do not
//! work in chat are kept out; bad messages are refused in Indonesian with
//! nothing written; the demo's chat shows its rate.

mod common;

use common::{TestApp, location};
use etalase_services::ServiceConfig;
use etalase_services::fulfilment::tracking::CourierConfig;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::Value;

async fn text(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let r = app.get(client, path).await;
    (r.status(), r.text().await.unwrap())
}

/// The demo shop in the public API.
async fn shop_api(app: &TestApp) -> Value {
    let found = reqwest::get(app.url("/api/v1/shop/shops/shop"))
        .await
        .unwrap();
    assert_eq!(found.status(), StatusCode::OK);
    found.json().await.unwrap()
}

/// The first product page the demo shop's page links to, and its id.
async fn a_product_page(app: &TestApp) -> (String, String) {
    let (_, shop) = text(app, &app.browser(), "/s/shop").await;
    let at = shop.find("href=\"/p/").expect("a product card") + 6;
    let path = shop[at..at + shop[at..].find('"').unwrap()].to_owned();
    let id = path[path.rfind("prd_").expect("the product's id")..].to_owned();
    (path, id)
}

async fn a_buyer_asks_from_a_product_page_and_the_team_answers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.demo_shop().await;
    let (product_path, product) = a_product_page(&app).await;

    // Anyone sees the button; nothing is counted yet, so no rate.
    let (status, page) = text(&app, &app.browser(), &product_path).await;
    assert_eq!(status, StatusCode::OK);
    let ask = format!("/chat/new?shop=shop&product={product}");
    assert!(
        page.contains(&format!(
            "href=\"/chat/new?shop=shop&amp;product={product}\""
        )),
        "{page}"
    );
    assert!(!page.contains("data-testid=\"seller-response\""));
    assert_eq!(shop_api(&app).await["chat_response_rate"], Value::Null);
    // A guest is asked to sign in first, and comes back.
    let guest = app.get(&app.browser(), &ask).await;
    assert_eq!(guest.status(), StatusCode::SEE_OTHER);
    assert!(location(&guest).starts_with("/signin?next="));

    let buyer = app.demo_member("pembeli@etalase.test").await;
    let (status, page) = text(&app, &buyer, &ask).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-testid=\"chat-asked-about\""), "{page}");

    // An empty message: the page again with the reason, nothing begun.
    let empty = app
        .submit(
            &buyer,
            &ask,
            "/chat/new",
            &[("shop", "shop"), ("product", &product), ("body", "  ")],
        )
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().await.unwrap().contains("Tulis pesannya dulu."));
    let (_, inbox) = text(&app, &buyer, "/chat").await;
    assert!(inbox.contains("data-testid=\"chat-empty\""), "{inbox}");

    let sent = app
        .submit(
            &buyer,
            &ask,
            "/chat/new",
            &[
                ("shop", "shop"),
                ("product", &product),
                ("body", "Masih ada kak? <b>Ukuran M</b>"),
            ],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let thread = location(&sent).trim_end_matches("#latest").to_owned();
    assert!(thread.starts_with("/chat/cnv_"), "{thread}");
    let (status, page) = text(&app, &buyer, &thread).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Masih ada kak? &#60;b&#62;Ukuran M&#60;/b&#62;"),
        "escaped: {page}"
    );
    assert!(
        page.contains("data-testid=\"chat-product\""),
        "the product card"
    );
    // Asking the shop again goes on in the same conversation.
    let again = app.get(&buyer, &ask).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&again), format!("{thread}?product={product}"));

    // Another buyer does not find it.
    let other = app.buyer("lain@contoh.id").await;
    assert_eq!(
        app.get(&other, &thread).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&other, "/chat/bukan-id").await.status(),
        StatusCode::NOT_FOUND
    );

    // Operations sees it waiting; marketing does not work in chat.
    let seller_thread = format!("/seller{thread}");
    let operations = app.demo_member("operasional@etalase.test").await;
    let (status, page) = text(&app, &operations, "/seller/chat").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-unread=\"1\""), "{page}");
    assert!(page.contains("Tingkat balas chat belum ada"));
    let marketing = app.demo_member("marketing@etalase.test").await;
    assert_eq!(
        app.get(&marketing, "/seller/chat").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&marketing, &seller_thread).await.status(),
        StatusCode::FORBIDDEN
    );
    let token = app.csrf(&marketing, "/seller").await;
    let refused = marketing
        .post(app.url(&seller_thread))
        .form(&[("_csrf", token.as_str()), ("body", "Halo")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // A reply too long is refused; then operations answers.
    let long = "a".repeat(1001);
    let bad = app
        .submit(
            &operations,
            &seller_thread,
            &seller_thread,
            &[("body", &long)],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("Pesan paling panjang 1.000 karakter.")
    );
    let replied = app
        .submit(
            &operations,
            &seller_thread,
            &seller_thread,
            &[("body", "Ready kak, silakan diorder")],
        )
        .await;
    assert_eq!(replied.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&replied), format!("{seller_thread}#latest"));
    let (_, page) = text(&app, &operations, "/seller/chat").await;
    assert!(
        page.contains("data-testid=\"chat-rate-value\">100%"),
        "{page}"
    );
    assert!(page.contains("data-unread=\"0\""));

    // The seller card and the shop's page say so.
    let (_, page) = text(&app, &app.browser(), &product_path).await;
    assert!(page.contains("Chat dibalas 100%"), "{page}");
    let (_, page) = text(&app, &app.browser(), "/s/shop").await;
    assert!(page.contains("data-testid=\"shop-response\">Chat dibalas 100%"));
    assert_eq!(shop_api(&app).await["chat_response_rate"], 100);

    // The buyer finds the answer unread, then reads it.
    let (_, inbox) = text(&app, &buyer, "/chat").await;
    assert!(inbox.contains("data-unread=\"1\""), "{inbox}");
    let (_, page) = text(&app, &buyer, &thread).await;
    assert!(page.contains("Ready kak, silakan diorder"));
    let (_, inbox) = text(&app, &buyer, "/chat").await;
    assert!(inbox.contains("data-unread=\"0\""));

    // Twenty messages a minute at most: a script flooding the shop is
    // refused, and what it sent past the limit is not written.
    let token = app.csrf(&buyer, &thread).await;
    let mut answers = Vec::new();
    for n in 0..20 {
        let body = format!("Pesan {n}");
        let sent = buyer
            .post(app.url(&thread))
            .form(&[("_csrf", token.as_str()), ("body", body.as_str())])
            .send()
            .await
            .unwrap();
        answers.push(sent.status());
    }
    let first_refused = answers
        .iter()
        .position(|s| *s == StatusCode::TOO_MANY_REQUESTS)
        .expect("refused within the minute");
    assert!(
        answers[..first_refused]
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER)
    );
    let refused = buyer
        .post(app.url(&thread))
        .form(&[("_csrf", token.as_str()), ("body", "Lagi")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Terlalu banyak pesan")
    );
    let (_, page) = text(&app, &buyer, &thread).await;
    assert!(!page.contains(">Lagi<"), "nothing written past the limit");

    // The shop's owner does not ask the shop as a buyer.
    let owner = app.demo_member("pemilik@etalase.test").await;
    let (status, page) = text(&app, &owner, "/chat/new?shop=shop").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Ini toko Anda sendiri"), "{page}");
    // A shop that does not exist, a product of no shop: not found.
    assert_eq!(
        app.get(&buyer, "/chat/new?shop=tidak-ada").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(
            &buyer,
            "/chat/new?shop=shop&product=prd_01jdqzzzzzzzzzzzzzzzzzzzzz"
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
}

async fn the_demo_chat_shows_its_response_rate(backend: Backend) {
    let app = TestApp::spawn_with_services(backend, |base| ServiceConfig {
        public_url: base.into(),
        couriers: CourierConfig::generated(),
        ..ServiceConfig::default()
    })
    .await;
    app.demo_shop().await;
    etalase_services::demo::load_for_visitors(&app.services)
        .await
        .unwrap();
    // Loading it again changes nothing.
    etalase_services::demo::load_for_visitors(&app.services)
        .await
        .unwrap();
    let (product_path, _) = a_product_page(&app).await;
    let (_, page) = text(&app, &app.browser(), &product_path).await;
    assert!(page.contains("Chat dibalas 67%"), "{page}");
    let operations = app.demo_member("operasional@etalase.test").await;
    let (_, page) = text(&app, &operations, "/seller/chat").await;
    assert!(
        page.contains("data-testid=\"chat-rate-value\">67%"),
        "{page}"
    );
    assert_eq!(page.matches("data-testid=\"chat-row\"").count(), 1);
    assert!(page.contains("data-unread=\"2\""), "two messages wait");
}

on_both_backends!(
    a_buyer_asks_from_a_product_page_and_the_team_answers,
    the_demo_chat_shows_its_response_rate,
);

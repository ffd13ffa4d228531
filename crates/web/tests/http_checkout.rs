//! Buying over HTTP on both backends, on the demo shops: a guest fills a
//! cart from a product page, signs up and keeps it, adds an address (bad
//! input answered field by field), confirms the checkout summary and gets
//! orders charged exactly the shown total; the same form twice places
//! nothing more; a price changed after the summary was shown is shown again
//! and nothing is placed; another buyer cannot open the order.

mod common;

use common::{PASSWORD, TestApp, location, value_of};
use etalase_services::sync;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{Client, StatusCode};

async fn demo(app: &TestApp) {
    etalase_services::demo::load(&app.services).await.unwrap();
    sync::catch_up(&app.services).await.unwrap();
}

async fn body(app: &TestApp, client: &Client, path: &str) -> (StatusCode, String) {
    let r = app.get(client, path).await;
    (r.status(), r.text().await.unwrap())
}

/// The address of the first product card whose text has `title`.
fn product_href(home: &str, title: &str) -> String {
    let at = home.find(title).expect("product on the home page");
    let start = home[..at].rfind("href=\"/p/").unwrap() + 6;
    let end = start + home[start..].find('"').unwrap();
    home[start..end].to_owned()
}

/// The first SKU the buy box offers.
fn first_sku(page: &str) -> String {
    let at = page.find("data-testid=\"buy-box\"").expect("a buy box");
    let rest = &page[at..];
    let start = rest.find("value=\"sku_").unwrap() + 7;
    rest[start..start + rest[start..].find('"').unwrap()].to_owned()
}

async fn post(
    app: &TestApp,
    client: &Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.submit(client, page, action, fields).await
}

/// The hidden fields of the checkout form, then `extra`.
async fn checkout_fields(app: &TestApp, client: &Client) -> (String, Vec<(String, String)>) {
    let (status, page) = body(app, client, "/checkout").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut fields = Vec::new();
    for name in ["token", "version", "shown_total"] {
        let value = value_of(&page, &format!("name=\"{name}\"")).unwrap();
        fields.push((name.to_owned(), value));
    }
    (page, fields)
}

async fn place(app: &TestApp, client: &Client, fields: &[(String, String)]) -> reqwest::Response {
    // Any page carries the visitor's token (the cart may be empty by now).
    let token = app.csrf(client, "/cart").await;
    let mut form: Vec<(&str, &str)> = vec![("_csrf", &token), ("action", "place")];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    client
        .post(app.url("/checkout"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn a_guest_cart_becomes_an_order_at_the_shown_total(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    demo(&app).await;
    let guest = app.browser();
    let (_, home) = body(&app, &guest, "/").await;
    let href = product_href(&home, "Kaos Polos");
    let (status, page) = body(&app, &guest, &href).await;
    assert_eq!(status, StatusCode::OK);
    let sku = first_sku(&page);
    let added = post(
        &app,
        &guest,
        &href,
        "/cart/add",
        &[("sku", &sku), ("quantity", "2"), ("source", "search")],
    )
    .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&added), "/cart?notice=cart_added");
    let (_, cart) = body(&app, &guest, "/cart").await;
    assert!(cart.contains("data-testid=\"cart-line\""), "{cart}");
    // Bad quantities are answered with a message, never a 500.
    let bad = post(
        &app,
        &guest,
        "/cart",
        "/cart/update",
        &[("sku", &sku), ("quantity", "0"), ("selected", "1")],
    )
    .await;
    assert_eq!(location(&bad), "/cart?error=quantity_out_of_range");
    let (_, cart) = body(&app, &guest, "/cart?error=quantity_out_of_range").await;
    assert!(cart.contains("Jumlah harus 1 sampai 999"), "{cart}");
    // Checkout needs a buyer: the guest signs up and keeps the cart.
    let to_checkout = app.get(&guest, "/checkout").await;
    assert!(location(&to_checkout).starts_with("/signin?next="));
    let signed_up = post(
        &app,
        &guest,
        "/signup",
        "/signup",
        &[
            ("name", "Rina"),
            ("email", "rina@contoh.id"),
            ("password", PASSWORD),
            ("password_confirmation", PASSWORD),
        ],
    )
    .await;
    assert_eq!(signed_up.status(), StatusCode::SEE_OTHER);
    let (_, cart) = body(&app, &guest, "/cart").await;
    assert!(
        cart.contains("data-testid=\"cart-line\""),
        "the guest's cart was kept"
    );

    // No address yet: the summary says so.
    let (_, page) = body(&app, &guest, "/checkout").await;
    assert!(
        page.contains("Pilih atau tambahkan alamat pengiriman"),
        "{page}"
    );
    // A bad address is answered field by field; nothing is saved.
    let refused = post(
        &app,
        &guest,
        "/account/addresses",
        "/account/addresses",
        &[
            ("recipient", "R"),
            ("phone", "123"),
            ("street", "Jl."),
            ("district_code", "999999"),
            ("postal_code", "1"),
            ("next", "/checkout"),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text().await.unwrap();
    assert!(text.contains("Masukkan nomor telepon Indonesia"), "{text}");
    let saved = post(
        &app,
        &guest,
        "/account/addresses",
        "/account/addresses",
        &[
            ("label", "Rumah"),
            ("recipient", "Rina Wati"),
            ("phone", "0812 1111 3333"),
            ("street", "Jl. Kamal Raya No. 5, RT 01/RW 04"),
            ("district_code", "317301"),
            ("postal_code", "11730"),
            ("next", "/checkout"),
        ],
    )
    .await;
    assert_eq!(location(&saved), "/checkout?notice=address_saved");

    let (page, fields) = checkout_fields(&app, &guest).await;
    assert!(page.contains("data-testid=\"shipping-select\""), "{page}");
    let shown: i64 = fields
        .iter()
        .find(|(k, _)| k == "shown_total")
        .unwrap()
        .1
        .parse()
        .unwrap();
    let placed = place(&app, &guest, &fields).await;
    assert_eq!(
        placed.status(),
        StatusCode::SEE_OTHER,
        "{}",
        placed.text().await.unwrap()
    );
    let pay = location(&placed);
    assert!(
        pay.starts_with("/checkout/chk_") && pay.ends_with("/pay"),
        "{pay}"
    );
    // The same form again: the same checkout, nothing more placed.
    let again = place(&app, &guest, &fields).await;
    assert_eq!(location(&again), pay);
    let (_, orders) = body(&app, &guest, "/orders").await;
    assert_eq!(
        orders.matches("data-testid=\"order-row\"").count(),
        1,
        "{orders}"
    );
    assert!(orders.contains("data-status=\"awaiting_payment\""));
    let at = orders.find("href=\"/orders/ord_").unwrap() + 6;
    let order_path = orders[at..at + orders[at..].find('"').unwrap()].to_owned();
    let (status, detail) = body(&app, &guest, &order_path).await;
    assert_eq!(status, StatusCode::OK);
    let total = value_of(&detail, "data-testid=\"order-total\"");
    assert!(total.is_none(), "the total is text, not a field");
    assert!(
        detail.contains(&rupiah(shown)),
        "charged exactly the shown total: {detail}"
    );
    assert!(
        detail.contains("pencarian"),
        "the line remembers its source"
    );
    // Another buyer cannot open it.
    let other = app.buyer("lain@contoh.id").await;
    assert_eq!(
        app.get(&other, &order_path).await.status(),
        StatusCode::NOT_FOUND
    );
}

fn rupiah(amount: i64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    format!("Rp{out}")
}

async fn a_price_changed_after_the_summary_is_shown_again_and_nothing_is_placed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    demo(&app).await;
    let buyer = app.buyer("budi@contoh.id").await;
    let (_, home) = body(&app, &buyer, "/").await;
    let href = product_href(&home, "Batik Sari Kemeja");
    let (_, page) = body(&app, &buyer, &href).await;
    let sku = first_sku(&page);
    post(
        &app,
        &buyer,
        &href,
        "/cart/add",
        &[("sku", &sku), ("quantity", "1")],
    )
    .await;
    post(
        &app,
        &buyer,
        "/account/addresses",
        "/account/addresses",
        &[
            ("recipient", "Budi Santoso"),
            ("phone", "0813 2222 4444"),
            ("street", "Jl. Kamal Raya No. 9, RT 02/RW 04"),
            ("district_code", "317301"),
            ("postal_code", "11730"),
        ],
    )
    .await;
    let (_, fields) = checkout_fields(&app, &buyer).await;
    // The seller raises the price while the buyer looks at the summary.
    let id: etalase_domain::id::SkuId = sku.parse().unwrap();
    let found = etalase_store::catalog::skus_by_ids(&app.services.store, &[id])
        .await
        .unwrap();
    let (seller, stored) = &found[0];
    let mut tx = app.services.store.write().await.unwrap();
    etalase_store::catalog::set_sku_price(
        &mut tx,
        *seller,
        id,
        stored.price.unwrap() + 50_000,
        app.services.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let response = place(&app, &buyer, &fields).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let text = response.text().await.unwrap();
    assert!(text.contains("data-testid=\"quote-changed\""), "{text}");
    assert!(text.contains("Pesanan belum dibuat"), "{text}");
    let (_, orders) = body(&app, &buyer, "/orders").await;
    assert!(
        orders.contains("data-testid=\"orders-empty\""),
        "nothing placed"
    );
    // A forged version is no confirmation either.
    let (_, mut fields) = checkout_fields(&app, &buyer).await;
    for (k, v) in &mut fields {
        if k == "version" {
            *v = "000000000000".into();
        }
    }
    assert_eq!(
        place(&app, &buyer, &fields).await.status(),
        StatusCode::CONFLICT
    );
    // Confirming the new summary places it.
    let (_, fields) = checkout_fields(&app, &buyer).await;
    let placed = place(&app, &buyer, &fields).await;
    assert_eq!(placed.status(), StatusCode::SEE_OTHER);
}

/// A buyer's API session token.
async fn api_token(app: &TestApp, email: &str) -> String {
    app.buyer(email).await;
    let r = Client::new()
        .post(app.url("/api/v1/buyer/sessions"))
        .json(&serde_json::json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn api(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: serde_json::Value,
    key: Option<&str>,
) -> (StatusCode, serde_json::Value, bool) {
    let client = Client::new();
    let mut request = match method {
        "GET" => client.get(app.url(path)),
        "PUT" => client.put(app.url(path)),
        _ => client.post(app.url(path)),
    }
    .bearer_auth(token);
    if method != "GET" {
        request = request.json(&body);
    }
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let r = request.send().await.unwrap();
    let status = r.status();
    let replayed = r.headers().contains_key("idempotent-replayed");
    let json = r.json().await.unwrap_or(serde_json::Value::Null);
    (status, json, replayed)
}

/// One unit of `sku` into the buyer's cart, from the feed.
async fn add_one(app: &TestApp, token: &str, sku: &str) {
    let (status, added, _) = api(
        app,
        "POST",
        "/api/v1/buyer/cart/lines",
        token,
        serde_json::json!({ "sku_id": sku, "quantity": 1, "source": "feed" }),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
}

async fn the_buyer_api_places_orders_once_per_idempotency_key(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    demo(&app).await;
    let token = api_token(&app, "api@contoh.id").await;
    // No token, no cart.
    let r = Client::new()
        .get(app.url("/api/v1/buyer/cart"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (status, problem, _) = api(
        &app,
        "POST",
        "/api/v1/buyer/addresses",
        &token,
        serde_json::json!({ "recipient": "A", "phone": "1" }),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, _, _) = api(&app, "POST", "/api/v1/buyer/addresses", &token, serde_json::json!({
        "recipient": "Sari Dewi", "phone": "0812-5555-6666", "street": "Jl. Kamal Raya No. 7, RT 03/RW 04",
        "district_code": "317301", "postal_code": "11730"
    }), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, home) = body(&app, &app.browser(), "/").await;
    let (_, page) = body(&app, &app.browser(), &product_href(&home, "Kaos Polos")).await;
    let sku = first_sku(&page);
    add_one(&app, &token, &sku).await;
    let (status, summary, _) = api(
        &app,
        "POST",
        "/api/v1/buyer/checkout/summary",
        &token,
        serde_json::json!({}),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert!(
        summary["problems"].as_array().unwrap().is_empty(),
        "{summary}"
    );
    let version = summary["version"].as_str().unwrap().to_owned();
    let total = summary["total"].as_i64().unwrap();
    // A stale version: 409 with the summary to confirm, nothing placed.
    let (status, changed, _) = api(
        &app,
        "POST",
        "/api/v1/buyer/orders",
        &token,
        serde_json::json!({ "version": "stale" }),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(changed["code"], "quote_changed");
    assert_eq!(changed["summary"]["version"], version.as_str());
    let place = serde_json::json!({ "version": version });
    let (status, first, replayed) = api(
        &app,
        "POST",
        "/api/v1/buyer/orders",
        &token,
        place.clone(),
        Some("pesan-1"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert!(!replayed);
    assert_eq!(
        first["total"].as_i64(),
        Some(total),
        "charged the confirmed total"
    );
    assert!(first["pay_url"].as_str().unwrap().ends_with("/pay"));
    let (status, again, replayed) = api(
        &app,
        "POST",
        "/api/v1/buyer/orders",
        &token,
        place.clone(),
        Some("pesan-1"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(replayed);
    assert_eq!(again["checkout_id"], first["checkout_id"]);
    let (status, _, _) = api(
        &app,
        "POST",
        "/api/v1/buyer/orders",
        &token,
        serde_json::json!({ "version": "lain" }),
        Some("pesan-1"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another payload under the same key"
    );
    let (_, list, _) = api(
        &app,
        "GET",
        "/api/v1/buyer/orders",
        &token,
        serde_json::Value::Null,
        None,
    )
    .await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "placed once: {list}"
    );
    let order_id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, detail, _) = api(
        &app,
        "GET",
        &format!("/api/v1/buyer/orders/{order_id}"),
        &token,
        serde_json::Value::Null,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["lines"][0]["source"], "feed");
    let stranger = api_token(&app, "orang@contoh.id").await;
    let (status, _, _) = api(
        &app,
        "GET",
        &format!("/api/v1/buyer/orders/{order_id}"),
        &stranger,
        serde_json::Value::Null,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Requests racing with one key place one checkout: the others hear
    // that it runs (409) or get its answer.
    add_one(&app, &token, &sku).await;
    // A refusal (a version that is not the summary's) is kept under its
    // key and replayed.
    let stale = serde_json::json!({ "version": "basi" });
    for replay in [false, true] {
        let (status, changed, replayed) = api(
            &app,
            "POST",
            "/api/v1/buyer/orders",
            &token,
            stale.clone(),
            Some("pesan-basi"),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{changed}");
        assert_eq!(changed["code"], "quote_changed");
        assert_eq!(replayed, replay);
    }

    let (_, summary, _) = api(
        &app,
        "POST",
        "/api/v1/buyer/checkout/summary",
        &token,
        serde_json::json!({}),
        None,
    )
    .await;
    let place = serde_json::json!({ "version": summary["version"] });
    let racing = (0..6).map(|_| {
        api(
            &app,
            "POST",
            "/api/v1/buyer/orders",
            &token,
            place.clone(),
            Some("pesan-serentak"),
        )
    });
    let answers = futures_util::future::join_all(racing).await;
    let firsts: Vec<_> = answers
        .iter()
        .filter(|(status, _, replayed)| *status == StatusCode::CREATED && !replayed)
        .collect();
    assert_eq!(firsts.len(), 1, "{answers:?}");
    let checkout = &firsts[0].1["checkout_id"];
    for (status, body, replayed) in &answers {
        match *status {
            StatusCode::CREATED => assert_eq!(&body["checkout_id"], checkout),
            StatusCode::CONFLICT => {
                assert!(!replayed);
                assert_eq!(body["code"], "idempotency_in_progress", "{body}");
            }
            other => panic!("{other}: {body}"),
        }
    }
    let (_, list, _) = api(
        &app,
        "GET",
        "/api/v1/buyer/orders",
        &token,
        serde_json::Value::Null,
        None,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");
}

on_both_backends!(
    a_guest_cart_becomes_an_order_at_the_shown_total,
    a_price_changed_after_the_summary_is_shown_again_and_nothing_is_placed,
    the_buyer_api_places_orders_once_per_idempotency_key,
);

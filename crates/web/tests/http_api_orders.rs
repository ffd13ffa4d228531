//! The orders API over HTTP on both backends, on the demo shop: an
//! integrator lists the shop's orders with Seller Center's filters and
//! search, pages with a cursor, and reconciles with `updated_since` (orders
//! sharing one instant paged without loss, a changed order seen again);
//! ships an order with its own courier or through platform logistics and
//! cancels one, each once per `Idempotency-Key`; prints the label; and
//! reaches neither another shop's orders nor what its scopes do not allow.

mod common;

use std::collections::HashSet;

use common::TestApp;
use common::orders::*;
use etalase_domain::Timestamp;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::id::OrderId;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

const OWNER: &str = "pemilik@etalase.test";

/// The demo shop with its owner's API key of `scopes`.
async fn demo_key(app: &TestApp, scopes: &[&str]) -> String {
    let owner = app.demo_member(OWNER).await;
    app.api_key(&owner, scopes).await
}

async fn get(app: &TestApp, path: &str, key: &str) -> Response {
    Client::new()
        .get(app.url(path))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
}

async fn post(
    app: &TestApp,
    path: &str,
    key: &str,
    idempotency: Option<&str>,
    body: &Value,
) -> Response {
    let mut request = Client::new()
        .post(app.url(path))
        .bearer_auth(key)
        .json(body);
    if let Some(k) = idempotency {
        request = request.header("Idempotency-Key", k);
    }
    request.send().await.unwrap()
}

async fn ok(response: Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// A problem document's status and code, and the field it names (if any).
async fn problem(response: Response) -> (StatusCode, String, Option<String>) {
    let status = response.status();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "{status}"
    );
    let body: Value = response.json().await.unwrap();
    let field = body["errors"][0]["field"].as_str().map(str::to_owned);
    (status, body["code"].as_str().unwrap().to_owned(), field)
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every order `path` lists from `start` on, page by page with the
/// cursors it gives.
async fn all_pages(app: &TestApp, path: &str, key: &str, start: Option<String>) -> Vec<String> {
    let mut seen = Vec::new();
    let mut next = start;
    for _ in 0..50 {
        let url = match &next {
            Some(cursor) => format!("{path}&cursor={cursor}"),
            None => path.to_owned(),
        };
        let page = ok(get(app, &url, key).await).await;
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                assert_eq!(page["has_more"], true);
                next = Some(cursor.to_owned());
            }
            None => return seen,
        }
    }
    panic!("the pages never end: {seen:?}");
}

async fn the_list_filters_searches_and_pages_the_shops_orders(backend: Backend) {
    let app = spawn(backend).await;
    let svc = &app.services;
    let shop = app.demo_shop().await;
    let key = demo_key(&app, &["orders:read"]).await;
    let buyer = user(svc, BUYER).await;
    let first_day = app.services.now().wib_date();
    // Three of the demo's orders share one instant (its fourth, the order
    // the shop forgot, was placed three days before); so do b and c, later.
    app.clock.advance_secs(60);
    let a = buy_cod(svc, buyer, sku(svc, shop, "BTK-CS-XL").await).await;
    app.clock.advance_secs(60);
    let b = buy_cod(svc, buyer, sku(svc, shop, "BTK-BI-M").await).await;
    let c = buy_cod(svc, buyer, sku(svc, shop, "BTK-BI-M").await).await;

    let all = ok(get(&app, "/api/v1/orders", &key).await).await;
    assert_eq!(all["next_cursor"], Value::Null);
    assert_eq!(all["has_more"], false);
    let listed = ids(&all);
    assert_eq!(listed.len(), 7, "{all}");
    let (b, c) = (b.to_string(), c.to_string());
    let newest = if b > c { [&b, &c] } else { [&c, &b] };
    assert_eq!(
        [&listed[0], &listed[1], &listed[2]],
        [newest[0], newest[1], &a.to_string()],
        "newest first, ties by id"
    );
    let first = &all["items"][2];
    assert_eq!(first["status"], "awaiting_shipment");
    assert_eq!(first["payment_method"], "cod");
    let money = |k: &str| first[k].as_i64().unwrap();
    assert!(money("total") > 0);
    assert_eq!(
        money("total"),
        money("items_subtotal") - money("discount") + money("shipping")
            - money("shipping_discount")
    );
    assert!(first["placed_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(first["updated_at"], first["placed_at"]);
    assert!(first["ship_by"].is_string(), "a ship-by deadline");
    assert!(first["courier"].is_string() && first["service"].is_string());
    assert_eq!(first["resi"], Value::Null);
    assert_eq!(first["lines"][0]["quantity"], 1);
    assert!(
        first["lines"][0]["variant"]
            .as_str()
            .unwrap()
            .contains("XL")
    );
    assert!(!first["lines"][0]["title"].as_str().unwrap().is_empty());
    assert!(
        first["lines"][0]["sku_id"]
            .as_str()
            .unwrap()
            .starts_with("sku_")
    );

    // By status (or a Seller Center tab), and by courier.
    let count = |page: Value| ids(&page).len();
    for (filter, n) in [
        ("status=to_ship", 5),
        ("status=awaiting_shipment", 5),
        ("status=awaiting_payment", 1),
        ("status=unpaid", 1),
        ("status=in_transit", 1),
        ("status=cancelled", 0),
        ("status=all", 7),
    ] {
        let page = ok(get(&app, &format!("/api/v1/orders?{filter}"), &key).await).await;
        assert_eq!(count(page), n, "{filter}");
    }
    let sent = ok(get(&app, "/api/v1/orders?status=in_transit", &key).await).await;
    let sent = &sent["items"][0];
    assert_eq!(
        (&sent["resi"], &sent["courier"], &sent["shipping_mode"]),
        (&json!("002600112233"), &json!("sicepat"), &json!("seller"))
    );
    let courier = first["courier"].as_str().unwrap().to_owned();
    let same = ok(get(&app, &format!("/api/v1/orders?courier={courier}"), &key).await).await;
    assert!(ids(&same).contains(&a.to_string()));
    let other = ["jne", "jnt", "sicepat", "anteraja", "pos"]
        .into_iter()
        .find(|c| *c != courier)
        .unwrap();
    let others = ok(get(&app, &format!("/api/v1/orders?courier={other}"), &key).await).await;
    assert!(!ids(&others).contains(&a.to_string()));

    // Searched as Seller Center searches: order id, resi, SKU code, buyer.
    for (q, n) in [
        (a.to_string(), 1),
        ("002600112233".to_owned(), 1),
        ("BTK-BI-M".to_owned(), 2),
        ("andi".to_owned(), 7),
        ("tidak-ada-yang-begini".to_owned(), 0),
    ] {
        let page = ok(get(&app, &format!("/api/v1/orders?q={q}"), &key).await).await;
        assert_eq!(count(page), n, "q={q}");
    }

    // By when they were placed: an instant, or a WIB date.
    let since_a = first["placed_at"].as_str().unwrap().replace('+', "%2B");
    let page = ok(get(&app, &format!("/api/v1/orders?placed_from={since_a}"), &key).await).await;
    assert_eq!(count(page), 3);
    let page = ok(get(
        &app,
        &format!("/api/v1/orders?placed_until={since_a}"),
        &key,
    )
    .await)
    .await;
    assert_eq!(count(page), 4, "until is exclusive: the demo's four");
    let today = app.services.now().wib_date();
    let before = first_day.previous_day().unwrap();
    let page = ok(get(
        &app,
        &format!("/api/v1/orders?placed_from={first_day}&placed_until={today}"),
        &key,
    )
    .await)
    .await;
    assert_eq!(count(page), 6, "a date counts whole");
    let page = ok(get(&app, &format!("/api/v1/orders?placed_until={before}"), &key).await).await;
    assert_eq!(count(page), 1, "only the order the demo shop forgot");

    // Paged with a cursor: every order once, in the same order, whatever
    // the page size — ties of one instant included.
    for limit in [1, 2, 4] {
        let paged = all_pages(&app, &format!("/api/v1/orders?limit={limit}"), &key, None).await;
        assert_eq!(paged, listed, "limit {limit}");
    }
    let paged = all_pages(&app, "/api/v1/orders?limit=1&status=to_ship", &key, None).await;
    assert_eq!(paged.len(), 5);
    assert_eq!(paged.iter().collect::<HashSet<_>>().len(), 5);

    // An order placed between two pages neither repeats nor pushes one out.
    let page = ok(get(&app, "/api/v1/orders?limit=2", &key).await).await;
    let mut seen = ids(&page);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    app.clock.advance_secs(60);
    let late = buy_cod(svc, buyer, sku(svc, shop, "BTK-BI-L").await).await;
    seen.extend(all_pages(&app, "/api/v1/orders?limit=2", &key, Some(cursor)).await);
    assert_eq!(seen, listed, "the rest as it was");
    let now = ok(get(&app, "/api/v1/orders?limit=1", &key).await).await;
    assert_eq!(ids(&now), [late.to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_orders_api_is_documented() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (path, method) in [
        ("/api/v1/orders", "get"),
        ("/api/v1/orders/{order_id}", "get"),
        ("/api/v1/orders/{order_id}/ship", "post"),
        ("/api/v1/orders/{order_id}/cancel", "post"),
        ("/api/v1/orders/{order_id}/label.pdf", "get"),
    ] {
        let operation = &doc["paths"][path][method];
        assert_eq!(operation["tags"], json!(["orders"]), "{path}");
        for status in ["200", "401", "403"] {
            assert!(
                operation["responses"][status].is_object(),
                "{path} {status}"
            );
        }
    }
    let page = &doc["paths"]["/api/v1/orders"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["$ref"];
    let page = page.as_str().unwrap().rsplit('/').next().unwrap();
    let fields = &doc["components"]["schemas"][page]["properties"];
    for field in ["items", "next_cursor", "has_more"] {
        assert!(fields[field].is_object(), "{page}.{field}");
    }
    let ship = &doc["paths"]["/api/v1/orders/{order_id}/ship"]["post"]["parameters"];
    let key = ship
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Idempotency-Key")
        .unwrap();
    assert_eq!(key["required"], true);
}

async fn reconciling_pages_one_instant_and_sees_changes_again(backend: Backend) {
    let app = spawn(backend).await;
    let svc = &app.services;
    let shop = app.demo_shop().await;
    let key = demo_key(&app, &["orders:read", "fulfillment:write"]).await;
    let buyer = user(svc, BUYER).await;
    let shirt = sku(svc, shop, "BTK-CS-XL").await;
    let mut placed = Vec::new();
    for _ in 0..4 {
        placed.push(buy_cod(svc, buyer, shirt).await);
    }
    // Eight orders (the demo's four and these) changed last at one instant
    // (the clock stands still).
    let instant = app.services.now();
    let since = Timestamp::from_unix_millis(instant.unix_millis() - 1000)
        .to_rfc3339()
        .replace('+', "%2B");
    let path = format!("/api/v1/orders?updated_since={since}&limit=2");

    // Changes are handed out once settled: a moment later, not at once.
    let fresh = ok(get(&app, &path, &key).await).await;
    assert_eq!(ids(&fresh), Vec::<String>::new());
    assert_eq!(fresh["has_more"], false);
    assert!(fresh["next_cursor"].is_string(), "a cursor to poll with");
    app.clock.advance_secs(60);

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("/api/v1/orders?cursor={c}&limit=2"),
            None => path.clone(),
        };
        let page = ok(get(&app, &url, &key).await).await;
        for item in page["items"].as_array().unwrap() {
            assert_eq!(item["updated_at"], json!(instant.to_rfc3339()));
        }
        seen.extend(ids(&page));
        cursor = Some(page["next_cursor"].as_str().unwrap().to_owned());
        if page["has_more"] == false {
            break;
        }
    }
    assert_eq!(seen.len(), 8, "{seen:?}");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "one instant: by id");
    for id in &placed {
        assert!(seen.contains(&id.to_string()));
    }
    let cursor = cursor.unwrap();
    let quiet = ok(get(&app, &format!("/api/v1/orders?cursor={cursor}"), &key).await).await;
    assert_eq!(ids(&quiet), Vec::<String>::new());

    // An order that changes comes again after the cursor, once settled.
    let changed = placed[0];
    let shipped = post(
        &app,
        &format!("/api/v1/orders/{changed}/ship"),
        &key,
        Some("kirim-rekonsiliasi"),
        &json!({"mode": "seller", "courier": "jnt", "resi": "JT5550001112"}),
    )
    .await;
    let shipped = ok(shipped).await;
    let quiet = ok(get(&app, &format!("/api/v1/orders?cursor={cursor}"), &key).await).await;
    assert_eq!(ids(&quiet), Vec::<String>::new(), "not settled yet");
    app.clock.advance_secs(60);
    let again = ok(get(&app, &format!("/api/v1/orders?cursor={cursor}"), &key).await).await;
    assert_eq!(ids(&again), [changed.to_string()]);
    assert_eq!(again["items"][0]["status"], "in_transit");
    assert_eq!(
        again["items"][0]["updated_at"],
        shipped["order"]["updated_at"]
    );
    assert_ne!(again["items"][0]["updated_at"], json!(instant.to_rfc3339()));
    // The list tells the same last change as the changes do.
    let detail = ok(get(&app, &format!("/api/v1/orders/{changed}"), &key).await).await;
    assert_eq!(detail["updated_at"], again["items"][0]["updated_at"]);
    let next = again["next_cursor"].as_str().unwrap();
    let after = ok(get(&app, &format!("/api/v1/orders?cursor={next}"), &key).await).await;
    assert_eq!(ids(&after), Vec::<String>::new());

    // Reconciling takes no filters, nor a list's cursor.
    let (status, code, field) = problem(
        get(
            &app,
            &format!("/api/v1/orders?updated_since={since}&status=to_ship"),
            &key,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str(), field.as_deref()),
        (StatusCode::BAD_REQUEST, "malformed_request", Some("status"))
    );
    let list = ok(get(&app, "/api/v1/orders?limit=1", &key).await).await;
    let list_cursor = list["next_cursor"].as_str().unwrap();
    let (status, _, field) = problem(
        get(
            &app,
            &format!("/api/v1/orders?updated_since={since}&cursor={list_cursor}"),
            &key,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::BAD_REQUEST, Some("cursor"))
    );
    let (status, _, field) =
        problem(get(&app, "/api/v1/orders?updated_since=kemarin", &key).await).await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::BAD_REQUEST, Some("updated_since"))
    );
}

/// The text of each page of a PDF.
fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(bytes).expect("a PDF");
    doc.get_pages()
        .keys()
        .map(|n| doc.extract_text(&[*n]).unwrap_or_default())
        .collect()
}

fn handed_over_lines(detail: &Value) -> usize {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "handed_over")
        .count()
}

async fn shipping_runs_once_per_key_and_the_label_follows(backend: Backend) {
    let app = spawn(backend).await;
    let svc = &app.services;
    let shop = app.demo_shop().await;
    let key = demo_key(&app, &["orders:read", "fulfillment:write"]).await;
    let buyer = user(svc, BUYER).await;
    let shirt = sku(svc, shop, "BTK-CS-XL").await;
    let a = buy_cod(svc, buyer, shirt).await;
    let b = buy_cod(svc, buyer, shirt).await;
    let c = buy_cod(svc, buyer, shirt).await;
    let ship = |id: OrderId| format!("/api/v1/orders/{id}/ship");
    let by_jnt = json!({"mode": "seller", "courier": "jnt", "resi": "jt 1234-567890"});

    // The seller's own courier, once per key.
    let first = post(&app, &ship(a), &key, Some("kirim-a"), &by_jnt).await;
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first = ok(first).await;
    assert_eq!(first["mode"], "seller");
    assert_eq!(first["courier"], "jnt");
    assert_eq!(first["resi"], "JT1234567890");
    assert_eq!(first["unusual_resi"], false);
    assert_eq!(first["order"]["status"], "in_transit");
    assert_eq!(first["order"]["resi"], "JT1234567890");
    let again = post(&app, &ship(a), &key, Some("kirim-a"), &by_jnt).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(ok(again).await, first, "the first answer again");
    let detail = ok(get(&app, &format!("/api/v1/orders/{a}"), &key).await).await;
    assert_eq!(handed_over_lines(&detail), 1, "shipped once");
    let other_body = json!({"mode": "seller", "courier": "jnt", "resi": "JT1234567891"});
    let (status, code, _) =
        problem(post(&app, &ship(a), &key, Some("kirim-a"), &other_body).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
    let (status, code, _) =
        problem(post(&app, &ship(a), &key, Some("kirim-a-2"), &other_body).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "order_not_shippable")
    );
    assert_eq!(order(svc, a).await.status, OrderStatus::InTransit);

    // A key is required; the seller's problems are named.
    let (status, code, field) = problem(post(&app, &ship(b), &key, None, &by_jnt).await).await;
    assert_eq!(
        (status, code.as_str(), field.as_deref()),
        (
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            Some("Idempotency-Key")
        )
    );
    let (status, code, _) =
        problem(post(&app, &ship(b), &key, Some("kirim-b-1"), &by_jnt).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "resi_taken")
    );
    for (body, status, code, field) in [
        (
            json!({"mode": "seller", "courier": "jnt", "resi": "JT 12"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "resi_invalid",
            "resi",
        ),
        (
            json!({"mode": "seller", "courier": "jnt"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "resi_required",
            "resi",
        ),
        (
            json!({"mode": "seller", "courier": "dhl", "resi": "JT1234567899"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "courier_required",
            "courier",
        ),
        (
            json!({"mode": "kapal"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "mode",
        ),
        (
            json!({"mode": "platform", "resi": "JT1234567899"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "resi",
        ),
    ] {
        let k = format!("kirim-b-{body}");
        let (s, c, f) = problem(post(&app, &ship(b), &key, Some(&k), &body).await).await;
        assert_eq!(
            (s, c.as_str(), f.as_deref()),
            (status, code, Some(field)),
            "{body}"
        );
    }
    let unusual = json!({"mode": "seller", "courier": "sicepat", "resi": "ABCDEFGH12"});
    let warned = ok(post(&app, &ship(b), &key, Some("kirim-b-2"), &unusual).await).await;
    assert_eq!(warned["unusual_resi"], true, "kept, with a warning");
    assert_eq!(warned["order"]["status"], "in_transit");

    // Platform logistics: the sandbox courier books it and issues the resi;
    // the label needs that resi.
    let label = format!("/api/v1/orders/{c}/label.pdf");
    let (status, code, _) = problem(get(&app, &label, &key).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "label_not_ready")
    );
    let platform = json!({"mode": "platform"});
    let arranged = ok(post(&app, &ship(c), &key, Some("atur-c"), &platform).await).await;
    let o = order(svc, c).await;
    let resi = o.fulfilment.resi.clone().expect("the courier's resi");
    assert_eq!(arranged["mode"], "platform");
    assert_eq!(arranged["resi"], resi.as_str());
    assert_eq!(arranged["courier"], o.fulfilment.courier.unwrap().code());
    assert_eq!(arranged["unusual_resi"], false);
    assert_eq!(arranged["order"]["status"], "awaiting_collection");
    assert!(arranged["order"]["collect_by"].is_string());
    let replayed = post(&app, &ship(c), &key, Some("atur-c"), &platform).await;
    assert_eq!(replayed.headers()["idempotent-replayed"], "true");
    assert_eq!(ok(replayed).await, arranged);
    let booked = etalase_store::fulfilment::sandbox_courier::recent(&svc.store, 10)
        .await
        .unwrap();
    assert_eq!(booked.len(), 1, "booked once");

    let printed = get(&app, &format!("{label}?paper=a6&with=slip"), &key).await;
    assert_eq!(printed.status(), StatusCode::OK);
    assert_eq!(printed.headers()["content-type"], "application/pdf");
    let bytes = printed.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let pages = pdf_pages(&bytes);
    assert_eq!(pages.len(), 2, "a label and its slip");
    assert!(pages[0].contains(resi.as_str()), "{}", pages[0]);
    assert!(pages[0].contains(&c.to_string()));
    let a5 = get(&app, &format!("{label}?paper=a5"), &key).await;
    assert_eq!(a5.status(), StatusCode::OK);
    assert_eq!(pdf_pages(&a5.bytes().await.unwrap()).len(), 1);
    let (status, _, field) = problem(get(&app, &format!("{label}?paper=a4"), &key).await).await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::BAD_REQUEST, Some("paper"))
    );
}

async fn the_seller_cancels_with_a_reason(backend: Backend) {
    let app = spawn(backend).await;
    let svc = &app.services;
    let shop = app.demo_shop().await;
    let key = demo_key(&app, &["orders:write"]).await;
    let buyer = user(svc, BUYER).await;
    let shirt = sku(svc, shop, "BTK-CS-XL").await;
    let before = stock(svc, shop, shirt).await;
    let a = buy_cod(svc, buyer, shirt).await;
    assert_eq!(stock(svc, shop, shirt).await, before - 1);
    let cancel = format!("/api/v1/orders/{a}/cancel");

    for (k, body) in [
        ("batal-0", json!({})),
        ("batal-1", json!({"reason": ""})),
        ("batal-2", json!({"reason": "buyer_changed_mind"})),
    ] {
        let (status, code, field) = problem(post(&app, &cancel, &key, Some(k), &body).await).await;
        assert_eq!(
            (status, code.as_str(), field.as_deref()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "cancel_reason_required",
                Some("reason")
            ),
            "{body}"
        );
    }
    let without_body = Client::new()
        .post(app.url(&cancel))
        .bearer_auth(&key)
        .header("Idempotency-Key", "batal-3")
        .send()
        .await
        .unwrap();
    let (status, code, _) = problem(without_body).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "cancel_reason_required")
    );
    let (status, code, _) = problem(
        post(
            &app,
            &cancel,
            &key,
            None,
            &json!({"reason": "seller_out_of_stock"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_idempotency_key")
    );
    assert_eq!(order(svc, a).await.status, OrderStatus::AwaitingShipment);

    let reason = json!({"reason": "seller_out_of_stock"});
    let cancelled = ok(post(&app, &cancel, &key, Some("batal-a"), &reason).await).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancel_reason"], "seller_out_of_stock");
    assert_eq!(cancelled["cancelled_by"], "seller");
    assert!(cancelled["cancelled_at"].is_string());
    assert_eq!(stock(svc, shop, shirt).await, before, "the stock came back");
    let again = post(&app, &cancel, &key, Some("batal-a"), &reason).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(ok(again).await, cancelled);
    assert_eq!(stock(svc, shop, shirt).await, before, "given back once");
    let (status, code, _) =
        problem(post(&app, &cancel, &key, Some("batal-a-2"), &reason).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "order_not_cancellable")
    );

    // The courier has the demo's sent order: too late to cancel.
    let sent = ok(get(&app, "/api/v1/orders?status=in_transit", &key).await).await;
    let sent = sent["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, code, _) = problem(
        post(
            &app,
            &format!("/api/v1/orders/{sent}/cancel"),
            &key,
            Some("batal-kirim"),
            &reason,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "order_not_cancellable")
    );

    // The order in full says who cancelled and why, and where it goes.
    let detail = ok(get(&app, &format!("/api/v1/orders/{a}"), &key).await).await;
    let last = detail["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (
            &last["kind"],
            &last["status"],
            &last["actor_kind"],
            &last["detail"]
        ),
        (
            &json!("cancelled"),
            &json!("cancelled"),
            &json!("api_key"),
            &json!("seller_out_of_stock")
        )
    );
    assert_eq!(detail["timeline"][0]["kind"], "placed");
    assert_eq!(detail["timeline"][0]["actor_kind"], "buyer");
    assert_eq!(detail["recipient"]["name"], "Andi Pembeli");
    assert_eq!(detail["recipient"]["phone"], "+62812****1234");
    assert_eq!(detail["recipient"]["district_code"], "317301");
    assert_eq!(detail["recipient"]["postal_code"], "11730");
    assert!(
        detail["recipient"]["area"]
            .as_str()
            .unwrap()
            .contains("11730")
    );
    assert_eq!(detail["price"]["total"], detail["total"]);
    assert_eq!(detail["price"]["items_subtotal"], detail["items_subtotal"]);
    assert_eq!(detail["source"], "search");
    assert_eq!(detail["lines"][0]["sku_id"], shirt.to_string());
}

async fn keys_reach_only_their_shop_and_scopes_and_bad_input_is_named(backend: Backend) {
    let app = spawn(backend).await;
    let svc = &app.services;
    let shop = app.demo_shop().await;
    let key = demo_key(&app, &["orders:write", "fulfillment:write"]).await;
    let buyer = user(svc, BUYER).await;
    let a = buy_cod(svc, buyer, sku(svc, shop, "BTK-CS-XL").await).await;
    let other_owner = app.seller("lain@contoh.id", "toko-lain").await;
    let other = app
        .api_key(&other_owner, &["orders:write", "fulfillment:write"])
        .await;

    // Another shop's order does not exist for this key.
    let reason = json!({"reason": "seller_out_of_stock"});
    let platform = json!({"mode": "platform"});
    let by_jnt = json!({"mode": "seller", "courier": "jnt", "resi": "JT7770001112"});
    for response in [
        get(&app, &format!("/api/v1/orders/{a}"), &other).await,
        get(&app, &format!("/api/v1/orders/{a}/label.pdf"), &other).await,
        post(
            &app,
            &format!("/api/v1/orders/{a}/ship"),
            &other,
            Some("x-1"),
            &platform,
        )
        .await,
        post(
            &app,
            &format!("/api/v1/orders/{a}/ship"),
            &other,
            Some("x-2"),
            &by_jnt,
        )
        .await,
        post(
            &app,
            &format!("/api/v1/orders/{a}/cancel"),
            &other,
            Some("x-3"),
            &reason,
        )
        .await,
    ] {
        let (status, code, _) = problem(response).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::NOT_FOUND, "not_found")
        );
    }
    let theirs = ok(get(&app, "/api/v1/orders", &other).await).await;
    assert_eq!(ids(&theirs), Vec::<String>::new());
    for q in [a.to_string(), "andi".to_owned()] {
        let found = ok(get(&app, &format!("/api/v1/orders?q={q}"), &other).await).await;
        assert_eq!(ids(&found), Vec::<String>::new(), "q={q}");
    }
    assert_eq!(order(svc, a).await.status, OrderStatus::AwaitingShipment);

    // A key does what its scopes allow, and nothing without a key.
    let catalog_only = demo_key(&app, &["catalog:read"]).await;
    let readers = demo_key(&app, &["orders:read"]).await;
    for response in [
        get(&app, "/api/v1/orders", &catalog_only).await,
        get(&app, &format!("/api/v1/orders/{a}"), &catalog_only).await,
        get(&app, &format!("/api/v1/orders/{a}/label.pdf"), &readers).await,
        post(
            &app,
            &format!("/api/v1/orders/{a}/ship"),
            &readers,
            Some("r-1"),
            &by_jnt,
        )
        .await,
        post(
            &app,
            &format!("/api/v1/orders/{a}/cancel"),
            &readers,
            Some("r-2"),
            &reason,
        )
        .await,
        post(
            &app,
            &format!("/api/v1/orders/{a}/cancel"),
            &key_without_orders_write(&app).await,
            Some("r-3"),
            &reason,
        )
        .await,
    ] {
        let (status, code, _) = problem(response).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::FORBIDDEN, "api_scope_missing")
        );
    }
    let anonymous = Client::new()
        .get(app.url("/api/v1/orders"))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(anonymous).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(order(svc, a).await.status, OrderStatus::AwaitingShipment);

    // Bad input is a problem document naming what is wrong, never a 500.
    let (status, code, _) = problem(get(&app, "/api/v1/orders/bukan-id", &key).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let (status, code, _) = problem(
        post(
            &app,
            "/api/v1/orders/prd_01jdq0000000000000000000/cancel",
            &key,
            Some("y-1"),
            &reason,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let page = ok(get(&app, "/api/v1/orders?limit=1", &key).await).await;
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let tampered = {
        let (payload, signature) = cursor.split_once('.').unwrap();
        let mut payload = payload.to_owned().into_bytes();
        payload[3] = if payload[3] == b'A' { b'B' } else { b'A' };
        format!("{}.{signature}", String::from_utf8(payload).unwrap())
    };
    let theirs = ok(get(
        &app,
        "/api/v1/orders?updated_since=2020-01-01T00:00:00Z",
        &other,
    )
    .await)
    .await;
    let their_cursor = theirs["next_cursor"].as_str().unwrap().to_owned();
    for (query, field) in [
        ("status=dikirim", "status"),
        ("status=AWAITING_SHIPMENT", "status"),
        ("courier=dhl", "courier"),
        ("placed_from=2026-13-45", "placed_from"),
        ("placed_until=besok", "placed_until"),
        ("placed_from=2026-11-30T25:00:00Z", "placed_from"),
        ("limit=0", "limit"),
        ("limit=1000000000", "limit"),
        ("limit=-5", "limit"),
        ("limit=lima", "limit"),
        ("limit=99999999999999999999999", "limit"),
        ("cursor=bukan-kursor", "cursor"),
        ("cursor=a.b.c", "cursor"),
        (&format!("cursor={tampered}"), "cursor"),
        (&format!("cursor={}", &cursor[..cursor.len() - 2]), "cursor"),
        (&format!("cursor={their_cursor}"), "cursor"),
        ("updated_since=2026-11-30", "updated_since"),
    ] {
        let (status, code, named) =
            problem(get(&app, &format!("/api/v1/orders?{query}"), &key).await).await;
        assert_eq!(
            (status, code.as_str(), named.as_deref()),
            (StatusCode::BAD_REQUEST, "malformed_request", Some(field)),
            "{query}"
        );
    }
    let still = ok(get(&app, &format!("/api/v1/orders?cursor={cursor}"), &key).await).await;
    assert!(!ids(&still).is_empty(), "the cursor as given still reads");
    let malformed = Client::new()
        .post(app.url(&format!("/api/v1/orders/{a}/ship")))
        .bearer_auth(&key)
        .header("Idempotency-Key", "y-2")
        .header("content-type", "application/json")
        .body("{\"mode\": ")
        .send()
        .await
        .unwrap();
    let (status, code, _) = problem(malformed).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "malformed_json")
    );
    let long_key = "k".repeat(256);
    let (status, code, _) = problem(
        post(
            &app,
            &format!("/api/v1/orders/{a}/cancel"),
            &key,
            Some(&long_key),
            &reason,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_idempotency_key")
    );
    assert_eq!(order(svc, a).await.status, OrderStatus::AwaitingShipment);
}

/// A key that ships but does not cancel.
async fn key_without_orders_write(app: &TestApp) -> String {
    demo_key(app, &["orders:read", "fulfillment:write"]).await
}

on_both_backends!(
    the_list_filters_searches_and_pages_the_shops_orders,
    reconciling_pages_one_instant_and_sees_changes_again,
    shipping_runs_once_per_key_and_the_label_follows,
    the_seller_cancels_with_a_reason,
    keys_reach_only_their_shop_and_scopes_and_bad_input_is_named,
);

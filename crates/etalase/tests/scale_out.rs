//! Scale-out: a Seller Center process and a Shop process on one PostgreSQL,
//! the sync carried between them by NATS JetStream. A price changed in one
//! shows in the other; the Shop process killed mid-stream and restarted
//! loses no event and applies none twice. A live's pin set in the Seller
//! Center reaches a viewer of the Shop process, and a viewer's comment
//! there reaches the seller's console (core NATS).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Process, etalase};
use etalase_domain::id::ProductId;
use etalase_testkit::{Backend, database};
use serde_json::{Value, json};

mod common;

const NATS_URL_VAR: &str = "ETALASE_TEST_NATS_URL";

fn serve(data: &Path, db: &str, role: &str, nats: &str, prefix: &str) -> Process {
    common::serve(
        data,
        db,
        &[
            "--role",
            role,
            "--event-bus",
            nats,
            "--event-bus-prefix",
            prefix,
        ],
    )
}

/// Signs in as the demo owner on the Seller Center and makes an API key.
async fn api_key(seller_center: &str) -> String {
    let web = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = |body: &str| {
        let at = body.find("name=\"_csrf\" value=\"").unwrap() + 20;
        body[at..at + body[at..].find('"').unwrap()].to_owned()
    };
    let page = web
        .get(format!("{seller_center}/seller/signin"))
        .send()
        .await
        .unwrap();
    let csrf = token(&page.text().await.unwrap());
    let signed_in = web
        .post(format!("{seller_center}/seller/signin"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "pemilik@etalase.test"),
            ("password", "etalase-demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let page = web
        .get(format!("{seller_center}/seller/api-keys"))
        .send()
        .await
        .unwrap();
    let csrf = token(&page.text().await.unwrap());
    let made = web
        .post(format!("{seller_center}/seller/api-keys"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "uji skala"),
            ("scopes", "catalog:read"),
            ("scopes", "catalog:write"),
            ("scopes", "inventory:write"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = made.find("data-testid=\"new-key\"").unwrap();
    let tag = &made[made[..at].rfind('<').unwrap()..at + made[at..].find('>').unwrap()];
    let start = tag.find("value=\"").unwrap() + 7;
    tag[start..start + tag[start..].find('"').unwrap()].to_owned()
}

async fn get_json(http: &reqwest::Client, url: String, key: &str) -> Value {
    http.get(url)
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn until<F: std::future::Future<Output = bool>>(what: &str, mut check: impl FnMut() -> F) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn two_processes_stay_in_sync_through_nats() {
    let nats = std::env::var(NATS_URL_VAR)
        .unwrap_or_else(|_| panic!("{NATS_URL_VAR} must name a NATS server with JetStream"));
    let db = database(Backend::Postgres).await;
    let data: PathBuf = db.data_dir.clone();
    let prefix = format!("t{}", std::process::id());
    etalase(&data, &db.url, &["demo"]);
    let seller_center = serve(&data, &db.url, "seller-center", &nats, &prefix);
    let mut shop = serve(&data, &db.url, "shop", &nats, &prefix);

    // Each process serves its side only.
    let http = reqwest::Client::new();
    let status = |url: String| {
        let http = http.clone();
        async move { http.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(format!("{}/seller/signin", shop.base)).await, 404);
    assert_eq!(status(format!("{}/", seller_center.base)).await, 404);

    let key = api_key(&seller_center.base).await;
    let api = |path: &str| format!("{}/api/v1{path}", seller_center.base);
    let list: Value = get_json(&http, api("/products?q=Kemeja"), &key).await;
    let id: ProductId = list["items"][0]["id"].as_str().unwrap().parse().unwrap();
    let page = format!(
        "{}/p/{}-{id}",
        shop.base,
        etalase_domain::listing::slug_of(list["items"][0]["title"].as_str().unwrap())
    );
    until("the Shop process shows the product", || {
        let (http, page) = (http.clone(), page.clone());
        async move { http.get(&page).send().await.unwrap().status() == 200 }
    })
    .await;

    // A price changed in the Seller Center process …
    let mut product: Value = get_json(&http, api(&format!("/products/{id}")), &key).await;
    product["description"] = product["description_html"].clone();
    for sku in product["skus"].as_array_mut().unwrap() {
        sku["price"] = json!(177_000);
    }
    let saved = http
        .put(api(&format!("/products/{id}")))
        .bearer_auth(&key)
        .json(&product)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    // … shows in the Shop process.
    until("the new price in the Shop", || {
        let (http, page) = (http.clone(), page.clone());
        async move {
            let body = http.get(&page).send().await.unwrap().text().await.unwrap();
            body.contains("177.000")
        }
    })
    .await;

    // The Shop process dies mid-stream and comes back: nothing is lost,
    // nothing applied twice.
    let sku = product["skus"][0]["id"].as_str().unwrap().to_owned();
    let before = etalase_store::shop::get(&db.store, id)
        .await
        .unwrap()
        .unwrap();
    let started = etalase_domain::Timestamp::from_unix_millis(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    for n in 0..30 {
        if n == 10 {
            shop.child.kill().unwrap();
            shop.child.wait().unwrap();
        }
        let changed = http
            .post(api(&format!("/skus/{sku}/stock")))
            .bearer_auth(&key)
            .header("Idempotency-Key", format!("burst-{n}"))
            .json(&json!({"adjust": 1}))
            .send()
            .await
            .unwrap();
        assert!(
            changed.status().is_success(),
            "{}",
            changed.text().await.unwrap()
        );
    }
    shop = serve(&data, &db.url, "shop", &nats, &prefix);
    let store = db.store.clone();
    until("every stock change in the Shop", || {
        let store = store.clone();
        let expected = before.total_stock + 30;
        async move {
            etalase_store::shop::get(&store, id)
                .await
                .unwrap()
                .is_some_and(|l| l.total_stock == expected)
        }
    })
    .await;
    let lags = etalase_store::sync::lags_since(&db.store, None, started)
        .await
        .unwrap();
    assert!(
        !lags.is_empty() && lags.len() <= 30,
        "{} applications for 30 events",
        lags.len()
    );
    drop(shop);
    drop(seller_center);
}

/// Reads an event stream until its text holds `needle`.
async fn read_until(stream: &mut reqwest::Response, seen: &mut String, needle: &str) {
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        while !seen.contains(needle) {
            match stream.chunk().await.unwrap() {
                Some(chunk) => seen.push_str(&String::from_utf8_lossy(&chunk)),
                None => panic!("the stream ended before {needle:?}"),
            }
        }
    })
    .await;
    assert!(found.is_ok(), "no {needle:?} within 20 s in {seen}");
}

#[tokio::test]
async fn a_live_reaches_viewers_of_another_process_through_nats() {
    let nats = std::env::var(NATS_URL_VAR)
        .unwrap_or_else(|_| panic!("{NATS_URL_VAR} must name a NATS server with JetStream"));
    let db = database(Backend::Postgres).await;
    let data: PathBuf = db.data_dir.clone();
    let prefix = format!("l{}", std::process::id());
    etalase(&data, &db.url, &["demo"]);
    let seller_center = serve(&data, &db.url, "seller-center", &nats, &prefix);
    let shop = serve(&data, &db.url, "shop", &nats, &prefix);
    let web = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = |body: &str| {
        let at = body.find("name=\"_csrf\" value=\"").unwrap() + 20;
        body[at..at + body[at..].find('"').unwrap()].to_owned()
    };

    // The demo's live, on air, from the Shop process's list.
    let list = web
        .get(format!("{}/live", shop.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = list.find("href=\"/live/liv_").unwrap() + 12;
    let live = list[at..at + list[at..].find('"').unwrap()].to_owned();

    // A viewer on the Shop process.
    let mut stream = reqwest::Client::new()
        .get(format!("{}/live/{live}/events", shop.base))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let mut seen = String::new();
    read_until(&mut stream, &mut seen, "event: state").await;

    // The seller's console on the Seller Center process, and its own stream.
    let page = web
        .get(format!("{}/seller/signin", seller_center.base))
        .send()
        .await
        .unwrap();
    let csrf = token(&page.text().await.unwrap());
    let signed_in = web
        .post(format!("{}/seller/signin", seller_center.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "marketing@etalase.test"),
            ("password", "etalase-demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let console_url = format!("{}/seller/live/{live}", seller_center.base);
    let console = web
        .get(&console_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut products: Vec<String> = Vec::new();
    for (at, _) in console.match_indices("data-testid=\"live-sku\"") {
        let rest = &console[at..];
        let start = rest.find("data-product=\"").unwrap() + 14;
        let id = rest[start..start + rest[start..].find('"').unwrap()].to_owned();
        if !products.contains(&id) {
            products.push(id);
        }
    }
    let mut console_stream = web
        .get(format!("{}/live/{live}/events", seller_center.base))
        .send()
        .await
        .unwrap();
    assert_eq!(console_stream.status(), 200);
    let mut console_seen = String::new();
    read_until(&mut console_stream, &mut console_seen, "event: state").await;

    // The pin set in the Seller Center reaches the Shop's viewer.
    let other = products
        .iter()
        .find(|p| !seen.contains(&format!("\"pinned\":\"{p}\"")))
        .unwrap();
    let pinned = web
        .post(format!("{console_url}/pin"))
        .form(&[
            ("_csrf", token(&console).as_str()),
            ("product", other.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(pinned.status(), 303);
    read_until(&mut stream, &mut seen, &format!("\"pinned\":\"{other}\"")).await;

    // A viewer's comment on the Shop process reaches the seller's console.
    let viewer = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let page = viewer
        .get(format!("{}/live/{live}", shop.base))
        .send()
        .await
        .unwrap();
    let csrf = token(&page.text().await.unwrap());
    let posted = viewer
        .post(format!("{}/live/{live}/comments", shop.base))
        .header("Accept", "application/json")
        .form(&[
            ("_csrf", csrf.as_str()),
            ("author", "Nina"),
            ("text", "Dari node lain, kak!"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 201);
    read_until(
        &mut console_stream,
        &mut console_seen,
        "Dari node lain, kak!",
    )
    .await;
    drop(shop);
    drop(seller_center);
}

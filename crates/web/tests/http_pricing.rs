//! Pricing over HTTP on both backends, on the demo shop: the product page
//! and a price quote agree for the same SKU at the same moment; a seller
//! schedules a flash sale through the form past the floor refusal; the
//! pricing API (idempotent creation, base prices, vouchers, quotes); a
//! buyer claims a voucher from a product page.

mod common;

use common::{TestApp, location};
use etalase_domain::id::SkuId;
use etalase_services::demo::{DEMO_PASSWORD, DEMO_SHOP_SLUG};
use etalase_services::sync;
use etalase_store::{catalog, sellers, shop};
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

struct Demo {
    seller: etalase_domain::id::SellerId,
}

async fn demo(app: &TestApp) -> Demo {
    etalase_services::demo::load(&app.services).await.unwrap();
    sync::catch_up(&app.services).await.unwrap();
    let seller = sellers::find_seller_by_slug(&app.services.store, DEMO_SHOP_SLUG)
        .await
        .unwrap()
        .unwrap();
    Demo { seller: seller.id }
}

/// The product's Shop page path and its SKUs by code.
async fn product(app: &TestApp, d: &Demo, prefix: &str) -> (String, Vec<(String, SkuId)>) {
    let products =
        catalog::list_products(&app.services.store, d.seller, &Default::default(), None, 50)
            .await
            .unwrap();
    let p = products
        .iter()
        .find(|p| p.title.starts_with(prefix))
        .unwrap();
    let listing = shop::get(&app.services.store, p.id).await.unwrap().unwrap();
    let skus = catalog::skus_of(&app.services.store, d.seller, p.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.code.unwrap_or_default(), s.id))
        .collect();
    (format!("/p/{}-{}", listing.slug, p.id), skus)
}

fn attr_after<'a>(body: &'a str, marker: &str, attr: &str) -> Option<&'a str> {
    let at = body.find(marker)?;
    let tag_start = body[..at].rfind('<')?;
    let tag_end = at + body[at..].find('>')?;
    let tag = &body[tag_start..tag_end];
    let start = tag.find(&format!("{attr}=\""))? + attr.len() + 2;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// Every `data-price` of the variant rows, in page order.
fn variant_prices(body: &str) -> Vec<i64> {
    body.match_indices("data-testid=\"variant-price\" data-price=\"")
        .map(|(i, m)| {
            let rest = &body[i + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

async fn quote(app: &TestApp, key: &str, body: Value) -> (StatusCode, Value) {
    let response = Client::new()
        .post(app.url("/api/v1/price-quote"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    (
        response.status(),
        response.json().await.unwrap_or(Value::Null),
    )
}

async fn owner(app: &TestApp) -> Client {
    let owner = app.browser();
    app.sign_in(&owner, "pemilik@etalase.test", DEMO_PASSWORD)
        .await;
    owner
}

async fn a_product_page_and_a_quote_show_the_same_price(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let d = demo(&app).await;
    let buyer = app.browser();
    let key = app.api_key(&owner(&app).await, &["promotions:read"]).await;

    // The batik shirt: 15% off every SKU, the countdown to the end, the
    // struck normal price, the shop's and the platform's vouchers.
    let (path, skus) = product(&app, &d, "Batik Sari Kemeja").await;
    let page = app.get(&buyer, &path).await.text().await.unwrap();
    assert_eq!(
        attr_after(&page, "data-testid=\"price-tag\"", "data-price"),
        Some("297500")
    );
    assert!(
        page.contains("data-testid=\"price-badge\">Diskon · -15%"),
        "{page}"
    );
    assert!(page.contains("data-testid=\"price-strike\">Rp350.000"));
    assert!(attr_after(&page, "data-testid=\"price-countdown\"", "data-ends-at").is_some());
    assert!(page.contains("data-code=\"BATIKSARI10\""));
    assert!(page.contains("data-code=\"ETALASE5\""));
    assert!(
        !page.contains("data-code=\"ONGKIR10\""),
        "code-only vouchers stay hidden"
    );

    // The same SKUs quoted now, from the Shop and from a video: the same
    // unit prices as the page, line by line.
    let lines: Vec<Value> = skus
        .iter()
        .map(|(_, id)| json!({ "sku_id": id.to_string(), "quantity": 1 }))
        .collect();
    let (status, q) = quote(&app, &key, json!({ "lines": lines })).await;
    assert_eq!(status, StatusCode::OK, "{q}");
    let quoted: Vec<i64> = q["breakdown"]["shops"][0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["segments"][0]["price"]["unit"].as_i64().unwrap())
        .collect();
    assert_eq!(quoted, variant_prices(&page));
    let video = etalase_domain::id::VideoId::generate().to_string();
    let from_video =
        json!({ "lines": [{ "sku_id": skus[0].1.to_string(), "quantity": 1, "video_id": video }] });
    let (_, q) = quote(&app, &key, from_video).await;
    assert_eq!(
        q["total"].as_i64(),
        Some(quoted[0]),
        "a video shows the page's price"
    );

    // The T-shirt's black M is on a flash sale: the page and a quote agree,
    // and 3 units split at the per-buyer limit of 2.
    let (path, skus) = product(&app, &d, "Kaos Polos").await;
    let page = app.get(&buyer, &path).await.text().await.unwrap();
    assert_eq!(
        attr_after(&page, "data-testid=\"price-tag\"", "data-price"),
        Some("39000")
    );
    assert!(page.contains("Flash Sale · -33%"), "{page}");
    assert!(page.contains("data-testid=\"flash-left\""));
    let black_m = skus.iter().find(|(c, _)| c == "KAOS-H-M").unwrap().1;
    let (_, q) = quote(
        &app,
        &key,
        json!({ "lines": [{ "sku_id": black_m.to_string(), "quantity": 3 }], "vouchers": ["etalase 5"] }),
    )
    .await;
    let segments: Vec<(i64, i64)> = q["breakdown"]["shops"][0]["lines"][0]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["quantity"].as_i64().unwrap(),
                s["price"]["unit"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(segments, vec![(2, 39_000), (1, 59_000)]);
    let ends = q["breakdown"]["shops"][0]["lines"][0]["segments"][0]["price"]["applied"]["ends_at"]
        .as_str()
        .expect("an RFC 3339 end");
    assert!(
        etalase_domain::Timestamp::parse_rfc3339(ends).is_some(),
        "{ends}"
    );
    // Rp137.000 reaches the platform voucher's Rp100.000 minimum: 5%.
    assert_eq!(q["breakdown"]["discounts"][0]["code"], "ETALASE5");
    assert_eq!(q["total"].as_i64(), Some(137_000 - 6_850));

    let (status, problem) = quote(
        &app,
        &key,
        json!({ "lines": [{ "sku_id": SkuId::generate().to_string(), "quantity": 1 }] }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "lines[0].sku");
}

async fn a_seller_schedules_a_flash_sale_past_the_floor_refusal(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let d = demo(&app).await;
    let marketing = app.browser();
    app.sign_in(&marketing, "marketing@etalase.test", DEMO_PASSWORD)
        .await;
    let (_, skus) = product(&app, &d, "Kaos Polos").await;
    let sku = skus
        .iter()
        .find(|(c, _)| c == "KAOS-A-S")
        .unwrap()
        .1
        .to_string();
    let now = app.services.now();
    let starts = now.plus_seconds(3 * 24 * 3600).to_wib_local();
    let ends = now.plus_seconds(3 * 24 * 3600 + 7200).to_wib_local();
    let (value_field, quota_field) = (format!("value.{sku}"), format!("quota.{sku}"));
    let form = |price: &'static str| -> Vec<(&str, &str)> {
        vec![
            ("kind", "flash_sale"),
            ("name", "Flash Sale Kaos Abu"),
            ("starts_at", &starts),
            ("ends_at", &ends),
            ("per_buyer_limit", "2"),
            ("sku", &sku),
            (&value_field, price),
            (&quota_field, "5"),
            ("intent", "schedule"),
        ]
    };
    let page = "/seller/promotions/new?kind=flash_sale";
    let fields = form("1.500");
    let refused = app
        .submit(&marketing, page, "/seller/promotions/new", &fields)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(body.contains("data-testid=\"sku-error\""), "{body}");
    assert!(body.contains("batas minimum platform"));

    let fields = form("45rb");
    let saved = app
        .submit(&marketing, page, "/seller/promotions/new", &fields)
        .await;
    assert_eq!(
        saved.status(),
        StatusCode::SEE_OTHER,
        "{}",
        saved.text().await.unwrap()
    );
    let detail = app
        .get(&marketing, &location(&saved))
        .await
        .text()
        .await
        .unwrap();
    assert!(detail.contains("data-state=\"scheduled\""), "{detail}");
    assert!(detail.contains("Rp45.000"));
    let list = app
        .get(&marketing, "/seller/promotions")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("Flash Sale Kaos Abu"));
    assert!(list.contains("data-testid=\"voucher-row\""));

    // The base price and cost from the SKU page; the history keeps both prices.
    let product_id = catalog::skus_of(&app.services.store, d.seller, {
        let products =
            catalog::list_products(&app.services.store, d.seller, &Default::default(), None, 50)
                .await
                .unwrap();
        products
            .iter()
            .find(|p| p.title.starts_with("Kaos Polos"))
            .unwrap()
            .id
    })
    .await
    .unwrap()[0]
        .product_id;
    let sku_page = format!("/seller/products/{product_id}/skus/{sku}");
    let set = app
        .submit(
            &marketing,
            &sku_page,
            &format!("{sku_page}/price"),
            &[("price", "61.000"), ("cost", "30rb")],
        )
        .await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    let shown = app.get(&marketing, &sku_page).await.text().await.unwrap();
    let history = &shown[shown.find("data-testid=\"price-history\"").unwrap()..];
    assert!(history.find("Rp61.000").unwrap() < history.find("Rp59.000").unwrap());
    assert!(shown.contains("value=\"30000\""));

    // A voucher saved as a draft, edited, then scheduled from the edit form.
    let today = now.to_wib_local();
    let next_week = now.plus_seconds(7 * 24 * 3600).to_wib_local();
    let voucher = |quota: &'static str, intent: &'static str| -> Vec<(&str, &str)> {
        vec![
            ("name", "Voucher Kaos"),
            ("code", "kaos 5rb"),
            ("benefit", "amount"),
            ("value", "5.000"),
            ("min_spend", "100rb"),
            ("starts_at", &today),
            ("ends_at", &next_week),
            ("quota", quota),
            ("per_buyer_limit", "1"),
            ("public", "on"),
            ("intent", intent),
        ]
    };
    let draft = app
        .submit(
            &marketing,
            "/seller/vouchers/new",
            "/seller/vouchers/new",
            &voucher("20", "draft"),
        )
        .await;
    assert_eq!(draft.status(), StatusCode::SEE_OTHER);
    let detail = location(&draft);
    let id = detail
        .trim_start_matches("/seller/vouchers/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let edit = format!("/seller/vouchers/{id}/edit");
    let form = app.get(&marketing, &edit).await.text().await.unwrap();
    assert!(form.contains("value=\"KAOS5RB\""), "{form}");
    let version = common::value_of(&form, "name=\"version\"").unwrap();
    let mut fields = voucher("30", "schedule");
    fields.push(("version", &version));
    let scheduled = app.submit(&marketing, &edit, &edit, &fields).await;
    assert_eq!(
        scheduled.status(),
        StatusCode::SEE_OTHER,
        "{}",
        scheduled.text().await.unwrap()
    );
    let shown = app
        .get(&marketing, &location(&scheduled))
        .await
        .text()
        .await
        .unwrap();
    assert!(shown.contains("data-state=\"ongoing\""), "{shown}");
    assert!(shown.contains("0 / 30"));

    // The finance role may not see promotions.
    let finance = app.browser();
    app.sign_in(&finance, "keuangan@etalase.test", DEMO_PASSWORD)
        .await;
    assert_eq!(
        app.get(&finance, "/seller/promotions").await.status(),
        StatusCode::FORBIDDEN
    );
}

async fn the_pricing_api_creates_once_sets_prices_and_guards_codes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let d = demo(&app).await;
    let key = app
        .api_key(&owner(&app).await, &["promotions:read", "promotions:write"])
        .await;
    let (_, skus) = product(&app, &d, "Kaos Polos").await;
    let black_s = skus.iter().find(|(c, _)| c == "KAOS-H-S").unwrap().1;
    let now = app.services.now();
    let body = json!({
        "kind": "discount",
        "name": "Diskon Kaos Hitam S",
        "starts_at": now.plus_seconds(7 * 24 * 3600).to_rfc3339(),
        "ends_at": now.plus_seconds(8 * 24 * 3600).to_rfc3339(),
        "items": [{ "sku_id": black_s.to_string(), "percent": 20 }],
        "activate": true,
        "confirm_warnings": true,
    });
    let post = |key: &str| {
        Client::new()
            .post(app.url("/api/v1/promotions"))
            .bearer_auth(key)
            .header("Idempotency-Key", "promo-kaos-1")
            .json(&body)
            .send()
    };
    let first = post(&key).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["state"], "scheduled");
    assert_eq!(first["price_changes"][0]["price_during"], 47_200);
    let again = post(&key).await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let listed = app.api_json("/api/v1/promotions", &key).await;
    assert_eq!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["name"] == "Diskon Kaos Hitam S")
            .count(),
        1
    );

    // A percentage of 100 and an end before the start: both named.
    let bad = Client::new()
        .post(app.url("/api/v1/promotions"))
        .bearer_auth(&key)
        .json(&json!({
            "kind": "discount", "name": "Salah", "starts_at": now.to_rfc3339(),
            "ends_at": now.plus_seconds(-60).to_rfc3339(),
            "items": [{ "sku_id": black_s.to_string(), "percent": 100 }],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = bad.json().await.unwrap();
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["ends_before_start", "percent_out_of_range"]);

    // A base price set once per key, with its cost; the history keeps it.
    let put = |price: i64| {
        Client::new()
            .put(app.url(&format!("/api/v1/skus/{black_s}/price")))
            .bearer_auth(&key)
            .header("Idempotency-Key", format!("price-{price}"))
            .json(&json!({ "price": price, "cost": 30_000 }))
            .send()
    };
    let set: Value = put(62_000).await.unwrap().json().await.unwrap();
    assert_eq!(
        (set["price"].as_i64(), set["cost"].as_i64()),
        (Some(62_000), Some(30_000))
    );
    let refused = put(50).await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Voucher codes are normalised, and a taken code is a conflict.
    let voucher = |code: &str| {
        json!({
            "name": "Voucher API", "code": code, "benefit": "amount", "value": 5_000,
            "min_spend": 50_000, "starts_at": now.to_rfc3339(),
            "ends_at": now.plus_seconds(86_400).to_rfc3339(), "quota": 10,
            "per_buyer_limit": 1, "public": true, "activate": true, "confirm_warnings": true,
        })
    };
    let created = Client::new()
        .post(app.url("/api/v1/vouchers"))
        .bearer_auth(&key)
        .json(&voucher("api hemat"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["code"], "APIHEMAT");
    assert_eq!(created["state"], "ongoing");
    let taken = Client::new()
        .post(app.url("/api/v1/vouchers"))
        .bearer_auth(&key)
        .json(&voucher("API-HEMAT"))
        .send()
        .await
        .unwrap();
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    let mut zero_quota = voucher("KUOTANOL");
    zero_quota["quota"] = json!(0);
    let zero = Client::new()
        .post(app.url("/api/v1/vouchers"))
        .bearer_auth(&key)
        .json(&zero_quota)
        .send()
        .await
        .unwrap();
    assert_eq!(zero.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn a_buyer_claims_a_voucher_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let d = demo(&app).await;
    let buyer = app.browser();
    app.sign_in(&buyer, "pembeli@etalase.test", DEMO_PASSWORD)
        .await;
    let (path, _) = product(&app, &d, "Batik Sari Kemeja").await;
    let page = app.get(&buyer, &path).await.text().await.unwrap();
    let at = page.find("data-code=\"BATIKSARI10\"").unwrap();
    let action_at = page[at..].find("action=\"/vouchers/").unwrap() + at + 8;
    let action = &page[action_at..action_at + page[action_at..].find('"').unwrap()];
    let back = [("back", path.as_str())];
    let claim = || app.submit(&buyer, &path, action, &back);
    let first = claim().await;
    assert_eq!(location(&first), format!("{path}?notice=voucher_claimed"));
    let second = claim().await;
    assert_eq!(
        location(&second),
        format!("{path}?voucher_error=voucher_limit_reached")
    );
    let shown = app
        .get(&buyer, &location(&second))
        .await
        .text()
        .await
        .unwrap();
    assert!(shown.contains("sebanyak batasnya"), "{shown}");
}

on_both_backends!(
    a_product_page_and_a_quote_show_the_same_price,
    a_seller_schedules_a_flash_sale_past_the_floor_refusal,
    the_pricing_api_creates_once_sets_prices_and_guards_codes,
    a_buyer_claims_a_voucher_once,
);

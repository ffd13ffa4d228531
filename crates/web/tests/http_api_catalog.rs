//! The catalog API over HTTP on both backends: products and stock, scopes,
//! optimistic versions and idempotency keys.

mod common;

use common::TestApp;
use etalase_testkit::files::product_photo as photo;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

fn product(title: &str, price: i64) -> Value {
    json!({
        "title": title,
        "description": "Kemeja batik tulis dari Solo.",
        "category": "batik-kain-tradisional/batik/kemeja",
        "attributes": {"bahan": "Katun", "teknik_batik": "tulis"},
        "options": [{"name": "Ukuran", "values": ["M", "L"]}],
        "skus": [
            {"options": ["M"], "code": "API-M", "price": price, "stock": 5, "weight_grams": 300, "length_cm": 30, "width_cm": 20, "height_cm": 3},
            {"options": ["L"], "code": "API-L", "price": price, "stock": 5, "weight_grams": 320, "length_cm": 30, "width_cm": 20, "height_cm": 3}
        ]
    })
}

async fn products_are_written_once_per_key_and_versioned(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("api@contoh.id", "toko-api").await;
    let key = app
        .api_key(&owner, &["catalog:write", "inventory:write"])
        .await;
    let api = Client::new();
    let post = |body: Value, idempotency: &str| {
        api.post(app.url("/api/v1/products"))
            .bearer_auth(&key)
            .header("Idempotency-Key", idempotency)
            .json(&body)
            .send()
    };
    let title = "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang";
    let first = post(product(title, 150_000), "buat-1").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let created: Value = first.json().await.unwrap();
    assert_eq!(created["status"], "draft");
    assert_eq!(created["skus"].as_array().unwrap().len(), 2);
    let again = post(product(title, 150_000), "buat-1").await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let replayed: Value = again.json().await.unwrap();
    assert_eq!(replayed["id"], created["id"], "the retry created nothing");
    let reused = post(product(title, 175_000), "buat-1").await.unwrap();
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reused: Value = reused.json().await.unwrap();
    assert_eq!(reused["code"], "idempotency_key_reused");

    // A refusal is kept with its key too, and every field problem is listed.
    let bad = post(product("Kaos", 0), "buat-2").await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad: Value = bad.json().await.unwrap();
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["skus[0].price", "skus[1].price"]);
    let bad_again = post(product("Kaos", 0), "buat-2").await.unwrap();
    assert_eq!(bad_again.headers()["idempotent-replayed"], "true");
    assert_eq!(bad_again.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let list: Value = app.api_json("/api/v1/products?q=batik", &key).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let id = created["id"].as_str().unwrap();

    // Updates name the version they start from.
    let mut change = product(title, 160_000);
    change["version"] = json!(1);
    let updated = api
        .put(app.url(&format!("/api/v1/products/{id}")))
        .bearer_auth(&key)
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    let updated: Value = updated.json().await.unwrap();
    assert_eq!(
        (
            updated["version"].as_i64(),
            updated["skus"][0]["price"].as_i64()
        ),
        (Some(2), Some(160_000))
    );
    let stale = api
        .put(app.url(&format!("/api/v1/products/{id}")))
        .bearer_auth(&key)
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let stale: Value = stale.json().await.unwrap();
    assert_eq!(stale["code"], "version_conflict");
    assert_eq!(stale["errors"][0]["field"], "skus[M].price");

    // Publishing lists what is missing.
    let publish = api
        .post(app.url(&format!("/api/v1/products/{id}/publish")))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(publish.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let publish: Value = publish.json().await.unwrap();
    assert_eq!(publish["errors"][0]["field"], "images");

    // A retried stock adjustment is applied once.
    let sku = updated["skus"][0]["id"].as_str().unwrap().to_owned();
    let adjust = || {
        api.post(app.url(&format!("/api/v1/skus/{sku}/stock")))
            .bearer_auth(&key)
            .header("Idempotency-Key", "restock-7")
            .json(&json!({"adjust": 7, "note": "kiriman gudang"}))
            .send()
    };
    let once: Value = adjust().await.unwrap().json().await.unwrap();
    let twice: Value = adjust().await.unwrap().json().await.unwrap();
    assert_eq!(
        (once["stock"].as_i64(), twice["stock"].as_i64()),
        (Some(12), Some(12))
    );
    let negative = api
        .post(app.url(&format!("/api/v1/skus/{sku}/stock")))
        .bearer_auth(&key)
        .json(&json!({"adjust": -100}))
        .send()
        .await
        .unwrap();
    assert_eq!(negative.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn catalog_keys_reach_only_their_scope_and_shop(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("api@contoh.id", "toko-api").await;
    let writer = app.api_key(&owner, &["catalog:write"]).await;
    let reader = app.api_key(&owner, &["catalog:read"]).await;
    let api = Client::new();
    let created: Value = api
        .post(app.url("/api/v1/products"))
        .bearer_auth(&writer)
        .json(&product(
            "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang",
            150_000,
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let denied = api
        .post(app.url("/api/v1/products"))
        .bearer_auth(&reader)
        .json(&product("Kaos", 50_000))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    let sku = created["skus"][0]["id"].as_str().unwrap();
    let stock = api
        .post(app.url(&format!("/api/v1/skus/{sku}/stock")))
        .bearer_auth(&writer)
        .json(&json!({"set": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        stock.status(),
        StatusCode::FORBIDDEN,
        "stock needs inventory:write"
    );

    let other = app.seller("lain@contoh.id", "toko-lain").await;
    let foreign = app.api_key(&other, &["catalog:write"]).await;
    for path in [
        format!("/api/v1/products/{id}"),
        "/api/v1/products/bukan-id".into(),
    ] {
        let response = api
            .get(app.url(&path))
            .bearer_auth(&foreign)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let list: Value = app.api_json("/api/v1/products", &foreign).await;
    assert!(list["items"].as_array().unwrap().is_empty());
}

async fn a_sheet_is_imported_through_the_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("api@contoh.id", "toko-api").await;
    let key = app
        .api_key(&owner, &["catalog:write", "inventory:write"])
        .await;
    let api = Client::new();
    let sheet = "Kunci Produk;Nama Produk;Kode SKU;Harga;Stok;Berat (gram)\n\
                 K1;Kaos Polos Cotton Combed Lengan Pendek;API-K1;59.000;10;180\n\
                 K2;Kaos Polos Cotton Combed Lengan Panjang;API-K2;0;10;200\n";
    let queued = api
        .post(app.url("/api/v1/products/import?mode=valid_rows&file_name=kaos.csv"))
        .bearer_auth(&key)
        .header("Content-Type", "text/csv")
        .body(sheet)
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status(), StatusCode::ACCEPTED);
    let job = finished(&app, &key, queued.json().await.unwrap()).await;
    assert_eq!(job["status"], "done");
    assert_eq!(
        (job["created"].as_i64(), job["error_rows"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(job["problems"][0]["row"], 3);
    assert_eq!(job["problems"][0]["column"], "price");
    assert_eq!(job["problems"][0]["code"], "price_out_of_range");
    let unknown = api
        .post(app.url("/api/v1/products/import?mode=semua"))
        .bearer_auth(&key)
        .body(sheet)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A multipart form brings the photo files the sheet names.
    let sheet = "Kunci Produk;Nama Produk;Kode SKU;Harga;Stok;Foto\n\
                 T1;Topi Rajut;API-T1;45.000;10;topi-depan.png | topi-samping.png\n\
                 T2;Topi Bucket;API-T2;45.000;10;tidak-ada.png\n";
    let form = Form::new()
        .part("file", Part::text(sheet).file_name("topi.csv"))
        .part(
            "photos",
            Part::bytes(photo(600)).file_name("Topi-Depan.PNG"),
        )
        .part(
            "photos",
            Part::bytes(photo(500)).file_name("topi-samping.png"),
        );
    let queued = api
        .post(app.url("/api/v1/products/import"))
        .bearer_auth(&key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status(), StatusCode::ACCEPTED);
    let job = finished(&app, &key, queued.json().await.unwrap()).await;
    assert_eq!(
        (job["created"].as_i64(), job["error_rows"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(job["problems"][0]["row"], 3);
    assert_eq!(job["problems"][0]["column"], "images");
    assert_eq!(job["problems"][0]["code"], "image_file_missing");
    let list: Value = app.api_json("/api/v1/products?q=Topi", &key).await;
    let topi = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == "Topi Rajut")
        .unwrap_or_else(|| panic!("{list}"));
    let path = format!("/api/v1/products/{}", topi["id"].as_str().unwrap());
    let detail = app.api_json(&path, &key).await;
    assert_eq!(detail["image_count"], 2, "{detail}");
}

/// The job once it finished (it runs in the background).
async fn finished(app: &TestApp, key: &str, mut job: Value) -> Value {
    let id = job["id"].as_str().unwrap().to_owned();
    for _ in 0..200 {
        if job["status"] == "done" || job["status"] == "failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        job = app.api_json(&format!("/api/v1/imports/{id}"), key).await;
    }
    job
}

on_both_backends!(
    a_sheet_is_imported_through_the_api,
    products_are_written_once_per_key_and_versioned,
    catalog_keys_reach_only_their_scope_and_shop,
);

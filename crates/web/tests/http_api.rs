//! The JSON API over HTTP: API keys, scopes, problem documents, OpenAPI.

mod common;

use common::TestApp;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{Client, StatusCode};
use serde_json::Value;

async fn problem(response: reqwest::Response) -> Value {
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "problems are RFC 9457 documents"
    );
    response.json().await.unwrap()
}

async fn keys_act_for_their_shop_within_their_scopes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("api@contoh.id", "toko-api").await;
    let key = app.api_key(&owner, &["shop:read"]).await;
    assert!(key.starts_with("etk_"));
    let api = Client::new();

    let me: Value = api
        .get(app.url("/api/v1/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["scopes"], serde_json::json!(["shop:read"]));
    let shop = api
        .get(app.url("/api/v1/shop"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(shop.status(), StatusCode::OK);
    let shop: Value = shop.json().await.unwrap();
    assert_eq!(shop["slug"], "toko-api");
    assert_eq!(shop["status"], "pending");

    let refused = api
        .patch(app.url("/api/v1/shop"))
        .bearer_auth(&key)
        .json(&serde_json::json!({ "name": "Nama Baru" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body = problem(refused).await;
    assert_eq!(body["code"], "api_scope_missing");
    let empty_patch = api
        .patch(app.url("/api/v1/shop"))
        .bearer_auth(&key)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        empty_patch.status(),
        StatusCode::FORBIDDEN,
        "a PATCH needs write access even when empty"
    );
    let lower_case_scheme = api
        .get(app.url("/api/v1/shop"))
        .header("authorization", format!("bearer {key}"))
        .send()
        .await
        .unwrap();
    assert_eq!(lower_case_scheme.status(), StatusCode::OK);
    let verification: Value = api
        .get(app.url("/api/v1/shop/verification"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verification["state"], "draft");
    assert_eq!(verification["steps"].as_array().unwrap().len(), 7);
    assert_eq!(verification["steps"][0]["done"], false);
    let members = api
        .get(app.url("/api/v1/team/members"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(members.status(), StatusCode::FORBIDDEN);

    let writer = app.api_key(&owner, &["shop:write", "team:read"]).await;
    let renamed = api
        .patch(app.url("/api/v1/shop"))
        .bearer_auth(&writer)
        .json(&serde_json::json!({ "name": "Toko API Baru" }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    let renamed: Value = renamed.json().await.unwrap();
    assert_eq!(renamed["name"], "Toko API Baru");
    let page: Value = api
        .get(app.url("/api/v1/team/members?limit=1"))
        .bearer_auth(&writer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["email"], "api@contoh.id");
    assert_eq!(page["items"][0]["role"], "owner");
    assert!(page["next_cursor"].is_null());
}

async fn revoked_missing_and_unknown_keys_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("cabut@contoh.id", "toko-cabut").await;
    let key = app.api_key(&owner, &["shop:read"]).await;
    let api = Client::new();
    let none = api.get(app.url("/api/v1/shop")).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(
        none.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    assert_eq!(problem(none).await["code"], "api_key_invalid");
    let unknown = api
        .get(app.url("/api/v1/shop"))
        .bearer_auth("etk_tidak-ada")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);

    let keys_page = app
        .get(&owner, "/seller/api-keys")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        keys_page.contains(&key[..10]),
        "the prefix identifies the key"
    );
    assert!(!keys_page.contains(&key), "the secret is never shown again");
    let key_id = keys_page.split("/seller/api-keys/").nth(1).unwrap()[..30].to_owned();
    let revoked = app
        .submit(
            &owner,
            "/seller/api-keys",
            &format!("/seller/api-keys/{key_id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    let after = api
        .get(app.url("/api/v1/shop"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

async fn keys_record_their_last_use(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("pakai@contoh.id", "toko-pakai").await;
    let key = app.api_key(&owner, &["shop:read"]).await;
    let before = app
        .get(&owner, "/seller/api-keys")
        .await
        .text()
        .await
        .unwrap();
    assert!(before.contains("belum pernah"));
    Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    let after = app
        .get(&owner, "/seller/api-keys")
        .await
        .text()
        .await
        .unwrap();
    assert!(!after.contains("belum pernah"));
    assert!(after.contains("WIB"));
}

async fn keys_cannot_be_given_team_or_key_powers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("kuasa@contoh.id", "toko-kuasa").await;
    for scope in [
        "team:write",
        "integrations:read",
        "integrations:write",
        "catalog:admin",
    ] {
        let response = app
            .submit(
                &owner,
                "/seller/api-keys",
                "/seller/api-keys",
                &[("name", "x"), ("scopes", scope)],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{scope}"
        );
    }
    let none = app
        .submit(
            &owner,
            "/seller/api-keys",
            "/seller/api-keys",
            &[("name", "x")],
        )
        .await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.text().await.unwrap().contains("setidaknya satu akses"));
}

async fn bad_requests_get_problem_documents(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("salah@contoh.id", "toko-salah").await;
    let key = app.api_key(&owner, &["shop:write"]).await;
    let api = Client::new();

    let malformed = api
        .patch(app.url("/api/v1/shop"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let body = problem(malformed).await;
    assert_eq!(body["type"], "/api/problems/malformed_json");
    assert_eq!(body["status"], 400);
    assert_eq!(body["instance"], "/api/v1/shop");
    assert_eq!(body["title"], "Isi permintaan bukan JSON yang valid.");

    let invalid = api
        .patch(app.url("/api/v1/shop"))
        .bearer_auth(&key)
        .header("accept-language", "en")
        .json(&serde_json::json!({ "name": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = problem(invalid).await;
    assert_eq!(body["code"], "invalid_shop_name");
    assert_eq!(body["errors"][0]["field"], "name");
    assert_eq!(
        body["errors"][0]["message"],
        "The shop name needs 3–60 characters."
    );

    let huge = api
        .patch(app.url("/api/v1/shop"))
        .bearer_auth(&key)
        .json(&serde_json::json!({ "name": "x".repeat(100_000) }))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem(huge).await["code"], "payload_too_large");

    let missing = api
        .get(app.url("/api/v1/tidak-ada"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(problem(missing).await["code"], "not_found");

    let bad_id = api
        .get(app.url("/api/v1/team/members/bukan-id"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        bad_id.status(),
        StatusCode::FORBIDDEN,
        "scope is checked before the id is looked at"
    );

    // The problem type resolves to its description.
    let described: Value = api
        .get(app.url("/api/problems/malformed_json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(described["status"], 400);
    assert_eq!(described["title_en"], "The request body is not valid JSON.");

    // Nothing was written by any of these.
    let shop: Value = api
        .get(app.url("/api/v1/shop"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(shop["name"], "Toko toko-salah");
}

async fn forms_that_are_too_large_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.browser();
    let token = app.csrf(&browser, "/signin").await;
    let huge = "x".repeat(100_000);
    let response = browser
        .post(app.url("/signin"))
        .form(&[
            ("_csrf", token.as_str()),
            ("email", huge.as_str()),
            ("password", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.text().await.unwrap().contains("terlalu besar"));
}

on_both_backends!(
    keys_act_for_their_shop_within_their_scopes,
    revoked_missing_and_unknown_keys_are_refused,
    keys_record_their_last_use,
    keys_cannot_be_given_team_or_key_powers,
    bad_requests_get_problem_documents,
    forms_that_are_too_large_are_refused,
);

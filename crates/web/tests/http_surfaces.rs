//! The three surfaces, operations endpoints, errors and languages over HTTP.

mod common;

use common::TestApp;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;

async fn health_readiness_and_metrics(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    let health = app.get(&client, "/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health.headers().contains_key("x-request-id"));
    assert_eq!(app.get(&client, "/readyz").await.status(), StatusCode::OK);
    app.get(&client, "/seller/signin").await;
    let metrics = app.get(&client, "/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(r#"route="/healthz",status="200""#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"route="/seller/signin""#), "{metrics}");
    assert!(
        metrics.contains(r#"etalase_mail_queue_messages{state="failed"} 0"#),
        "{metrics}"
    );
    assert!(metrics.contains("etalase_http_request_duration_seconds_bucket"));
}

async fn each_surface_has_its_door(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    let home = app.get(&client, "/").await;
    assert_eq!(home.status(), StatusCode::OK);
    let body = home.text().await.unwrap();
    assert!(body.contains("<html lang=\"id\">"));
    assert!(body.contains("Masuk"));

    let seller = app.get(&client, "/seller").await;
    assert_eq!(seller.status(), StatusCode::SEE_OTHER);
    assert_eq!(common::location(&seller), "/seller/signin?next=%2Fseller");
    let sign_in = app
        .get(&client, "/seller/signin")
        .await
        .text()
        .await
        .unwrap();
    assert!(sign_in.contains("Masuk ke Seller Center"));

    let admin = app.get(&client, "/admin").await;
    assert_eq!(common::location(&admin), "/admin/signin?next=%2Fadmin");
    let admin_sign_in = app
        .get(&client, "/admin/signin")
        .await
        .text()
        .await
        .unwrap();
    assert!(admin_sign_in.contains("Masuk ke Admin"));
}

async fn pages_follow_accept_language_and_the_switch(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    let english = client
        .get(app.url("/seller/signin"))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("Sign in to Seller Center"));

    // The switch wins over the browser's preference and sticks.
    let switched = app
        .submit(
            &client,
            "/seller/signin",
            "/lang",
            &[("lang", "en"), ("next", "/seller/signin")],
        )
        .await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(common::location(&switched), "/seller/signin");
    let page = app
        .get(&client, "/seller/signin")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Sign in to Seller Center"), "{page}");
    let refused = app.submit(&client, "/", "/lang", &[("lang", "fr")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("Unknown language"));
}

async fn a_signed_in_users_language_follows_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.buyer("bahasa@contoh.id").await;
    app.submit(
        &browser,
        "/account",
        "/lang",
        &[("lang", "en"), ("next", "/account")],
    )
    .await;
    // Another device, with an Indonesian browser, after signing in.
    let other = app.browser();
    app.sign_in(&other, "bahasa@contoh.id", common::PASSWORD)
        .await;
    let page = other
        .get(app.url("/account"))
        .header("accept-language", "id")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("My account"), "{page}");
}

async fn unknown_pages_are_friendly_and_translated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    let missing = app.get(&client, "/tidak-ada").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(missing.text().await.unwrap().contains("tidak ada"));
    let english = client
        .get(app.url("/nope"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert!(english.text().await.unwrap().contains("does not exist"));
    let wrong_method = client.get(app.url("/signout")).send().await.unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        wrong_method
            .text()
            .await
            .unwrap()
            .contains("tidak didukung")
    );
}

async fn static_assets_are_embedded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.browser();
    let css = app.get(&client, "/static/app.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let swagger = app
        .get(&client, "/static/vendor/swagger-ui/swagger-ui-bundle.js")
        .await;
    assert_eq!(swagger.status(), StatusCode::OK);
    let docs = app.get(&client, "/api/docs").await.text().await.unwrap();
    assert!(docs.contains("/static/vendor/swagger-ui/swagger-ui-bundle.js"));
    assert!(
        !docs.contains("https://"),
        "the reference page loads nothing from outside"
    );
    assert_eq!(
        app.get(&client, "/static/nope.js").await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn admin_pages_are_for_admins_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    etalase_services::accounts::create_user(
        &app.services,
        "ops@etalase.test",
        "Ops",
        common::PASSWORD,
        true,
    )
    .await
    .unwrap();
    let buyer = app.buyer("biasa@contoh.id").await;
    let refused = app.get(&buyer, "/admin").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.unwrap().contains("hanya untuk admin"));
    let admin = app.browser();
    let signed_in = app
        .submit(
            &admin,
            "/admin/signin",
            "/admin/signin",
            &[
                ("email", "ops@etalase.test"),
                ("password", common::PASSWORD),
                ("next", "/admin"),
            ],
        )
        .await;
    assert_eq!(common::location(&signed_in), "/admin");
    let page = app.get(&admin, "/admin").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Admin etalase"));
}

on_both_backends!(
    health_readiness_and_metrics,
    each_surface_has_its_door,
    pages_follow_accept_language_and_the_switch,
    a_signed_in_users_language_follows_them,
    unknown_pages_are_friendly_and_translated,
    static_assets_are_embedded,
    admin_pages_are_for_admins_only,
);

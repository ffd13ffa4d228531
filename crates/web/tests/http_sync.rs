//! The sync over HTTP on both backends, on the demo shop: badges in the
//! catalog list (and their live updates), the "why isn't it in the Shop?"
//! panel, "sync again", the API's listing endpoint, the health pages, and
//! the Shop's product page reading only the read model.

mod common;

use common::TestApp;
use etalase_domain::id::ProductId;
use etalase_services::demo::{DEMO_PASSWORD, DEMO_SHOP_SLUG};
use etalase_services::sync;
use etalase_services::teams::SellerScope;
use etalase_store::sellers;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::Value;

async fn demo(app: &TestApp) -> (reqwest::Client, SellerScope) {
    etalase_services::demo::load(&app.services).await.unwrap();
    sync::catch_up(&app.services).await.unwrap();
    let owner = app.browser();
    let signed_in = app
        .sign_in(&owner, "pemilik@etalase.test", DEMO_PASSWORD)
        .await;
    assert!(signed_in.status().is_success() || signed_in.status().is_redirection());
    let seller = sellers::find_seller_by_slug(&app.services.store, DEMO_SHOP_SLUG)
        .await
        .unwrap()
        .unwrap();
    let member = sellers::list_members(&app.services.store, seller.id)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.role == etalase_domain::policy::Role::Owner)
        .unwrap();
    (owner, SellerScope::for_member(&member))
}

async fn product_titled(app: &TestApp, scope: &SellerScope, prefix: &str) -> ProductId {
    etalase_services::catalog::list(&app.services, scope, &Default::default(), None, 50)
        .await
        .unwrap()
        .products
        .into_iter()
        .find(|p| p.title.starts_with(prefix))
        .unwrap()
        .id
}

async fn sellers_see_where_each_product_stands(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, scope) = demo(&app).await;
    let list = app
        .get(&owner, "/seller/products")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("data-testid=\"sync-badge\" data-state=\"synced\""),
        "{list}"
    );
    assert!(list.contains("data-shown=\"listed\""));
    assert!(list.contains("data-shown=\"hidden\""));

    // The draft's panel names every reason, each with its fix.
    let kopi = product_titled(&app, &scope, "Kopi Gayo").await;
    let page = app
        .get(&owner, &format!("/seller/products/{kopi}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Kenapa produk ini tidak tampil di Shop?"));
    assert!(page.contains("data-reason=\"product_draft\""));
    assert!(page.contains("data-reason=\"incomplete\""));
    assert!(page.contains(&format!("href=\"/seller/products/{kopi}#images\"")));
    assert!(
        !page.contains("data-testid=\"rank-total\""),
        "a draft has no rank"
    );

    // A listed product links to its Shop page, which shows it.
    let kemeja = product_titled(&app, &scope, "Batik Sari Kemeja").await;
    let page = app
        .get(&owner, &format!("/seller/products/{kemeja}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-testid=\"listed-since\""));
    // Why it ranks where it does, part by part, as of the last pass.
    etalase_services::storefront::ranking::rank_all(&app.services)
        .await
        .unwrap();
    let rank = etalase_services::storefront::ranking::of_product(&app.services, &scope, kemeja)
        .await
        .unwrap()
        .unwrap();
    assert!(rank.signals.orders > 0, "the demo buyer's orders count");
    let ranked = app
        .get(&owner, &format!("/seller/products/{kemeja}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        ranked.contains(&format!(
            "data-testid=\"rank-total\">{} poin",
            rank.parts.total()
        )),
        "{ranked}"
    );
    let orders_row = format!(
        "<li data-part=\"orders\">Pesanan 30 hari terakhir: {} <small class=\"muted\">+{}</small>",
        rank.signals.orders, rank.parts.orders
    );
    assert!(ranked.contains(&orders_row), "{orders_row}");
    assert!(ranked.contains("data-part=\"quality\""));
    let link = page.find("data-testid=\"view-in-shop\"").unwrap();
    let start = page[..link].rfind("href=\"").unwrap() + 6;
    let href = page[start..].split('"').next().unwrap().to_owned();
    assert!(href.starts_with("/p/batik-sari-kemeja-"), "{href}");
    let buyer = app.browser();
    let shop_page = app.get(&buyer, &href).await;
    assert_eq!(shop_page.status(), StatusCode::OK);
    let body = shop_page.text().await.unwrap();
    assert!(body.contains("Batik Sari Kemeja Batik Tulis"));
    assert!(body.contains("data-testid=\"shop-price\""));
    // Its first photo (the demo shirt's own video comes before it).
    let image = body
        .split("src=\"/p/")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .find(|p| p.contains("/images/"))
        .map(|p| format!("/p/{p}"))
        .unwrap();
    let photo = app.get(&buyer, &image).await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    // An old or wrong slug redirects to the product's address.
    let moved = app.get(&buyer, &format!("/p/kemeja-lama-{kemeja}")).await;
    assert_eq!(moved.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(common::location(&moved), href);
    // A product not in the Shop is not found, and neither are its photos.
    let tas = product_titled(&app, &scope, "Tas Anyaman").await;
    let hidden = app.get(&buyer, &format!("/p/tas-{tas}")).await;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);

    // "Sync again" announces the product; the projector takes it.
    let csrf = app.csrf(&owner, &format!("/seller/products/{kopi}")).await;
    let resync = owner
        .post(app.url(&format!("/seller/products/{kopi}/resync")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resync.status(), StatusCode::SEE_OTHER);
    let pending = sync::status(&app.services, &scope, kopi).await.unwrap();
    assert_eq!(pending.status.key(), "pending");
    sync::catch_up(&app.services).await.unwrap();
    assert_eq!(
        sync::status(&app.services, &scope, kopi)
            .await
            .unwrap()
            .status
            .key(),
        "synced"
    );

    // The health pages.
    let health = app.get(&owner, "/seller/sync").await.text().await.unwrap();
    assert!(
        health.contains("data-testid=\"sync-backlog\">0<"),
        "{health}"
    );
    let admin = app.browser();
    app.sign_in(&admin, "admin@etalase.test", DEMO_PASSWORD)
        .await;
    let platform = app.get(&admin, "/admin/sync").await;
    assert_eq!(platform.status(), StatusCode::OK);
    assert!(
        platform
            .text()
            .await
            .unwrap()
            .contains("data-testid=\"sync-dead\">0<")
    );
    assert_eq!(
        app.get(&owner, "/admin/sync").await.status(),
        StatusCode::FORBIDDEN
    );
}

async fn the_api_says_why_a_product_is_not_in_the_shop(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, scope) = demo(&app).await;
    let key = app.api_key(&owner, &["catalog:read"]).await;
    let kopi = product_titled(&app, &scope, "Kopi Gayo").await;
    let listing: Value = app
        .api_json(&format!("/api/v1/products/{kopi}/listing"), &key)
        .await;
    assert_eq!(listing["visibility"], "hidden");
    assert_eq!(listing["in_shop"], false);
    assert_eq!(listing["sync"]["state"], "synced");
    let reasons = listing["reasons"].as_array().unwrap();
    assert_eq!(reasons[0]["code"], "product_draft");
    assert!(reasons.iter().any(|r| r["code"] == "incomplete"
        && r["field"] == "images"
        && r["problem"] == "image_required"
        && r["message_en"].as_str().unwrap().contains("photo")));
    let kemeja = product_titled(&app, &scope, "Batik Sari Kemeja").await;
    let listed: Value = app
        .api_json(&format!("/api/v1/products/{kemeja}/listing"), &key)
        .await;
    assert_eq!(listed["visibility"], "listed");
    assert!(listed["listed_since"].is_string());
    assert!(listed["reasons"].as_array().unwrap().is_empty());
    // Another shop's key does not see it.
    let other = app.seller("lain@contoh.id", "toko-lain").await;
    let foreign = app.api_key(&other, &["catalog:read"]).await;
    let response = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/products/{kemeja}/listing")))
        .bearer_auth(&foreign)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

async fn badges_follow_the_sync_live(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, scope) = demo(&app).await;
    let projector = sync::spawn(app.services.clone());
    let kaos = product_titled(&app, &scope, "Kaos Polos").await;
    let events = owner
        .get(app.url(&format!("/seller/products/sync-events?ids={kaos}")))
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let mut body = events;
    let mut seen = String::new();
    // The badge as it is now comes first.
    while !seen.contains("\n\n") {
        seen.push_str(&String::from_utf8_lossy(
            &body.chunk().await.unwrap().unwrap(),
        ));
    }
    assert!(
        seen.contains("event: sync") && seen.contains("\"state\":\"synced\""),
        "{seen}"
    );
    // A change is announced once the projector applied it.
    etalase_services::catalog::deactivate(&app.services, &scope, kaos)
        .await
        .unwrap();
    seen.clear();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !seen.contains("\"shown\":\"hidden\"") {
        let chunk = tokio::time::timeout_at(deadline, body.chunk())
            .await
            .expect("a badge within 10 s")
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    projector.abort();
}

on_both_backends!(
    sellers_see_where_each_product_stands,
    the_api_says_why_a_product_is_not_in_the_shop,
    badges_follow_the_sync_live,
);

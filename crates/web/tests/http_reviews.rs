//! Reviews through the pages on both backends: the demo buyer changes the
//! review of an order that arrived; the product page, its structured data,
//! the cards, the search's rating filter and the API show the new rating;
//! bad stars are refused with a message; an order on its way has no form.

mod common;

use common::{TestApp, location};
use etalase_domain::checkout::OrderStatus;
use etalase_services::ServiceConfig;
use etalase_services::fulfilment::tracking::CourierConfig;
use etalase_services::sync;
use etalase_store::checkout::{lines_of_orders, orders_of_buyer};
use etalase_store::shop;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;
use serde_json::Value;

/// The API search's count beside its rating filter.
async fn api_count(app: &TestApp, path: &str) -> u64 {
    let found: Value = reqwest::get(app.url(path))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    found["rated_four_up"].as_u64().expect("a count")
}

async fn text(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let r = app.get(client, path).await;
    (r.status(), r.text().await.unwrap())
}

/// The JSON-LD of a product page.
fn json_ld(page: &str) -> Value {
    let at = page.find("data-testid=\"json-ld\">").expect("JSON-LD") + 22;
    let end = at + page[at..].find("</script>").unwrap();
    serde_json::from_str(&page[at..end].replace("<\\/", "</")).expect("valid JSON-LD")
}

async fn a_review_reaches_the_product_page_search_and_api(backend: Backend) {
    let app = TestApp::spawn_with_services(backend, |base| ServiceConfig {
        public_url: base.into(),
        couriers: CourierConfig::generated(),
        ..ServiceConfig::default()
    })
    .await;
    let seller = app.demo_shop().await;
    let svc = &app.services;
    etalase_services::demo::load_for_visitors(svc)
        .await
        .unwrap();
    sync::catch_up(svc).await.unwrap();
    let buyer = app.demo_member("pembeli@etalase.test").await;
    let email = etalase_domain::account::Email::parse("pembeli@etalase.test").unwrap();
    let buyer_id = etalase_store::accounts::find_user_by_email(&svc.store, &email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let orders = orders_of_buyer(&svc.store, buyer_id, None, 50)
        .await
        .unwrap();
    let arrived = orders
        .iter()
        .find(|o| o.status == OrderStatus::Delivered && o.seller == seller)
        .expect("the demo order that arrived");
    let path = format!("/orders/{}", arrived.id);
    let (status, page) = text(&app, &buyer, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-testid=\"order-reviews\""), "{page}");
    assert!(
        page.contains("data-testid=\"my-review\" data-stars=\"5\""),
        "the demo review"
    );

    // Bad stars: the page again, with the reason in Indonesian.
    let action = format!("{path}/lines/1/review");
    let bad = app
        .submit(&buyer, &path, &action, &[("stars", "9"), ("body", "")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("Nilai bintang harus 1 sampai 5.")
    );
    // The buyer changes it to 4 stars.
    let saved = app
        .submit(
            &buyer,
            &path,
            &action,
            &[
                ("stars", "4"),
                ("body", "Bahannya <b>tebal</b>, pas dipakai."),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&saved),
        format!("{path}?notice=review_saved#reviews")
    );

    sync::catch_up(svc).await.unwrap();
    let product = lines_of_orders(&svc.store, &[arrived.id]).await.unwrap()[0].product;
    let listing = shop::get(&svc.store, product).await.unwrap().unwrap();
    let (status, page) = text(
        &app,
        &app.browser(),
        &format!("/p/{}-{}", listing.slug, product),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-testid=\"shop-rating\""), "{page}");
    assert!(
        page.contains("4,0"),
        "the average, written the Indonesian way"
    );
    assert!(page.contains("data-testid=\"seller-rating\""));
    assert!(page.contains("data-stars=\"4\""));
    assert!(page.contains("A***i"), "the reviewer's name is masked");
    assert!(!page.contains("Andi Pembeli"));
    assert!(
        page.contains("Bahannya &#60;b&#62;tebal&#60;/b&#62;") || page.contains("&lt;b&gt;"),
        "the text is escaped"
    );
    let ld = json_ld(&page);
    assert_eq!(ld["aggregateRating"]["@type"], "AggregateRating");
    assert_eq!(ld["aggregateRating"]["ratingValue"], 4.0);
    assert_eq!(ld["aggregateRating"]["reviewCount"], 1);
    assert_eq!(ld["review"][0]["reviewRating"]["ratingValue"], 4);
    assert_eq!(ld["review"][0]["author"]["name"], "A***i");

    // Cards and the rating filter.
    let (_, found) = text(&app, &app.browser(), "/search?q=kemeja&rating=4").await;
    assert!(found.contains(&listing.title), "4 and up finds it");
    assert!(found.contains("data-testid=\"card-rating\""));
    assert!(
        found.contains("data-testid=\"search-rating\" checked")
            || found.contains("value=\"4\" checked")
    );
    let (_, unfiltered) = text(&app, &app.browser(), "/search?q=kemeja").await;
    let counted = api_count(&app, "/api/v1/shop/search?q=kemeja").await;
    assert!(counted >= 1, "the reviewed shirt is rated 4 and up");
    assert!(
        unfiltered.contains(&format!("data-testid=\"search-rating-count\">({counted})")),
        "the filter shows its count"
    );
    let (_, none) = text(&app, &app.browser(), "/search?q=kemeja&rating=5").await;
    assert!(!none.contains(&listing.title), "5 stars only does not");
    let (status, _) = text(&app, &app.browser(), "/search?q=kemeja&rating=banyak").await;
    assert_eq!(status, StatusCode::OK, "an odd rating is ignored");
    let api: Value = reqwest::get(app.url("/api/v1/shop/search?q=kemeja&min_rating=4"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        api["total"].as_u64(),
        Some(counted),
        "the count is what the filter keeps"
    );
    let item = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == product.to_string())
        .expect("the API finds it");
    assert_eq!(
        (item["rating"].as_f64(), item["review_count"].as_i64()),
        (Some(4.0), Some(1))
    );

    // An order still on its way has no review form, and a review of it
    // is refused.
    let on_its_way = orders
        .iter()
        .find(|o| o.status == OrderStatus::InTransit)
        .expect("the demo order on its way");
    let other = format!("/orders/{}", on_its_way.id);
    let (_, page) = text(&app, &buyer, &other).await;
    assert!(!page.contains("data-testid=\"order-reviews\""));
    let early = app
        .submit(
            &buyer,
            &other,
            &format!("{other}/lines/1/review"),
            &[("stars", "5")],
        )
        .await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    // Someone else's order is not found.
    let stranger = app.buyer("orang@contoh.id").await;
    let (status, _) = text(&app, &stranger, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both_backends!(a_review_reaches_the_product_page_search_and_api);

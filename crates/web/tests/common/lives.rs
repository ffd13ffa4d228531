//! Helpers of the live-shopping tests: reading a live's event stream,
//! the seller's console forms, and buying from a live.

use std::time::Duration;

use etalase_domain::checkout::Source;
use etalase_domain::id::{LiveId, SkuId};
use reqwest::{Client, StatusCode};

use super::{TestApp, value_of};
/// Reads a Server-Sent Events stream until its text holds `needle`.
pub async fn until(stream: &mut reqwest::Response, seen: &mut String, needle: &str) {
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while !seen.contains(needle) {
            match stream.chunk().await.unwrap() {
                Some(chunk) => seen.push_str(&String::from_utf8_lossy(&chunk)),
                None => panic!("the stream ended before {needle:?}: {seen}"),
            }
        }
    })
    .await;
    assert!(found.is_ok(), "no {needle:?} within 10 s in {seen}");
}

/// The console's form to `action` with `fields`.
pub async fn act(
    app: &TestApp,
    seller: &Client,
    live: LiveId,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = format!("/seller/live/{live}");
    let body = app.get(seller, &page).await.text().await.unwrap();
    let version = value_of(&body, "name=\"version\" value=\"").unwrap_or_default();
    let mut all: Vec<(&str, &str)> = vec![("version", &version)];
    all.extend_from_slice(fields);
    app.submit(seller, &page, &format!("{page}/{action}"), &all)
        .await
}

pub async fn add_from_live(app: &TestApp, buyer: &Client, live: LiveId, sku: SkuId) {
    let token = app.csrf(buyer, "/cart").await;
    let source = Source::Live(live).to_param();
    let added = buyer
        .post(app.url("/cart/add"))
        .form(&[
            ("_csrf", token.as_str()),
            ("sku", &sku.to_string()),
            ("quantity", "1"),
            ("source", source.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
}

/// Places the buyer's cart; returns the total it showed.
pub async fn checkout(app: &TestApp, buyer: &Client) -> i64 {
    let page = app.get(buyer, "/checkout").await.text().await.unwrap();
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in ["token", "version", "shown_total"] {
        fields.push((
            name.to_owned(),
            value_of(&page, &format!("name=\"{name}\"")).unwrap_or_else(|| panic!("{page}")),
        ));
    }
    let token = app.csrf(buyer, "/cart").await;
    let mut form: Vec<(&str, &str)> = vec![("_csrf", &token), ("action", "place")];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let placed = buyer
        .post(app.url("/checkout"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        placed.status(),
        StatusCode::SEE_OTHER,
        "{}",
        placed.text().await.unwrap()
    );
    fields[2].1.parse().unwrap()
}

/// The demo buyer's newest order.
pub async fn newest_order(app: &TestApp) -> etalase_store::checkout::StoredOrder {
    let buyer = etalase_store::accounts::find_user_by_email(
        &app.services.store,
        &etalase_domain::account::Email::parse("pembeli@etalase.test").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    etalase_store::checkout::orders_of_buyer(&app.services.store, buyer.id, None, 1)
        .await
        .unwrap()
        .remove(0)
}

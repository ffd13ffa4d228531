//! Units sold ("terjual") on both backends: an unpaid order is not a sale;
//! once paid it counts on the product's card and page, in the home page's
//! "Terlaris" and in the best-selling sort of search; cancelled, it no
//! longer does.

mod common;
mod payment_support;

use common::TestApp;
use etalase_domain::id::ProductId;
use etalase_domain::policy::Role;
use etalase_services::fulfilment;
use etalase_services::sync;
use etalase_services::teams::SellerScope;
use etalase_store::{checkout, sellers, shop};
use etalase_testkit::{Backend, on_both_backends};
use serde_json::Value;

use payment_support::*;

async fn sold(app: &TestApp, product: ProductId) -> i64 {
    sync::catch_up(&app.services).await.unwrap();
    let listing = shop::get(&app.services.store, product)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        listing.sold_count,
        checkout::units_sold(&app.services.store, product)
            .await
            .unwrap(),
        "the Shop shows what the system of record counts"
    );
    listing.sold_count
}

async fn text(app: &TestApp, path: &str) -> String {
    let response = reqwest::get(app.url(path)).await.unwrap();
    assert!(response.status().is_success(), "{path}");
    response.text().await.unwrap()
}

async fn a_paid_order_counts_as_sold_until_it_is_cancelled(backend: Backend) {
    let app = app(backend).await;
    let b = bought(&app, "laku@contoh.id").await;
    let svc = &app.services;
    let order = &b.orders[0];
    let lines = checkout::lines_of_orders(&svc.store, &[order.id])
        .await
        .unwrap();
    let (product, units) = (lines[0].product, lines[0].quantity);
    // The demo's COD orders of the shirt are sales already; this one is not
    // until it is paid.
    let before = sold(&app, product).await;
    assert!(before >= 1, "the demo sold the shirt with COD");
    pay_by(&app, &b, "qris").await;
    let after = sold(&app, product).await;
    assert_eq!(after, before + units);

    let listing = shop::get(&svc.store, product).await.unwrap().unwrap();
    let label = format!("{after} terjual");
    let page = text(&app, &format!("/p/{}-{}", listing.slug, product)).await;
    assert!(page.contains(&label), "the product page says {label}");
    let home = text(&app, "/").await;
    let best = &home[home
        .find("data-testid=\"feed-best-selling\"")
        .expect("a Terlaris section")..];
    let best = &best[..best.find("</section>").unwrap()];
    assert!(best.contains(&listing.title) && best.contains(&label));
    let search: Value =
        serde_json::from_str(&text(&app, "/api/v1/shop/search?sort=best_selling").await).unwrap();
    let items = search["items"].as_array().unwrap();
    assert_eq!(items[0]["id"], product.to_string(), "{search}");
    let counts: Vec<i64> = items.iter().map(|i| i["sold"].as_i64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");

    // The shop cancels it: no longer a sale.
    let shop = sellers::find_seller_by_slug(&svc.store, "shop")
        .await
        .unwrap()
        .unwrap();
    let owner = sellers::list_members(&svc.store, shop.id)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.role == Role::Owner)
        .unwrap();
    let scope = SellerScope::for_member(&owner);
    fulfilment::cancel::by_seller(svc, &scope, order.id, "seller_out_of_stock")
        .await
        .unwrap();
    assert_eq!(sold(&app, product).await, before);
}

on_both_backends!(a_paid_order_counts_as_sold_until_it_is_cancelled);

//! The product page's shipping estimate (`/p/<slug>-<id>/ongkir`) on both
//! backends: a province, then a regency, gives every courier service with
//! its cost and time — the same options the checkout then quotes for that
//! unit; a signed-in buyer starts at their default address; odd input is a
//! message, never an error page.

mod common;

use common::TestApp;
use etalase_domain::Lang;
use etalase_domain::checkout::{AddressForm, Source};
use etalase_domain::money::Money;
use etalase_services::checkout::summary::{CheckoutChoice, summary};
use etalase_services::checkout::{Shopper, addresses, cart};
use etalase_services::storefront::{self, shipping};
use etalase_services::sync;
use etalase_store::shop;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{Client, StatusCode};

async fn text(app: &TestApp, browser: &Client, path: &str) -> (StatusCode, String) {
    let response = app.get(browser, path).await;
    (response.status(), response.text().await.unwrap())
}

fn option_rows(body: &str) -> usize {
    body.matches("data-testid=\"shipping-option\"").count()
}

async fn the_estimate_is_what_the_checkout_quotes_for_one_unit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let svc = &app.services;
    etalase_services::demo::load(svc).await.unwrap();
    sync::catch_up(svc).await.unwrap();
    let kaos = shop::all(&svc.store)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.title.starts_with("Kaos"))
        .unwrap();
    let product = storefront::product(svc, kaos.product_id)
        .await
        .unwrap()
        .unwrap();
    let sku = product
        .document
        .skus
        .iter()
        .find(|s| s.stock > 0)
        .unwrap()
        .id;
    let page = format!("/p/{}-{}/ongkir", kaos.slug, kaos.product_id);
    let anyone = app.browser();

    // The product page links to it; without a destination it asks for one.
    let (status, body) = text(
        &app,
        &anyone,
        &format!("/p/{}-{}", kaos.slug, kaos.product_id),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!("href=\"{page}\"")));
    let (status, body) = text(&app, &anyone, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Dikirim dari Kota Surakarta"),
        "the shop's city"
    );
    assert!(body.contains("Daerah Khusus Ibukota Jakarta") && option_rows(&body) == 0);
    // A province lists its regencies; a regency gives the options.
    let (_, body) = text(&app, &anyone, &format!("{page}?provinsi=31")).await;
    assert!(body.contains("value=\"3173\""), "Jakarta Barat is offered");
    let (status, body) = text(&app, &anyone, &format!("{page}?ke=3173&varian={sku}")).await;
    assert_eq!(status, StatusCode::OK);
    let estimate = shipping::estimate(svc, &product, Some(sku), "3173").unwrap();
    assert!(!estimate.options.is_empty());
    assert_eq!(option_rows(&body), estimate.options.len());
    for option in &estimate.options {
        // HTML-escaped as the template writes it ("J&#38;T EZ").
        assert!(body.contains(&option.service.name().replace('&', "&#38;")));
        assert!(body.contains(&Money::idr(option.cost).format(Lang::Id)));
    }

    // A buyer in Jakarta Barat starts there, and the checkout quotes the
    // same options for one unit.
    let browser = app.buyer("ongkir@contoh.id").await;
    let buyer = etalase_store::accounts::find_user_by_email(
        &svc.store,
        &etalase_domain::account::Email::parse("ongkir@contoh.id").unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .id;
    let home = AddressForm {
        label: "Rumah".into(),
        recipient: "Pembeli Ongkir".into(),
        phone: "0813-1111-2222".into(),
        street: "Jl. Kamal Raya No. 5".into(),
        district_code: "317301".into(),
        postal_code: "11730".into(),
    };
    addresses::add(svc, buyer, &home, true).await.unwrap();
    let (_, body) = text(&app, &browser, &page).await;
    assert!(
        body.contains("Ke Kota Administrasi Jakarta Barat"),
        "the buyer's default address"
    );
    assert!(option_rows(&body) > 0);
    let (_, body) = text(&app, &browser, &format!("{page}?provinsi=32")).await;
    assert_eq!(
        option_rows(&body),
        0,
        "choosing another province leaves the address"
    );
    assert!(body.contains("value=\"3273\""));
    cart::add(svc, &Shopper::Buyer(buyer), sku, 1, Source::ProductPage)
        .await
        .unwrap();
    let quoted = summary(svc, buyer, &CheckoutChoice::default())
        .await
        .unwrap();
    let first_sku_estimate = shipping::estimate(svc, &product, Some(sku), "3173").unwrap();
    assert_eq!(quoted.packages[0].options, first_sku_estimate.options);

    // Another province chosen with the old regency still in the form: its
    // regencies are offered, nothing is estimated yet.
    let (_, body) = text(&app, &anyone, &format!("{page}?provinsi=32&ke=3173")).await;
    assert!(body.contains("value=\"3273\"") && !body.contains("value=\"3173\""));
    assert_eq!(option_rows(&body), 0);

    // Odd input: a message, never an error page.
    for odd in [
        "?ke=9999",
        "?ke=%3Cb%3Ex",
        "?provinsi=99",
        "?varian=abc&ke=3173",
    ] {
        let (status, body) = text(&app, &anyone, &format!("{page}{odd}")).await;
        assert_eq!(status, StatusCode::OK, "{odd}");
        assert!(!body.contains("<b>x"), "{odd}: nothing asked is echoed raw");
    }
    let (_, body) = text(&app, &anyone, &format!("{page}?ke=9999")).await;
    assert!(body.contains("data-testid=\"shipping-problem\""));
    let (_, body) = text(&app, &anyone, &format!("{page}?varian=abc&ke=3173")).await;
    assert!(
        option_rows(&body) > 0,
        "an unknown variant falls back to one in stock"
    );
    let (status, _) = text(&app, &anyone, "/p/x-prd_00000000000000000000000000/ongkir").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both_backends!(the_estimate_is_what_the_checkout_quotes_for_one_unit);

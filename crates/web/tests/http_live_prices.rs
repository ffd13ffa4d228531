//! One SKU has one price on every surface — product page, video, live,
//! cart — and on the order, over HTTP on both backends.

mod common;

use common::lives::{act, add_from_live, checkout, newest_order};
use common::{TestApp, location};
use etalase_domain::checkout::Source;
use etalase_domain::id::{LiveId, SkuId};
use etalase_store::videos;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;

/// Every `data-price` of the price tags on a page, in order.
fn tag_prices(body: &str) -> Vec<i64> {
    body.match_indices("data-testid=\"price-tag\" data-price=\"")
        .map(|(i, m)| {
            let rest = &body[i + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

/// Whole Rupiah in a text like "Rp297.500".
fn rupiah_in(text: &str) -> i64 {
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}
async fn one_sku_has_one_price_on_every_surface_and_on_the_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    let marketing = app.demo_member("marketing@etalase.test").await;
    let video = videos::videos_of(&app.services.store, seller)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.state.as_str() == "published")
        .unwrap();
    let product = video.products[0];
    // A live of its own (no live prices), on air, with the product pinned.
    let planned = app.services.now().plus_seconds(600).to_wib_local();
    let video_id = video.id.to_string();
    let ids: Vec<String> = video.products.iter().map(ToString::to_string).collect();
    let mut fields: Vec<(&str, &str)> = vec![
        ("title", "Live tanpa harga live"),
        ("planned_start", &planned),
        ("stream_kind", "recorded"),
        ("stream_video", &video_id),
    ];
    fields.extend(ids.iter().map(|p| ("product", p.as_str())));
    let scheduled = app
        .submit(&marketing, "/seller/live", "/seller/live", &fields)
        .await;
    let live: LiveId = location(&scheduled)
        .trim_start_matches("/seller/live/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        act(&app, &marketing, live, "go-live", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&app, &marketing, live, "pin", &[("product", &ids[0])])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // The same moment, four surfaces.
    let buyer = app.demo_member("pembeli@etalase.test").await;
    let listing = etalase_store::shop::get(&app.services.store, product)
        .await
        .unwrap()
        .unwrap();
    let page = app
        .get(&buyer, &format!("/p/{}-{}", listing.slug, product))
        .await
        .text()
        .await
        .unwrap();
    let on_page = tag_prices(&page)[0];
    let video_page = app
        .get(&buyer, &format!("/v/{}", video.id))
        .await
        .text()
        .await
        .unwrap();
    let on_video = tag_prices(&video_page)[0];
    let live_page = app
        .get(&buyer, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    let pinned = {
        let at = live_page.find("data-testid=\"pinned-price\">").unwrap() + 27;
        rupiah_in(&live_page[at..at + live_page[at..].find('<').unwrap()])
    };
    assert_eq!(
        on_video, on_page,
        "the video's tag shows the product page's price"
    );
    assert_eq!(
        pinned, on_page,
        "the live's pin shows the product page's price"
    );

    // The SKU behind that price, bought from the live: the cart, the
    // checkout and the order carry the same price.
    let shown = etalase_domain::Money::idr(on_page).format(etalase_domain::Lang::Id);
    let sku: SkuId = {
        let at = live_page.find("data-testid=\"pinned-sku\"").unwrap();
        let select = &live_page[at..at + live_page[at..].find("</select>").unwrap()];
        let option = select
            .split("<option value=\"")
            .skip(1)
            .find(|o| o.contains(&format!("· {shown}<")))
            .unwrap_or_else(|| panic!("an option at {shown}: {select}"));
        option[..option.find('"').unwrap()].parse().unwrap()
    };
    add_from_live(&app, &buyer, live, sku).await;
    let cart = app.get(&buyer, "/cart").await.text().await.unwrap();
    assert!(cart.contains(&shown), "the cart shows {shown}: {cart}");
    checkout(&app, &buyer).await;
    let order = newest_order(&app).await;
    assert_eq!(order.items_subtotal, on_page);
    assert_eq!(order.source, Source::Live(live));

    // A discount on that SKU, reviewed before saving, lists every place
    // its price would change: the product page, the video, the live and
    // the cart holding it.
    add_from_live(&app, &buyer, live, sku).await;
    let now = app.services.now();
    let (starts, ends) = (
        now.plus_seconds(86_400).to_wib_local(),
        now.plus_seconds(2 * 86_400).to_wib_local(),
    );
    let sku_text = sku.to_string();
    let value = format!("value.{sku}");
    let review = app
        .submit(
            &marketing,
            "/seller/promotions/new?kind=discount",
            "/seller/promotions/new",
            &[
                ("kind", "discount"),
                ("name", "Diskon uji tempat harga"),
                ("starts_at", &starts),
                ("ends_at", &ends),
                ("rule", "percent"),
                ("sku", &sku_text),
                (&value, "20"),
                ("intent", "review"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    for place in ["product_page", "video", "live", "carts"] {
        assert!(
            review.contains(&format!(
                "data-testid=\"price-change\" data-place=\"{place}\""
            )),
            "{place}: {review}"
        );
    }
    assert!(
        review.contains(&format!("href=\"/seller/live/{live}\"")),
        "{review}"
    );
}

on_both_backends!(one_sku_has_one_price_on_every_surface_and_on_the_order);

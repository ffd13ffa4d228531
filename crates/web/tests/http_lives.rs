//! Live shopping over HTTP on both backends, on the demo shop: its
//! marketing member schedules a live with three products, is refused a
//! live price that is not a discount, goes on air, pins a product and sets
//! its live price; a viewer's event stream receives each change as it
//! happens (and what it missed, on reconnecting with `Last-Event-ID`); a
//! buyer from the live pays the live price and the order remembers the
//! live; a flash deal's quota is never passed; the chat is paced and
//! screened; once ended, the live's prices no longer hold.

mod common;

use std::time::Duration;

use common::{TestApp, location, value_of};
use etalase_domain::checkout::Source;
use etalase_domain::id::{LiveId, ProductId, SkuId};
use etalase_store::{catalog, videos};
use etalase_testkit::{Backend, on_both_backends};
use reqwest::{Client, StatusCode, header};

/// Reads a Server-Sent Events stream until its text holds `needle`.
async fn until(stream: &mut reqwest::Response, seen: &mut String, needle: &str) {
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
async fn act(
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

async fn add_from_live(app: &TestApp, buyer: &Client, live: LiveId, sku: SkuId) {
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
async fn checkout(app: &TestApp, buyer: &Client) -> i64 {
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
async fn newest_order(app: &TestApp) -> etalase_store::checkout::StoredOrder {
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

async fn a_live_sells_at_its_live_price_and_viewers_see_every_change(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    let marketing = app.demo_member("marketing@etalase.test").await;
    let video = videos::videos_of(&app.services.store, seller)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.state.as_str() == "published")
        .unwrap();
    let products: Vec<ProductId> = video.products.clone();
    let planned = app.services.now().plus_seconds(3600).to_wib_local();
    let video_id = video.id.to_string();
    let mut fields: Vec<(&str, &str)> = vec![
        ("title", "Live uji: kemeja batik dan tenun"),
        ("planned_start", &planned),
        ("stream_kind", "recorded"),
        ("stream_video", &video_id),
    ];
    let ids: Vec<String> = products.iter().map(ToString::to_string).collect();
    fields.extend(ids.iter().map(|p| ("product", p.as_str())));

    // A title too short and no products: both said at once, nothing made.
    let refused = app
        .submit(
            &marketing,
            "/seller/live",
            "/seller/live",
            &[
                ("title", "Hi"),
                ("planned_start", &planned),
                ("stream_kind", "recorded"),
                ("stream_video", &video_id),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text().await.unwrap();
    assert!(text.contains("data-testid=\"products-error\""), "{text}");

    let scheduled = app
        .submit(&marketing, "/seller/live", "/seller/live", &fields)
        .await;
    assert_eq!(scheduled.status(), StatusCode::SEE_OTHER);
    let to = location(&scheduled);
    let live: LiveId = to
        .trim_start_matches("/seller/live/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // Not on air yet: nothing can be pinned.
    let early = act(&app, &marketing, live, "pin", &[("product", &ids[0])]).await;
    assert_eq!(early.status(), StatusCode::CONFLICT);

    // The first product's cheapest SKU in stock gets a live price; one at
    // or above its normal price, or below the platform floor, is refused.
    let (base, sku) = catalog::skus_of(&app.services.store, seller, products[0])
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.stock > 2)
        .filter_map(|s| Some((s.price?, s.id)))
        .min()
        .unwrap();
    let sku_text = sku.to_string();
    for bad in [
        base.to_string(),
        (base + 1000).to_string(),
        "1500".to_owned(),
    ] {
        let r = act(
            &app,
            &marketing,
            live,
            "price",
            &[("sku", &sku_text), ("price", &bad)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let live_price = (base - 25_000).max(2_000);
    let set = act(
        &app,
        &marketing,
        live,
        "price",
        &[("sku", &sku_text), ("price", &live_price.to_string())],
    )
    .await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);

    // A buyer from the live before it is on air pays the normal price.
    let buyer = app.demo_member("pembeli@etalase.test").await;
    let page = app
        .get(&buyer, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-testid=\"live-not-on\""), "{page}");

    let went = act(&app, &marketing, live, "go-live", &[]).await;
    assert_eq!(
        went.status(),
        StatusCode::SEE_OTHER,
        "{}",
        went.text().await.unwrap()
    );

    // A viewer's stream starts with what the live offers now.
    let viewer = app.browser();
    let mut stream = viewer
        .get(app.url(&format!("/live/{live}/events")))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()[header::CONTENT_TYPE], "text/event-stream");
    let mut seen = String::new();
    until(&mut stream, &mut seen, "\n\n").await;
    assert!(seen.contains("event: state"), "{seen}");
    assert!(seen.contains(&format!("\"price\":{live_price},")), "{seen}");
    assert!(seen.contains("\"pinned\":null"), "{seen}");
    let first_id = seen
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .unwrap()
        .to_owned();

    // The pin reaches it without asking.
    let pinned = act(&app, &marketing, live, "pin", &[("product", &ids[0])]).await;
    assert_eq!(pinned.status(), StatusCode::SEE_OTHER);
    until(
        &mut stream,
        &mut seen,
        &format!("\"pinned\":\"{}\"", ids[0]),
    )
    .await;

    // A new price reaches it too.
    let lower = live_price - 1_000;
    act(
        &app,
        &marketing,
        live,
        "price",
        &[("sku", &sku_text), ("price", &lower.to_string())],
    )
    .await;
    until(&mut stream, &mut seen, &format!("\"price\":{lower},")).await;

    // Reconnecting with the first event's id gives what came after it.
    let mut again = viewer
        .get(app.url(&format!("/live/{live}/events")))
        .header("Last-Event-ID", &first_id)
        .send()
        .await
        .unwrap();
    let mut missed = String::new();
    until(&mut again, &mut missed, &format!("\"price\":{lower},")).await;
    assert!(
        missed.contains(&format!("\"pinned\":\"{}\"", ids[0])),
        "{missed}"
    );
    assert!(!missed.contains(&format!("id: {first_id}\n")), "{missed}");
    drop(again);

    // The page shows the pin at its live price.
    let page = app
        .get(&buyer, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-testid=\"pinned-price\">"), "{page}");

    // Bought from the live: the live price is what is charged, and the
    // order remembers the live.
    add_from_live(&app, &buyer, live, sku).await;
    let checkout_page = app.get(&buyer, "/checkout").await.text().await.unwrap();
    let lower_text = etalase_domain::Money::idr(lower).format(etalase_domain::Lang::Id);
    assert!(checkout_page.contains(&lower_text), "{checkout_page}");
    checkout(&app, &buyer).await;
    let order = newest_order(&app).await;
    assert_eq!(order.source, Source::Live(live));
    assert_eq!(order.items_subtotal, lower);
    // Its viewers hear of it: the stock left, and a purchase.
    until(&mut stream, &mut seen, "event: purchase").await;

    // The console counts it.
    etalase_services::attribution::flush(&app.services)
        .await
        .unwrap();
    let stats: serde_json::Value = marketing
        .get(app.url(&format!("/seller/live/{live}/stats")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["orders"], 1, "{stats}");
    assert_eq!(stats["gmv"], lower, "{stats}");
    assert_eq!(stats["add_to_carts"], 1, "{stats}");
    assert!(stats["viewers"].as_i64().unwrap() >= 1, "{stats}");

    // A flash deal: its quota cannot pass the SKU's stock; one unit at the
    // deal's price, and once sold the live price holds again.
    let over = act(
        &app,
        &marketing,
        live,
        "deal",
        &[
            ("sku", &sku_text),
            ("price", &(lower - 2_000).to_string()),
            ("quota", "100000"),
            ("minutes", "5"),
        ],
    )
    .await;
    assert_eq!(over.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let deal_price = lower - 2_000;
    let started = act(
        &app,
        &marketing,
        live,
        "deal",
        &[
            ("sku", &sku_text),
            ("price", &deal_price.to_string()),
            ("quota", "1"),
            ("minutes", "5"),
        ],
    )
    .await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    until(&mut stream, &mut seen, &format!("\"price\":{deal_price},")).await;
    add_from_live(&app, &buyer, live, sku).await;
    checkout(&app, &buyer).await;
    assert_eq!(newest_order(&app).await.items_subtotal, deal_price);
    let deals = etalase_store::lives::prices::flash_deals_of(&app.services.store, live)
        .await
        .unwrap();
    assert_eq!((deals[0].sold, deals[0].deal.quota), (1, 1));
    add_from_live(&app, &buyer, live, sku).await;
    let checkout_page = app.get(&buyer, "/checkout").await.text().await.unwrap();
    assert!(
        checkout_page.contains(&lower_text),
        "the live price again: {checkout_page}"
    );

    // Ended: the live's prices no longer hold for anyone.
    let ended = act(&app, &marketing, live, "end", &[]).await;
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    until(&mut stream, &mut seen, "\"state\":\"ended\"").await;
    let checkout_page = app.get(&buyer, "/checkout").await.text().await.unwrap();
    assert!(!checkout_page.contains(&lower_text), "{checkout_page}");
    let offers = etalase_store::lives::prices::offers_of_skus(
        &app.services.store,
        &[sku],
        app.services.now(),
    )
    .await
    .unwrap();
    // (The demo's own live, still on air, may price the same SKU.)
    assert!(
        !offers.iter().any(|o| matches!(
            o.offer.kind,
            etalase_domain::pricing::OfferKind::Live { live: l } if l == live
        )),
        "{offers:?}"
    );
}

async fn the_chat_is_paced_screened_and_moderated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    // The demo's live is on air.
    let live = etalase_store::lives::lives_of(&app.services.store, seller)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.state.is_on())
        .unwrap()
        .id;
    let viewer = app.browser();
    let other = app.browser();
    let token = app.csrf(&viewer, &format!("/live/{live}")).await;
    let post = |text: &'static str, author: &'static str| {
        let viewer = viewer.clone();
        let token = token.clone();
        let url = app.url(&format!("/live/{live}/comments"));
        async move {
            viewer
                .post(url)
                .header(header::ACCEPT, "application/json")
                .form(&[
                    ("_csrf", token.as_str()),
                    ("author", author),
                    ("text", text),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    // No name: refused with a message the page can show.
    let nameless = post("Halo kak", "").await;
    assert_eq!(nameless.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = nameless.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "author", "{problem}");

    let first = post("Kak, ukuran XL ready?", "Dewi").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let shown: serde_json::Value = first.json().await.unwrap();
    assert_eq!(shown["hidden"], false);
    // A scam cue is taken, hidden from everyone but its author.
    let scam = post("transfer di luar aplikasi lebih murah", "Dewi").await;
    assert_eq!(scam.status(), StatusCode::CREATED);
    let hidden: serde_json::Value = scam.json().await.unwrap();
    assert_eq!(hidden["hidden"], true, "{hidden}");
    // Faster than the pace: 429 with how long to wait, nothing written.
    let mut too_fast = None;
    for _ in 0..5 {
        let r = post("lagi lagi lagi", "Dewi").await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            too_fast = Some(r);
            break;
        }
    }
    let too_fast = too_fast.expect("the pace holds");
    assert!(too_fast.headers().contains_key(header::RETRY_AFTER));

    let others_page = app
        .get(&other, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(others_page.contains("Kak, ukuran XL ready?"));
    assert!(!others_page.contains("transfer di luar aplikasi"));
    let own_page = app
        .get(&viewer, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(own_page.contains("transfer di luar aplikasi"));

    // The seller mutes the author: what they wrote leaves the others' chat.
    let marketing = app.demo_member("marketing@etalase.test").await;
    let id = shown["id"].as_str().unwrap();
    let muted = act(&app, &marketing, live, "mute", &[("comment", id)]).await;
    assert_eq!(muted.status(), StatusCode::SEE_OTHER);
    let others_page = app
        .get(&other, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!others_page.contains("Kak, ukuran XL ready?"));
    let console = app
        .get(&marketing, &format!("/seller/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        console.contains("Kak, ukuran XL ready?"),
        "the seller still sees it"
    );

    // The live's cover: shown on its page; a file that is no picture is refused.
    let cover = |bytes: Vec<u8>| {
        let (app, marketing) = (&app, &marketing);
        async move {
            let page = format!("/seller/live/{live}");
            let token = app.csrf(marketing, &page).await;
            let form = reqwest::multipart::Form::new().text("_csrf", token).part(
                "cover",
                reqwest::multipart::Part::bytes(bytes).file_name("sampul.png"),
            );
            marketing
                .post(app.url(&format!("{page}/cover")))
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    let refused = cover(b"bukan gambar".to_vec()).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("data-testid=\"cover-error\"")
    );
    let set = cover(etalase_testkit::files::product_photo(640)).await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    let picture = app.get(&other, &format!("/live/{live}/cover")).await;
    assert_eq!(picture.status(), StatusCode::OK);
    assert_eq!(picture.headers()[header::CONTENT_TYPE], "image/jpeg");
    let page = app
        .get(&other, &format!("/live/{live}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("poster=\"/live/{live}/cover\"")),
        "{page}"
    );
}

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

async fn a_product_taken_out_of_a_live_loses_its_pin_and_live_prices(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    // The demo's live: on air, its first product pinned at a live price.
    let demo_live = etalase_store::lives::lives_of(&app.services.store, seller)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.state.is_on())
        .unwrap();
    let live = demo_live.id;
    assert_eq!(
        demo_live.pin.map(|p| p.product),
        Some(demo_live.products[0])
    );
    assert!(
        !etalase_store::lives::prices::prices_of(&app.services.store, live)
            .await
            .unwrap()
            .is_empty()
    );
    let mut stream = app
        .browser()
        .get(app.url(&format!("/live/{live}/events")))
        .send()
        .await
        .unwrap();
    let mut seen = String::new();
    until(&mut stream, &mut seen, "event: state").await;

    let marketing = app.demo_member("marketing@etalase.test").await;
    let kept: Vec<String> = demo_live.products[1..]
        .iter()
        .map(ToString::to_string)
        .collect();
    // None featured: refused, nothing changed.
    let refused = act(
        &app,
        &marketing,
        live,
        "plan",
        &[("title", "Live batik Solo malam ini")],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields: Vec<(&str, &str)> = vec![("title", "Live batik Solo malam ini")];
    fields.extend(kept.iter().map(|p| ("product", p.as_str())));
    let saved = act(&app, &marketing, live, "plan", &fields).await;
    assert_eq!(
        saved.status(),
        StatusCode::SEE_OTHER,
        "{}",
        saved.text().await.unwrap()
    );

    let after = etalase_store::lives::live_of(&app.services.store, seller, live)
        .await
        .unwrap();
    assert_eq!(after.title, "Live batik Solo malam ini");
    assert_eq!(after.products, demo_live.products[1..].to_vec());
    assert_eq!(after.pin, None);
    assert!(
        etalase_store::lives::prices::prices_of(&app.services.store, live)
            .await
            .unwrap()
            .is_empty()
    );
    until(&mut stream, &mut seen, "\"pinned\":null").await;
}

on_both_backends!(
    a_product_taken_out_of_a_live_loses_its_pin_and_live_prices,
    a_live_sells_at_its_live_price_and_viewers_see_every_change,
    the_chat_is_paced_screened_and_moderated,
    one_sku_has_one_price_on_every_surface_and_on_the_order,
);

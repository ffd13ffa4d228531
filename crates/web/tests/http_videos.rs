//! Short videos over HTTP on both backends, on the demo shop: its marketing
//! member uploads a video (checked by its container), tags products, sees a
//! caption's price claim that buyers would not be charged, fixes it and
//! publishes; buyers see the video with the same prices as the product
//! pages, seek in it with range requests and buy through it; bad uploads
//! and bad tags are refused with nothing left behind.

mod common;

use common::{TestApp, location};
use etalase_domain::checkout::Source;
use etalase_domain::content::video::VideoLimits;
use etalase_domain::id::{ProductId, VideoId};
use etalase_services::{ServiceConfig, sync};
use etalase_store::checkout::{CartOwner, cart_lines, cart_of};
use etalase_store::{sellers, videos};
use etalase_testkit::{Backend, on_both_backends};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode, header};

const VERTICAL: &[u8] =
    include_bytes!("../../domain/tests/fixtures/video/h264_aac_vertical_moov_end.mp4");
const WEBM: &[u8] = include_bytes!("../../domain/tests/fixtures/video/vp9_opus_vertical.webm");
const MKV: &[u8] = include_bytes!("../../domain/tests/fixtures/video/h264_landscape.mkv");
const MPEG4_PART2: &[u8] =
    include_bytes!("../../domain/tests/fixtures/video/mpeg4_part2_landscape.mp4");

async fn upload(app: &TestApp, seller: &Client, name: &str, bytes: &[u8]) -> reqwest::Response {
    let token = app.csrf(seller, "/seller/videos").await;
    let form = Form::new().text("_csrf", token).part(
        "file",
        Part::bytes(bytes.to_vec())
            .file_name(name.to_owned())
            .mime_str("video/mp4")
            .unwrap(),
    );
    seller
        .post(app.url("/seller/videos"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The new video's page path, after a successful upload.
async fn uploaded(app: &TestApp, seller: &Client, bytes: &[u8]) -> String {
    let response = upload(app, seller, "promo.mp4", bytes).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    location(&response).split('?').next().unwrap().to_owned()
}

async fn save(
    app: &TestApp,
    seller: &Client,
    page: &str,
    caption: &str,
    tags: &[ProductId],
) -> reqwest::Response {
    let body = app.get(seller, page).await.text().await.unwrap();
    let version = common::value_of(&body, "name=\"version\" value=\"").unwrap();
    let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
    let mut fields: Vec<(&str, &str)> = vec![("version", &version), ("caption", caption)];
    fields.extend(tags.iter().map(|t| ("product", t.as_str())));
    app.submit(seller, page, page, &fields).await
}

async fn act(
    app: &TestApp,
    seller: &Client,
    page: &str,
    action: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let body = app.get(seller, page).await.text().await.unwrap();
    let version = common::value_of(&body, "name=\"version\" value=\"").unwrap();
    let mut fields: Vec<(&str, &str)> = vec![("version", &version)];
    fields.extend_from_slice(extra);
    app.submit(seller, page, &format!("{page}/{action}"), &fields)
        .await
}

/// Every `data-price` of the price tags on a page, in order.
fn prices(body: &str) -> Vec<i64> {
    body.match_indices("data-testid=\"price-tag\" data-price=\"")
        .map(|(i, m)| {
            let rest = &body[i + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

async fn a_video_is_uploaded_checked_published_and_sells(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    let browser = app.demo_member("marketing@etalase.test").await;

    // The demo shop already has a published video and a draft with a
    // mismatched claim.
    let list = app
        .get(&browser, "/seller/videos")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(list.matches("data-testid=\"video-row\"").count(), 2);
    assert!(list.contains("data-testid=\"video-row-mismatch\""));

    let page = uploaded(&app, &browser, VERTICAL).await;
    let body = app.get(&browser, &page).await.text().await.unwrap();
    assert!(body.contains("data-state=\"draft\""));
    assert!(body.contains("0:02 · 72×128 · MP4 · 8 KB"), "{body}");

    // The three products of the demo's published video are in the Shop.
    let tags = videos::videos_of(&app.services.store, seller)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.state.as_str() == "published")
        .unwrap()
        .products;
    assert_eq!(tags.len(), 3);
    // A claim no tagged product is sold at: saved, flagged, and publishing
    // asks for a confirmation first.
    let saved = save(&app, &browser, &page, "Cuma Rp1.000 aja! #promo", &tags).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let body = app.get(&browser, &page).await.text().await.unwrap();
    assert!(body.contains("data-testid=\"claim-mismatch\""), "{body}");
    let refused = act(&app, &browser, &page, "publish", &[]).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let body = refused.text().await.unwrap();
    assert!(body.contains("data-testid=\"video-confirm\""));
    assert!(body.contains("tidak sama dengan harga yang akan dibayar pembeli"));

    // The seller fixes the caption: no claim is left, and it publishes.
    let saved = save(
        &app,
        &browser,
        &page,
        "Koleksi baru minggu ini #batiksolo",
        &tags,
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let published = act(&app, &browser, &page, "publish", &[]).await;
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    let id: VideoId = page.rsplit('/').next().unwrap().parse().unwrap();

    // Buyers see it with its three products, each at its product page's price.
    let buyer = app.buyer("pembeli-video@contoh.id").await;
    let feed = app.get(&buyer, "/v").await.text().await.unwrap();
    assert!(feed.contains(&format!("data-video=\"{id}\"")));
    // The home feed shows the newest videos among the products.
    let home = app.get(&buyer, "/").await.text().await.unwrap();
    assert!(home.contains(&format!("href=\"/v/{id}\"")));
    let video_page = app.get(&buyer, &format!("/v/{id}")).await;
    assert_eq!(video_page.status(), StatusCode::OK);
    let body = video_page.text().await.unwrap();
    assert_eq!(body.matches("data-testid=\"tagged-product\"").count(), 3);
    let tag_prices = prices(&body);
    assert_eq!(tag_prices.len(), 3);
    for (product, shown) in tags.iter().zip(&tag_prices) {
        let listing = etalase_store::shop::get(&app.services.store, *product)
            .await
            .unwrap()
            .unwrap();
        let page = app
            .get(&buyer, &format!("/p/{}-{}", listing.slug, product))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(prices(&page).first(), Some(shown), "{}", listing.title);
        // The product page lists the video among its videos.
        assert!(page.contains(&format!("href=\"/v/{id}\"")));
    }

    // Adding from the video remembers the video as the line's source.
    let at = body.find("value=\"sku_").unwrap() + "value=\"".len();
    let sku = body[at..at + body[at..].find('"').unwrap()].to_owned();
    let token = common::csrf_in(&body).unwrap();
    let source = Source::Video(id).to_param();
    let added = buyer
        .post(app.url("/cart/add"))
        .form(&[
            ("_csrf", token.as_str()),
            ("sku", sku.as_str()),
            ("quantity", "1"),
            ("source", source.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let user = etalase_store::accounts::find_user_by_email(
        &app.services.store,
        &etalase_domain::account::Email::parse("pembeli-video@contoh.id").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let cart = cart_of(&app.services.store, &CartOwner::Buyer(user.id))
        .await
        .unwrap()
        .unwrap();
    let lines = cart_lines(&app.services.store, cart).await.unwrap();
    assert_eq!(lines[0].source, Source::Video(id));

    // Where it came from is recorded: shown, its tag clicked, put in a cart.
    let tag_href = {
        let at = body.find("data-testid=\"tagged-link\"").unwrap();
        let start = body[..at].rfind("href=\"").unwrap() + 6;
        body[start..start + body[start..].find('"').unwrap()].replace("&amp;", "&")
    };
    assert!(tag_href.contains(&format!("src=video:{id}")), "{tag_href}");
    assert_eq!(app.get(&buyer, &tag_href).await.status(), StatusCode::OK);
    etalase_services::attribution::flush(&app.services)
        .await
        .unwrap();
    let tally =
        |kind| etalase_store::attribution::tally(&app.services.store, Source::Video(id), kind);
    use etalase_domain::attribution::EventKind;
    assert!(
        tally(EventKind::Impression).await.unwrap().quantity >= 2,
        "feed and page (impressions are counted in `quantity`)"
    );
    assert_eq!(tally(EventKind::TagClick).await.unwrap().events, 1);
    let added = tally(EventKind::AddToCart).await.unwrap();
    assert_eq!((added.events, added.quantity), (1, 1));

    // The file is served in the ranges a player asks for.
    let file = format!("/v/{id}/file");
    let whole = buyer.get(app.url(&file)).send().await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()[header::CONTENT_TYPE], "video/mp4");
    assert_eq!(whole.headers()[header::ACCEPT_RANGES], "bytes");
    assert_eq!(whole.bytes().await.unwrap().as_ref(), VERTICAL);
    let part = buyer
        .get(app.url(&file))
        .header(header::RANGE, "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()[header::CONTENT_RANGE],
        format!("bytes 100-199/{}", VERTICAL.len()).as_str()
    );
    assert_eq!(part.bytes().await.unwrap().as_ref(), &VERTICAL[100..200]);
    let tail = buyer
        .get(app.url(&file))
        .header(header::RANGE, "bytes=-16")
        .send()
        .await
        .unwrap();
    assert_eq!(
        tail.bytes().await.unwrap().as_ref(),
        &VERTICAL[VERTICAL.len() - 16..]
    );
    let beyond = buyer
        .get(app.url(&file))
        .header(header::RANGE, format!("bytes={}-", VERTICAL.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // Hidden, it leaves the Shop (page and file), and stays in Seller Center.
    let hidden = act(&app, &browser, &page, "hide", &[]).await;
    assert_eq!(hidden.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&buyer, &format!("/v/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&buyer, &file).await.status(), StatusCode::NOT_FOUND);
    let own = app
        .get(&browser, &format!("/seller/videos/{id}/file"))
        .await;
    assert_eq!(own.status(), StatusCode::OK);
}

async fn a_tagged_product_that_leaves_the_shop_shows_as_unavailable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    let browser = app.demo_member("marketing@etalase.test").await;
    let published = videos::videos_of(&app.services.store, seller)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.state.as_str() == "published")
        .unwrap();
    let bag = published.products[1];

    let owner = sellers::find_membership(
        &app.services.store,
        etalase_store::accounts::find_user_by_email(
            &app.services.store,
            &etalase_domain::account::Email::parse("pemilik@etalase.test").unwrap(),
        )
        .await
        .unwrap()
        .unwrap()
        .id,
    )
    .await
    .unwrap()
    .unwrap();
    let scope = etalase_services::teams::SellerScope::for_member(&owner);
    etalase_services::catalog::status::deactivate(&app.services, &scope, bag)
        .await
        .unwrap();
    sync::catch_up(&app.services).await.unwrap();

    let buyer = app.browser();
    let body = app
        .get(&buyer, &format!("/v/{}", published.id))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(body.matches("data-testid=\"tagged-product\"").count(), 3);
    assert_eq!(body.matches("Produk tidak tersedia").count(), 1);
    let seller_page = app
        .get(&browser, &format!("/seller/videos/{}", published.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(seller_page.contains("data-testid=\"video-unavailable\""));

    // Tagging it again is refused, with why it is not in the Shop.
    let page = format!("/seller/videos/{}", published.id);
    let refused = save(&app, &browser, &page, "Baru!", &[bag]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(body.contains("belum tampil di Shop"), "{body}");
    // Another shop's (or no) product is refused too, and nothing changed.
    let stranger = ProductId::generate();
    let refused = save(&app, &browser, &page, "Baru!", &[stranger]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let after = videos::video_of(&app.services.store, seller, published.id)
        .await
        .unwrap();
    assert_eq!(after.products, published.products);
    assert_eq!(after.caption, published.caption);
}

async fn bad_uploads_are_refused_and_leave_nothing(backend: Backend) {
    let app = TestApp::spawn_with_services(backend, |base| ServiceConfig {
        public_url: base.to_owned(),
        video_limits: VideoLimits {
            max_bytes: 256 * 1024,
            max_duration_ms: 60_000,
        },
        ..ServiceConfig::default()
    })
    .await;
    let seller = app.demo_shop().await;
    let browser = app.demo_member("marketing@etalase.test").await;
    let before = videos::videos_of(&app.services.store, seller)
        .await
        .unwrap()
        .len();
    let files_before = app.services.objects.list("videos").await.unwrap();

    let png = b"\x89PNG\r\n\x1a\n0000000000000000000000".to_vec();
    let mut truncated = VERTICAL[..VERTICAL.len() - 300].to_vec();
    truncated.truncate(VERTICAL.len() - 300);
    for (name, bytes, message) in [
        ("foto.mp4", png.as_slice(), "bukan video MP4 atau WebM"),
        ("putus.mp4", truncated.as_slice(), "tidak lengkap"),
        ("film.mkv", MKV, "bukan video MP4 atau WebM"),
        ("lama.mp4", MPEG4_PART2, "tidak didukung"),
        ("kosong.mp4", b"".as_slice(), "Pilih file video"),
    ] {
        let response = upload(&app, &browser, name, bytes).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}"
        );
        assert!(response.text().await.unwrap().contains(message), "{name}");
    }
    // Larger than the limit (256 KiB here): refused as too large.
    let mut large = WEBM.to_vec();
    large.extend(std::iter::repeat_n(0u8, 300 * 1024));
    let response = upload(&app, &browser, "besar.webm", &large).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.text().await.unwrap().contains("terlalu besar"));

    // The token must come first: a file before it is refused unread.
    let token = app.csrf(&browser, "/seller/videos").await;
    let form = Form::new()
        .part("file", Part::bytes(WEBM.to_vec()).file_name("a.webm"))
        .text("_csrf", token);
    let response = browser
        .post(app.url("/seller/videos"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    assert_eq!(
        videos::videos_of(&app.services.store, seller)
            .await
            .unwrap()
            .len(),
        before
    );
    assert_eq!(
        app.services.objects.list("videos").await.unwrap(),
        files_before
    );

    // A WebM within the limits is taken.
    let page = uploaded(&app, &browser, WEBM).await;
    let body = app.get(&browser, &page).await.text().await.unwrap();
    assert!(body.contains("WEBM"), "{body}");
}

async fn a_video_gets_a_cover_shown_before_it_plays(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    let browser = app.demo_member("marketing@etalase.test").await;
    let page = uploaded(&app, &browser, VERTICAL).await;
    let id: VideoId = page.rsplit('/').next().unwrap().parse().unwrap();
    let cover = |name: &'static str, bytes: Vec<u8>| {
        let (app, browser, page) = (&app, &browser, page.clone());
        async move {
            let token = app.csrf(browser, &page).await;
            let form = Form::new().text("_csrf", token).part(
                "cover",
                Part::bytes(bytes)
                    .file_name(name)
                    .mime_str("image/jpeg")
                    .unwrap(),
            );
            browser
                .post(app.url(&format!("{page}/cover")))
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    // A video file named .jpg is no picture: refused, with the reason.
    let refused = cover("sampul.jpg", VERTICAL.to_vec()).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("data-testid=\"cover-error\"")
    );

    let set = cover("sampul.png", etalase_testkit::files::product_photo(800)).await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    let own = app.get(&browser, &format!("{page}/cover")).await;
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(own.headers()[header::CONTENT_TYPE], "image/jpeg");
    // A draft's cover is its team's only.
    let buyer = app.browser();
    assert_eq!(
        app.get(&buyer, &format!("/v/{id}/cover")).await.status(),
        StatusCode::NOT_FOUND
    );

    let tags: Vec<ProductId> = videos::videos_of(&app.services.store, seller)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.state.as_str() == "published")
        .unwrap()
        .products;
    assert_eq!(
        save(&app, &browser, &page, "Sampul baru", &tags)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&app, &browser, &page, "publish", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let feed = app.get(&buyer, "/v").await.text().await.unwrap();
    assert!(
        feed.contains(&format!("poster=\"/v/{id}/cover\"")),
        "{feed}"
    );
    let public = app.get(&buyer, &format!("/v/{id}/cover")).await;
    assert_eq!(public.status(), StatusCode::OK);
    // A new cover replaces the old one, whose file is gone.
    let before = videos::video_of(&app.services.store, seller, id)
        .await
        .unwrap()
        .cover_key
        .unwrap();
    let again = cover("lagi.png", etalase_testkit::files::product_photo(700)).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let after = videos::video_of(&app.services.store, seller, id)
        .await
        .unwrap()
        .cover_key
        .unwrap();
    assert_ne!(before, after);
    assert!(app.services.objects.get(&before).await.unwrap().is_none());
}

async fn showings_to_browsers_without_a_cookie_are_counted_together(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    let video = videos::videos_of(&app.services.store, seller)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.state.as_str() == "published")
        .unwrap()
        .id;
    etalase_services::attribution::flush(&app.services)
        .await
        .unwrap();
    let before = etalase_store::attribution::tally(
        &app.services.store,
        Source::Video(video),
        etalase_domain::attribution::EventKind::Impression,
    )
    .await
    .unwrap();
    // Three cookieless requests (each is handed a new cookie it never sends
    // back): nobody known, one counted row.
    for _ in 0..3 {
        let page = Client::new().get(app.url("/v")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
    }
    etalase_services::attribution::flush(&app.services)
        .await
        .unwrap();
    let after = etalase_store::attribution::tally(
        &app.services.store,
        Source::Video(video),
        etalase_domain::attribution::EventKind::Impression,
    )
    .await
    .unwrap();
    assert_eq!(after.events - before.events, 1, "one row");
    assert_eq!(after.quantity - before.quantity, 3, "three showings");
}

/// The demo's vertical video: 360×640, large enough for a cover.
const DEMO_VERTICAL: &[u8] = include_bytes!("../../services/src/demo/media/batik-vertical.mp4");

async fn a_new_video_gets_a_frame_as_its_cover_when_ffmpeg_is_there(backend: Backend) {
    // A program that is no ffmpeg: the upload stands, without a cover.
    let broken = TestApp::spawn_with_services(backend, |base| ServiceConfig {
        public_url: base.to_owned(),
        ffmpeg: Some("/bin/false".into()),
        ..ServiceConfig::default()
    })
    .await;
    broken.demo_shop().await;
    let browser = broken.demo_member("marketing@etalase.test").await;
    let page = uploaded(&broken, &browser, DEMO_VERTICAL).await;
    assert_eq!(
        broken
            .get(&browser, &format!("{page}/cover"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let Some(ffmpeg) = etalase_services::content::frame::find_ffmpeg() else {
        // Optional on a user's machine; installed where CI runs.
        eprintln!("no ffmpeg on PATH: the frame itself is not checked here");
        return;
    };
    let app = TestApp::spawn_with_services(backend, |base| ServiceConfig {
        public_url: base.to_owned(),
        ffmpeg: Some(ffmpeg),
        ..ServiceConfig::default()
    })
    .await;
    app.demo_shop().await;
    let browser = app.demo_member("marketing@etalase.test").await;
    let page = uploaded(&app, &browser, DEMO_VERTICAL).await;
    let cover = app.get(&browser, &format!("{page}/cover")).await;
    assert_eq!(cover.status(), StatusCode::OK);
    assert_eq!(cover.headers()[header::CONTENT_TYPE], "image/jpeg");
    let jpeg = image::load_from_memory(&cover.bytes().await.unwrap()).unwrap();
    assert_eq!((jpeg.width(), jpeg.height()), (360, 640));
}

on_both_backends!(
    a_new_video_gets_a_frame_as_its_cover_when_ffmpeg_is_there,
    showings_to_browsers_without_a_cookie_are_counted_together,
    a_video_gets_a_cover_shown_before_it_plays,
    a_video_is_uploaded_checked_published_and_sells,
    a_tagged_product_that_leaves_the_shop_shows_as_unavailable,
    bad_uploads_are_refused_and_leave_nothing,
);

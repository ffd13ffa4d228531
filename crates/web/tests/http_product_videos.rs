//! A product's own video over HTTP on both backends, on the demo shop: its
//! owner uploads one from the product editor, buyers see it first in the
//! product page's gallery and can seek in it; a new upload replaces it (the
//! old file is gone), removing it takes it off the page. Files that are not
//! videos, too large or too long for the product-video limits are refused
//! and leave nothing; another shop's product and a member without catalog
//! rights (operations) are refused.

mod common;

use common::TestApp;
use etalase_domain::content::video::VideoLimits;
use etalase_domain::id::{ProductId, SellerId};
use etalase_services::ServiceConfig;
use etalase_store::product_videos;
use etalase_testkit::{Backend, on_both_backends};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode, header};

const VERTICAL: &[u8] =
    include_bytes!("../../domain/tests/fixtures/video/h264_aac_vertical_moov_end.mp4");
const WEBM: &[u8] = include_bytes!("../../domain/tests/fixtures/video/vp9_opus_vertical.webm");

/// The demo product whose title starts with `prefix`, and its Shop page.
async fn product(app: &TestApp, seller: SellerId, prefix: &str) -> (ProductId, String) {
    let p = etalase_store::catalog::list_products(
        &app.services.store,
        seller,
        &Default::default(),
        None,
        100,
    )
    .await
    .unwrap()
    .into_iter()
    .find(|p| p.title.starts_with(prefix))
    .unwrap();
    let page = format!("/p/{}-{}", etalase_domain::listing::slug_of(&p.title), p.id);
    (p.id, page)
}

async fn upload(
    app: &TestApp,
    seller: &Client,
    product: ProductId,
    name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let editor = format!("/seller/products/{product}");
    let token = app.csrf(seller, &editor).await;
    let form = Form::new().text("_csrf", token).part(
        "file",
        Part::bytes(bytes.to_vec())
            .file_name(name.to_owned())
            .mime_str("video/mp4")
            .unwrap(),
    );
    seller
        .post(app.url(&format!("{editor}/video")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The address of the product video on a Shop page, if it shows one.
fn video_src(page: &str) -> Option<String> {
    let at = page.find("data-testid=\"product-video\"")?;
    let tag = &page[page[..at].rfind("<video")?..at];
    let start = tag.find("src=\"")? + 5;
    Some(tag[start..start + tag[start..].find('"')?].to_owned())
}

async fn a_product_video_is_shown_first_replaced_and_removed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let seller = app.demo_shop().await;
    let owner = app.demo_member("pemilik@etalase.test").await;
    let buyer = app.browser();
    let (id, page) = product(&app, seller, "Selendang Tenun").await;
    let before = app.get(&buyer, &page).await.text().await.unwrap();
    assert_eq!(video_src(&before), None, "{before}");

    let uploaded = upload(&app, &owner, id, "selendang.mp4", VERTICAL).await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let editor = app
        .get(&owner, &format!("/seller/products/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        editor.contains("data-testid=\"product-video-player\""),
        "{editor}"
    );
    assert!(editor.contains("MP4"), "{editor}");

    // First in the gallery, and a player can seek in it.
    let shown = app.get(&buyer, &page).await.text().await.unwrap();
    let src = video_src(&shown).expect("the product page shows its video");
    let gallery = &shown[shown.find("data-testid=\"gallery\"").unwrap()..];
    assert!(
        gallery.find("<video").unwrap() < gallery.find("<img").unwrap_or(usize::MAX),
        "{gallery}"
    );
    let part = buyer
        .get(app.url(&src))
        .header(header::RANGE, "bytes=0-99")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()[header::CONTENT_TYPE], "video/mp4");
    assert_eq!(part.bytes().await.unwrap().as_ref(), &VERTICAL[..100]);

    // A new upload replaces it: a new address, the old file gone.
    let first = product_videos::of_product(&app.services.store, id)
        .await
        .unwrap()
        .unwrap();
    let replaced = upload(&app, &owner, id, "selendang.webm", WEBM).await;
    assert_eq!(replaced.status(), StatusCode::SEE_OTHER);
    let second = product_videos::of_product(&app.services.store, id)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(second.container, "webm");
    assert_eq!(
        app.services.objects.get(&first.object_key).await.unwrap(),
        None
    );
    let shown = app.get(&buyer, &page).await.text().await.unwrap();
    let new_src = video_src(&shown).unwrap();
    assert_ne!(new_src, src);
    assert_eq!(app.get(&buyer, &src).await.status(), StatusCode::NOT_FOUND);
    let whole = app.get(&buyer, &new_src).await;
    assert_eq!(whole.headers()[header::CONTENT_TYPE], "video/webm");
    assert_eq!(whole.bytes().await.unwrap().as_ref(), WEBM);

    // Removed: off the page, the file gone.
    let removed = app
        .submit(
            &owner,
            &format!("/seller/products/{id}"),
            &format!("/seller/products/{id}/video/delete"),
            &[],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    let shown = app.get(&buyer, &page).await.text().await.unwrap();
    assert_eq!(video_src(&shown), None);
    assert_eq!(
        app.get(&buyer, &new_src).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.services.objects.get(&second.object_key).await.unwrap(),
        None
    );

    // The demo's batik shirt has one already.
    let (_, batik) = product(&app, seller, "Batik Sari").await;
    let shown = app.get(&buyer, &batik).await.text().await.unwrap();
    assert!(video_src(&shown).is_some(), "{shown}");
}

async fn bad_product_videos_are_refused_and_leave_nothing(backend: Backend) {
    let app = TestApp::spawn_with_services(backend, |base| ServiceConfig {
        public_url: base.to_owned(),
        product_video_limits: VideoLimits {
            max_bytes: 64 * 1024,
            max_duration_ms: 500,
        },
        ..ServiceConfig::default()
    })
    .await;
    let seller = app.demo_shop().await;
    let owner = app.demo_member("pemilik@etalase.test").await;
    let (id, _) = product(&app, seller, "Selendang Tenun").await;
    let files_before = app.services.objects.list("product-videos").await.unwrap();

    let png = b"\x89PNG\r\n\x1a\n0000000000000000000000".to_vec();
    let mut large = WEBM.to_vec();
    large.extend(std::iter::repeat_n(0u8, 100 * 1024));
    for (name, bytes, status, message) in [
        (
            "foto.mp4",
            png.as_slice(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bukan video MP4 atau WebM",
        ),
        (
            "panjang.mp4",
            VERTICAL,
            StatusCode::UNPROCESSABLE_ENTITY,
            "terlalu panjang",
        ),
        (
            "besar.webm",
            large.as_slice(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "terlalu besar",
        ),
    ] {
        let response = upload(&app, &owner, id, name, bytes).await;
        assert_eq!(response.status(), status, "{name}");
        let body = response.text().await.unwrap();
        assert!(body.contains(message), "{name}: {body}");
        assert!(
            body.contains("data-testid=\"product-video-error\""),
            "{name}"
        );
    }
    assert_eq!(
        product_videos::of_product(&app.services.store, id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        app.services.objects.list("product-videos").await.unwrap(),
        files_before
    );

    // Another shop's product is not found; operations has no catalog rights.
    let other = app.demo_member("penjual-baru@etalase.test").await;
    let token = app.csrf(&other, "/seller/products").await;
    let form = Form::new()
        .text("_csrf", token)
        .part("file", Part::bytes(WEBM.to_vec()).file_name("x.webm"));
    let response = other
        .post(app.url(&format!("/seller/products/{id}/video")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let operations = app.demo_member("operasional@etalase.test").await;
    let token = app.csrf(&operations, "/seller").await;
    let form = Form::new()
        .text("_csrf", token)
        .part("file", Part::bytes(WEBM.to_vec()).file_name("x.webm"));
    let response = operations
        .post(app.url(&format!("/seller/products/{id}/video")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        product_videos::of_product(&app.services.store, id)
            .await
            .unwrap(),
        None
    );
}

on_both_backends!(
    a_product_video_is_shown_first_replaced_and_removed,
    bad_product_videos_are_refused_and_leave_nothing,
);

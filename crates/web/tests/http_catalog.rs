//! The Seller Center catalog and stock pages over HTTP, on both backends:
//! creating with variants, refused input kept, conflicts, images, stock,
//! bulk edits, roles and tenant isolation.

mod common;

use common::{TestApp, location};
use etalase_testkit::{Backend, on_both_backends};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};

const CATEGORY: &str = "batik-kain-tradisional/batik/kemeja";

use etalase_testkit::files::product_photo as photo;

/// The editor's fields for a 2 × 2 product; `price` for every SKU.
fn product_fields(title: &str, price: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("title", title),
        ("description", "Kemeja batik tulis dari Solo."),
        ("category", CATEGORY),
        ("attr.bahan", "Katun"),
        ("attr.teknik_batik", "tulis"),
        ("condition", "new"),
        ("cod_allowed", "1"),
        ("option_name", "Warna"),
        ("option_values", "Merah, Biru"),
        ("option_name", "Ukuran"),
        ("option_values", "M, L"),
        ("option_name", ""),
        ("option_values", ""),
        ("action", "save"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (i, combo) in ["Merah/M", "Merah/L", "Biru/M", "Biru/L"]
        .iter()
        .enumerate()
    {
        for (k, v) in [
            ("sku_combination", combo.to_string()),
            ("sku_id", String::new()),
            ("sku_stock_loaded", String::new()),
            ("sku_code", format!("KMJ-{i}")),
            ("sku_price", price.to_string()),
            ("sku_original_price", String::new()),
            ("sku_stock", "4".into()),
            ("sku_weight", "300".into()),
            ("sku_length", "30".into()),
            ("sku_width", "20".into()),
            ("sku_height", "3".into()),
            ("sku_barcode", String::new()),
        ] {
            fields.push((k.into(), v));
        }
    }
    fields
}

async fn post_fields(
    app: &TestApp,
    client: &Client,
    page: &str,
    action: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.submit(client, page, action, &refs).await
}

/// Creates a product through the editor and returns its page path.
async fn create(app: &TestApp, owner: &Client, title: &str) -> String {
    let response = post_fields(
        app,
        owner,
        "/seller/products/new",
        "/seller/products/new",
        &product_fields(title, "150.000"),
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    location(&response).split('?').next().unwrap().to_owned()
}

async fn upload(app: &TestApp, owner: &Client, product: &str, bytes: Vec<u8>) -> reqwest::Response {
    let token = app.csrf(owner, product).await;
    let form = Form::new().text("_csrf", token).part(
        "file",
        Part::bytes(bytes)
            .file_name("foto.png")
            .mime_str("image/png")
            .unwrap(),
    );
    owner
        .post(app.url(&format!("{product}/images")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn a_product_is_created_refused_kept_and_published(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("sari@contoh.id", "batik-sari").await;
    let empty = app
        .get(&owner, "/seller/products")
        .await
        .text()
        .await
        .unwrap();
    assert!(empty.contains("data-testid=\"catalog-empty\""));

    // Refreshing the matrix saves nothing and shows one row per combination.
    let mut refresh = product_fields("Kemeja", "");
    refresh.retain(|(k, _)| !k.starts_with("sku_") && k != "action");
    refresh.push(("action".into(), "refresh".into()));
    let page = post_fields(
        &app,
        &owner,
        "/seller/products/new",
        "/seller/products/new",
        &refresh,
    )
    .await;
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.unwrap();
    assert_eq!(body.matches("data-testid=\"sku-row\"").count(), 4);
    assert!(body.contains("Biru / L"));

    // A price of 0 is refused on its cell; what was typed stays.
    let refused = post_fields(
        &app,
        &owner,
        "/seller/products/new",
        "/seller/products/new",
        &product_fields("Batik Sari Kemeja Batik Tulis Pria Lengan Panjang", "0"),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(body.contains("Harga harus antara Rp100 dan Rp100.000.000"));
    assert!(body.contains("value=\"Batik Sari Kemeja Batik Tulis Pria Lengan Panjang\""));
    assert!(
        app.get(&owner, "/seller/products")
            .await
            .text()
            .await
            .unwrap()
            .contains("catalog-empty"),
        "nothing was saved"
    );

    let product = create(
        &app,
        &owner,
        "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang",
    )
    .await;
    let publish = format!("{product}/publish");
    let missing = app.submit(&owner, &product, &publish, &[]).await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("Tambahkan minimal satu foto produk.")
    );

    let pdf = upload(&app, &owner, &product, b"%PDF-1.4\n%%EOF".to_vec()).await;
    assert_eq!(pdf.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        pdf.text()
            .await
            .unwrap()
            .contains("Foto produk harus berupa JPG, PNG, atau WebP")
    );
    let added = upload(&app, &owner, &product, photo(800)).await;
    assert_eq!(
        location(&added),
        format!("{product}?notice=image_added#images")
    );
    let page = app.get(&owner, &product).await.text().await.unwrap();
    let at = page.find("/images/img_").unwrap();
    let src = &page[at - product.len()..at + page[at..].find('"').unwrap()];
    let thumb = app.get(&owner, src).await;
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");

    // A SKU can show one of the product's images.
    let image_id = &src[src.find("img_").unwrap()..src.rfind('/').unwrap()];
    let at = page.find(&format!("{product}/skus/sku_")).unwrap();
    let sku_page = page[at..at + page[at..].find('"').unwrap()].to_owned();
    let chosen = app
        .submit(
            &owner,
            &sku_page,
            &format!("{sku_page}/image"),
            &[("image", image_id)],
        )
        .await;
    assert_eq!(location(&chosen), format!("{sku_page}?notice=saved"));
    let shown = app.get(&owner, &sku_page).await.text().await.unwrap();
    assert!(
        shown.contains(&format!("value=\"{image_id}\" checked")),
        "{shown}"
    );
    let published = app.submit(&owner, &product, &publish, &[]).await;
    assert_eq!(
        location(&published),
        format!("{product}?notice=product_published")
    );
    let list = app
        .get(&owner, "/seller/products?status=active")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("Batik Sari Kemeja Batik Tulis Pria Lengan Panjang"));
    assert!(list.contains("Rp150.000"));
}

async fn a_stale_save_answers_409_with_the_changes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("sari@contoh.id", "batik-sari").await;
    let product = create(
        &app,
        &owner,
        "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang",
    )
    .await;
    let mut first = product_fields(
        "Batik Sari Kemeja Batik Tulis Pria Lengan Pendek",
        "150.000",
    );
    first.push(("base_version".into(), "1".into()));
    let saved = post_fields(&app, &owner, &product, &product, &first).await;
    assert_eq!(location(&saved), format!("{product}?notice=saved"));
    let mut stale = product_fields(
        "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang",
        "175.000",
    );
    stale.push(("base_version".into(), "1".into()));
    let conflict = post_fields(&app, &owner, &product, &product, &stale).await;
    assert_eq!(conflict.status(), StatusCode::CONFLICT);
    let body = conflict.text().await.unwrap();
    assert!(body.contains("data-testid=\"conflict\""));
    assert!(
        body.contains("Lengan Pendek"),
        "the other save's title is shown"
    );
    assert!(
        body.contains("name=\"base_version\" value=\"2\""),
        "the next save is over version 2"
    );
}

async fn stock_and_bulk_edits_through_the_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("sari@contoh.id", "batik-sari").await;
    let product = create(
        &app,
        &owner,
        "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang",
    )
    .await;
    let page = app.get(&owner, &product).await.text().await.unwrap();
    let at = page.find(&format!("{product}/skus/sku_")).unwrap();
    let sku_page = &page[at..at + page[at..].find('"').unwrap()];
    let sku_id = sku_page.rsplit('/').next().unwrap().to_owned();

    let stock = format!("{sku_page}/stock");
    let negative = app
        .submit(
            &owner,
            sku_page,
            &stock,
            &[("mode", "adjust"), ("amount", "-5")],
        )
        .await;
    assert_eq!(negative.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(negative.text().await.unwrap().contains("Stok tidak cukup"));
    let set = app
        .submit(
            &owner,
            sku_page,
            &stock,
            &[("mode", "set"), ("amount", "12"), ("note", "stok opname")],
        )
        .await;
    assert_eq!(location(&set), format!("{sku_page}?notice=stock_changed"));
    let history = app.get(&owner, sku_page).await.text().await.unwrap();
    assert!(history.contains("data-testid=\"stock-level\">12<"));
    assert!(history.contains("stok opname"));
    assert!(history.contains("Stok awal"));

    let preview = app
        .submit(
            &owner,
            "/seller/stock",
            "/seller/stock",
            &[
                ("sku", &sku_id),
                ("price_mode", "percent"),
                ("price_value", "-10"),
                ("stock_mode", ""),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(preview.status(), StatusCode::OK);
    let body = preview.text().await.unwrap();
    assert!(
        body.contains("Rp150.000 → <strong>Rp135.000</strong>"),
        "{body}"
    );
    assert!(body.contains("data-testid=\"bulk-apply\""));
    let applied = app
        .submit(
            &owner,
            "/seller/stock",
            "/seller/stock",
            &[
                ("sku", &sku_id),
                ("price_mode", "percent"),
                ("price_value", "-10"),
                ("stock_mode", ""),
                ("action", "apply"),
            ],
        )
        .await;
    assert_eq!(location(&applied), "/seller/stock?notice=bulk_applied");
    let refused = app
        .submit(
            &owner,
            "/seller/stock",
            "/seller/stock",
            &[
                ("sku", &sku_id),
                ("price_mode", ""),
                ("stock_mode", "adjust"),
                ("stock_value", "-100"),
                ("action", "apply"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Tidak ada yang diubah")
    );
}

async fn roles_and_shops_are_kept_apart(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("sari@contoh.id", "batik-sari").await;
    let product = create(
        &app,
        &owner,
        "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang",
    )
    .await;
    let finance = app.member(&owner, "uang@contoh.id", "finance").await;
    let page = app.get(&finance, "/seller/products/new").await;
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let other = app.seller("lain@contoh.id", "toko-lain").await;
    assert_eq!(
        app.get(&other, &product).await.status(),
        StatusCode::NOT_FOUND
    );
    let token = app.csrf(&other, "/seller/products").await;
    let publish = other
        .post(app.url(&format!("{product}/publish")))
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(publish.status(), StatusCode::NOT_FOUND);
    let list = app
        .get(&other, "/seller/products")
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Batik Sari Kemeja"));
}

on_both_backends!(
    a_product_is_created_refused_kept_and_published,
    a_stale_save_answers_409_with_the_changes,
    stock_and_bulk_edits_through_the_pages,
    roles_and_shops_are_kept_apart,
    moderation_takes_a_product_out_and_puts_it_back,
);

async fn moderation_takes_a_product_out_and_puts_it_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    etalase_services::accounts::create_user(
        &app.services,
        "moderator@etalase.test",
        "Moderator",
        common::PASSWORD,
        true,
    )
    .await
    .unwrap();
    let admin = app.browser();
    app.submit(
        &admin,
        "/admin/signin",
        "/admin/signin",
        &[
            ("email", "moderator@etalase.test"),
            ("password", common::PASSWORD),
        ],
    )
    .await;
    let owner = app.seller("sari@contoh.id", "batik-sari").await;
    assert_eq!(
        app.get(&owner, "/admin/products").await.status(),
        StatusCode::FORBIDDEN
    );
    let product = create(
        &app,
        &owner,
        "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang",
    )
    .await;
    upload(&app, &owner, &product, photo(800)).await;
    app.submit(&owner, &product, &format!("{product}/publish"), &[])
        .await;
    let id = product.rsplit('/').next().unwrap();
    let case = format!("/admin/products/{id}");

    let list = app
        .get(&admin, "/admin/products?q=toko+batik-sari")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("Batik Sari Kemeja Batik Tulis"), "{list}");
    let no_reason = app
        .submit(
            &admin,
            &case,
            &format!("{case}/deactivate"),
            &[("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let done = app
        .submit(
            &admin,
            &case,
            &format!("{case}/deactivate"),
            &[("reason", "Foto memakai watermark marketplace lain")],
        )
        .await;
    assert_eq!(location(&done), format!("{case}?notice=decision_saved"));

    let page = app.get(&owner, &product).await.text().await.unwrap();
    assert!(page.contains("Foto memakai watermark marketplace lain"));
    assert!(
        page.contains("data-testid=\"unread-count\""),
        "the team is told in-app"
    );
    let publish = app
        .submit(&owner, &product, &format!("{product}/publish"), &[])
        .await;
    assert_eq!(
        publish.status(),
        StatusCode::CONFLICT,
        "the seller cannot publish it back"
    );
    let asked = app
        .submit(&owner, &product, &format!("{product}/request-review"), &[])
        .await;
    assert_eq!(
        location(&asked),
        format!("{product}?notice=review_requested")
    );

    let queue = app
        .get(&admin, "/admin/products?review=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(queue.contains("Batik Sari Kemeja Batik Tulis"));
    let image = app.get(&admin, &case).await.text().await.unwrap();
    let at = image.find("/images/img_").unwrap();
    let src = &image[at - case.len()..at + image[at..].find('"').unwrap()];
    assert_eq!(
        app.get(&admin, src).await.headers()["content-type"],
        "image/jpeg"
    );
    let back = app
        .submit(&admin, &case, &format!("{case}/reinstate"), &[])
        .await;
    assert_eq!(location(&back), format!("{case}?notice=decision_saved"));
    let page = app.get(&owner, &product).await.text().await.unwrap();
    assert!(page.contains("data-testid=\"product-status\">Aktif<"));
}

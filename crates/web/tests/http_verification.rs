//! Seller verification over HTTP: the wizard in Seller Center, uploads, the
//! admin queue and review, on both backends.

mod common;

use std::io::Cursor;

use common::{PASSWORD, TestApp, location};
use etalase_testkit::{Backend, on_both_backends};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};

fn photo(shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(1000, 640, |x, y| {
        if (x / 9 + y / 13) % 3 == 0 {
            image::Rgb([shade, 20, 20])
        } else {
            image::Rgb([250, 250, 250])
        }
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn save(
    app: &TestApp,
    owner: &Client,
    step: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let path = format!("/seller/verification/{step}");
    app.submit(owner, &path, &path, fields).await
}

async fn upload(
    app: &TestApp,
    owner: &Client,
    slot: &str,
    bytes: Vec<u8>,
    with_token: bool,
) -> reqwest::Response {
    let token = app.csrf(owner, "/seller/verification/documents").await;
    let mut form = Form::new();
    if with_token {
        form = form.text("_csrf", token);
    }
    let form = form.text("slot", slot.to_owned()).part(
        "file",
        Part::bytes(bytes)
            .file_name("foto.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    owner
        .post(app.url("/seller/verification/documents"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn fill(app: &TestApp, owner: &Client) {
    let steps: [(&str, Vec<(&str, &str)>); 6] = [
        (
            "shop",
            vec![("shop_name", "Batik Sari"), ("category_focus", "fashion")],
        ),
        ("business_type", vec![("business_type", "individual")]),
        (
            "identity",
            vec![
                ("full_name", "Sari Wulandari"),
                ("nik", "3201015205950002"),
                ("birth_date", "1995-05-12"),
                ("gender", "female"),
            ],
        ),
        ("tax", vec![("npwp", "09.254.294.3-407.000")]),
        (
            "addresses",
            vec![
                ("business_street", "Jl. Pajajaran No. 10"),
                ("business_district", "320101"),
                ("business_postal_code", "16810"),
                ("business_phone", "0812 3456 7890"),
                ("pickup_same", "1"),
            ],
        ),
        (
            "bank_account",
            vec![
                ("bank", "bca"),
                ("account_number", "8730123456"),
                ("holder_name", "Sari Wulandari"),
            ],
        ),
    ];
    for (step, fields) in steps {
        let response = save(app, owner, step, &fields).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{step}: {}",
            response.text().await.unwrap()
        );
    }
    for (slot, shade) in [
        ("ktp_photo", 10),
        ("selfie_with_ktp", 30),
        ("npwp_card", 50),
    ] {
        let response = upload(app, owner, slot, photo(shade), true).await;
        assert_eq!(
            location(&response),
            "/seller/verification/documents?notice=document_saved",
            "{slot}"
        );
    }
}

/// A platform admin who reviews verifications.
async fn reviewer(app: &TestApp) -> etalase_store::accounts::User {
    etalase_services::accounts::create_user(
        &app.services,
        "review@etalase.test",
        "Reviewer",
        PASSWORD,
        true,
    )
    .await
    .unwrap()
}

async fn the_wizard_review_and_approval_work_through_the_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    reviewer(&app).await;
    let owner = app.seller("sari@contoh.id", "batik-sari").await;
    let page = app
        .get(&owner, "/seller/verification")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Belum diajukan"));

    // A refused step keeps what was typed and says what is wrong.
    let refused = save(
        &app,
        &owner,
        "identity",
        &[
            ("full_name", "Sari"),
            ("nik", "3201015205950002"),
            ("birth_date", "1995-05-13"),
            ("gender", "male"),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(body.contains("Tanggal lahir tidak sama dengan yang tercantum di NIK"));
    assert!(body.contains("value=\"Sari\""));
    assert!(
        !body.contains("3201015205950002"),
        "the NIK is never echoed back"
    );

    fill(&app, &owner).await;
    let own_nik = app
        .get(&owner, "/seller/verification/reveal/nik")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        own_nik, "3201015205950002",
        "the owner may see their own NIK"
    );
    let submitted = app
        .submit(
            &owner,
            "/seller/verification",
            "/seller/verification/submit",
            &[],
        )
        .await;
    assert_eq!(
        location(&submitted),
        "/seller/verification?notice=verification_submitted"
    );
    let page = app
        .get(&owner, "/seller/verification")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Perkiraan keputusan"));
    assert!(
        page.contains("dalam 5 hari kerja"),
        "the configured review target is named"
    );

    // The reviewer's queue and case.
    let admin = app.browser();
    app.submit(
        &admin,
        "/admin/signin",
        "/admin/signin",
        &[("email", "review@etalase.test"), ("password", PASSWORD)],
    )
    .await;
    let queue = app
        .get(&admin, "/admin/verifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(queue.contains("Batik Sari"));
    assert!(queue.contains("Target keputusan: 5 hari kerja"));
    assert!(
        queue.contains("5 hari kerja lagi"),
        "the SLA countdown in working days"
    );
    let seller_id = queue.split("/admin/verifications/").nth(1).unwrap()[..30].to_owned();
    let case = app
        .get(&admin, &format!("/admin/verifications/{seller_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(case.contains("3201••••••••0002"));
    assert!(
        !case.contains("3201015205950002"),
        "full values only on request"
    );
    let nik = app
        .get(
            &admin,
            &format!("/admin/verifications/{seller_id}/reveal/nik"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(nik, "3201015205950002");
    let document = app
        .get(
            &admin,
            &format!("/admin/verifications/{seller_id}/documents/ktp_photo"),
        )
        .await;
    assert_eq!(document.headers()["content-type"], "image/png");
    assert_eq!(document.headers()["cache-control"], "private, no-store");

    let decision = format!("/admin/verifications/{seller_id}/decision");
    let case_path = format!("/admin/verifications/{seller_id}");
    let no_reason = app
        .submit(&admin, &case_path, &decision, &[("decision", "reject")])
        .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let rejected = app
        .submit(
            &admin,
            &case_path,
            &decision,
            &[
                ("decision", "reject"),
                ("field", "ktp_photo"),
                ("reason", "photo_blurry"),
                ("finding_note", "Foto KTP buram"),
            ],
        )
        .await;
    assert_eq!(
        location(&rejected),
        format!("/admin/verifications/{seller_id}?notice=decision_saved")
    );

    let page = app
        .get(&owner, "/seller/verification")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Perlu diperbaiki"));
    assert!(page.contains("Foto KTP buram"));
    let unchanged = app
        .submit(
            &owner,
            "/seller/verification",
            "/seller/verification/submit",
            &[],
        )
        .await;
    assert_eq!(unchanged.status(), StatusCode::UNPROCESSABLE_ENTITY);
    upload(&app, &owner, "ktp_photo", photo(90), true).await;
    let again = app
        .submit(
            &owner,
            "/seller/verification",
            "/seller/verification/submit",
            &[],
        )
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    app.submit(&admin, &case_path, &decision, &[("decision", "approve")])
        .await;
    let page = app
        .get(&owner, "/seller/verification")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Terverifikasi"));
    let dashboard = app.get(&owner, "/seller").await.text().await.unwrap();
    assert!(dashboard.contains("Terverifikasi"));
}

async fn uploads_are_checked_and_only_the_owner_fills_the_wizard(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.seller("unggah@contoh.id", "toko-unggah").await;
    save(
        &app,
        &owner,
        "business_type",
        &[("business_type", "individual")],
    )
    .await;

    let no_token = upload(&app, &owner, "ktp_photo", photo(10), false).await;
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    let pdf_as_selfie = upload(
        &app,
        &owner,
        "selfie_with_ktp",
        b"%PDF-1.4\n%%EOF\n".to_vec(),
        true,
    )
    .await;
    assert_eq!(pdf_as_selfie.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        pdf_as_selfie
            .text()
            .await
            .unwrap()
            .contains("Jenis file ini tidak diterima")
    );
    let text_file = upload(&app, &owner, "ktp_photo", b"bukan gambar".to_vec(), true).await;
    assert_eq!(text_file.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut big = photo(10);
    big.resize(5 * 1024 * 1024 + 10, 0);
    let too_big = upload(&app, &owner, "ktp_photo", big, true).await;
    assert_eq!(too_big.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_big.text().await.unwrap().contains("maksimal 5 MB"));

    let marketing = app.member(&owner, "pemasaran@contoh.id", "marketing").await;
    let page = app
        .get(&marketing, "/seller/verification")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Hanya pemilik toko"));
    assert_eq!(
        app.get(&marketing, "/seller/verification/identity")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let refused = app
        .submit(
            &marketing,
            "/seller",
            "/seller/verification/tax",
            &[("npwp", "09.254.294.3-407.000")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&marketing, "/seller/verification/documents/ktp_photo")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&marketing, "/seller/verification/reveal/nik")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&owner, "/admin/verifications").await.status(),
        StatusCode::FORBIDDEN
    );

    let regencies: serde_json::Value = app.get(&owner, "/regions/32").await.json().await.unwrap();
    assert!(
        regencies
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "3201")
    );
    let districts: serde_json::Value = app.get(&owner, "/regions/3201").await.json().await.unwrap();
    assert!(
        districts[0]["postal_codes"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    );
}

/// A decision reaches every member of the team as an in-app notice (and the
/// owner by e-mail); a notice belongs to its reader only.
async fn decisions_reach_the_team_in_app_and_by_mail(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let reviewer = reviewer(&app).await;
    let owner = app.seller("sari@contoh.id", "batik-sari").await;
    let staff = app.member(&owner, "staf@contoh.id", "operations").await;
    let other_shop = app.seller("lain@contoh.id", "toko-lain").await;
    let empty = app
        .get(&owner, "/seller/notifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(empty.contains("data-testid=\"notifications-empty\""));
    assert!(!empty.contains("data-testid=\"unread-count\""));

    fill(&app, &owner).await;
    app.submit(
        &owner,
        "/seller/verification",
        "/seller/verification/submit",
        &[],
    )
    .await;
    let seller = etalase_store::sellers::find_seller_by_slug(&app.services.store, "batik-sari")
        .await
        .unwrap()
        .unwrap();
    etalase_services::kyc::review::decide(
        &app.services,
        &reviewer,
        seller.id,
        etalase_services::kyc::review::Decision::Approve,
        &[],
        "",
    )
    .await
    .unwrap();

    for member in [&owner, &staff] {
        let dashboard = app.get(member, "/seller").await.text().await.unwrap();
        assert!(
            dashboard.contains(
                "data-testid=\"unread-count\" aria-label=\"1 pemberitahuan belum dibaca\">1<"
            ),
            "{dashboard}"
        );
    }
    let list = app
        .get(&staff, "/seller/notifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("Toko Batik Sari sudah terverifikasi."),
        "{list}"
    );
    let at = list.find("/seller/notifications/ntf_").unwrap();
    let path = &list[at..at + list[at..].find('"').unwrap()];

    // Another shop's member cannot open (or mark) it.
    assert_eq!(
        app.get(&other_shop, path).await.status(),
        StatusCode::NOT_FOUND
    );
    let opened = app.get(&staff, path).await;
    assert_eq!(location(&opened), "/seller/verification");
    let after = app.get(&staff, "/seller").await.text().await.unwrap();
    assert!(!after.contains("data-testid=\"unread-count\""));
    // The owner's copy is still unread until the owner marks it.
    let marked = app
        .submit(
            &owner,
            "/seller/notifications",
            "/seller/notifications/read-all",
            &[],
        )
        .await;
    assert_eq!(location(&marked), "/seller/notifications?notice=all_read");
    let owner_list = app
        .get(&owner, "/seller/notifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(!owner_list.contains("data-testid=\"unread-count\""));
    assert!(owner_list.contains("Toko Batik Sari sudah terverifikasi."));

    // E-mail goes to the owner only.
    let mails: Vec<_> = app
        .mailer
        .sent()
        .into_iter()
        .filter(|m| m.subject.starts_with("Toko Anda terverifikasi"))
        .collect();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "sari@contoh.id");
}

on_both_backends!(
    decisions_reach_the_team_in_app_and_by_mail,
    the_wizard_review_and_approval_work_through_the_pages,
    uploads_are_checked_and_only_the_owner_fills_the_wizard,
);

//! Seller verification end to end on both backends: the wizard, a rejection
//! and a resubmission, working-day deadlines, who may see what, and proof
//! that no personal value is stored in the clear.

use std::sync::Arc;

use etalase_domain::verification::VerificationState;
use etalase_domain::{ErrorCode, Lang, Timestamp};
use etalase_services::accounts::{self, ClientInfo, ShopDetails, SignUp};
use etalase_services::clock::ManualClock;
use etalase_services::kyc::review::{self, Decision, FindingForm};
use etalase_services::kyc::wizard;
use etalase_services::mail::MemoryMailer;
use etalase_services::teams::SellerScope;
use etalase_services::vault::Vault;
use etalase_services::{ServiceConfig, Services};
use etalase_store::accounts::User;
use etalase_store::objects::ObjectStore;
use etalase_store::{audit, kyc, outbox, sellers};
use etalase_testkit::{Backend, TestDatabase, database, on_both_backends};

mod support;

use support::verification::{ACCOUNT, NIK, NPWP, address, fill_wizard, identity, photo};

struct World {
    svc: Services,
    db: TestDatabase,
    objects: ObjectStore,
    mailer: Arc<MemoryMailer>,
    clock: Arc<ManualClock>,
}

/// Tuesday 17 March 2026, 10:00 WIB: the days after are Nyepi, Idul Fitri
/// and their cuti bersama.
async fn world(backend: Backend) -> World {
    world_at(backend, 1_773_716_400_000, ServiceConfig::default()).await
}

async fn world_at(backend: Backend, now_ms: i64, config: ServiceConfig) -> World {
    let db = database(backend).await;
    let clock = Arc::new(ManualClock::new(Timestamp::from_unix_millis(now_ms)));
    let mailer = Arc::new(MemoryMailer::default());
    let objects = ObjectStore::memory();
    let svc = Services::new(
        db.store.clone(),
        clock.clone(),
        mailer.clone(),
        Arc::new(Vault::ephemeral()),
        objects.clone(),
        config,
    );
    World {
        svc,
        db,
        objects,
        mailer,
        clock,
    }
}

async fn seller(w: &World, email: &str, slug: &str) -> (User, SellerScope) {
    let form = SignUp {
        email,
        name: "Sari Wulandari",
        password: "kopi susu gula aren",
        password_confirmation: "kopi susu gula aren",
        lang: Lang::Id,
    };
    let shop = ShopDetails {
        shop_name: "Batik Sari",
        shop_slug: slug,
    };
    let signed_in = accounts::sign_up_seller(&w.svc, form, shop, &ClientInfo::default())
        .await
        .unwrap();
    let member = sellers::find_membership(&w.db.store, signed_in.user.id)
        .await
        .unwrap()
        .unwrap();
    (signed_in.user, SellerScope::for_member(&member))
}

async fn admin(w: &World) -> User {
    support::verification::reviewer(&w.svc).await
}

async fn a_seller_is_rejected_fixes_a_document_and_is_approved(backend: Backend) {
    let w = world(backend).await;
    let (_, scope) = seller(&w, "sari@contoh.id", "batik-sari").await;
    let reviewer = admin(&w).await;

    let early = wizard::submit(&w.svc, &scope).await.unwrap_err();
    assert_eq!(early.code, ErrorCode::StepsIncomplete);
    assert!(early.fields.iter().any(|f| f.field == "identity"));

    fill_wizard(&w.svc, &scope).await;
    let submitted = wizard::submit(&w.svc, &scope).await.unwrap();
    assert_eq!(submitted.state, VerificationState::Submitted);
    // Five working days after Tuesday 17 March 2026, skipping Nyepi, Idul Fitri
    // and the cuti bersama around them.
    assert_eq!(submitted.decision_due_on.as_deref(), Some("2026-03-31"));
    assert!(!submitted.decision_due_is_estimate);
    assert!(
        wizard::save_tax(&w.svc, &scope, NPWP).await.is_err(),
        "locked while in review"
    );

    let queue = review::queue(&w.svc, &reviewer).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].shop_name, "Batik Sari Bogor");
    review::decide(
        &w.svc,
        &reviewer,
        scope.seller_id,
        Decision::StartReview,
        &[],
        "",
    )
    .await
    .unwrap();
    let no_reason = review::decide(
        &w.svc,
        &reviewer,
        scope.seller_id,
        Decision::Reject,
        &[],
        "",
    )
    .await
    .unwrap_err();
    assert_eq!(no_reason.code, ErrorCode::FindingsRequired);
    let findings = [FindingForm {
        field: "ktp_photo",
        reason: "photo_blurry",
        note: "Foto KTP buram",
    }];
    let rejected = review::decide(
        &w.svc,
        &reviewer,
        scope.seller_id,
        Decision::Reject,
        &findings,
        "",
    )
    .await
    .unwrap();
    assert_eq!(rejected.state, VerificationState::Rejected);
    let shop = sellers::get_seller(&w.db.store, scope.seller_id)
        .await
        .unwrap();
    assert_eq!(shop.status.as_str(), "rejected");
    let status = wizard::status(&w.svc, &scope).await.unwrap();
    assert_eq!(status.findings[0].note, "Foto KTP buram");
    assert!(
        w.mailer
            .sent()
            .iter()
            .any(|m| m.to == "sari@contoh.id" && m.subject.contains("perlu diperbaiki"))
    );

    let unchanged = wizard::submit(&w.svc, &scope).await.unwrap_err();
    assert_eq!(unchanged.code, ErrorCode::ResubmissionUnchanged);
    wizard::upload_document(&w.svc, &scope, "ktp_photo", &photo(90))
        .await
        .unwrap();
    w.clock.advance_secs(3600);
    let resubmitted = wizard::submit(&w.svc, &scope).await.unwrap();
    assert_eq!(resubmitted.round, 2);
    assert!(
        wizard::status(&w.svc, &scope)
            .await
            .unwrap()
            .findings
            .is_empty(),
        "answered findings are cleared"
    );

    review::decide(
        &w.svc,
        &reviewer,
        scope.seller_id,
        Decision::Approve,
        &[],
        "Lengkap",
    )
    .await
    .unwrap();
    let shop = sellers::get_seller(&w.db.store, scope.seller_id)
        .await
        .unwrap();
    assert_eq!(shop.status.as_str(), "approved");
    let decisions = kyc::list_decisions(&w.db.store, scope.seller_id)
        .await
        .unwrap();
    let kinds: Vec<_> = decisions.iter().map(|d| d.decision.as_str()).collect();
    assert_eq!(kinds, ["rejected", "approved"]);
    let trail: Vec<String> =
        audit::list_for_subject(&w.db.store, "verification", &scope.seller_id.to_string())
            .await
            .unwrap()
            .into_iter()
            .filter(|l| l.action.starts_with("seller."))
            .map(|l| l.action)
            .collect();
    assert_eq!(
        trail,
        [
            "seller.verification_submitted",
            "seller.verification_in_review",
            "seller.verification_rejected",
            "seller.verification_resubmitted",
            "seller.verification_approved"
        ]
    );
    let topics: Vec<String> = outbox::read_after(&w.db.store, 0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.topic)
        .collect();
    assert!(topics.contains(&"seller.verification_approved".to_owned()));

    // Suspended and reinstated later.
    review::decide(
        &w.svc,
        &reviewer,
        scope.seller_id,
        Decision::Suspend,
        &[],
        "Laporan penipuan",
    )
    .await
    .unwrap();
    assert_eq!(
        sellers::get_seller(&w.db.store, scope.seller_id)
            .await
            .unwrap()
            .status
            .as_str(),
        "suspended"
    );
    review::decide(
        &w.svc,
        &reviewer,
        scope.seller_id,
        Decision::Reinstate,
        &[],
        "",
    )
    .await
    .unwrap();
    assert_eq!(
        sellers::get_seller(&w.db.store, scope.seller_id)
            .await
            .unwrap()
            .status
            .as_str(),
        "approved"
    );
    let illegal = review::decide(
        &w.svc,
        &reviewer,
        scope.seller_id,
        Decision::Reinstate,
        &[],
        "",
    )
    .await
    .unwrap_err();
    assert_eq!(illegal.code, ErrorCode::IllegalTransition);
}

async fn every_field_is_checked_and_cross_checked(backend: Backend) {
    let w = world(backend).await;
    let (_, scope) = seller(&w, "cek@contoh.id", "toko-cek").await;
    wizard::save_business_type(&w.svc, &scope, "individual")
        .await
        .unwrap();
    let mismatch = wizard::save_identity(&w.svc, &scope, identity(NIK, "1995-05-13", "male"))
        .await
        .unwrap_err();
    let codes: Vec<_> = mismatch
        .fields
        .iter()
        .map(|f| (f.field.as_ref(), f.code))
        .collect();
    assert_eq!(
        codes,
        [
            ("birth_date", ErrorCode::NikBirthDateMismatch),
            ("gender", ErrorCode::NikGenderMismatch)
        ]
    );
    let bad = wizard::save_identity(&w.svc, &scope, identity("3201013205950002", "tanggal", "x"))
        .await
        .unwrap_err();
    let fields: Vec<_> = bad.fields.iter().map(|f| f.field.as_ref()).collect();
    assert_eq!(fields, ["nik", "birth_date", "gender"]);
    wizard::save_identity(&w.svc, &scope, identity(NIK, "1995-05-12", "female"))
        .await
        .unwrap();

    // An individual's 16-digit NPWP must be the NIK.
    let other_nik = wizard::save_tax(&w.svc, &scope, "3201011205900001")
        .await
        .unwrap_err();
    assert_eq!(other_nik.fields[0].code, ErrorCode::NpwpNikMismatch);
    wizard::save_tax(&w.svc, &scope, NIK).await.unwrap();
    assert_eq!(
        wizard::save_tax(&w.svc, &scope, "09.254.294.4-407.000")
            .await
            .unwrap_err()
            .fields[0]
            .code,
        ErrorCode::InvalidNpwp
    );

    let mut wrong = address();
    wrong.district_code = "999999";
    wrong.postal_code = "1681";
    wrong.phone = "+1 415 555 0100";
    let e = wizard::save_addresses(&w.svc, &scope, wrong, None)
        .await
        .unwrap_err();
    let fields: Vec<_> = e.fields.iter().map(|f| f.field.as_ref()).collect();
    assert_eq!(
        fields,
        [
            "business_district",
            "business_postal_code",
            "business_phone"
        ]
    );

    assert_eq!(
        wizard::save_bank_account(&w.svc, &scope, "bca", "12345", "Sari")
            .await
            .unwrap_err()
            .fields[0]
            .code,
        ErrorCode::InvalidAccountNumber
    );
    let differs = wizard::save_bank_account(&w.svc, &scope, "bca", ACCOUNT, "BUDI SANTOSO")
        .await
        .unwrap();
    assert!(
        differs.holder_name_differs,
        "a different holder is warned about, not refused"
    );

    let pdf_selfie = b"%PDF-1.4\n%%EOF\n";
    let refused = wizard::upload_document(&w.svc, &scope, "selfie_with_ktp", pdf_selfie)
        .await
        .unwrap_err();
    assert_eq!(refused.fields[0].code, ErrorCode::DocumentTypeNotAccepted);
    let empty = wizard::upload_document(&w.svc, &scope, "ktp_photo", b"")
        .await
        .unwrap_err();
    assert_eq!(empty.fields[0].code, ErrorCode::DocumentEmpty);

    // Companies bring a company name and NIB.
    wizard::save_business_type(&w.svc, &scope, "company")
        .await
        .unwrap();
    let view = wizard::status(&w.svc, &scope).await.unwrap();
    let missing = wizard::missing_steps(&view.verification, &view.documents);
    assert!(
        missing.contains(&etalase_domain::verification::WizardStep::Identity)
            && missing.contains(&etalase_domain::verification::WizardStep::Tax),
        "a new business type asks for identity and tax again: {missing:?}"
    );
    let company = wizard::save_identity(&w.svc, &scope, identity(NIK, "1995-05-12", "female"))
        .await
        .unwrap_err();
    let fields: Vec<_> = company.fields.iter().map(|f| f.field.as_ref()).collect();
    assert_eq!(fields, ["company_name", "nib"]);
}

/// Monday 28 December 2026, 10:00 WIB: the estimate crosses into 2027,
/// whose decree is not built in; an operator's holidays file completes it.
async fn a_year_end_estimate_uses_the_holidays_the_operator_added(backend: Backend) {
    const YEAR_END: i64 = 1_798_426_800_000;
    let w = world_at(backend, YEAR_END, ServiceConfig::default()).await;
    let (_, scope) = seller(&w, "sari@contoh.id", "batik-sari").await;
    fill_wizard(&w.svc, &scope).await;
    let built_in = wizard::submit(&w.svc, &scope).await.unwrap();
    assert_eq!(built_in.decision_due_on.as_deref(), Some("2027-01-04"));
    assert!(built_in.decision_due_is_estimate, "2027 is not known yet");

    let calendar = etalase_domain::calendar::indonesia()
        .clone()
        .with_rows("date,kind,name_id,name_en\n2027-01-01,holiday,Tahun Baru 2027 Masehi,New Year's Day 2027\n")
        .unwrap();
    let config = ServiceConfig {
        calendar: Arc::new(calendar),
        ..ServiceConfig::default()
    };
    let w = world_at(backend, YEAR_END, config).await;
    let (_, scope) = seller(&w, "sari@contoh.id", "batik-sari").await;
    fill_wizard(&w.svc, &scope).await;
    let added = wizard::submit(&w.svc, &scope).await.unwrap();
    assert_eq!(added.decision_due_on.as_deref(), Some("2027-01-05"));
    assert!(!added.decision_due_is_estimate);
}

async fn one_person_verifies_a_limited_number_of_shops(backend: Backend) {
    let w = world(backend).await;
    for (n, slug) in ["satu", "dua", "tiga"].iter().enumerate() {
        let (_, scope) = seller(&w, &format!("orang{n}@contoh.id"), &format!("toko-{slug}")).await;
        wizard::save_business_type(&w.svc, &scope, "individual")
            .await
            .unwrap();
        let saved =
            wizard::save_identity(&w.svc, &scope, identity(NIK, "1995-05-12", "female")).await;
        if n < 2 {
            saved.unwrap();
        } else {
            assert_eq!(saved.unwrap_err().fields[0].code, ErrorCode::NikShopLimit);
        }
    }
}

async fn only_owners_and_admins_see_personal_values(backend: Backend) {
    let w = world(backend).await;
    let (owner, scope) = seller(&w, "pemilik@contoh.id", "toko-rahasia").await;
    fill_wizard(&w.svc, &scope).await;
    let status = wizard::status(&w.svc, &scope).await.unwrap();
    assert_eq!(status.identity.unwrap().nik_masked, "3201••••••••0002");
    assert_eq!(wizard::reveal(&w.svc, &scope, "nik").await.unwrap(), NIK);
    assert_eq!(
        wizard::reveal(&w.svc, &scope, "bank_account")
            .await
            .unwrap(),
        ACCOUNT
    );
    let (mime, bytes) = wizard::document_file(&w.svc, &scope, "ktp_photo")
        .await
        .unwrap();
    assert_eq!(mime, "image/png");
    assert!(bytes.starts_with(b"\x89PNG"));

    // A marketing member sees the state, not the values.
    let member_user =
        accounts::create_user(&w.svc, "tim@contoh.id", "Tim", "kata sandi anggota", false)
            .await
            .unwrap();
    let mut tx = w.db.store.write().await.unwrap();
    let member_id = etalase_domain::id::MemberId::generate();
    sellers::insert_member(
        &mut tx,
        member_id,
        scope.seller_id,
        member_user.id,
        etalase_domain::policy::Role::Marketing,
        w.svc.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let member = sellers::get_member(&w.db.store, scope.seller_id, member_id)
        .await
        .unwrap();
    let marketing = SellerScope::for_member(&member);
    assert!(wizard::status(&w.svc, &marketing).await.is_ok());
    assert_eq!(
        wizard::reveal(&w.svc, &marketing, "nik")
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        wizard::document_file(&w.svc, &marketing, "ktp_photo")
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        wizard::save_tax(&w.svc, &marketing, NPWP)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );

    // Another shop's owner only ever reaches their own (empty) record.
    let (_, other) = seller(&w, "lain@contoh.id", "toko-lain").await;
    assert_eq!(
        wizard::reveal(&w.svc, &other, "nik")
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert!(
        wizard::status(&w.svc, &other)
            .await
            .unwrap()
            .identity
            .is_none()
    );

    // Reviewers must be admins; every look is in the audit log.
    assert_eq!(
        review::reveal(&w.svc, &owner, scope.seller_id, "nik")
            .await
            .unwrap_err()
            .code,
        ErrorCode::AdminOnly
    );
    let reviewer = admin(&w).await;
    assert_eq!(
        review::reveal(&w.svc, &reviewer, scope.seller_id, "npwp")
            .await
            .unwrap(),
        "0092542943407000"
    );
    let looks = audit::list_for_subject(&w.db.store, "verification", &scope.seller_id.to_string())
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.action == "kyc.viewed")
        .count();
    assert_eq!(looks, 4);
}

async fn nothing_personal_is_stored_in_the_clear(backend: Backend) {
    let w = world(backend).await;
    let (_, scope) = seller(&w, "bersih@contoh.id", "toko-bersih").await;
    fill_wizard(&w.svc, &scope).await;
    wizard::submit(&w.svc, &scope).await.unwrap();
    let secrets = [NIK, "0092542943407000", "092542943407000", ACCOUNT];
    let tables = [
        "seller_verifications",
        "kyc_identities",
        "kyc_tax",
        "kyc_addresses",
        "kyc_bank_accounts",
        "kyc_documents",
        "audit_log",
        "outbox",
        "sellers",
        "users",
    ];
    for table in tables {
        for row in w.db.store.rows_as_text(table).await.unwrap() {
            for secret in secrets {
                assert!(
                    !row.contains(secret),
                    "{table} holds {secret} in the clear: {row}"
                );
            }
        }
    }
    if backend == Backend::Sqlite {
        // The database file itself (and its write-ahead log).
        for file in ["etalase.db", "etalase.db-wal"] {
            let bytes = std::fs::read(w.db.data_dir.join(file)).unwrap_or_default();
            for secret in secrets {
                assert!(
                    !bytes
                        .windows(secret.len())
                        .any(|win| win == secret.as_bytes()),
                    "{file} holds {secret}"
                );
            }
        }
    }
    // The stored files are sealed. (Looking for "IHDR" in them would be
    // wrong: it turns up in random base64 text about once in 150 runs.)
    // Instead: each file is ASCII vault text with no raw PNG byte, and only
    // the vault, with that file's own context, turns it back into the PNG.
    let ObjectStore::Memory(files) = &w.objects else {
        unreachable!()
    };
    let files = files.lock().unwrap();
    assert_eq!(files.len(), 3);
    for (key, bytes) in files.iter() {
        assert!(
            bytes.starts_with(b"v1:") && bytes.is_ascii(),
            "{key} is not vault text"
        );
        let text = std::str::from_utf8(bytes).unwrap();
        let slot = key.rsplit('/').next().unwrap().trim_end_matches(".sealed");
        let opened = w
            .svc
            .vault
            .open(text, &format!("seller:{}:{slot}", scope.seller_id))
            .unwrap();
        assert!(opened.starts_with(b"\x89PNG"), "{key} opens to the image");
        assert!(
            w.svc
                .vault
                .open(text, &format!("seller:{}:other", scope.seller_id))
                .is_err()
        );
    }
}

on_both_backends!(
    a_seller_is_rejected_fixes_a_document_and_is_approved,
    every_field_is_checked_and_cross_checked,
    one_person_verifies_a_limited_number_of_shops,
    a_year_end_estimate_uses_the_holidays_the_operator_added,
    only_owners_and_admins_see_personal_values,
    nothing_personal_is_stored_in_the_clear,
);

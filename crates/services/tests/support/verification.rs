//! A verification wizard filled in as a real seller would, for tests that
//! need a submitted or approved shop.

use std::io::Cursor;

use etalase_services::Services;
use etalase_services::kyc::review::{self, Decision};
use etalase_services::kyc::wizard::{self, AddressForm, IdentityForm};
use etalase_services::teams::SellerScope;
use etalase_store::accounts::User;

pub const NIK: &str = "3201015205950002"; // a woman born 12 May 1995
pub const NPWP: &str = "09.254.294.3-407.000";
pub const ACCOUNT: &str = "8730123456";

/// A sharp, card-sized photo; `shade` makes each one different.
pub fn photo(shade: u8) -> Vec<u8> {
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

pub fn identity<'a>(nik: &'a str, birth_date: &'a str, gender: &'a str) -> IdentityForm<'a> {
    IdentityForm {
        full_name: "Sari Wulandari",
        nik,
        birth_date,
        gender,
        company_name: "",
        nib: "",
    }
}

pub fn address<'a>() -> AddressForm<'a> {
    AddressForm {
        street: "Jl. Pajajaran No. 10, RT 02/RW 03",
        district_code: "320101",
        postal_code: "16810",
        phone: "0812-3456-7890",
    }
}

pub async fn fill_wizard(svc: &Services, scope: &SellerScope) {
    wizard::save_shop(svc, scope, "Batik Sari Bogor", "fashion")
        .await
        .unwrap();
    wizard::save_business_type(svc, scope, "individual")
        .await
        .unwrap();
    wizard::save_identity(svc, scope, identity(NIK, "1995-05-12", "female"))
        .await
        .unwrap();
    wizard::save_tax(svc, scope, NPWP).await.unwrap();
    wizard::save_addresses(svc, scope, address(), None)
        .await
        .unwrap();
    let bank = wizard::save_bank_account(svc, scope, "bca", ACCOUNT, "SARI WULANDARI")
        .await
        .unwrap();
    assert!(!bank.holder_name_differs);
    for (slot, shade) in [
        ("ktp_photo", 10),
        ("selfie_with_ktp", 30),
        ("npwp_card", 50),
    ] {
        let uploaded = wizard::upload_document(svc, scope, slot, &photo(shade))
            .await
            .unwrap();
        assert!(
            uploaded.warnings.is_empty(),
            "{slot}: {:?}",
            uploaded.warnings
        );
    }
}

/// A platform admin who reviews verifications.
pub async fn reviewer(svc: &Services) -> User {
    etalase_services::accounts::create_user(
        svc,
        "reviewer@etalase.test",
        "Reviewer",
        "kata sandi reviewer",
        true,
    )
    .await
    .unwrap()
}

/// Fills the wizard, submits it, and has `reviewer` approve it.
pub async fn approve(svc: &Services, scope: &SellerScope, reviewer: &User) {
    fill_wizard(svc, scope).await;
    wizard::submit(svc, scope).await.unwrap();
    for decision in [Decision::StartReview, Decision::Approve] {
        review::decide(svc, reviewer, scope.seller_id, decision, &[], "")
            .await
            .unwrap();
    }
}

//! What the catalog tests share: a world on one backend, a shop, a complete
//! 2 × 3 product, a photo.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::Arc;

use etalase_domain::catalog::category::tree;
use etalase_domain::catalog::product::{ProductInput, SkuInput};
use etalase_domain::{ErrorCode, Lang, Timestamp};
use etalase_services::accounts::{self, ClientInfo, ShopDetails, SignUp};
use etalase_services::catalog::ProductForm;
use etalase_services::clock::ManualClock;
use etalase_services::mail::MemoryMailer;
use etalase_services::teams::SellerScope;
use etalase_services::{ServiceConfig, ServiceError, Services};
use etalase_store::sellers;
use etalase_testkit::{Backend, TestDatabase, database};

pub struct World {
    pub svc: Services,
    pub clock: Arc<ManualClock>,
    _db: TestDatabase,
}

pub async fn world(backend: Backend) -> World {
    let db = database(backend).await;
    let clock = Arc::new(ManualClock::new(Timestamp::from_unix_millis(
        1_795_000_000_000,
    )));
    let svc = Services::new(
        db.store.clone(),
        clock.clone(),
        Arc::new(MemoryMailer::default()),
        Arc::new(etalase_services::vault::Vault::ephemeral()),
        etalase_store::objects::ObjectStore::memory(),
        ServiceConfig::default(),
    );
    World {
        svc,
        clock,
        _db: db,
    }
}

pub async fn shop(svc: &Services, email: &str, slug: &str) -> SellerScope {
    let signed_in = accounts::sign_up_seller(
        svc,
        SignUp {
            email,
            name: "Pemilik",
            password: "kopi susu gula aren",
            password_confirmation: "kopi susu gula aren",
            lang: Lang::Id,
        },
        ShopDetails {
            shop_name: "Batik Sari",
            shop_slug: slug,
        },
        &ClientInfo::default(),
    )
    .await
    .unwrap();
    let member = sellers::find_membership(&svc.store, signed_in.user.id)
        .await
        .unwrap()
        .unwrap();
    SellerScope::for_member(&member)
}

/// A leaf category with required attributes, and values for them.
pub fn category() -> (&'static str, BTreeMap<String, String>) {
    let t = tree();
    let leaf = t
        .all()
        .iter()
        .find(|c| c.is_leaf && c.id.starts_with("batik-kain-tradisional/batik/"))
        .unwrap();
    let values = t
        .attributes(leaf.id)
        .into_iter()
        .filter(|a| a.required)
        .map(|a| {
            (
                a.key.to_string(),
                a.choices.first().copied().unwrap_or("Katun").to_string(),
            )
        })
        .collect();
    (leaf.id, values)
}

pub const DESCRIPTION: &str = "Kemeja batik tulis asli dari Solo dibuat oleh pengrajin \
    berpengalaman dengan bahan katun primisima yang adem dan nyaman dipakai seharian. Motif \
    parang klasik diwarnai dengan pewarna alami sehingga warnanya lembut dan tidak mudah \
    luntur. Cocok untuk acara kantor, kondangan, maupun santai di akhir pekan bersama keluarga.";

pub fn sku(colour: &str, size: &str, code: &str, stock: &str) -> SkuInput {
    SkuInput {
        combination: vec![colour.into(), size.into()],
        code: code.into(),
        price: "150.000".into(),
        stock: stock.into(),
        weight_grams: "300".into(),
        length_cm: "30".into(),
        width_cm: "20".into(),
        height_cm: "3".into(),
        ..SkuInput::default()
    }
}

/// A complete product with 2 colours × 3 sizes.
pub fn complete() -> ProductInput {
    let (category, attributes) = category();
    let skus = ["Merah", "Biru"]
        .iter()
        .flat_map(|c| ["M", "L", "XL"].iter().map(move |s| (*c, *s)))
        .map(|(c, s)| sku(c, s, &format!("KMJ-{}-{s}", &c[..1]), "5"))
        .collect();
    ProductInput {
        title: "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang Katun".into(),
        description: DESCRIPTION.into(),
        bullets: "Katun primisima\nPewarna alami\nJahitan rapi".into(),
        category: category.into(),
        brand: "Batik Sari".into(),
        attributes,
        tags: "batik, kemeja pria".into(),
        options: vec![
            ("Warna".into(), "Merah, Biru".into()),
            ("Ukuran".into(), "M, L, XL".into()),
        ],
        skus,
        ..ProductInput::default()
    }
}

pub fn form(input: ProductInput, base_version: Option<i32>) -> ProductForm {
    ProductForm {
        input,
        base_version,
        stock_loaded: Vec::new(),
    }
}

/// A photo: a sharp pattern on a white background.
pub fn photo(side: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(side, side, |x, y| {
        let inside = x > side / 5 && x < side * 4 / 5 && y > side / 5 && y < side * 4 / 5;
        if inside && (x / 7 + y / 11) % 2 == 0 {
            image::Rgb([30, 60, 120])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

pub fn fields(error: &ServiceError) -> Vec<(String, ErrorCode)> {
    error
        .fields
        .iter()
        .map(|f| (f.field.to_string(), f.code))
        .collect()
}

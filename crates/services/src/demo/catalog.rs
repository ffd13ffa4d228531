//! The demo shop's catalog: a product at every stage a newcomer should see
//! — excellent and live, live with low stock, a draft whose checklist says
//! what to fix, one the seller paused, and one sold out (its Shop page says
//! "Stok habis", and the sync panel says why it left search).

use std::collections::BTreeMap;
use std::io::Cursor;

use etalase_domain::catalog::product::{ProductInput, SkuInput};
use etalase_domain::id::SellerId;
use etalase_store::catalog;

use crate::catalog::{ProductForm, media};
use crate::inventory;
use crate::teams::SellerScope;
use crate::{ServiceResult, Services};

const KEMEJA_DESCRIPTION: &str = "<p>Kemeja batik tulis asli dari Solo, dibuat oleh pengrajin \
    berpengalaman dengan bahan katun primisima yang adem dan nyaman dipakai seharian.</p>\
    <p>Motif <b>parang klasik</b> diwarnai dengan pewarna alami sehingga warnanya lembut dan \
    tidak mudah luntur. Cocok untuk acara kantor, kondangan, maupun santai di akhir pekan.</p>\
    <ul><li>Kerah tegak, kancing batok kelapa</li><li>Cuci dengan tangan, jangan diperas</li></ul>";

const KAOS_DESCRIPTION: &str = "Kaos polos berbahan cotton combed 30s yang lembut, menyerap \
    keringat, dan tidak panas dipakai seharian di cuaca tropis. Jahitan rantai di bahu membuat \
    kaos tetap rapi setelah berkali-kali dicuci.\n\nTersedia tiga warna netral dan empat ukuran \
    untuk pria maupun wanita; lihat tabel ukuran di foto terakhir sebelum memesan.";

fn sku(combination: &[&str], code: &str, price: &str, stock: &str, weight: &str) -> SkuInput {
    SkuInput {
        combination: combination.iter().map(|s| s.to_string()).collect(),
        code: code.into(),
        price: price.into(),
        stock: stock.into(),
        weight_grams: weight.into(),
        length_cm: "30".into(),
        width_cm: "22".into(),
        height_cm: "3".into(),
        ..SkuInput::default()
    }
}

fn attributes(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A sample product photo: a patterned shape on white (or on a colour).
pub(super) fn photo(tint: [u8; 3], white: bool, variant: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(900, 900, |x, y| {
        let inside = (150..750).contains(&x) && (150 + variant * 10..750).contains(&y);
        if inside && !(x / 9 + y / 13 + variant).is_multiple_of(3) {
            image::Rgb(tint)
        } else if inside || white {
            image::Rgb([255, 255, 255])
        } else {
            image::Rgb([tint[0] / 3 + 150, tint[1] / 3 + 150, tint[2] / 3 + 150])
        }
    });
    let mut bytes = Vec::new();
    let _ = img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png);
    bytes
}

/// Loads the demo catalog when the shop has no products yet.
pub async fn load(svc: &Services, scope: &SellerScope, seller: SellerId) -> ServiceResult<()> {
    let existing = catalog::catalog_counts(&svc.store, seller).await?;
    if !existing.by_status.is_empty() {
        return Ok(());
    }
    let kemeja = ProductInput {
        title: "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang Katun Primisima".into(),
        description: KEMEJA_DESCRIPTION.into(),
        bullets: "Batik tulis asli Solo\nKatun primisima yang adem\nPewarna alami, tidak luntur"
            .into(),
        category: "batik-kain-tradisional/batik/kemeja".into(),
        brand: "Batik Sari".into(),
        attributes: attributes(&[
            ("bahan", "Katun primisima"),
            ("teknik_batik", "tulis"),
            ("asal_daerah", "Solo"),
        ]),
        tags: "batik, kemeja batik, batik tulis, kemeja pria".into(),
        options: vec![
            ("Warna".into(), "Cokelat Sogan, Biru Indigo".into()),
            ("Ukuran".into(), "M, L, XL".into()),
        ],
        skus: [("Cokelat Sogan", "CS"), ("Biru Indigo", "BI")]
            .iter()
            .flat_map(|(colour, c)| {
                ["M", "L", "XL"].iter().map(move |size| {
                    sku(
                        &[colour, size],
                        &format!("BTK-{c}-{size}"),
                        if *size == "XL" { "365.000" } else { "350.000" },
                        if *c == "BI" && *size == "XL" {
                            "2"
                        } else {
                            "12"
                        },
                        "320",
                    )
                })
            })
            .map(|mut s| {
                s.original_price = "425.000".into();
                s
            })
            .collect(),
        cod_allowed: true,
        ..ProductInput::default()
    };
    let kaos = ProductInput {
        title: "Kaos Polos Cotton Combed 30s Unisex Lengan Pendek".into(),
        description: KAOS_DESCRIPTION.into(),
        bullets: "Cotton combed 30s\nJahitan rantai di bahu".into(),
        category: "fashion-pria/atasan/kaos-polo".into(),
        attributes: attributes(&[("bahan", "Cotton combed 30s")]),
        tags: "kaos polos, kaos unisex".into(),
        options: vec![
            ("Warna".into(), "Hitam, Putih, Abu".into()),
            ("Ukuran".into(), "S, M, L, XL".into()),
        ],
        skus: ["Hitam", "Putih", "Abu"]
            .iter()
            .flat_map(|colour| {
                ["S", "M", "L", "XL"].iter().map(move |size| {
                    sku(
                        &[colour, size],
                        &format!("KAOS-{}-{size}", &colour[..1]),
                        "59.000",
                        if *colour == "Putih" { "0" } else { "40" },
                        "180",
                    )
                })
            })
            .collect(),
        cod_allowed: true,
        ..ProductInput::default()
    };
    let kopi = ProductInput {
        title: "Kopi Gayo 250g".into(),
        description: "Kopi enak dari Aceh.".into(),
        category: "makanan-minuman/kopi".into(),
        attributes: attributes(&[("jenis_kopi", "arabika")]),
        skus: vec![SkuInput {
            price: "85.000".into(),
            stock: "25".into(),
            ..SkuInput::default()
        }],
        ..ProductInput::default()
    };
    let tas = ProductInput {
        title: "Tas Anyaman Rotan Bali Bulat Diameter 20 cm Tali Kulit".into(),
        description: "Tas bulat dari rotan yang dianyam tangan oleh pengrajin di Tenganan, \
            Bali, dengan tali bahu dari kulit sapi asli dan lapisan kain batik di bagian dalam. \
            Ringan, kokoh, dan cocok untuk jalan-jalan ke pantai atau acara santai."
            .into(),
        bullets: "Dianyam tangan\nTali kulit asli\nLapisan kain batik".into(),
        category: "kerajinan-tangan/anyaman".into(),
        brand: "Rotan Tenganan".into(),
        attributes: attributes(&[("bahan", "Rotan dan kulit sapi"), ("asal_daerah", "Bali")]),
        tags: "tas rotan, tas bali".into(),
        skus: vec![sku(&[], "ROTAN-20", "175.000", "6", "450")],
        ..ProductInput::default()
    };

    let selendang = ProductInput {
        title: "Selendang Tenun Ikat Sumba Motif Kuda Katun Pewarna Alami".into(),
        description: "Selendang tenun ikat dari Sumba Timur, ditenun tangan dengan benang \
            katun dan diwarnai akar mengkudu serta daun nila. Motif kuda melambangkan \
            kebanggaan dan kerja keras; setiap lembar selesai dalam beberapa minggu."
            .into(),
        bullets: "Tenun tangan\nPewarna alami\nMotif kuda Sumba".into(),
        category: "batik-kain-tradisional/tenun".into(),
        brand: "Tenun Sumba".into(),
        attributes: attributes(&[("bahan", "Katun"), ("asal_daerah", "Sumba Timur")]),
        tags: "tenun ikat, selendang, sumba".into(),
        skus: vec![sku(&[], "SUMBA-KUDA", "450.000", "0", "300")],
        ..ProductInput::default()
    };

    let create = |input: ProductInput| async move {
        crate::catalog::create(
            svc,
            scope,
            &ProductForm {
                input,
                base_version: None,
                stock_loaded: Vec::new(),
            },
        )
        .await
    };
    let kemeja = create(kemeja).await?;
    for n in 0..5 {
        media::upload(svc, scope, kemeja, photo([120, 72, 40], true, n)).await?;
    }
    crate::catalog::publish(svc, scope, kemeja).await?;
    // One SKU runs low: the stock page lists it.
    if let Some(low) = catalog::skus_of(&svc.store, seller, kemeja)
        .await?
        .into_iter()
        .find(|s| s.code.as_deref() == Some("BTK-BI-XL"))
    {
        inventory::set_threshold(svc, scope, low.id, Some(3)).await?;
    }

    let kaos = create(kaos).await?;
    media::upload(svc, scope, kaos, photo([30, 30, 30], false, 0)).await?;
    media::upload(svc, scope, kaos, photo([200, 200, 200], true, 2)).await?;
    crate::catalog::publish(svc, scope, kaos).await?;

    create(kopi).await?;

    let tas = create(tas).await?;
    media::upload(svc, scope, tas, photo([150, 110, 60], true, 1)).await?;
    crate::catalog::publish(svc, scope, tas).await?;
    crate::catalog::deactivate(svc, scope, tas).await?;

    // Sold out: reachable in the Shop as "Stok habis", out of search.
    let selendang = create(selendang).await?;
    media::upload(svc, scope, selendang, photo([140, 40, 40], true, 3)).await?;
    crate::catalog::publish(svc, scope, selendang).await?;
    Ok(())
}

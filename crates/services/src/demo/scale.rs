//! `etalase generate-shop`: a large generated catalog, for benchmarks and
//! for trying the Shop at scale. Shops in cities across Indonesia (a pickup
//! address each), products of 3 SKUs in every kind of category, written
//! through the product editor's own code path (checked, scored, copy-checked,
//! stock ledger, revision, audit, outbox), each given a photo and published,
//! then the Shop's read model rebuilt. The same seed gives the same
//! catalog; running it again adds only the shops still missing.

use std::collections::BTreeMap;

use etalase_domain::ErrorCode;
use etalase_domain::account::Email;
use etalase_domain::catalog::category::{Category, tree};
use etalase_domain::catalog::lifecycle::ProductStatus;
use etalase_domain::catalog::product::{ProductDraft, ProductInput, SkuInput};
use etalase_domain::id::{ImageId, MemberId, ProductId, UserId};
use etalase_domain::policy::Role;
use etalase_domain::regions::regions;
use etalase_domain::seller::{SellerStatus, ShopName, ShopSlug};
use etalase_store::catalog;
use etalase_store::inventory::StockReason;
use etalase_store::kyc::{self, AddressRecord};
use etalase_store::{accounts as users, sellers};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::catalog::editor::create_in;
use crate::catalog::listing;
use crate::catalog::media::{self, ProcessedImage};
use crate::catalog::records::{SaveLog, product_changed};
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services, accounts, passwords};

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct ScalePlan {
    pub shops: usize,
    /// In all, spread evenly over the shops.
    pub products: usize,
    pub seed: u64,
}

/// What a run wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Generated {
    pub shops: usize,
    pub products: usize,
    pub skus: usize,
    /// Listed in the Shop after the rebuild.
    pub listed: usize,
}

/// The slug of generated shop `n` (`sinar-abadi-0001`): its name's first
/// two words and its number, within the 30 characters a slug may have.
fn shop_slug(n: usize, name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().take(2).collect();
    format!(
        "{}-{n:04}",
        etalase_domain::listing::slug_of(&words.join(" "))
    )
}

/// The email of generated shop `n`'s owner (password: the demo password).
pub fn owner_email(n: usize) -> String {
    format!("penjual{n:04}@toko.etalase.test")
}

const SHOP_FIRST: [&str; 16] = [
    "Sinar", "Maju", "Berkah", "Cahaya", "Sumber", "Mitra", "Anugerah", "Jaya", "Karya", "Rumah",
    "Pusat", "Griya", "Dunia", "Galeri", "Toko", "Warung",
];
const SHOP_SECOND: [&str; 16] = [
    "Abadi",
    "Sentosa",
    "Makmur",
    "Lestari",
    "Mandiri",
    "Bersama",
    "Sejahtera",
    "Utama",
    "Nusantara",
    "Barokah",
    "Indah",
    "Murah",
    "Kita",
    "Asri",
    "Rejeki",
    "Sukses",
];
/// Brands made up for the catalog.
const BRANDS: [&str; 24] = [
    "Arunika",
    "Batara",
    "Cendana",
    "Dirgantara",
    "Elang",
    "Fajar",
    "Garuda",
    "Harmoni",
    "Intan",
    "Jelita",
    "Kenari",
    "Lentera",
    "Mentari",
    "Nirwana",
    "Ombak",
    "Pelangi",
    "Rajawali",
    "Samudra",
    "Taruna",
    "Umbara",
    "Wijaya",
    "Yudha",
    "Zamrud",
    "Kirana",
];
const QUALITIES: [&str; 12] = [
    "Premium", "Original", "Murah", "Terlaris", "Kekinian", "Awet", "Ringan", "Elegan", "Modern",
    "Klasik", "Praktis", "Lokal",
];
const COLOURS: [&str; 10] = [
    "Hitam",
    "Putih",
    "Abu",
    "Navy",
    "Merah",
    "Hijau Army",
    "Cokelat",
    "Krem",
    "Biru",
    "Maroon",
];
const MATERIALS: [&str; 10] = [
    "katun",
    "cotton combed",
    "polyester",
    "kulit sintetis",
    "kanvas",
    "kayu jati",
    "bambu",
    "stainless",
    "plastik food grade",
    "rajut",
];
const USES: [&str; 10] = [
    "sehari-hari",
    "kerja kantor",
    "kuliah",
    "olahraga pagi",
    "acara keluarga",
    "traveling",
    "hadiah ulang tahun",
    "kondangan",
    "di rumah",
    "mudik lebaran",
];
const FEATURES: [&str; 10] = [
    "jahitan rapi",
    "mudah dibersihkan",
    "tidak mudah pudar",
    "nyaman dipakai lama",
    "ukuran pas",
    "tahan lama",
    "warna cerah",
    "bahan tebal",
    "ringan dibawa",
    "kemasan aman",
];

/// Product kinds buyers search for, each in its category, with the words
/// of its titles and its variant dimension.
struct Kind {
    category: &'static str,
    nouns: &'static [&'static str],
    /// (dimension name, values): three values, one SKU each.
    variant: (&'static str, [&'static str; 3]),
    price: (i64, i64),
}

const KINDS: &[Kind] = &[
    Kind {
        category: "fashion-pria/atasan/kaos-polo",
        nouns: &["Kaos Polos", "Kaos Oversize", "Polo Shirt", "Kaos Distro"],
        variant: ("Ukuran", ["M", "L", "XL"]),
        price: (35_000, 150_000),
    },
    Kind {
        category: "fashion-pria/atasan/kemeja",
        nouns: &["Kemeja Flanel", "Kemeja Polos", "Kemeja Kerja Pria"],
        variant: ("Ukuran", ["M", "L", "XL"]),
        price: (80_000, 250_000),
    },
    Kind {
        category: "batik-kain-tradisional/batik/kemeja",
        nouns: &["Kemeja Batik", "Batik Pria Lengan Panjang", "Batik Cap"],
        variant: ("Ukuran", ["M", "L", "XL"]),
        price: (95_000, 450_000),
    },
    Kind {
        category: "fashion-muslim/hijab/bergo-instan",
        nouns: &["Hijab Instan", "Bergo Instan", "Jilbab Instan Jersey"],
        variant: ("Warna", ["Hitam", "Mocca", "Dusty Pink"]),
        price: (25_000, 90_000),
    },
    Kind {
        category: "fashion-muslim/hijab/pashmina",
        nouns: &["Pashmina Ceruty", "Pashmina Plisket", "Hijab Pashmina"],
        variant: ("Warna", ["Hitam", "Cream", "Sage"]),
        price: (20_000, 75_000),
    },
    Kind {
        category: "fashion-muslim/gamis",
        nouns: &["Gamis Syari", "Gamis Polos", "Abaya"],
        variant: ("Ukuran", ["M", "L", "XL"]),
        price: (120_000, 400_000),
    },
    Kind {
        category: "fashion-wanita/dress",
        nouns: &["Dress Midi", "Dress Casual", "Daster Rayon"],
        variant: ("Ukuran", ["S", "M", "L"]),
        price: (60_000, 300_000),
    },
    Kind {
        category: "fashion-pria/bawahan/jeans",
        nouns: &["Celana Jeans Pria", "Jeans Slim Fit", "Celana Denim"],
        variant: ("Ukuran", ["30", "32", "34"]),
        price: (110_000, 350_000),
    },
    Kind {
        category: "sepatu/pria/sneakers",
        nouns: &["Sepatu Lari Pria", "Sneakers Pria", "Sepatu Running"],
        variant: ("Ukuran", ["40", "41", "42"]),
        price: (150_000, 900_000),
    },
    Kind {
        category: "sepatu/wanita/flat-shoes",
        nouns: &["Flat Shoes", "Sepatu Balet Wanita", "Slip On Wanita"],
        variant: ("Ukuran", ["37", "38", "39"]),
        price: (70_000, 250_000),
    },
    Kind {
        category: "tas/ransel",
        nouns: &["Tas Ransel", "Backpack Laptop", "Tas Sekolah"],
        variant: ("Warna", ["Hitam", "Navy", "Abu"]),
        price: (90_000, 500_000),
    },
    Kind {
        category: "tas/tas-wanita",
        nouns: &["Tas Selempang Wanita", "Tote Bag", "Tas Bahu Wanita"],
        variant: ("Warna", ["Hitam", "Cokelat", "Krem"]),
        price: (60_000, 350_000),
    },
    Kind {
        category: "rumah-tangga/peralatan-masak",
        nouns: &["Panci Set", "Wajan Anti Lengket", "Teflon"],
        variant: ("Ukuran", ["20 cm", "24 cm", "28 cm"]),
        price: (75_000, 600_000),
    },
    Kind {
        category: "rumah-tangga/wadah-makanan-toples",
        nouns: &["Toples Kaca", "Kotak Makan", "Tempat Bumbu"],
        variant: ("Isi", ["1 pcs", "3 pcs", "6 pcs"]),
        price: (15_000, 120_000),
    },
    Kind {
        category: "kecantikan/perawatan-wajah/serum-essence",
        nouns: &["Serum Wajah", "Serum Vitamin C", "Essence Wajah"],
        variant: ("Ukuran", ["15 ml", "30 ml", "50 ml"]),
        price: (35_000, 250_000),
    },
    Kind {
        category: "kecantikan/perawatan-wajah/sunscreen",
        nouns: &["Sunscreen SPF 50", "Sunscreen Gel", "Tabir Surya"],
        variant: ("Ukuran", ["30 ml", "50 ml", "100 ml"]),
        price: (30_000, 180_000),
    },
    Kind {
        category: "makanan-minuman/kopi",
        nouns: &["Kopi Arabika", "Kopi Robusta", "Kopi Bubuk"],
        variant: ("Berat", ["100 gr", "250 gr", "500 gr"]),
        price: (25_000, 220_000),
    },
    Kind {
        category: "makanan-minuman/keripik-kerupuk",
        nouns: &["Keripik Singkong", "Kerupuk Udang", "Keripik Pedas"],
        variant: ("Berat", ["100 gr", "250 gr", "500 gr"]),
        price: (10_000, 60_000),
    },
    Kind {
        category: "handphone-aksesoris/charger-kabel-data",
        nouns: &["Kabel Data Type C", "Charger Fast Charging", "Kabel USB"],
        variant: ("Panjang", ["1 m", "2 m", "3 m"]),
        price: (15_000, 150_000),
    },
    Kind {
        category: "handphone-aksesoris/casing-pelindung-layar",
        nouns: &["Casing HP", "Softcase", "Tempered Glass"],
        variant: ("Warna", ["Bening", "Hitam", "Biru"]),
        price: (10_000, 80_000),
    },
    Kind {
        category: "olahraga-outdoor/camping-pendakian",
        nouns: &["Tenda Camping", "Matras Lipat", "Kompor Portable"],
        variant: ("Ukuran", ["Kecil", "Sedang", "Besar"]),
        price: (60_000, 900_000),
    },
    Kind {
        category: "mainan-anak/mainan-edukasi",
        nouns: &["Mainan Edukasi", "Puzzle Kayu Anak", "Balok Susun"],
        variant: ("Isi", ["1 set", "2 set", "3 set"]),
        price: (25_000, 200_000),
    },
    Kind {
        category: "kerajinan-tangan/anyaman",
        nouns: &["Keranjang Rotan", "Tas Anyaman", "Tempat Tisu Anyaman"],
        variant: ("Ukuran", ["Kecil", "Sedang", "Besar"]),
        price: (30_000, 250_000),
    },
    Kind {
        category: "perlengkapan-ibadah/sajadah-tasbih",
        nouns: &["Sajadah Travel", "Sajadah Turki", "Tasbih Kayu"],
        variant: ("Warna", ["Hijau", "Merah", "Biru"]),
        price: (25_000, 300_000),
    },
];

/// The generated shops' pickup districts: one per regency, the regencies
/// in code order, so every province has shops.
fn pickup_districts() -> Vec<&'static str> {
    let r = regions();
    r.provinces()
        .iter()
        .flat_map(|p| r.regencies_of(p.code))
        .filter_map(|regency| r.districts_of(regency.code).next().map(|d| d.code))
        .collect()
}

/// A value for an attribute a category requires: one of its choices, or
/// a plausible text.
fn attribute_value(key: &str, choices: &[&str], rng: &mut StdRng) -> String {
    if !choices.is_empty() {
        return choices[rng.random_range(0..choices.len())].to_owned();
    }
    match key {
        "bahan" => MATERIALS[rng.random_range(0..MATERIALS.len())].to_owned(),
        _ => "Standar".to_owned(),
    }
}

const ADJECTIVES: [&str; 12] = [
    "ringan",
    "kuat",
    "lembut",
    "rapi",
    "awet",
    "nyaman",
    "praktis",
    "mewah",
    "simpel",
    "cerah",
    "elegan",
    "fleksibel",
];
const PEOPLE: [&str; 10] = [
    "ibu",
    "ayah",
    "kakak",
    "adik",
    "sahabat",
    "pasangan",
    "rekan kerja",
    "mertua",
    "guru",
    "anak kos",
];
const DAYS: [&str; 7] = [
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
];
const STYLES: [&str; 10] = [
    "minimalis",
    "kasual",
    "etnik",
    "sporty",
    "vintage",
    "formal",
    "korea",
    "streetwear",
    "bohemian",
    "klasik",
];
const CARE: [&str; 8] = [
    "air dingin",
    "lap kering",
    "sabun lembut",
    "sikat halus",
    "angin-angin",
    "setrika rendah",
    "tisu basah",
    "kain mikrofiber",
];

/// A product description of sentences drawn from templates with many
/// slots, in a random order: generated products read alike but are not
/// copies of each other (the catalog's copy check would say so).
fn description(
    noun: &str,
    brand: &str,
    colour: &str,
    material: &str,
    dimension: &str,
    grams: i64,
    rng: &mut StdRng,
) -> String {
    let pick = |rng: &mut StdRng, list: &[&'static str]| list[rng.random_range(0..list.len())];
    let noun_lower = noun.to_lowercase();
    let mut sentences = vec![
        format!(
            "{noun} {brand} {colour} ini {} dan {} untuk {}.",
            pick(rng, &ADJECTIVES),
            pick(rng, &ADJECTIVES),
            pick(rng, &USES)
        ),
        format!(
            "Bahan {material} yang {} membuat {noun_lower} terasa {} saat {}.",
            pick(rng, &ADJECTIVES),
            pick(rng, &ADJECTIVES),
            pick(rng, &USES)
        ),
        format!(
            "Pesanan hari {} dikirim hari {} sebelum jam {}.",
            pick(rng, &DAYS),
            pick(rng, &DAYS),
            rng.random_range(9..17)
        ),
        format!(
            "Cocok sebagai hadiah {} untuk {} yang suka gaya {}.",
            pick(rng, &USES),
            pick(rng, &PEOPLE),
            pick(rng, &STYLES)
        ),
        format!(
            "Pilihan {} ada {} macam dengan berat kirim {grams} gram per {}.",
            dimension.to_lowercase(),
            rng.random_range(2..9),
            pick(rng, &["pcs", "set", "pak", "unit", "buah"])
        ),
        format!(
            "Rawat dengan {} agar {noun_lower} tetap {} sampai {} tahun.",
            pick(rng, &CARE),
            pick(rng, &ADJECTIVES),
            rng.random_range(1..6)
        ),
        format!(
            "{} dan {} jadi alasan {} {} memesan lagi.",
            pick(rng, &FEATURES),
            pick(rng, &FEATURES),
            pick(rng, &PEOPLE),
            pick(rng, &STYLES)
        ),
        format!(
            "Butuh {} pcs untuk {}? Tanyakan harga grosir lewat chat hari {}.",
            rng.random_range(10..500),
            pick(rng, &USES),
            pick(rng, &DAYS)
        ),
    ];
    // Fisher–Yates, then five of the eight.
    for i in (1..sentences.len()).rev() {
        let j = rng.random_range(0..=i);
        sentences.swap(i, j);
    }
    sentences.truncate(5);
    sentences.join(" ")
}

/// One generated product of `kind`, the `n`th of its shop.
fn product_input(kind: &Kind, category: &Category, n: usize, rng: &mut StdRng) -> ProductInput {
    let pick = |rng: &mut StdRng, list: &[&'static str]| list[rng.random_range(0..list.len())];
    let noun = pick(rng, kind.nouns);
    let brand = pick(rng, &BRANDS);
    let colour = pick(rng, &COLOURS);
    let quality = pick(rng, &QUALITIES);
    let material = pick(rng, &MATERIALS);
    let title = format!("{brand} {noun} {colour} {quality} Bahan {material} Seri {n:03}");
    let grams = rng.random_range(80..1500);
    let description = description(noun, brand, colour, material, kind.variant.0, grams, rng);
    let feature = pick(rng, &FEATURES);
    let spec = tree().attributes(category.id);
    let attributes: BTreeMap<String, String> = spec
        .iter()
        .filter(|a| a.required)
        .map(|a| (a.key.to_owned(), attribute_value(a.key, &a.choices, rng)))
        .collect();
    let base = rng.random_range(kind.price.0 / 500..=kind.price.1 / 500) * 500;
    let discounted = rng.random_bool(0.3);
    let skus = kind
        .variant
        .1
        .iter()
        .enumerate()
        .map(|(k, value)| SkuInput {
            combination: vec![(*value).to_owned()],
            code: format!("G{n:03}-{k}"),
            price: (base + k as i64 * 5_000).to_string(),
            original_price: if discounted {
                ((base + k as i64 * 5_000) * 5 / 4).to_string()
            } else {
                String::new()
            },
            // Some SKUs sell out, so pages show disabled variants.
            stock: if rng.random_bool(0.05) {
                "0".into()
            } else {
                rng.random_range(1..200).to_string()
            },
            weight_grams: grams.to_string(),
            length_cm: "25".into(),
            width_cm: "20".into(),
            height_cm: "5".into(),
            ..SkuInput::default()
        })
        .collect();
    ProductInput {
        title,
        description,
        bullets: format!("{material} pilihan\n{feature}\nDikirim dari gudang sendiri"),
        category: category.id.to_owned(),
        brand: brand.to_owned(),
        attributes,
        condition: "new".into(),
        tags: format!("{}, {}", noun.to_lowercase(), colour.to_lowercase()),
        cod_allowed: rng.random_bool(0.7),
        options: vec![(kind.variant.0.to_owned(), kind.variant.1.join(", "))],
        skus,
        ..ProductInput::default()
    }
}

/// The photos products share: one per colour, processed once, stored under
/// `generated/`, then copied (hard-linked on disk) into each product.
async fn template_photos(svc: &Services) -> ServiceResult<Vec<(String, ProcessedImage)>> {
    let mut photos = Vec::new();
    for n in 0..COLOURS.len() as u32 {
        let tint = [
            (40 + n * 23) as u8,
            (180 - n * 13) as u8,
            (90 + n * 15) as u8,
        ];
        let png = super::catalog::photo(tint, true, n);
        let processed = media::process_off_thread(png)
            .await?
            .map_err(ServiceError::new)?;
        let folder = format!("generated/photos/{n}");
        svc.objects
            .put(&format!("{folder}/full.jpg"), processed.full.clone())
            .await
            .map_err(ServiceError::internal)?;
        for (size, bytes) in &processed.thumbnails {
            svc.objects
                .put(&format!("{folder}/{size}.jpg"), bytes.clone())
                .await
                .map_err(ServiceError::internal)?;
        }
        photos.push((folder, processed));
    }
    Ok(photos)
}

/// Generates what `plan` asks (the shops not there yet), then rebuilds the
/// Shop's read model. `progress(products written)` after every shop.
pub async fn generate(
    svc: &Services,
    plan: ScalePlan,
    progress: impl Fn(usize),
) -> ServiceResult<Generated> {
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let password = passwords::hash(
        &etalase_domain::account::NewPassword::parse(super::DEMO_PASSWORD)
            .map_err(ServiceError::new)?,
    )
    .await?;
    let photos = template_photos(svc).await?;
    let districts = pickup_districts();
    let kinds: Vec<(&Kind, &Category)> = KINDS
        .iter()
        .filter_map(|k| tree().leaf(k.category).ok().map(|c| (k, c)))
        .collect();
    let per_shop = plan.products.div_ceil(plan.shops.max(1));
    let mut done = Generated::default();
    for n in 1..=plan.shops {
        // Draw every shop's numbers, written or not, so a rerun that skips
        // the shops already there still gives the rest the same catalog.
        let name = format!(
            "{} {} {}",
            SHOP_FIRST[rng.random_range(0..SHOP_FIRST.len())],
            SHOP_SECOND[rng.random_range(0..SHOP_SECOND.len())],
            n
        );
        let district = districts[(n * 7) % districts.len()];
        let remaining = plan.products.saturating_sub((n - 1) * per_shop);
        let inputs: Vec<ProductInput> = (0..per_shop.min(remaining))
            .map(|i| {
                let (kind, category) = kinds[rng.random_range(0..kinds.len())];
                product_input(kind, category, i + 1, &mut rng)
            })
            .collect();
        let slug = shop_slug(n, &name);
        if sellers::find_seller_by_slug(&svc.store, &slug)
            .await?
            .is_some()
        {
            continue;
        }
        let written =
            write_shop(svc, n, &name, &slug, district, &password, &inputs, &photos).await?;
        done.shops += 1;
        done.products += written;
        done.skus += inputs.iter().map(|i| i.skus.len()).sum::<usize>();
        progress(done.products);
    }
    let rebuilt = crate::sync::rebuild(svc, false, |_| {}).await?;
    done.listed = rebuilt.listed;
    Ok(done)
}

/// One shop, its owner, its pickup address and its products, in one
/// transaction.
#[allow(clippy::too_many_arguments)]
async fn write_shop(
    svc: &Services,
    n: usize,
    name: &str,
    slug: &str,
    district: &str,
    password_hash: &str,
    inputs: &[ProductInput],
    photos: &[(String, ProcessedImage)],
) -> ServiceResult<usize> {
    let now = svc.now();
    let email = Email::parse(&owner_email(n)).map_err(ServiceError::new)?;
    let owner = UserId::generate();
    let mut tx = svc.store.write().await?;
    users::insert_user(
        &mut tx,
        users::NewUser {
            id: owner,
            email: &email,
            name: &format!("Pemilik {name}"),
            password_hash,
            is_admin: false,
            lang: None,
        },
        now,
    )
    .await?;
    let seller = accounts::create_shop(
        &mut tx,
        owner,
        &ShopName::parse(name).map_err(ServiceError::new)?,
        &ShopSlug::parse(slug).map_err(ServiceError::new)?,
        SellerStatus::Approved,
        now,
    )
    .await?;
    let postal = regions()
        .postal_codes_of(district)
        .first()
        .copied()
        .ok_or(ErrorCode::Internal)?;
    for kind in ["business", "pickup"] {
        kyc::put_address(
            &mut tx,
            seller,
            &AddressRecord {
                kind: kind.into(),
                street: format!("Jl. Pasar Baru No. {n}"),
                district_code: district.into(),
                postal_code: postal.into(),
                phone: format!("+62812{n:08}"),
            },
            now,
        )
        .await?;
    }
    let scope = SellerScope::for_member(&sellers::Member {
        id: MemberId::generate(),
        seller_id: seller,
        user_id: owner,
        email: email.as_str().to_owned(),
        name: format!("Pemilik {name}"),
        role: Role::Owner,
        created_at: now,
    });
    let mut log = SaveLog::default();
    let mut ids = Vec::with_capacity(inputs.len());
    for input in inputs {
        let draft = ProductDraft::parse(input).map_err(|_| ErrorCode::ValidationFailed)?;
        let id = ProductId::generate();
        create_in(
            &mut tx,
            &scope,
            id,
            &draft,
            StockReason::Initial,
            now,
            &mut log,
        )
        .await?;
        ids.push(id);
    }
    log.flush(&mut tx, now).await?;
    for (k, id) in ids.iter().enumerate() {
        let (folder, processed) = &photos[(n + k) % photos.len()];
        let image = ImageId::generate();
        attach_photo(svc, seller, *id, image, folder, processed).await?;
        catalog::insert_image(
            &mut tx,
            seller,
            &media::image_row(image, *id, 0, processed, None),
            now,
        )
        .await?;
        catalog::set_status(&mut tx, seller, *id, ProductStatus::Active, None, now).await?;
        listing::refresh(&mut tx, seller, *id).await?;
        product_changed(&mut tx, seller, *id, now).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

/// A product's copy of a template photo and its thumbnails.
async fn attach_photo(
    svc: &Services,
    seller: etalase_domain::id::SellerId,
    product: ProductId,
    image: ImageId,
    folder: &str,
    processed: &ProcessedImage,
) -> ServiceResult<()> {
    let sizes = std::iter::once(None).chain(processed.thumbnails.iter().map(|(s, _)| Some(*s)));
    for size in sizes {
        let name = size.map_or_else(|| "full".to_owned(), |s| s.to_string());
        svc.objects
            .copy(
                &format!("{folder}/{name}.jpg"),
                &media::key(seller, product, image, size),
            )
            .await
            .map_err(ServiceError::internal)?;
    }
    Ok(())
}

impl Generated {
    /// Shops the plan had that were there already.
    pub fn skipped(&self, plan: &ScalePlan) -> usize {
        plan.shops - self.shops
    }
}

//! What a generated product says: its kind (category, title words, variant
//! dimension, price range), title, description, attributes and 3 SKUs,
//! all drawn from the generator's random numbers.

use std::collections::BTreeMap;

use etalase_domain::catalog::category::{Category, tree};
use etalase_domain::catalog::product::{ProductInput, SkuInput};
use rand::Rng;
use rand::rngs::StdRng;

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
pub(super) const COLOURS: [&str; 10] = [
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
pub(super) struct Kind {
    pub category: &'static str,
    nouns: &'static [&'static str],
    /// (dimension name, values): three values, one SKU each.
    variant: (&'static str, [&'static str; 3]),
    price: (i64, i64),
}

pub(super) const KINDS: &[Kind] = &[
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
pub(super) fn product_input(
    kind: &Kind,
    category: &Category,
    n: usize,
    rng: &mut StdRng,
) -> ProductInput {
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

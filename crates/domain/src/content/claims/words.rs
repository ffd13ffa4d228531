//! The words that give a figure its meaning. A number alone says little:
//! `50rb` after `cuma` is a price, after `hemat` an amount saved, before
//! `terjual` a count of sales. Every list is lowercase ASCII.

/// Currency written before the figure (`Rp99rb`, `IDR 75k`).
pub(super) const CURRENCY: &[&str] = &["rp", "idr"];

/// Currency written after the figure (`99 ribu rupiah`).
pub(super) const CURRENCY_AFTER: &[&str] = &["rupiah"];

/// Figures that are deliberately vague (`ratusan ribu`, `1000an`):
/// nothing a buyer could hold the seller to.
pub(super) const VAGUE: &[&str] = &["ribuan", "jutaan", "an", "puluhan", "ratusan"];

/// The figure names its price: plain price claims.
pub(super) const PRICE_CUES: &[&str] = &[
    "harga", "hrg", "cuma", "cuman", "hanya", "cukup", "seharga", "only", "price", "jadi",
    "menjadi", "jd", "jdi", "sekarang", "skrg", "kini", "now", "tinggal", "bayar", "sale",
];

/// "Starting from": the cheapest of the tagged products costs this.
pub(super) const START_CUES: &[&str] = &["mulai", "start", "starting", "from", "dari"];

/// A former or struck-through price (`harga normal 150rb`): said of the
/// original, not of what is charged.
pub(super) const WAS_CUES: &[&str] = &[
    "normal",
    "coret",
    "semula",
    "asli",
    "awal",
    "was",
    "sebelumnya",
];

/// The figure right after these is not a unit price: an amount saved or
/// refunded, a spending threshold, or a count of sales and followers.
pub(super) const NOT_PRICE_CUES: &[&str] = &[
    "min",
    "minimal",
    "minimum",
    "belanja",
    "pembelian",
    "transaksi",
    "potongan",
    "potong",
    "diskon",
    "disc",
    "discount",
    "hemat",
    "save",
    "cashback",
    "voucher",
    "vocer",
    "kupon",
    "coupon",
    "ongkir",
    "ongkos",
    "saldo",
    "koin",
    "coin",
    "coins",
    "bonus",
    "hadiah",
    "subsidi",
    "terjual",
    "sold",
    "stok",
    "stock",
    "pengikut",
    "followers",
    "follower",
    "views",
    "penonton",
    "viewers",
    "ditonton",
    "likes",
    "ulasan",
    "reviews",
];

/// A figure followed by these counts things (`10rb terjual`, `3 pcs`).
pub(super) const COUNT_AFTER: &[&str] = &[
    "terjual",
    "sold",
    "pengikut",
    "followers",
    "follower",
    "views",
    "view",
    "kali",
    "penonton",
    "viewers",
    "ditonton",
    "likes",
    "like",
    "suka",
    "ulasan",
    "review",
    "reviews",
    "rating",
    "pcs",
    "orang",
    "pembeli",
    "buyers",
    "stok",
    "stock",
    "persen",
];

/// A percent near these is a price reduction.
pub(super) const DISCOUNT_CUES: &[&str] = &[
    "diskon",
    "disc",
    "disk",
    "discount",
    "potongan",
    "potong",
    "off",
    "hemat",
    "save",
    "sale",
    "promo",
    "flashsale",
];

/// A percent near these is not taken off the price: cashback comes back
/// later as coins or balance, the others are shipping, instalments, tax.
pub(super) const PERCENT_BLOCKERS: &[&str] = &[
    "cashback", "koin", "coin", "coins", "ongkir", "ongkos", "cicilan", "bunga", "dp", "ppn",
    "pajak", "komisi", "fee", "admin",
];

/// `100% katun`, `100% original`: a percent describing the product.
pub(super) const QUALITY_AFTER: &[&str] = &[
    "katun",
    "cotton",
    "original",
    "ori",
    "asli",
    "real",
    "authentic",
    "murni",
    "pure",
    "polyester",
    "silk",
    "sutra",
    "linen",
    "wool",
    "kulit",
    "leather",
    "garansi",
    "uang",
    "aman",
    "halal",
    "baru",
    "new",
    "ready",
    "puas",
    "amanah",
    "cashback",
    "koin",
];

/// Read before a figure without changing its meaning (`diskon s.d. 50%`,
/// `diskon hingga 50%`, `up to 50% off`).
pub(super) const FILLERS: &[&str] = &[
    "hingga", "sampai", "s", "d", "sd", "up", "to", "upto", "max", "maks", "maksimal", "extra",
    "ekstra", "sebesar", "senilai", "langsung", "aja", "saja", "lagi", "spesial", "special",
];

/// Between a former and a current price: `dari 150rb jadi 99rb`.
pub(super) const NOW_CONNECTORS: &[&str] = &[
    "jadi", "menjadi", "jd", "jdi", "sekarang", "skrg", "kini", "now", "cuma", "cuman", "hanya",
    "tinggal",
];

/// Arrows between a former and a current price: `150rb → 99rb`, `->`.
pub(super) const NOW_ARROWS: &[char] = &['→', '⟶', '➡', '➔', '➜', '➝', '⇒', '⇨', '»', '>'];

/// May also stand between a former and a current price.
pub(super) const BETWEEN_PRICES: &[&str] = &["harga", "hari", "ini", "diskon", "promo", "sale"];

/// Written right before a former price, and highlighted with it.
pub(super) const WAS_LEADS: &[&str] = &["dari", "from", "was"];

/// End a phrase: a cue on the other side does not reach across.
pub(super) const STOPPERS: &[char] = &['!', '?', '|', '•', ';', '\u{2022}'];

pub(super) const FREE_WORDS: &[&str] = &["gratis", "free", "bebas"];
pub(super) const SHIPPING_WORDS: &[&str] = &["ongkir", "shipping", "pengiriman", "delivery"];
/// The two-word forms of shipping cost: `ongkos kirim`, `biaya kirim`.
pub(super) const SHIPPING_HEADS: &[&str] = &["ongkos", "biaya"];
/// Run together, as in hashtags (`#gratisongkir`) and shouty captions.
pub(super) const FREE_COMPOUNDS: &[&str] = &[
    "gratisongkir",
    "freeongkir",
    "bebasongkir",
    "freeshipping",
    "freeong",
    "gratisongkos",
];
pub(super) const NEGATIONS: &[&str] = &[
    "tidak", "tak", "bukan", "belum", "tanpa", "no", "not", "non", "gak", "ga", "nggak", "enggak",
];

/// Hashtag stems that make `#diskon50` a 50 % claim.
pub(super) const TAG_DISCOUNTS: &[&str] = &["diskon", "discount", "disc", "potongan", "sale"];

/// Rupiah per unit of a multiplier word (`rb`, `jt`).
pub(super) fn multiplier(word: &str) -> Option<i64> {
    match word {
        "rb" | "ribu" | "rebu" | "k" => Some(1_000),
        "jt" | "juta" => Some(1_000_000),
        _ => None,
    }
}

pub(super) fn is_in(word: &str, list: &[&str]) -> bool {
    list.contains(&word)
}

/// A word that may be glued to the number after it (`diskon50%`,
/// `harga99rb`) without making a product code of it.
pub(super) fn is_cue(word: &str) -> bool {
    [PRICE_CUES, START_CUES, WAS_CUES, DISCOUNT_CUES, CURRENCY]
        .iter()
        .any(|list| is_in(word, list))
}

//! The listing-quality score (0–100, with a grade) and its checklist. Every
//! item that fails says what to fix; the points add up to 100. The score
//! only advises — publishing needs the rules in `product`, not a grade.

/// Facts about one listing that the score reads (computed by the caller
/// from the product, its images and the copy check).
#[derive(Debug, Clone, Default)]
pub struct ListingFacts<'a> {
    pub title: &'a str,
    pub brand: Option<&'a str>,
    /// The leaf category's name, to find the product type in the title.
    pub category_name: Option<&'a str>,
    pub description_words: usize,
    pub bullets: usize,
    pub images: Vec<ImageFacts>,
    pub missing_required_attributes: usize,
    pub has_category: bool,
    /// SKUs without weight or package size.
    pub skus_missing_shipping: usize,
    pub tags: usize,
    /// The title of a listing whose description this one nearly copies.
    pub copied_from: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageFacts {
    pub width: u32,
    pub height: u32,
    pub blurry: bool,
    pub white_background: bool,
}

/// Recommended: at least this many images.
pub const RECOMMENDED_IMAGES: usize = 5;
/// Recommended: images at least this many pixels on each side.
pub const RECOMMENDED_SIDE: u32 = 600;
/// Recommended: descriptions of at least this many words.
pub const RECOMMENDED_WORDS: usize = 30;
/// Recommended: at least this many bullet points.
pub const RECOMMENDED_BULLETS: usize = 3;
/// A title between these lengths reads well in search results.
pub const GOOD_TITLE: std::ops::RangeInclusive<usize> = 40..=200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckItem {
    TitleLength,
    TitleClean,
    TitleStructure,
    DescriptionLength,
    Bullets,
    ImageCount,
    ImageQuality,
    WhiteBackground,
    Attributes,
    ShippingInfo,
    Tags,
    OriginalDescription,
}

impl CheckItem {
    pub const ALL: [CheckItem; 12] = [
        CheckItem::TitleLength,
        CheckItem::TitleClean,
        CheckItem::TitleStructure,
        CheckItem::DescriptionLength,
        CheckItem::Bullets,
        CheckItem::ImageCount,
        CheckItem::ImageQuality,
        CheckItem::WhiteBackground,
        CheckItem::Attributes,
        CheckItem::ShippingInfo,
        CheckItem::Tags,
        CheckItem::OriginalDescription,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckItem::TitleLength => "title_length",
            CheckItem::TitleClean => "title_clean",
            CheckItem::TitleStructure => "title_structure",
            CheckItem::DescriptionLength => "description_length",
            CheckItem::Bullets => "bullets",
            CheckItem::ImageCount => "image_count",
            CheckItem::ImageQuality => "image_quality",
            CheckItem::WhiteBackground => "white_background",
            CheckItem::Attributes => "attributes",
            CheckItem::ShippingInfo => "shipping_info",
            CheckItem::Tags => "tags",
            CheckItem::OriginalDescription => "original_description",
        }
    }

    /// Every reason this item can fail with (each has its message).
    pub fn reasons(self) -> &'static [&'static str] {
        match self {
            CheckItem::TitleLength => &["short", "long"],
            CheckItem::TitleClean => &["url", "marketplace", "promo", "symbols", "all_caps"],
            CheckItem::TitleStructure => &["brand", "product_type"],
            CheckItem::DescriptionLength => &["short"],
            CheckItem::Bullets | CheckItem::ImageCount => &["few"],
            CheckItem::ImageQuality => &["none", "blurry", "small"],
            CheckItem::WhiteBackground => &["none", "first_not_white"],
            CheckItem::Attributes => &["no_category", "missing"],
            CheckItem::ShippingInfo => &["missing"],
            CheckItem::Tags => &["none"],
            CheckItem::OriginalDescription => &["copied"],
        }
    }

    /// Points when passed; together 100.
    pub fn points(self) -> u8 {
        match self {
            CheckItem::TitleLength
            | CheckItem::TitleClean
            | CheckItem::DescriptionLength
            | CheckItem::Bullets
            | CheckItem::ImageCount
            | CheckItem::ImageQuality
            | CheckItem::Attributes
            | CheckItem::ShippingInfo => 10,
            CheckItem::TitleStructure
            | CheckItem::WhiteBackground
            | CheckItem::Tags
            | CheckItem::OriginalDescription => 5,
        }
    }
}

/// Why an item failed, to choose the message (`quality.<item>.<reason>`),
/// and the value the message names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub reason: &'static str,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub item: CheckItem,
    pub earned: u8,
    /// None when passed.
    pub finding: Option<Finding>,
}

impl Check {
    pub fn passed(&self) -> bool {
        self.finding.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grade {
    /// 85 or more.
    A,
    /// 70 or more.
    B,
    /// 50 or more.
    C,
    D,
}

impl Grade {
    pub fn of(score: u8) -> Grade {
        match score {
            85.. => Grade::A,
            70.. => Grade::B,
            50.. => Grade::C,
            _ => Grade::D,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "a",
            Grade::B => "b",
            Grade::C => "c",
            Grade::D => "d",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quality {
    pub score: u8,
    pub grade: Grade,
    pub checks: Vec<Check>,
}

impl Quality {
    /// Failed items, worth the most points first.
    pub fn to_fix(&self) -> Vec<&Check> {
        let mut failed: Vec<&Check> = self.checks.iter().filter(|c| !c.passed()).collect();
        failed.sort_by_key(|c| std::cmp::Reverse(c.item.points() - c.earned));
        failed
    }

    /// Worth a seller's attention in the catalog list.
    pub fn needs_attention(&self) -> bool {
        self.grade >= Grade::C
    }
}

fn finding(reason: &'static str, detail: Option<String>) -> Option<Finding> {
    Some(Finding { reason, detail })
}

/// Scores a listing.
pub fn assess(facts: &ListingFacts<'_>) -> Quality {
    let checks: Vec<Check> = CheckItem::ALL
        .iter()
        .map(|&item| {
            let (earned, finding) = check(item, facts);
            Check {
                item,
                earned,
                finding,
            }
        })
        .collect();
    let score = checks
        .iter()
        .map(|c| u32::from(c.earned))
        .sum::<u32>()
        .min(100) as u8;
    Quality {
        score,
        grade: Grade::of(score),
        checks,
    }
}

fn all_or_nothing(item: CheckItem, failed: Option<Finding>) -> (u8, Option<Finding>) {
    match failed {
        None => (item.points(), None),
        some => (0, some),
    }
}

fn check(item: CheckItem, f: &ListingFacts<'_>) -> (u8, Option<Finding>) {
    let length = f.title.chars().count();
    match item {
        CheckItem::TitleLength => all_or_nothing(
            item,
            if length < *GOOD_TITLE.start() {
                finding("short", Some(length.to_string()))
            } else if length > *GOOD_TITLE.end() {
                finding("long", Some(length.to_string()))
            } else {
                None
            },
        ),
        CheckItem::TitleClean => all_or_nothing(item, title_problem(f.title)),
        CheckItem::TitleStructure => all_or_nothing(item, structure_problem(f)),
        CheckItem::DescriptionLength => all_or_nothing(
            item,
            (f.description_words < RECOMMENDED_WORDS).then(|| Finding {
                reason: "short",
                detail: Some(f.description_words.to_string()),
            }),
        ),
        CheckItem::Bullets => all_or_nothing(
            item,
            (f.bullets < RECOMMENDED_BULLETS).then(|| Finding {
                reason: "few",
                detail: Some(f.bullets.to_string()),
            }),
        ),
        CheckItem::ImageCount => {
            let n = f.images.len().min(RECOMMENDED_IMAGES);
            let earned = (n * usize::from(item.points()) / RECOMMENDED_IMAGES) as u8;
            let failed = (f.images.len() < RECOMMENDED_IMAGES).then(|| Finding {
                reason: "few",
                detail: Some(f.images.len().to_string()),
            });
            (earned, failed)
        }
        CheckItem::ImageQuality => {
            let blurry = f.images.iter().filter(|i| i.blurry).count();
            let small = f
                .images
                .iter()
                .filter(|i| i.width.min(i.height) < RECOMMENDED_SIDE)
                .count();
            all_or_nothing(
                item,
                if f.images.is_empty() {
                    finding("none", None)
                } else if blurry > 0 {
                    finding("blurry", Some(blurry.to_string()))
                } else if small > 0 {
                    finding("small", Some(small.to_string()))
                } else {
                    None
                },
            )
        }
        CheckItem::WhiteBackground => all_or_nothing(
            item,
            match f.images.first() {
                None => finding("none", None),
                Some(first) if !first.white_background => finding("first_not_white", None),
                Some(_) => None,
            },
        ),
        CheckItem::Attributes => all_or_nothing(
            item,
            if !f.has_category {
                finding("no_category", None)
            } else if f.missing_required_attributes > 0 {
                finding("missing", Some(f.missing_required_attributes.to_string()))
            } else {
                None
            },
        ),
        CheckItem::ShippingInfo => all_or_nothing(
            item,
            (f.skus_missing_shipping > 0).then(|| Finding {
                reason: "missing",
                detail: Some(f.skus_missing_shipping.to_string()),
            }),
        ),
        CheckItem::Tags => all_or_nothing(
            item,
            (f.tags == 0).then_some(Finding {
                reason: "none",
                detail: None,
            }),
        ),
        CheckItem::OriginalDescription => all_or_nothing(
            item,
            f.copied_from.as_ref().map(|title| Finding {
                reason: "copied",
                detail: Some(title.clone()),
            }),
        ),
    }
}

/// Words buyers' search ranks down, and sellers use to shout.
const PROMO_WORDS: [&str; 18] = [
    "murah",
    "termurah",
    "diskon",
    "promo",
    "sale",
    "obral",
    "gratis ongkir",
    "free ongkir",
    "ongkir gratis",
    "cod",
    "best seller",
    "terlaris",
    "ready stock",
    "readystock",
    "flash sale",
    "cashback",
    "hemat",
    "bonus",
];

/// Other marketplaces' names.
const MARKETPLACES: [&str; 10] = [
    "tokopedia",
    "tokped",
    "shopee",
    "lazada",
    "bukalapak",
    "blibli",
    "tiktok",
    "zalora",
    "jd.id",
    "olx",
];

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '.')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches('.').to_string())
        .collect()
}

fn contains_phrase(words: &[String], phrase: &str) -> bool {
    let parts: Vec<&str> = phrase.split(' ').collect();
    words
        .windows(parts.len())
        .any(|w| w.iter().zip(&parts).all(|(a, b)| a == b))
}

fn is_emoji_or_symbol(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2190..=0x21FF)
        || matches!(c, '★' | '☆' | '♥' | '❤' | '✔' | '✅' | '🔥' | '!')
}

/// The first thing wrong with a title's wording, if any.
pub fn title_problem(title: &str) -> Option<Finding> {
    let lower = title.to_lowercase();
    let w = words(title);
    if lower.contains("http")
        || lower.contains("www.")
        || [".com", ".co.id", ".id/"].iter().any(|d| lower.contains(d))
    {
        return finding("url", None);
    }
    if let Some(name) = MARKETPLACES
        .iter()
        .find(|m| w.iter().any(|x| x == *m) || lower.contains(*m))
    {
        return finding("marketplace", Some((*name).to_string()));
    }
    if let Some(word) = PROMO_WORDS.iter().find(|p| contains_phrase(&w, p)) {
        return finding("promo", Some((*word).to_string()));
    }
    if title.chars().filter(|c| is_emoji_or_symbol(*c)).count() >= 3 {
        return finding("symbols", None);
    }
    let letters: Vec<char> = title.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 10
        && letters.iter().filter(|c| c.is_uppercase()).count() * 10 >= letters.len() * 8
    {
        return finding("all_caps", None);
    }
    None
}

fn structure_problem(f: &ListingFacts<'_>) -> Option<Finding> {
    let title = f.title.to_lowercase();
    if let Some(brand) = f.brand
        && !title.contains(&brand.to_lowercase())
    {
        return finding("brand", Some(brand.to_string()));
    }
    if let Some(category) = f.category_name {
        let mentions_type = words(category)
            .iter()
            .filter(|w| w.chars().count() >= 4)
            .any(|w| title.contains(w.as_str()));
        if !mentions_type {
            return finding("product_type", Some(category.to_string()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(side: u32) -> ImageFacts {
        ImageFacts {
            width: side,
            height: side,
            blurry: false,
            white_background: true,
        }
    }

    fn excellent<'a>() -> ListingFacts<'a> {
        ListingFacts {
            title: "Batik Keris Kemeja Batik Pria Lengan Panjang Katun Halus",
            brand: Some("Batik Keris"),
            category_name: Some("Kemeja"),
            description_words: 80,
            bullets: 4,
            images: vec![image(1000); 6],
            missing_required_attributes: 0,
            has_category: true,
            skus_missing_shipping: 0,
            tags: 3,
            copied_from: None,
        }
    }

    #[test]
    fn every_finding_uses_a_declared_reason() {
        let mut facts = excellent();
        let mut seen = Vec::new();
        for title in [
            "K",
            &"k".repeat(201),
            "Kemeja Batik Murah Meriah Pria Lengan Panjang",
            "Kemeja Batik Pria www.batikku.com Lengan",
        ] {
            facts.title = Box::leak(title.to_string().into_boxed_str());
            seen.extend(assess(&facts).checks);
        }
        seen.extend(assess(&ListingFacts::default()).checks);
        for check in seen {
            if let Some(f) = check.finding {
                assert!(
                    check.item.reasons().contains(&f.reason),
                    "{:?} {}",
                    check.item,
                    f.reason
                );
            }
        }
    }

    #[test]
    fn the_points_add_up_to_one_hundred() {
        assert_eq!(
            CheckItem::ALL
                .iter()
                .map(|c| u32::from(c.points()))
                .sum::<u32>(),
            100
        );
        let q = assess(&excellent());
        assert_eq!((q.score, q.grade), (100, Grade::A));
        assert!(q.to_fix().is_empty());
    }

    #[test]
    fn an_empty_listing_scores_low_and_says_everything() {
        let q = assess(&ListingFacts {
            title: "Kemeja",
            ..ListingFacts::default()
        });
        assert_eq!(q.grade, Grade::D);
        assert!(q.needs_attention());
        // Only the title's wording and structure (nothing to name yet), the
        // shipping data (no SKU lacks it) and the copy check pass.
        assert_eq!(q.score, 10 + 5 + 10 + 5);
        assert_eq!(q.to_fix().len(), 8);
    }

    #[test]
    fn fixing_an_item_raises_the_score() {
        let mut facts = excellent();
        facts.images.truncate(2);
        facts.images[0].white_background = false;
        facts.images[1].blurry = true;
        let q = assess(&facts);
        // 2 of 5 images = 4 of 10 points; blurry 0; white background 0.
        assert_eq!(q.score, 100 - 6 - 10 - 5);
        let fix = q.to_fix();
        assert_eq!(fix[0].item, CheckItem::ImageQuality);
        assert_eq!(fix[0].finding.as_ref().unwrap().reason, "blurry");
        facts.images.push(image(1000));
        assert!(assess(&facts).score > q.score);
    }

    #[test]
    fn titles_that_shout_or_advertise_are_flagged() {
        for (title, reason) in [
            ("Kemeja Batik Murah Meriah Pria Lengan Panjang", "promo"),
            ("Kemeja Batik Pria GRATIS ONGKIR Lengan Panjang", "promo"),
            (
                "Kemeja Batik Pria seperti di Shopee Lengan Panjang",
                "marketplace",
            ),
            ("Kemeja Batik Pria www.batikku.com Lengan Panjang", "url"),
            (
                "🔥🔥🔥 Kemeja Batik Pria Lengan Panjang Katun 🔥",
                "symbols",
            ),
            ("KEMEJA BATIK PRIA LENGAN PANJANG KATUN HALUS", "all_caps"),
        ] {
            assert_eq!(
                title_problem(title).map(|f| f.reason),
                Some(reason),
                "{title}"
            );
        }
        // Words that merely contain a promo word are fine ("codot", "hematit").
        assert_eq!(
            title_problem("Gantungan Kunci Batu Hematit Motif Codot"),
            None
        );
        assert_eq!(
            title_problem("Batik Keris Kemeja Batik Pria Lengan Panjang"),
            None
        );
    }

    #[test]
    fn the_title_should_name_brand_and_product_type() {
        let mut facts = excellent();
        facts.title = "Kemeja Batik Pria Lengan Panjang Katun Halus Premium";
        let q = assess(&facts);
        let structure = q
            .checks
            .iter()
            .find(|c| c.item == CheckItem::TitleStructure)
            .unwrap();
        assert_eq!(structure.finding.as_ref().unwrap().reason, "brand");
        facts.brand = None;
        facts.category_name = Some("Celana Panjang");
        facts.title = "Batik Keris Kemeja Batik Pria Lengan Pendek Katun";
        // "panjang" is not in the title, but "celana" is the type and missing.
        let q = assess(&facts);
        let structure = q
            .checks
            .iter()
            .find(|c| c.item == CheckItem::TitleStructure)
            .unwrap();
        assert_eq!(structure.finding.as_ref().unwrap().reason, "product_type");
    }
}

//! A product as the seller edits it, parsed from what they typed. Saving a
//! draft needs only well-formed values; publishing needs a complete listing.
//! Both report every problem at once, each on its field.

use std::collections::BTreeMap;

use super::Problem;
use super::category::tree;
use super::gtin::Gtin;
use super::sku::{Dimensions, Price, SkuCode, Stock, WeightGrams};
use super::text::{Brand, Bullets, Description, Tags, Title};
use super::variants::{Combination, OptionDimension, Options};
use crate::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Condition {
    #[default]
    New,
    Used,
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::New => "new",
            Condition::Used => "used",
        }
    }

    pub fn parse(text: &str) -> Result<Condition, ErrorCode> {
        match text.trim() {
            "" | "new" | "baru" => Ok(Condition::New),
            "used" | "bekas" => Ok(Condition::Used),
            _ => Err(ErrorCode::InvalidCondition),
        }
    }
}

/// Days a pre-order needs before it ships.
pub const PREORDER_DAYS: std::ops::RangeInclusive<i64> = 3..=30;

/// The product fields as typed (form or API).
#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    pub title: String,
    pub description: String,
    /// One per line.
    pub bullets: String,
    pub category: String,
    pub brand: String,
    pub attributes: BTreeMap<String, String>,
    pub condition: String,
    /// Comma-separated.
    pub tags: String,
    pub gtin: String,
    pub cod_allowed: bool,
    /// Empty for ready stock.
    pub preorder_days: String,
    /// (name, comma-separated values) per dimension.
    pub options: Vec<(String, String)>,
    pub skus: Vec<SkuInput>,
}

/// One SKU's fields as typed; `combination` names its option values.
#[derive(Debug, Clone, Default)]
pub struct SkuInput {
    pub combination: Vec<String>,
    pub code: String,
    pub price: String,
    pub original_price: String,
    pub stock: String,
    pub weight_grams: String,
    pub length_cm: String,
    pub width_cm: String,
    pub height_cm: String,
    pub barcode: String,
}

/// The product's own fields, each valid (possibly still incomplete).
#[derive(Debug, Clone, PartialEq)]
pub struct ProductDetails {
    pub title: Title,
    pub description: Description,
    pub bullets: Bullets,
    pub category: Option<&'static str>,
    pub brand: Option<Brand>,
    pub attributes: BTreeMap<String, String>,
    pub condition: Condition,
    pub tags: Tags,
    pub gtin: Option<Gtin>,
    pub cod_allowed: bool,
    pub preorder_days: Option<u8>,
}

/// One SKU's data, each value valid (price, weight or size may be missing
/// in a draft).
#[derive(Debug, Clone, PartialEq)]
pub struct SkuDetails {
    pub combination: Combination,
    pub code: Option<SkuCode>,
    pub price: Option<Price>,
    pub original_price: Option<Price>,
    pub stock: Stock,
    pub weight: Option<WeightGrams>,
    pub dimensions: Option<Dimensions>,
    pub barcode: Option<Gtin>,
}

/// A whole product, valid to save as a draft.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductDraft {
    pub details: ProductDetails,
    pub options: Options,
    pub skus: Vec<SkuDetails>,
}

fn optional<T>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, ErrorCode>,
) -> Result<Option<T>, ErrorCode> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

fn whole_number(text: &str, code: ErrorCode) -> Result<i64, ErrorCode> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| *c != '.' && *c != ',')
        .collect();
    if text.trim().starts_with('-') {
        return Err(code);
    }
    digits.parse().map_err(|_| code)
}

struct Collect(Vec<Problem>);

impl Collect {
    fn take<T>(&mut self, field: impl Into<String>, result: Result<T, ErrorCode>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(code) => {
                self.0.push(Problem::new(field, code));
                None
            }
        }
    }
}

impl ProductDraft {
    /// Parses everything the seller typed. The SKUs must be exactly the
    /// option matrix (the editor generates them from the options).
    pub fn parse(input: &ProductInput) -> Result<ProductDraft, Vec<Problem>> {
        let mut p = Collect(Vec::new());
        let title = p.take("title", Title::parse(&input.title));
        let description = p.take("description", Description::parse(&input.description));
        let bullets = p.take("bullets", Bullets::parse_lines(&input.bullets));
        let category = p.take(
            "category",
            optional(&input.category, |c| tree().leaf(c.trim()).map(|c| c.id)),
        );
        let brand = p.take("brand", Brand::parse(&input.brand));
        let attributes: BTreeMap<String, String> = input
            .attributes
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.split_whitespace().collect::<Vec<_>>().join(" "),
                )
            })
            .filter(|(_, v)| !v.is_empty())
            .collect();
        if let Some(Some(category)) = category {
            p.0.extend(tree().check_attributes(category, &attributes));
        } else if !attributes.is_empty() && category.is_some() {
            p.0.push(Problem::new("attributes", ErrorCode::CategoryRequired));
        }
        let condition = p.take("condition", Condition::parse(&input.condition));
        let tags = p.take("tags", Tags::parse(&input.tags));
        let gtin = p.take("gtin", optional(&input.gtin, Gtin::parse));
        let preorder_days = p.take(
            "preorder_days",
            optional(&input.preorder_days, |t| {
                whole_number(t, ErrorCode::InvalidPreorderDays).and_then(|d| {
                    PREORDER_DAYS
                        .contains(&d)
                        .then_some(d as u8)
                        .ok_or(ErrorCode::InvalidPreorderDays)
                })
            }),
        );
        let options = parse_options(&input.options, &mut p);
        let skus = options
            .as_ref()
            .map(|o| parse_skus(o, &input.skus, &mut p))
            .unwrap_or_default();
        if !p.0.is_empty() {
            return Err(p.0);
        }
        let (Some(title), Some(description), Some(bullets), Some(category), Some(brand)) =
            (title, description, bullets, category, brand)
        else {
            unreachable!("every None above recorded a problem");
        };
        let (Some(condition), Some(tags), Some(gtin), Some(preorder_days), Some(options)) =
            (condition, tags, gtin, preorder_days, options)
        else {
            unreachable!("every None above recorded a problem");
        };
        Ok(ProductDraft {
            details: ProductDetails {
                title,
                description,
                bullets,
                category,
                brand,
                attributes,
                condition,
                tags,
                gtin,
                cod_allowed: input.cod_allowed,
                preorder_days,
            },
            options,
            skus,
        })
    }
}

fn parse_options(input: &[(String, String)], p: &mut Collect) -> Option<Options> {
    let mut dimensions = Vec::new();
    let mut ok = true;
    for (i, (name, values)) in input.iter().enumerate() {
        if name.trim().is_empty() && values.trim().is_empty() {
            continue;
        }
        match OptionDimension::parse(name, values) {
            Ok(d) => dimensions.push(d),
            Err(code) => {
                let field = if matches!(code, ErrorCode::InvalidOptionName) {
                    format!("options[{i}].name")
                } else {
                    format!("options[{i}].values")
                };
                p.0.push(Problem::new(field, code));
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    match Options::new(dimensions) {
        Ok(options) => Some(options),
        Err(problems) => {
            p.0.extend(problems);
            None
        }
    }
}

fn parse_skus(options: &Options, input: &[SkuInput], p: &mut Collect) -> Vec<SkuDetails> {
    let matrix = options.combinations();
    let mut skus = Vec::with_capacity(matrix.len());
    for combination in matrix {
        let found = input.iter().position(|s| s.combination == combination.0);
        let Some(i) = found else {
            // A combination the form did not send starts empty.
            skus.push(SkuDetails {
                combination,
                code: None,
                price: None,
                original_price: None,
                stock: Stock::default(),
                weight: None,
                dimensions: None,
                barcode: None,
            });
            continue;
        };
        let s = &input[i];
        let field = |name: &str| format!("skus[{i}].{name}");
        let code = p.take(field("code"), optional(&s.code, SkuCode::parse));
        let price = p.take(field("price"), optional(&s.price, Price::parse));
        let original = p.take(
            field("original_price"),
            optional(&s.original_price, Price::parse),
        );
        if let (Some(Some(price)), Some(Some(original))) = (price, original)
            && original <= price
        {
            p.0.push(Problem::new(
                field("original_price"),
                ErrorCode::OriginalPriceNotAbove,
            ));
        }
        let stock = p.take(
            field("stock"),
            if s.stock.trim().is_empty() {
                Ok(Stock::default())
            } else {
                whole_number(&s.stock, ErrorCode::StockOutOfRange).and_then(Stock::new)
            },
        );
        let weight = p.take(
            field("weight_grams"),
            optional(&s.weight_grams, |t| {
                whole_number(t, ErrorCode::WeightOutOfRange).and_then(WeightGrams::new)
            }),
        );
        let sides = [&s.length_cm, &s.width_cm, &s.height_cm];
        let dimensions = if sides.iter().all(|t| t.trim().is_empty()) {
            Some(None)
        } else {
            let side = |t: &str| whole_number(t, ErrorCode::DimensionsOutOfRange);
            p.take(
                field("dimensions"),
                side(sides[0])
                    .and_then(|l| Ok((l, side(sides[1])?, side(sides[2])?)))
                    .and_then(|(l, w, h)| Dimensions::new(l, w, h))
                    .map(Some),
            )
        };
        let barcode = p.take(field("barcode"), optional(&s.barcode, Gtin::parse));
        if let (
            Some(code),
            Some(price),
            Some(original_price),
            Some(stock),
            Some(weight),
            Some(dimensions),
            Some(barcode),
        ) = (code, price, original, stock, weight, dimensions, barcode)
        {
            skus.push(SkuDetails {
                combination,
                code,
                price,
                original_price,
                stock,
                weight,
                dimensions,
                barcode,
            });
        }
    }
    // Two SKUs of one product with the same code (as typed, so a SKU with
    // another problem still counts).
    for (i, s) in input.iter().enumerate() {
        let code = s.code.trim();
        if !code.is_empty() && input[..i].iter().any(|t| t.code.trim() == code) {
            p.0.push(Problem::new(
                format!("skus[{i}].code"),
                ErrorCode::SkuCodeTaken,
            ));
        }
    }
    skus
}

impl ProductDraft {
    /// What still stands between this draft and the Shop, every problem at
    /// once. `images` is how many product images it has.
    pub fn publish_problems(&self, images: usize) -> Vec<Problem> {
        let d = &self.details;
        let mut problems = Vec::new();
        if !d.title.long_enough_to_publish() {
            problems.push(Problem::new("title", ErrorCode::TitleTooShort));
        }
        if d.description.is_empty() {
            problems.push(Problem::new("description", ErrorCode::DescriptionRequired));
        }
        match d.category {
            None => problems.push(Problem::new("category", ErrorCode::CategoryRequired)),
            Some(category) => {
                for spec in tree().missing_required(category, &d.attributes) {
                    problems.push(Problem::new(
                        format!("attributes.{}", spec.key),
                        ErrorCode::AttributeRequired,
                    ));
                }
            }
        }
        if images == 0 {
            problems.push(Problem::new("images", ErrorCode::ImageRequired));
        }
        for (i, sku) in self.skus.iter().enumerate() {
            if sku.price.is_none() {
                problems.push(Problem::new(
                    format!("skus[{i}].price"),
                    ErrorCode::PriceRequired,
                ));
            }
            if sku.weight.is_none() {
                problems.push(Problem::new(
                    format!("skus[{i}].weight_grams"),
                    ErrorCode::WeightRequired,
                ));
            }
            if sku.dimensions.is_none() {
                problems.push(Problem::new(
                    format!("skus[{i}].dimensions"),
                    ErrorCode::DimensionsRequired,
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn leaf_with_required() -> (&'static str, BTreeMap<String, String>) {
        let t = tree();
        let leaf = t
            .all()
            .iter()
            .find(|c| c.is_leaf && !t.missing_required(c.id, &BTreeMap::new()).is_empty())
            .unwrap();
        let values = t
            .attributes(leaf.id)
            .into_iter()
            .filter(|a| a.required)
            .map(|a| {
                let v = a.choices.first().copied().unwrap_or("Katun");
                (a.key.to_string(), v.to_string())
            })
            .collect();
        (leaf.id, values)
    }

    /// A product that publishes: 2 colours × 3 sizes, every field filled.
    pub(crate) fn complete() -> ProductInput {
        let (category, attributes) = leaf_with_required();
        ProductInput {
            title: "Batik Keris Kemeja Batik Pria Lengan Panjang Katun Halus".into(),
            description: "Kemeja batik tulis dari Solo.".into(),
            bullets: "Katun\nAdem".into(),
            category: category.into(),
            brand: "Batik Keris".into(),
            attributes,
            tags: "batik, kemeja".into(),
            options: vec![
                ("Warna".into(), "Merah, Biru".into()),
                ("Ukuran".into(), "M,L,XL".into()),
            ],
            skus: ["Merah", "Biru"]
                .iter()
                .flat_map(|c| ["M", "L", "XL"].iter().map(move |s| (c, s)))
                .enumerate()
                .map(|(i, (c, s))| SkuInput {
                    combination: vec![c.to_string(), s.to_string()],
                    code: format!("KMJ-{i}"),
                    price: "150.000".into(),
                    original_price: "200rb".into(),
                    stock: "10".into(),
                    weight_grams: "300".into(),
                    length_cm: "30".into(),
                    width_cm: "20".into(),
                    height_cm: "3".into(),
                    ..SkuInput::default()
                })
                .collect(),
            ..ProductInput::default()
        }
    }

    #[test]
    fn a_complete_product_parses_and_can_be_published() {
        let draft = ProductDraft::parse(&complete()).unwrap();
        assert_eq!(draft.skus.len(), 6);
        assert_eq!(draft.skus[0].price.unwrap().rupiah(), 150_000);
        assert_eq!(draft.skus[0].original_price.unwrap().rupiah(), 200_000);
        assert!(
            draft.publish_problems(1).is_empty(),
            "{:?}",
            draft.publish_problems(1)
        );
        assert_eq!(draft.publish_problems(0)[0].code, ErrorCode::ImageRequired);
    }

    #[test]
    fn a_bare_draft_saves_but_publishing_lists_everything_missing() {
        let draft = ProductDraft::parse(&ProductInput {
            title: "Kemeja".into(),
            ..ProductInput::default()
        })
        .unwrap();
        assert_eq!(draft.skus.len(), 1, "one SKU without options");
        let fields: Vec<String> = draft
            .publish_problems(0)
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "title",
                "description",
                "category",
                "images",
                "skus[0].price",
                "skus[0].weight_grams",
                "skus[0].dimensions"
            ]
        );
    }

    #[test]
    fn every_malformed_field_is_reported_at_once() {
        let mut input = complete();
        input.title = String::new();
        input.gtin = "123".into();
        input.condition = "rusak".into();
        input.preorder_days = "45".into();
        input.skus[0].price = "0".into();
        input.skus[1].original_price = "100.000".into();
        input.skus[2].stock = "-1".into();
        input.skus[3].length_cm = "30".into();
        input.skus[3].height_cm = String::new();
        input.skus[4].code = "KMJ-0".into();
        let problems = ProductDraft::parse(&input).unwrap_err();
        let got: Vec<(String, ErrorCode)> =
            problems.into_iter().map(|p| (p.field, p.code)).collect();
        assert_eq!(
            got,
            [
                ("title".to_string(), ErrorCode::TitleRequired),
                ("condition".to_string(), ErrorCode::InvalidCondition),
                ("gtin".to_string(), ErrorCode::InvalidGtin),
                ("preorder_days".to_string(), ErrorCode::InvalidPreorderDays),
                ("skus[0].price".to_string(), ErrorCode::PriceOutOfRange),
                (
                    "skus[1].original_price".to_string(),
                    ErrorCode::OriginalPriceNotAbove
                ),
                ("skus[2].stock".to_string(), ErrorCode::StockOutOfRange),
                (
                    "skus[3].dimensions".to_string(),
                    ErrorCode::DimensionsOutOfRange
                ),
                ("skus[4].code".to_string(), ErrorCode::SkuCodeTaken),
            ]
        );
    }

    #[test]
    fn options_limits_reach_the_form() {
        let mut input = complete();
        input.options.push(("Bahan".into(), "Katun".into()));
        input.options.push(("Motif".into(), "Parang".into()));
        let problems = ProductDraft::parse(&input).unwrap_err();
        assert_eq!(problems[0].code, ErrorCode::TooManyOptionDimensions);
        let mut input = complete();
        input.options[0].1 = "Merah, merah".into();
        let problems = ProductDraft::parse(&input).unwrap_err();
        assert_eq!(problems[0].field, "options[0].values");
    }

    #[test]
    fn a_category_must_be_a_leaf_and_attributes_must_fit_it() {
        let mut input = complete();
        let parent = tree().get(&input.category).unwrap().parent.unwrap();
        input.category = parent.into();
        assert_eq!(
            ProductDraft::parse(&input).unwrap_err()[0].code,
            ErrorCode::CategoryNotALeaf
        );
        let mut input = complete();
        input.attributes.insert("tidak_dikenal".into(), "x".into());
        assert_eq!(
            ProductDraft::parse(&input).unwrap_err()[0].field,
            "attributes.tidak_dikenal"
        );
    }
}

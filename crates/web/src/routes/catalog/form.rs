//! The product editor's form: what it shows (from a stored product or from
//! what the seller just typed) and how a submitted form becomes the input
//! of the catalog services. SKU rows travel as repeated fields in matrix
//! order; each row names its combination (values joined by `/`, which an
//! option value cannot contain).

use std::collections::BTreeMap;

use etalase_domain::Lang;
use etalase_domain::catalog::category::{choice_label, tree};
use etalase_domain::catalog::product::{ProductInput, SkuInput};
use etalase_domain::catalog::variants::{self, Combination, OptionDimension, Options};
use etalase_services::catalog::ProductForm;
use etalase_store::catalog::{Product, Sku};

/// How many option dimensions the editor offers.
pub const OPTION_ROWS: usize = 3;

#[derive(Debug, Clone, Default)]
pub struct OptionRow {
    pub name: String,
    pub values: String,
}

#[derive(Debug, Clone, Default)]
pub struct SkuRow {
    pub index: usize,
    /// Values joined by `/`.
    pub combination: String,
    pub label: String,
    pub id: Option<String>,
    pub code: String,
    pub price: String,
    pub original_price: String,
    pub stock: String,
    /// The stock shown when the page was made ("" for a new SKU).
    pub stock_loaded: String,
    pub weight_grams: String,
    pub length_cm: String,
    pub width_cm: String,
    pub height_cm: String,
    pub barcode: String,
}

pub struct AttributeRow {
    pub key: String,
    pub label: String,
    pub required: bool,
    pub value: String,
    /// (value, label) pairs; empty for free text.
    pub choices: Vec<(String, String)>,
}

/// Everything the editor's fields show.
#[derive(Debug, Clone, Default)]
pub struct EditorFields {
    pub base_version: i32,
    pub title: String,
    pub description: String,
    pub bullets: String,
    pub category: String,
    pub brand: String,
    pub attributes: BTreeMap<String, String>,
    pub condition: String,
    pub tags: String,
    pub gtin: String,
    pub cod_allowed: bool,
    pub preorder_days: String,
    pub options: Vec<OptionRow>,
    pub skus: Vec<SkuRow>,
    /// The options the SKU rows were made for (to carry typed values over
    /// when the seller changes the options and refreshes the matrix).
    pub matrix_options: String,
}

fn text<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn encode_options(options: &[OptionRow]) -> String {
    options
        .iter()
        .filter(|o| !o.name.trim().is_empty())
        .map(|o| format!("{}={}", o.name.trim(), o.values.trim()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn decode_options(text: &str) -> Options {
    let dims = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .filter_map(|(n, v)| OptionDimension::parse(n, v).ok())
        .collect();
    Options::new(dims).unwrap_or_default()
}

impl EditorFields {
    /// A new product: one SKU without options.
    pub fn blank() -> EditorFields {
        let mut fields = EditorFields {
            condition: "new".into(),
            cod_allowed: true,
            ..EditorFields::default()
        };
        fields.options = vec![OptionRow::default(); OPTION_ROWS];
        fields.skus = vec![SkuRow {
            stock: "0".into(),
            ..SkuRow::default()
        }];
        fields
    }

    pub fn of(product: &Product, skus: &[Sku]) -> EditorFields {
        let mut options: Vec<OptionRow> = product
            .options
            .iter()
            .map(|(name, values)| OptionRow {
                name: name.clone(),
                values: values.join(", "),
            })
            .collect();
        options.resize(OPTION_ROWS, OptionRow::default());
        let rows = skus
            .iter()
            .enumerate()
            .map(|(index, s)| {
                let (l, w, h) = match s.dimensions {
                    Some((l, w, h)) => (Some(l), Some(w), Some(h)),
                    None => (None, None, None),
                };
                SkuRow {
                    index,
                    combination: s.combination.join("/"),
                    label: s.combination.join(" / "),
                    id: Some(s.id.to_string()),
                    code: s.code.clone().unwrap_or_default(),
                    price: text(s.price),
                    original_price: text(s.original_price),
                    stock: s.stock.to_string(),
                    stock_loaded: s.stock.to_string(),
                    weight_grams: text(s.weight_grams),
                    length_cm: text(l),
                    width_cm: text(w),
                    height_cm: text(h),
                    barcode: s.barcode.clone().unwrap_or_default(),
                }
            })
            .collect();
        let mut fields = EditorFields {
            base_version: product.version,
            title: product.title.clone(),
            description: product.description_html.clone(),
            bullets: product.bullets.join("\n"),
            category: product.category.clone().unwrap_or_default(),
            brand: product.brand.clone().unwrap_or_default(),
            attributes: product.attributes.clone(),
            condition: product.condition.clone(),
            tags: product.tags.join(", "),
            gtin: product.gtin.clone().unwrap_or_default(),
            cod_allowed: product.cod_allowed,
            preorder_days: text(product.preorder_days),
            options,
            skus: rows,
            matrix_options: String::new(),
        };
        fields.matrix_options = encode_options(&fields.options);
        fields
    }

    /// Reads a submitted editor form.
    pub fn from_pairs(pairs: &[(String, String)]) -> EditorFields {
        let one = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let many = |name: &str| -> Vec<String> {
            pairs
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .collect()
        };
        let names = many("option_name");
        let values = many("option_values");
        let mut options: Vec<OptionRow> = (0..OPTION_ROWS)
            .map(|i| OptionRow {
                name: names.get(i).cloned().unwrap_or_default(),
                values: values.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        options.truncate(OPTION_ROWS.max(names.len()));
        let column = |name: &str| many(name);
        let combos = column("sku_combination");
        let cols: BTreeMap<&str, Vec<String>> = [
            "sku_id",
            "sku_code",
            "sku_price",
            "sku_original_price",
            "sku_stock",
            "sku_stock_loaded",
            "sku_weight",
            "sku_length",
            "sku_width",
            "sku_height",
            "sku_barcode",
        ]
        .into_iter()
        .map(|c| (c, column(c)))
        .collect();
        let cell = |c: &str, i: usize| cols[c].get(i).cloned().unwrap_or_default();
        let skus = combos
            .iter()
            .enumerate()
            .map(|(i, combination)| SkuRow {
                index: i,
                combination: combination.clone(),
                label: combination.replace('/', " / "),
                id: Some(cell("sku_id", i)).filter(|s| !s.is_empty()),
                code: cell("sku_code", i),
                price: cell("sku_price", i),
                original_price: cell("sku_original_price", i),
                stock: cell("sku_stock", i),
                stock_loaded: cell("sku_stock_loaded", i),
                weight_grams: cell("sku_weight", i),
                length_cm: cell("sku_length", i),
                width_cm: cell("sku_width", i),
                height_cm: cell("sku_height", i),
                barcode: cell("sku_barcode", i),
            })
            .collect();
        let attributes = pairs
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("attr.").map(|k| (k.to_owned(), v.clone())))
            .collect();
        EditorFields {
            base_version: one("base_version").parse().unwrap_or(0),
            title: one("title"),
            description: one("description"),
            bullets: one("bullets"),
            category: one("category"),
            brand: one("brand"),
            attributes,
            condition: one("condition"),
            tags: one("tags"),
            gtin: one("gtin"),
            cod_allowed: !one("cod_allowed").is_empty(),
            preorder_days: one("preorder_days"),
            options,
            skus,
            matrix_options: one("matrix_options"),
        }
    }

    /// The SKU rows for the options now typed, carrying each row's values
    /// over from the rows shown before (see `variants::carry_over`). Options
    /// that do not parse leave the rows as they are.
    pub fn refresh_matrix(&mut self) {
        let typed: Vec<OptionDimension> = self
            .options
            .iter()
            .filter(|o| !(o.name.trim().is_empty() && o.values.trim().is_empty()))
            .filter_map(|o| OptionDimension::parse(&o.name, &o.values).ok())
            .collect();
        let Ok(new_options) = Options::new(typed) else {
            return;
        };
        let old_options = decode_options(&self.matrix_options);
        let old: Vec<(Combination, SkuRow)> = self
            .skus
            .iter()
            .map(|r| (Combination(split(&r.combination)), r.clone()))
            .collect();
        self.skus = variants::carry_over(&old_options, &old, &new_options)
            .into_iter()
            .enumerate()
            .map(|(index, (combo, row))| {
                let mut row = row.unwrap_or_else(|| SkuRow {
                    stock: "0".into(),
                    ..SkuRow::default()
                });
                row.index = index;
                row.combination = combo.0.join("/");
                row.label = combo.label();
                row
            })
            .collect();
        self.matrix_options = encode_options(&self.options);
    }

    /// What the catalog services take.
    pub fn to_form(&self, with_version: bool) -> ProductForm {
        ProductForm {
            input: ProductInput {
                title: self.title.clone(),
                description: self.description.clone(),
                bullets: self.bullets.clone(),
                category: self.category.clone(),
                brand: self.brand.clone(),
                attributes: self.attributes.clone(),
                condition: self.condition.clone(),
                tags: self.tags.clone(),
                gtin: self.gtin.clone(),
                cod_allowed: self.cod_allowed,
                preorder_days: self.preorder_days.clone(),
                options: self
                    .options
                    .iter()
                    .map(|o| (o.name.clone(), o.values.clone()))
                    .collect(),
                skus: self
                    .skus
                    .iter()
                    .map(|r| SkuInput {
                        combination: split(&r.combination),
                        code: r.code.clone(),
                        price: r.price.clone(),
                        original_price: r.original_price.clone(),
                        stock: r.stock.clone(),
                        weight_grams: r.weight_grams.clone(),
                        length_cm: r.length_cm.clone(),
                        width_cm: r.width_cm.clone(),
                        height_cm: r.height_cm.clone(),
                        barcode: r.barcode.clone(),
                    })
                    .collect(),
            },
            base_version: with_version.then_some(self.base_version),
            stock_loaded: self
                .skus
                .iter()
                .map(|r| r.stock_loaded.trim().parse().ok())
                .collect(),
        }
    }

    /// The category's attributes with the values typed.
    pub fn attribute_rows(&self, lang: Lang) -> Vec<AttributeRow> {
        let t = tree();
        if t.leaf(&self.category).is_err() {
            return Vec::new();
        }
        t.attributes(&self.category)
            .into_iter()
            .map(|a| AttributeRow {
                key: a.key.to_owned(),
                label: a.name(lang).to_owned(),
                required: a.required,
                value: self.attributes.get(a.key).cloned().unwrap_or_default(),
                choices: a
                    .choices
                    .iter()
                    .map(|c| ((*c).to_owned(), choice_label(c)))
                    .collect(),
            })
            .collect()
    }
}

fn split(combination: &str) -> Vec<String> {
    if combination.is_empty() {
        Vec::new()
    } else {
        combination.split('/').map(str::to_owned).collect()
    }
}

/// The leaf categories as (id, path label), grouped by top-level name.
pub fn category_groups(lang: Lang) -> Vec<(String, Vec<(String, String)>)> {
    let t = tree();
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for c in t.all().iter().filter(|c| c.is_leaf) {
        let path = t.path(c.id);
        let top = path[0].name(lang).to_owned();
        let label = path[1..]
            .iter()
            .map(|p| p.name(lang))
            .collect::<Vec<_>>()
            .join(" › ");
        let label = if label.is_empty() { top.clone() } else { label };
        match groups.iter_mut().find(|(g, _)| *g == top) {
            Some((_, items)) => items.push((c.id.to_owned(), label)),
            None => groups.push((top, vec![(c.id.to_owned(), label)])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_submitted_form_round_trips_and_the_matrix_keeps_typed_rows() {
        let mut fields = EditorFields::from_pairs(&pairs(&[
            ("title", "Kemeja"),
            ("option_name", "Warna"),
            ("option_values", "Merah, Biru"),
            ("option_name", ""),
            ("option_values", ""),
            ("matrix_options", "Warna=Merah, Biru"),
            ("sku_combination", "Merah"),
            ("sku_price", "150000"),
            ("sku_stock", "4"),
            ("sku_combination", "Biru"),
            ("sku_price", "160000"),
            ("sku_stock", "2"),
            ("attr.bahan", "Katun"),
        ]));
        assert_eq!(fields.skus.len(), 2);
        assert_eq!(fields.attributes["bahan"], "Katun");
        fields.options[1] = OptionRow {
            name: "Ukuran".into(),
            values: "M, L".into(),
        };
        fields.refresh_matrix();
        let rows: Vec<(String, String)> = fields
            .skus
            .iter()
            .map(|r| (r.label.clone(), r.price.clone()))
            .collect();
        assert_eq!(
            rows,
            [
                ("Merah / M".into(), "150000".into()),
                ("Merah / L".into(), String::new()),
                ("Biru / M".into(), "160000".into()),
                ("Biru / L".into(), String::new()),
            ]
        );
        let form = fields.to_form(false);
        assert_eq!(form.input.skus[0].combination, ["Merah", "M"]);
        assert_eq!(form.input.skus[0].stock, "4");
    }

    #[test]
    fn categories_are_grouped_under_their_top_level() {
        let groups = category_groups(Lang::Id);
        assert!(groups.len() > 20);
        assert!(groups.iter().all(|(_, items)| !items.is_empty()));
    }
}

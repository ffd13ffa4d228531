//! A product's content at one version, as kept with each save, and the
//! differences between two versions — what a team member sees when their
//! save is refused because someone else saved first.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::product::ProductDraft;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Snapshot {
    pub title: String,
    pub description_html: String,
    pub bullets: Vec<String>,
    pub category: Option<String>,
    pub brand: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub condition: String,
    pub tags: Vec<String>,
    pub gtin: Option<String>,
    pub cod_allowed: bool,
    pub preorder_days: Option<u8>,
    pub options: Vec<(String, Vec<String>)>,
    pub skus: Vec<SkuSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SkuSnapshot {
    pub combination: Vec<String>,
    pub code: Option<String>,
    pub price: Option<i64>,
    pub original_price: Option<i64>,
    pub weight_grams: Option<u32>,
    pub dimensions: Option<(u16, u16, u16)>,
    pub barcode: Option<String>,
}

impl Snapshot {
    pub fn of(draft: &ProductDraft) -> Snapshot {
        let d = &draft.details;
        Snapshot {
            title: d.title.as_str().to_owned(),
            description_html: d.description.html().to_owned(),
            bullets: d.bullets.items().to_vec(),
            category: d.category.map(str::to_owned),
            brand: d.brand.as_ref().map(|b| b.as_str().to_owned()),
            attributes: d.attributes.clone(),
            condition: d.condition.as_str().to_owned(),
            tags: d.tags.items().to_vec(),
            gtin: d.gtin.as_ref().map(|g| g.as_str().to_owned()),
            cod_allowed: d.cod_allowed,
            preorder_days: d.preorder_days,
            options: draft
                .options
                .dimensions()
                .iter()
                .map(|o| (o.name().to_owned(), o.values().to_vec()))
                .collect(),
            skus: draft
                .skus
                .iter()
                .map(|s| SkuSnapshot {
                    combination: s.combination.0.clone(),
                    code: s.code.as_ref().map(|c| c.as_str().to_owned()),
                    price: s.price.map(|p| p.rupiah()),
                    original_price: s.original_price.map(|p| p.rupiah()),
                    weight_grams: s.weight.map(|w| w.grams()),
                    dimensions: s.dimensions.map(|d| (d.length_cm, d.width_cm, d.height_cm)),
                    barcode: s.barcode.as_ref().map(|b| b.as_str().to_owned()),
                })
                .collect(),
        }
    }
}

/// One field that differs between two versions, shown as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The form field (`title`, `attributes.bahan`, `skus[Merah / L].price`).
    pub field: String,
    pub before: String,
    pub after: String,
}

fn text<T: std::fmt::Display>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// What changed from `before` to `after`, field by field.
pub fn changes(before: &Snapshot, after: &Snapshot) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |field: String, a: String, b: String| {
        if a != b {
            out.push(Change {
                field,
                before: a,
                after: b,
            });
        }
    };
    push("title".into(), before.title.clone(), after.title.clone());
    push(
        "description".into(),
        before.description_html.clone(),
        after.description_html.clone(),
    );
    push(
        "bullets".into(),
        before.bullets.join("\n"),
        after.bullets.join("\n"),
    );
    push(
        "category".into(),
        text(&before.category),
        text(&after.category),
    );
    push("brand".into(), text(&before.brand), text(&after.brand));
    let keys: std::collections::BTreeSet<&String> = before
        .attributes
        .keys()
        .chain(after.attributes.keys())
        .collect();
    for key in keys {
        push(
            format!("attributes.{key}"),
            before.attributes.get(key).cloned().unwrap_or_default(),
            after.attributes.get(key).cloned().unwrap_or_default(),
        );
    }
    push(
        "condition".into(),
        before.condition.clone(),
        after.condition.clone(),
    );
    push("tags".into(), before.tags.join(", "), after.tags.join(", "));
    push("gtin".into(), text(&before.gtin), text(&after.gtin));
    push(
        "cod_allowed".into(),
        before.cod_allowed.to_string(),
        after.cod_allowed.to_string(),
    );
    push(
        "preorder_days".into(),
        text(&before.preorder_days),
        text(&after.preorder_days),
    );
    let options = |s: &Snapshot| {
        s.options
            .iter()
            .map(|(n, v)| format!("{n}: {}", v.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    push("options".into(), options(before), options(after));
    for sku in &after.skus {
        let label = sku.combination.join(" / ");
        let old = before
            .skus
            .iter()
            .find(|s| s.combination == sku.combination)
            .cloned()
            .unwrap_or_default();
        let field = |name: &str| format!("skus[{label}].{name}");
        push(field("code"), text(&old.code), text(&sku.code));
        push(field("price"), text(&old.price), text(&sku.price));
        push(
            field("original_price"),
            text(&old.original_price),
            text(&sku.original_price),
        );
        push(
            field("weight_grams"),
            text(&old.weight_grams),
            text(&sku.weight_grams),
        );
        let dims = |d: &Option<(u16, u16, u16)>| {
            d.map(|(l, w, h)| format!("{l} × {w} × {h}"))
                .unwrap_or_default()
        };
        push(
            field("dimensions"),
            dims(&old.dimensions),
            dims(&sku.dimensions),
        );
        push(field("barcode"), text(&old.barcode), text(&sku.barcode));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_differs_is_listed() {
        let before = Snapshot {
            title: "Kemeja Batik".into(),
            attributes: BTreeMap::from([("bahan".into(), "Katun".into())]),
            skus: vec![SkuSnapshot {
                combination: vec!["Merah".into()],
                price: Some(150_000),
                ..SkuSnapshot::default()
            }],
            ..Snapshot::default()
        };
        let mut after = before.clone();
        assert!(changes(&before, &after).is_empty());
        after.title = "Kemeja Batik Tulis".into();
        after.attributes.insert("bahan".into(), "Sutra".into());
        after.skus[0].price = Some(175_000);
        let got: Vec<(String, String, String)> = changes(&before, &after)
            .into_iter()
            .map(|c| (c.field, c.before, c.after))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "title".into(),
                    "Kemeja Batik".into(),
                    "Kemeja Batik Tulis".into()
                ),
                ("attributes.bahan".into(), "Katun".into(), "Sutra".into()),
                ("skus[Merah].price".into(), "150000".into(), "175000".into()),
            ]
        );
    }
}

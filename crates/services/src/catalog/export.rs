//! The catalog as a sheet (the same columns the import reads, in the
//! reader's language): products, SKUs, prices and stock. Exporting and then
//! importing the file changes nothing.

use std::collections::HashMap;

use etalase_domain::Lang;
use etalase_domain::catalog::sheet::COLUMNS;
use etalase_domain::id::ProductId;
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::catalog::{self, ListCursor, Product, ProductFilter, Sku};

use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

fn cells(p: &Product, s: &Sku) -> HashMap<&'static str, String> {
    let text = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut c: HashMap<&'static str, String> = HashMap::new();
    c.insert("product_key", p.id.to_string());
    c.insert("title", p.title.clone());
    c.insert("category", p.category.clone().unwrap_or_default());
    c.insert("description", p.description_html.clone());
    c.insert("bullets", p.bullets.join(" | "));
    c.insert("brand", p.brand.clone().unwrap_or_default());
    c.insert("condition", p.condition.clone());
    c.insert("tags", p.tags.join(" | "));
    c.insert("gtin", p.gtin.clone().unwrap_or_default());
    c.insert("cod", if p.cod_allowed { "ya" } else { "tidak" }.into());
    c.insert(
        "preorder_days",
        p.preorder_days.map(|d| d.to_string()).unwrap_or_default(),
    );
    for (i, (name, _)) in p.options.iter().enumerate().take(3) {
        let n = i + 1;
        let (name_key, value_key) = match n {
            1 => ("option1_name", "option1_value"),
            2 => ("option2_name", "option2_value"),
            _ => ("option3_name", "option3_value"),
        };
        c.insert(name_key, name.clone());
        c.insert(value_key, s.combination.get(i).cloned().unwrap_or_default());
    }
    c.insert("sku_code", s.code.clone().unwrap_or_default());
    c.insert("price", text(s.price));
    c.insert("original_price", text(s.original_price));
    c.insert("stock", s.stock.to_string());
    c.insert("weight_grams", text(s.weight_grams.map(i64::from)));
    let (l, w, h) = match s.dimensions {
        Some((l, w, h)) => (Some(l), Some(w), Some(h)),
        None => (None, None, None),
    };
    c.insert("length_cm", text(l.map(i64::from)));
    c.insert("width_cm", text(w.map(i64::from)));
    c.insert("height_cm", text(h.map(i64::from)));
    c.insert("barcode", s.barcode.clone().unwrap_or_default());
    c.insert(
        "attributes",
        p.attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" | "),
    );
    c
}

/// The whole catalog (every product but deleted ones) as CSV text with a BOM,
/// so spreadsheets open it as UTF-8.
pub async fn csv(svc: &Services, scope: &SellerScope, lang: Lang) -> ServiceResult<String> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    let mut skus: HashMap<ProductId, Vec<Sku>> = HashMap::new();
    for (sku, _) in catalog::sku_list(&svc.store, scope.seller_id, None, i64::MAX).await? {
        skus.entry(sku.product_id).or_default().push(sku);
    }
    // Photos that came from a sheet go back into it, so a re-import
    // recognises them (uploaded photos have no address to write).
    let mut photos: HashMap<ProductId, Vec<String>> = HashMap::new();
    for (product, source) in catalog::image_sources(&svc.store, scope.seller_id).await? {
        let entry = source.strip_prefix("file:").unwrap_or(&source).to_owned();
        photos.entry(product).or_default().push(entry);
    }
    let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
    out.write_record(COLUMNS.iter().map(|c| c.header(lang)))
        .map_err(ServiceError::internal)?;
    let mut after: Option<ListCursor> = None;
    loop {
        let page = catalog::list_products(
            &svc.store,
            scope.seller_id,
            &ProductFilter::default(),
            after,
            500,
        )
        .await?;
        for product in &page {
            for (n, sku) in skus.get(&product.id).into_iter().flatten().enumerate() {
                let mut c = cells(product, sku);
                if let Some(list) = photos.get(&product.id).filter(|_| n == 0) {
                    c.insert("images", list.join(" | "));
                }
                out.write_record(
                    COLUMNS
                        .iter()
                        .map(|col| c.get(col.key).map(String::as_str).unwrap_or("")),
                )
                .map_err(ServiceError::internal)?;
            }
        }
        match page.last() {
            Some(last) if page.len() == 500 => {
                after = Some(ListCursor {
                    updated_at: last.updated_at.unix_millis(),
                    id: last.id,
                })
            }
            _ => break,
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ServiceError::internal(e.into_error()))?;
    let mut text = String::from("\u{feff}");
    text.push_str(&String::from_utf8(bytes).map_err(ServiceError::internal)?);
    Ok(text)
}

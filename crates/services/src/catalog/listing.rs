//! What a product's list columns and checklist say, recomputed inside the
//! transaction of every change: price range, stock, image count, the
//! quality score and grade, and whether its description copies another.

use etalase_domain::Lang;
use etalase_domain::catalog::Problem;
use etalase_domain::catalog::category::tree;
use etalase_domain::catalog::product::{ProductDraft, ProductInput, SkuInput};
use etalase_domain::catalog::quality::{self, ImageFacts, ListingFacts, Quality};
use etalase_domain::catalog::similarity;
use etalase_domain::id::{ProductId, SellerId};
use etalase_store::Tx;
use etalase_store::catalog::{self, ListingColumns, Product, ProductImage, Sku};

use crate::ServiceResult;

/// The stored product as the seller would type it (stored values are valid,
/// so parsing them again gives the draft back).
pub fn input_of(product: &Product, skus: &[Sku]) -> ProductInput {
    ProductInput {
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
        preorder_days: product
            .preorder_days
            .map(|d| d.to_string())
            .unwrap_or_default(),
        options: product
            .options
            .iter()
            .map(|(name, values)| (name.clone(), values.join(", ")))
            .collect(),
        skus: skus.iter().map(sku_input).collect(),
    }
}

fn text<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

pub fn sku_input(sku: &Sku) -> SkuInput {
    let (l, w, h) = match sku.dimensions {
        Some((l, w, h)) => (Some(l), Some(w), Some(h)),
        None => (None, None, None),
    };
    SkuInput {
        combination: sku.combination.clone(),
        code: sku.code.clone().unwrap_or_default(),
        price: text(sku.price),
        original_price: text(sku.original_price),
        stock: sku.stock.to_string(),
        weight_grams: text(sku.weight_grams),
        length_cm: text(l),
        width_cm: text(w),
        height_cm: text(h),
        barcode: sku.barcode.clone().unwrap_or_default(),
    }
}

/// The draft a stored product parses back into.
pub fn draft_of(product: &Product, skus: &[Sku]) -> Result<ProductDraft, Vec<Problem>> {
    ProductDraft::parse(&input_of(product, skus))
}

/// What stands between a stored product and the Shop.
pub fn publish_problems(product: &Product, skus: &[Sku], images: usize) -> Vec<Problem> {
    match draft_of(product, skus) {
        Ok(draft) => draft.publish_problems(images),
        Err(problems) => problems,
    }
}

/// The score of a stored product.
pub fn assess(
    product: &Product,
    skus: &[Sku],
    images: &[ProductImage],
    copied_from: Option<String>,
) -> Quality {
    let t = tree();
    let category = product.category.as_deref().and_then(|c| t.get(c));
    let facts = ListingFacts {
        title: &product.title,
        brand: product.brand.as_deref(),
        category_name: category.map(|c| c.name(Lang::Id)),
        description_words: product.description_text.split_whitespace().count(),
        bullets: product.bullets.len(),
        images: images
            .iter()
            .map(|i| ImageFacts {
                width: i.width as u32,
                height: i.height as u32,
                blurry: i.blurry,
                white_background: i.white_background,
            })
            .collect(),
        missing_required_attributes: category
            .map(|c| t.missing_required(c.id, &product.attributes).len())
            .unwrap_or(0),
        has_category: category.is_some(),
        skus_missing_shipping: skus
            .iter()
            .filter(|s| s.weight_grams.is_none() || s.dimensions.is_none())
            .count(),
        tags: product.tags.len(),
        copied_from,
    };
    quality::assess(&facts)
}

/// Recomputes everything derived from a product, inside the caller's
/// transaction: the copy check of its description, then the list columns.
pub async fn refresh(tx: &mut Tx, seller: SellerId, id: ProductId) -> ServiceResult<Quality> {
    Ok(refresh_full(tx, seller, id).await?.quality)
}

/// What a refresh computed, for callers that go on to announce the change.
pub struct Refreshed {
    pub quality: Quality,
    pub version: i32,
    pub status: etalase_domain::catalog::lifecycle::ProductStatus,
    pub columns: ListingColumns,
}

pub async fn refresh_full(
    tx: &mut Tx,
    seller: SellerId,
    id: ProductId,
) -> ServiceResult<Refreshed> {
    let product = catalog::lock_product(tx, seller, id).await?;
    let skus = catalog::skus_in_tx(tx, seller, id).await?;
    let images = catalog::images_in_tx(tx, seller, id).await?;
    let signature = DescriptionSignature::of(&product);
    let copied = match &signature {
        Some(sig) => sig.best_copy(tx, &product).await?,
        None => None,
    };
    catalog::delete_description_signature(tx, id).await?;
    if let Some(sig) = &signature {
        sig.store(tx, &product).await?;
    }
    let (quality, columns) = columns(&product, &skus, &images, copied);
    catalog::set_listing_columns(tx, id, &columns).await?;
    Ok(Refreshed {
        quality,
        version: product.version,
        status: product.status,
        columns,
    })
}

/// The score and list columns of a product not stored yet (its values are
/// at hand); store its signature once the product row exists.
pub async fn score_new(
    tx: &mut Tx,
    product: &Product,
    skus: &[Sku],
) -> ServiceResult<(Quality, ListingColumns, Option<DescriptionSignature>)> {
    let signature = DescriptionSignature::of(product);
    let copied = match &signature {
        Some(sig) => sig.best_copy(tx, product).await?,
        None => None,
    };
    let (quality, columns) = columns(product, skus, &[], copied);
    Ok((quality, columns, signature))
}

/// The list columns of a product from its values.
fn columns(
    product: &Product,
    skus: &[Sku],
    images: &[ProductImage],
    copied: Option<(ProductId, String)>,
) -> (Quality, ListingColumns) {
    let quality = assess(
        product,
        skus,
        images,
        copied.as_ref().map(|(_, title)| title.clone()),
    );
    let prices: Vec<i64> = skus.iter().filter_map(|s| s.price).collect();
    let columns = ListingColumns {
        sku_count: skus.len() as i32,
        min_price: prices.iter().min().copied(),
        max_price: prices.iter().max().copied(),
        total_stock: skus.iter().map(|s| s.stock).sum(),
        image_count: images.len() as i32,
        primary_image: images.first().map(|i| i.id),
        quality_score: i32::from(quality.score),
        quality_grade: quality.grade.as_str().to_owned(),
        needs_attention: quality.needs_attention(),
        copied_from: copied.map(|(id, _)| id),
    };
    (quality, columns)
}

/// A description's MinHash signature and band keys (none for a text too
/// short to compare).
pub struct DescriptionSignature {
    signature: similarity::Signature,
    bands: [i64; similarity::BANDS],
}

impl DescriptionSignature {
    pub fn of(product: &Product) -> Option<DescriptionSignature> {
        let signature = similarity::signature(&product.description_text)?;
        Some(DescriptionSignature {
            bands: similarity::band_keys(&signature),
            signature,
        })
    }

    /// The earlier listing this description nearly copies (id and title).
    async fn best_copy(
        &self,
        tx: &mut Tx,
        product: &Product,
    ) -> ServiceResult<Option<(ProductId, String)>> {
        let candidates = catalog::copy_candidates(
            tx,
            product.seller_id,
            product.id,
            product.created_at,
            &self.bands,
            20,
        )
        .await?;
        let best = candidates
            .into_iter()
            .filter_map(|c| {
                let other = similarity::decode(&c.signature)?;
                let score = similarity::similarity(&self.signature, &other);
                (score >= similarity::COPY_THRESHOLD).then_some((score, c))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        Ok(best.map(|(_, c)| (c.product_id, c.title)))
    }

    /// Stores it for later listings to be compared with.
    pub async fn store(&self, tx: &mut Tx, product: &Product) -> ServiceResult<()> {
        let encoded = similarity::encode(&self.signature);
        catalog::insert_description_signature(
            tx,
            product.seller_id,
            product.id,
            &encoded,
            &self.bands,
        )
        .await?;
        Ok(())
    }
}

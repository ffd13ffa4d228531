//! Creating and saving products: one transaction per save that writes the
//! content (at the version the editor started from), reconciles the SKU
//! matrix, moves stock through the ledger, recomputes the listing, keeps a
//! revision, and records the audit line and the outbox event.

use etalase_domain::audit::Actor;
use etalase_domain::catalog::lifecycle::ProductStatus;
use etalase_domain::catalog::product::{ProductDraft, ProductInput, SkuDetails};
use etalase_domain::catalog::snapshot::{self, Change, Snapshot};
use etalase_domain::catalog::variants::{self, Combination, OptionDimension, Options};
use etalase_domain::id::{ProductId, SkuId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::Tx;
use etalase_store::catalog::{self, ProductContent, Sku, SkuContent, VersionCheck};
use etalase_store::inventory::{self, StockChange, StockOutcome, StockReason};

use super::records::{Announced, SaveLog};
use super::{listing, problems};
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

/// A save from the product editor (or the API).
#[derive(Debug, Clone, Default)]
pub struct ProductForm {
    pub input: ProductInput,
    /// The version the editor loaded; a save from an older one is refused.
    pub base_version: Option<i32>,
    /// Per input SKU, the stock the editor showed: a SKU's stock is set only
    /// when the typed value differs from it (None: leave stock alone, as the
    /// API does — its stock has its own endpoint).
    pub stock_loaded: Vec<Option<i64>>,
}

/// What a save did.
#[derive(Debug, Clone)]
pub enum SaveOutcome {
    Saved {
        version: i32,
    },
    /// Someone saved first. Nothing was written; these are their changes
    /// since the version the editor started from.
    Conflict {
        current_version: i32,
        changes: Vec<Change>,
        by: Option<Actor>,
        at: Timestamp,
    },
}

fn content<'a>(
    draft: &'a ProductDraft,
    options: &'a [(String, Vec<String>)],
) -> ProductContent<'a> {
    let d = &draft.details;
    ProductContent {
        title: d.title.as_str(),
        description_html: d.description.html(),
        description_text: d.description.plain(),
        bullets: d.bullets.items(),
        category: d.category,
        brand: d.brand.as_ref().map(|b| b.as_str()),
        attributes: &d.attributes,
        condition: d.condition.as_str(),
        tags: d.tags.items(),
        gtin: d.gtin.as_ref().map(|g| g.as_str()),
        cod_allowed: d.cod_allowed,
        preorder_days: d.preorder_days.map(i32::from),
        options,
    }
}

fn option_pairs(options: &Options) -> Vec<(String, Vec<String>)> {
    options
        .dimensions()
        .iter()
        .map(|d| (d.name().to_owned(), d.values().to_vec()))
        .collect()
}

fn sku_content(position: usize, sku: &SkuDetails) -> SkuContent<'_> {
    SkuContent {
        position: position as i32,
        combination: &sku.combination.0,
        code: sku.code.as_ref().map(|c| c.as_str()),
        price: sku.price.map(|p| p.rupiah()),
        original_price: sku.original_price.map(|p| p.rupiah()),
        weight_grams: sku.weight.map(|w| w.grams() as i32),
        dimensions: sku.dimensions.map(|d| {
            (
                i32::from(d.length_cm),
                i32::from(d.width_cm),
                i32::from(d.height_cm),
            )
        }),
        barcode: sku.barcode.as_ref().map(|b| b.as_str()),
    }
}

fn parse(form: &ProductForm) -> ServiceResult<ProductDraft> {
    ProductDraft::parse(&form.input).map_err(problems)
}

/// Creates a draft product (stock typed for its SKUs is their starting level).
pub async fn create(
    svc: &Services,
    scope: &SellerScope,
    form: &ProductForm,
) -> ServiceResult<ProductId> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let draft = parse(form)?;
    let id = ProductId::generate();
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    check_codes_free(&mut tx, scope, None, &draft).await?;
    let mut log = SaveLog::default();
    create_in(
        &mut tx,
        scope,
        id,
        &draft,
        StockReason::Initial,
        now,
        &mut log,
    )
    .await?;
    log.flush(&mut tx, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates a product inside the caller's transaction (its SKU codes were
/// checked by the caller); starting stock is recorded with `reason`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn create_in(
    tx: &mut Tx,
    scope: &SellerScope,
    id: ProductId,
    draft: &ProductDraft,
    reason: StockReason,
    now: Timestamp,
    log: &mut SaveLog,
) -> ServiceResult<()> {
    let options = option_pairs(&draft.options);
    let content = content(draft, &options);
    let new: Vec<etalase_store::catalog::NewSku<'_>> = draft
        .skus
        .iter()
        .enumerate()
        .map(|(position, sku)| etalase_store::catalog::NewSku {
            id: SkuId::generate(),
            content: sku_content(position, sku),
            stock: sku.stock.units(),
        })
        .collect();
    // Everything derived is computed from the values at hand, so the
    // product goes in whole: one statement for it, one for its SKUs (with
    // their starting stock), one for their ledger lines.
    let (product, skus) = stored_form(scope, id, &content, &new, now);
    let (quality, columns, signature) = listing::score_new(tx, &product, &skus).await?;
    catalog::insert_product(
        tx,
        id,
        scope.seller_id,
        &content,
        &columns,
        scope.actor(),
        now,
    )
    .await?;
    catalog::insert_skus(tx, scope.seller_id, id, &new, now)
        .await
        .map_err(code_conflict(0))?;
    let levels: Vec<(SkuId, i64)> = new.iter().map(|s| (s.id, s.stock)).collect();
    inventory::record_starting(tx, scope.seller_id, &levels, reason, scope.actor(), now).await?;
    if let Some(signature) = signature {
        signature.store(tx, &product).await?;
    }
    let known = Announced {
        version: 1,
        status: ProductStatus::Draft,
        columns: &columns,
    };
    log.push(
        scope,
        id,
        1,
        draft,
        "product.created",
        quality.score,
        &known,
    )
}

/// A new product as it will be stored, to score it before it is.
fn stored_form(
    scope: &SellerScope,
    id: ProductId,
    c: &ProductContent<'_>,
    skus: &[etalase_store::catalog::NewSku<'_>],
    now: Timestamp,
) -> (etalase_store::catalog::Product, Vec<Sku>) {
    let product = etalase_store::catalog::Product {
        id,
        seller_id: scope.seller_id,
        status: ProductStatus::Draft,
        version: 1,
        title: c.title.to_owned(),
        description_html: c.description_html.to_owned(),
        description_text: c.description_text.to_owned(),
        bullets: c.bullets.to_vec(),
        category: c.category.map(str::to_owned),
        brand: c.brand.map(str::to_owned),
        attributes: c.attributes.clone(),
        condition: c.condition.to_owned(),
        tags: c.tags.to_vec(),
        gtin: c.gtin.map(str::to_owned),
        cod_allowed: c.cod_allowed,
        preorder_days: c.preorder_days,
        options: c.options.to_vec(),
        listing: Default::default(),
        moderation_reason: None,
        review_requested_at: None,
        created_at: now,
        updated_at: now,
        updated_by: Some(scope.actor()),
        published_at: None,
    };
    let skus = skus
        .iter()
        .map(|s| Sku {
            id: s.id,
            product_id: id,
            position: s.content.position,
            combination: s.content.combination.to_vec(),
            code: s.content.code.map(str::to_owned),
            price: s.content.price,
            original_price: s.content.original_price,
            stock: s.stock,
            low_stock_threshold: None,
            weight_grams: s.content.weight_grams,
            dimensions: s.content.dimensions,
            barcode: s.content.barcode.map(str::to_owned),
            image_id: None,
            cost: None,
        })
        .collect();
    (product, skus)
}

async fn insert_sku(
    tx: &mut Tx,
    scope: &SellerScope,
    product: ProductId,
    id: SkuId,
    position: usize,
    sku: &SkuDetails,
    now: Timestamp,
) -> ServiceResult<()> {
    catalog::insert_sku(
        tx,
        id,
        scope.seller_id,
        product,
        &sku_content(position, sku),
        now,
    )
    .await
    .map_err(code_conflict(position))
}

fn code_conflict(position: usize) -> impl FnOnce(etalase_store::StoreError) -> ServiceError {
    move |e| {
        if e.is_conflict_on("skus_seller_id_skus_code_key") {
            ServiceError::field(format!("skus[{position}].code"), ErrorCode::SkuCodeTaken)
        } else {
            e.into()
        }
    }
}

async fn starting_stock(
    tx: &mut Tx,
    scope: &SellerScope,
    sku: SkuId,
    units: i64,
    reason: StockReason,
    now: Timestamp,
) -> ServiceResult<()> {
    if units > 0 {
        let change = StockChange {
            sku,
            delta: units,
            reason,
            note: None,
            actor: scope.actor(),
        };
        inventory::change_stock(tx, scope.seller_id, &change, now).await?;
    }
    Ok(())
}

/// Refuses SKU codes that another product of the shop uses (a field error
/// per code, all at once).
async fn check_codes_free(
    tx: &mut Tx,
    scope: &SellerScope,
    product: Option<ProductId>,
    draft: &ProductDraft,
) -> ServiceResult<()> {
    let mut validation = crate::error::Validation::default();
    for (i, sku) in draft.skus.iter().enumerate() {
        let Some(code) = &sku.code else { continue };
        if let Some(owner) = catalog::skus_by_code_in_tx(tx, scope.seller_id, code.as_str()).await?
            && Some(owner.product_id) != product
        {
            validation.add(format!("skus[{i}].code"), ErrorCode::SkuCodeTaken);
        }
    }
    validation.finish()
}

/// Saves the editor's form over the version it started from.
pub async fn save(
    svc: &Services,
    scope: &SellerScope,
    id: ProductId,
    form: &ProductForm,
) -> ServiceResult<SaveOutcome> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let draft = parse(form)?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let before = catalog::lock_product(&mut tx, scope.seller_id, id).await?;
    if !before.status.is_editable() {
        return Err(ErrorCode::ProductNotEditable.into());
    }
    let base = form.base_version.unwrap_or(before.version);
    if base != before.version {
        drop(tx);
        return conflict(svc, scope, id, base).await;
    }
    let images = catalog::images_in_tx(&mut tx, scope.seller_id, id)
        .await?
        .len();
    if before.status == ProductStatus::Active {
        // A live product stays complete: a save may not take it below what
        // publishing requires.
        let missing = draft.publish_problems(images);
        if !missing.is_empty() {
            return Err(problems(missing));
        }
    }
    check_codes_free(&mut tx, scope, Some(id), &draft).await?;
    let loaded: Vec<(Vec<String>, Option<i64>)> = form
        .input
        .skus
        .iter()
        .zip(form.stock_loaded.iter().chain(std::iter::repeat(&None)))
        .map(|(s, l)| (s.combination.clone(), *l))
        .collect();
    let stock = StockMode::Editor(&loaded);
    let mut log = SaveLog::default();
    match save_in(&mut tx, scope, &before, base, &draft, &stock, now, &mut log).await? {
        VersionCheck::Written { version } => {
            log.flush(&mut tx, now).await?;
            tx.commit().await?;
            Ok(SaveOutcome::Saved { version })
        }
        VersionCheck::Stale { .. } => {
            drop(tx);
            conflict(svc, scope, id, base).await
        }
    }
}

/// How a save treats the stock typed for each SKU.
pub(crate) enum StockMode<'a> {
    /// The editor: a SKU's stock changes only where the typed value differs
    /// from the one it showed (combination, shown level); new SKUs start
    /// with what was typed.
    Editor(&'a [(Vec<String>, Option<i64>)]),
    /// Every SKU is set to the level given, recorded with this reason.
    Set(StockReason),
}

/// Saves new content over `base` inside the caller's transaction (codes
/// were checked by the caller). A stale base writes nothing.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn save_in(
    tx: &mut Tx,
    scope: &SellerScope,
    before: &etalase_store::catalog::Product,
    base: i32,
    draft: &ProductDraft,
    stock: &StockMode<'_>,
    now: Timestamp,
    log: &mut SaveLog,
) -> ServiceResult<VersionCheck> {
    let options = option_pairs(&draft.options);
    let id = before.id;
    let check = catalog::update_content(
        tx,
        scope.seller_id,
        id,
        base,
        &content(draft, &options),
        scope.actor(),
        now,
    )
    .await?;
    let VersionCheck::Written { version } = check else {
        return Ok(check);
    };
    let old_options = stored_options(&before.options);
    let existing = catalog::skus_in_tx(tx, scope.seller_id, id).await?;
    reconcile_skus(tx, scope, id, &old_options, existing, draft, stock, now).await?;
    finish_save(tx, scope, id, version, draft, "product.saved", log).await?;
    Ok(check)
}

/// The options as stored, parsed back (they were valid when stored).
fn stored_options(options: &[(String, Vec<String>)]) -> Options {
    let dimensions = options
        .iter()
        .filter_map(|(name, values)| OptionDimension::parse(name, &values.join(",")).ok())
        .collect();
    Options::new(dimensions).unwrap_or_default()
}

/// Maps the stored SKUs onto the new matrix: a SKU keeps its id (and so its
/// stock and history) where the matrix still has it; new combinations get
/// new SKUs; SKUs that left the matrix are removed, their stock written off
/// in the ledger.
#[allow(clippy::too_many_arguments)]
async fn reconcile_skus(
    tx: &mut Tx,
    scope: &SellerScope,
    product: ProductId,
    old_options: &Options,
    existing: Vec<Sku>,
    draft: &ProductDraft,
    stock: &StockMode<'_>,
    now: Timestamp,
) -> ServiceResult<()> {
    let old: Vec<(Combination, Sku)> = existing
        .into_iter()
        .map(|s| (Combination(s.combination.clone()), s))
        .collect();
    let carried = variants::carry_over(old_options, &old, &draft.options);
    // Free codes of SKUs that leave first, so a code can move to a new SKU.
    let staying: Vec<SkuId> = carried
        .iter()
        .filter_map(|(_, s)| s.as_ref().map(|s| s.id))
        .collect();
    for (_, sku) in &old {
        if !staying.contains(&sku.id) {
            if sku.stock > 0 {
                let change = StockChange {
                    sku: sku.id,
                    delta: -sku.stock,
                    reason: StockReason::SkuRemoved,
                    note: None,
                    actor: scope.actor(),
                };
                inventory::change_stock(tx, scope.seller_id, &change, now).await?;
            }
            catalog::remove_sku(tx, scope.seller_id, sku.id, now).await?;
        }
    }
    for (position, ((combination, previous), details)) in
        carried.iter().zip(&draft.skus).enumerate()
    {
        debug_assert_eq!(combination, &details.combination);
        let typed = details.stock.units();
        match previous {
            Some(sku) => {
                catalog::update_sku(
                    tx,
                    scope.seller_id,
                    sku.id,
                    &sku_content(position, details),
                    now,
                )
                .await
                .map_err(code_conflict(position))?;
                match stock {
                    StockMode::Editor(loaded) => {
                        let shown = loaded
                            .iter()
                            .find(|(c, _)| *c == combination.0)
                            .and_then(|(_, l)| *l);
                        if let Some(shown) = shown
                            && shown != typed
                        {
                            set_level(tx, scope, sku.id, typed, StockReason::Manual, now).await?;
                        }
                    }
                    StockMode::Set(reason) => {
                        if sku.stock != typed {
                            set_level(tx, scope, sku.id, typed, *reason, now).await?;
                        }
                    }
                }
            }
            None => {
                let sku_id = SkuId::generate();
                insert_sku(tx, scope, product, sku_id, position, details, now).await?;
                let reason = match stock {
                    StockMode::Editor(_) => StockReason::Initial,
                    StockMode::Set(reason) => *reason,
                };
                starting_stock(tx, scope, sku_id, typed, reason, now).await?;
            }
        }
    }
    Ok(())
}

/// Sets a SKU's level; a level the ledger refuses is a field error.
pub(crate) async fn set_level(
    tx: &mut Tx,
    scope: &SellerScope,
    sku: SkuId,
    level: i64,
    reason: StockReason,
    now: Timestamp,
) -> ServiceResult<i64> {
    let change = StockChange {
        sku,
        delta: 0,
        reason,
        note: None,
        actor: scope.actor(),
    };
    match inventory::set_stock(tx, scope.seller_id, level, &change, now).await? {
        StockOutcome::Changed { level, .. } => Ok(level),
        StockOutcome::Refused { .. } => {
            Err(ServiceError::field("stock", ErrorCode::StockOutOfRange))
        }
    }
}

/// The end of every save: listing, revision, audit, outbox.
#[allow(clippy::too_many_arguments)]
async fn finish_save(
    tx: &mut Tx,
    scope: &SellerScope,
    id: ProductId,
    version: i32,
    draft: &ProductDraft,
    action: &'static str,
    log: &mut SaveLog,
) -> ServiceResult<()> {
    let refreshed = listing::refresh_full(tx, scope.seller_id, id).await?;
    let known = Announced {
        version: refreshed.version,
        status: refreshed.status,
        columns: &refreshed.columns,
    };
    log.push(
        scope,
        id,
        version,
        draft,
        action,
        refreshed.quality.score,
        &known,
    )
}

/// The other editor's changes since `base`, for a refused save.
async fn conflict(
    svc: &Services,
    scope: &SellerScope,
    id: ProductId,
    base: i32,
) -> ServiceResult<SaveOutcome> {
    let current = catalog::get_product(&svc.store, scope.seller_id, id).await?;
    let read = |version| async move {
        let revision = catalog::revision(&svc.store, scope.seller_id, id, version).await?;
        let snapshot: Snapshot = match &revision {
            Some(r) => serde_json::from_str(&r.snapshot).map_err(ServiceError::internal)?,
            None => Snapshot::default(),
        };
        ServiceResult::Ok((snapshot, revision))
    };
    let (before, _) = read(base).await?;
    let (after, latest) = read(current.version).await?;
    Ok(SaveOutcome::Conflict {
        current_version: current.version,
        changes: snapshot::changes(&before, &after),
        by: latest.as_ref().and_then(|r| r.actor),
        at: latest.map(|r| r.created_at).unwrap_or(current.updated_at),
    })
}

//! Stock: set or adjust one SKU (from the Seller Center or the API), its
//! ledger, low-stock alerts, and bulk edits of price and stock previewed
//! before they are applied. Every level change is a ledger row.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};

use etalase_domain::ErrorCode;
use etalase_domain::catalog::bulk::{PriceEdit, StockEdit};
use etalase_domain::catalog::sku::{Price, Stock};
use etalase_domain::catalog::snapshot::Snapshot;
use etalase_domain::id::{ProductId, SkuId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::catalog::{self, Sku};
use etalase_store::inventory::{
    self, LedgerLine, LowStock, StockChange, StockOutcome, StockReason,
};
use etalase_store::{Tx, audit};

use crate::catalog::listing;
use crate::catalog::records::product_changed;
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

/// A stock change asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockRequest {
    Set(i64),
    Adjust(i64),
}

/// Sets or adjusts one SKU's stock; refused (and nothing written) when the
/// level would leave 0–999,999. Returns the new level.
pub async fn change(
    svc: &Services,
    scope: &SellerScope,
    sku: SkuId,
    request: StockRequest,
    reason: StockReason,
    note: Option<&str>,
) -> ServiceResult<i64> {
    scope.authorize(SellerAction::write(Area::Inventory))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let current = catalog::sku_in_tx(&mut tx, scope.seller_id, sku).await?;
    let delta = match request {
        StockRequest::Set(level) => {
            Stock::new(level).map_err(|c| ServiceError::field("stock", c))?;
            level - current.stock
        }
        StockRequest::Adjust(delta) => delta,
    };
    let change = StockChange {
        sku,
        delta,
        reason,
        note,
        actor: scope.actor(),
    };
    let level = match inventory::change_stock(&mut tx, scope.seller_id, &change, now).await? {
        StockOutcome::Changed { level, .. } => level,
        StockOutcome::Refused { level } => {
            let code = if level + delta < 0 {
                ErrorCode::StockWouldGoNegative
            } else {
                ErrorCode::StockOutOfRange
            };
            return Err(ServiceError::field("stock", code));
        }
    };
    listing::refresh(&mut tx, scope.seller_id, current.product_id).await?;
    product_changed(&mut tx, scope.seller_id, current.product_id, now).await?;
    tx.commit().await?;
    Ok(level)
}

/// A SKU's history, newest first.
pub async fn ledger(
    svc: &Services,
    scope: &SellerScope,
    sku: SkuId,
) -> ServiceResult<Vec<LedgerLine>> {
    scope.authorize(SellerAction::read(Area::Inventory))?;
    catalog::get_sku(&svc.store, scope.seller_id, sku).await?;
    Ok(inventory::ledger(&svc.store, scope.seller_id, sku, 200).await?)
}

pub async fn low_stock(svc: &Services, scope: &SellerScope) -> ServiceResult<Vec<LowStock>> {
    scope.authorize(SellerAction::read(Area::Inventory))?;
    Ok(inventory::low_stock(&svc.store, scope.seller_id, 200).await?)
}

/// Sets (or clears) the level at which a SKU shows in the low-stock list.
pub async fn set_threshold(
    svc: &Services,
    scope: &SellerScope,
    sku: SkuId,
    threshold: Option<i64>,
) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Inventory))?;
    let threshold = match threshold {
        Some(t) => Some(
            Stock::new(t)
                .map_err(|c| ServiceError::field("threshold", c))?
                .units() as i32,
        ),
        None => None,
    };
    let mut tx = svc.store.write().await?;
    catalog::sku_in_tx(&mut tx, scope.seller_id, sku).await?;
    inventory::set_low_stock_threshold(&mut tx, scope.seller_id, sku, threshold).await?;
    tx.commit().await?;
    Ok(())
}

/// A bulk edit over selected SKUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BulkEdit {
    pub price: Option<PriceEdit>,
    pub stock: Option<StockEdit>,
}

/// One SKU's line of a bulk edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkLine {
    pub sku: Sku,
    /// The title of the SKU's product, to show the line.
    pub product_title: String,
    pub price_after: Option<i64>,
    pub stock_after: i64,
    /// Why this line cannot be applied.
    pub problem: Option<ErrorCode>,
}

impl BulkLine {
    pub fn changes(&self) -> bool {
        self.problem.is_none()
            && (self.price_after != self.sku.price || self.stock_after != self.sku.stock)
    }
}

fn authorize_bulk(scope: &SellerScope, edit: &BulkEdit) -> ServiceResult<()> {
    if edit.price.is_some() {
        scope.authorize(SellerAction::write(Area::Catalog))?;
    }
    if edit.stock.is_some() {
        scope.authorize(SellerAction::write(Area::Inventory))?;
    }
    if edit.price.is_none() && edit.stock.is_none() {
        return Err(ServiceError::field("edit", ErrorCode::ValidationFailed));
    }
    Ok(())
}

fn line(sku: Sku, product_title: String, edit: &BulkEdit) -> BulkLine {
    let mut problem = None;
    let price_after = match edit.price {
        Some(e) => match e.apply(sku.price.and_then(|p| Price::new(p).ok())) {
            Ok(p) => Some(p.rupiah()),
            Err(code) => {
                problem = Some(code);
                sku.price
            }
        },
        None => sku.price,
    };
    let stock_after = match edit.stock {
        Some(e) => match Stock::new(sku.stock).and_then(|s| e.apply(s)) {
            Ok(s) => s.units(),
            Err(code) => {
                problem = problem.or(Some(code));
                sku.stock
            }
        },
        None => sku.stock,
    };
    BulkLine {
        sku,
        product_title,
        price_after,
        stock_after,
        problem,
    }
}

/// The lines of a bulk edit inside the transaction that applies it.
async fn lines(
    tx: &mut Tx,
    scope: &SellerScope,
    skus: &[SkuId],
    edit: &BulkEdit,
) -> ServiceResult<Vec<BulkLine>> {
    let mut titles: HashMap<ProductId, String> = HashMap::new();
    let mut out = Vec::with_capacity(skus.len());
    for id in skus.iter().copied().collect::<BTreeSet<SkuId>>() {
        let sku = catalog::sku_in_tx(tx, scope.seller_id, id).await?;
        if let Entry::Vacant(slot) = titles.entry(sku.product_id) {
            slot.insert(
                catalog::lock_product(tx, scope.seller_id, sku.product_id)
                    .await?
                    .title,
            );
        }
        let title = titles[&sku.product_id].clone();
        out.push(line(sku, title, edit));
    }
    Ok(out)
}

/// What a bulk edit would do, line by line; nothing is written (and no
/// write lock is taken: a preview only reads).
pub async fn preview(
    svc: &Services,
    scope: &SellerScope,
    skus: &[SkuId],
    edit: &BulkEdit,
) -> ServiceResult<Vec<BulkLine>> {
    authorize_bulk(scope, edit)?;
    let mut titles: HashMap<ProductId, String> = HashMap::new();
    let mut out = Vec::with_capacity(skus.len());
    for id in skus.iter().copied().collect::<BTreeSet<SkuId>>() {
        let sku = catalog::live_sku(&svc.store, scope.seller_id, id).await?;
        if let Entry::Vacant(slot) = titles.entry(sku.product_id) {
            slot.insert(
                catalog::get_product(&svc.store, scope.seller_id, sku.product_id)
                    .await?
                    .title,
            );
        }
        let title = titles[&sku.product_id].clone();
        out.push(line(sku, title, edit));
    }
    Ok(out)
}

/// Applies a bulk edit whole, or nothing when any line is refused (the
/// lines come back with their reasons). Prices bump their products'
/// versions; stock goes through the ledger as `bulk_edit`.
pub async fn apply(
    svc: &Services,
    scope: &SellerScope,
    skus: &[SkuId],
    edit: &BulkEdit,
) -> ServiceResult<Result<usize, Vec<BulkLine>>> {
    authorize_bulk(scope, edit)?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let lines = lines(&mut tx, scope, skus, edit).await?;
    if lines.iter().any(|l| l.problem.is_some()) {
        return Ok(Err(lines));
    }
    let mut products: BTreeSet<ProductId> = BTreeSet::new();
    let mut priced: BTreeSet<ProductId> = BTreeSet::new();
    let mut changed = 0;
    for l in lines.iter().filter(|l| l.changes()) {
        changed += 1;
        products.insert(l.sku.product_id);
        if let Some(price) = l.price_after
            && Some(price) != l.sku.price
        {
            catalog::set_sku_price(&mut tx, scope.seller_id, l.sku.id, price, now).await?;
            priced.insert(l.sku.product_id);
        }
        if l.stock_after != l.sku.stock {
            let change = StockChange {
                sku: l.sku.id,
                delta: l.stock_after - l.sku.stock,
                reason: StockReason::BulkEdit,
                note: None,
                actor: scope.actor(),
            };
            inventory::change_stock(&mut tx, scope.seller_id, &change, now).await?;
        }
    }
    for product in &products {
        product_edited(&mut tx, scope, *product, priced.contains(product), now).await?;
    }
    audit::record(
        &mut tx,
        audit::AuditEntry {
            after: Some(format!("{changed} SKUs, edit={edit:?}")),
            ..scope.audit(
                "inventory.bulk_edited",
                "seller",
                &scope.seller_id.to_string(),
            )
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(changed))
}

/// What an edit of SKU prices or stock leaves on its product: a new
/// version and revision when a price changed (prices are part of the
/// product's content), fresh list columns, and the event for the sync.
pub(crate) async fn product_edited(
    tx: &mut Tx,
    scope: &SellerScope,
    product: ProductId,
    priced: bool,
    now: etalase_domain::Timestamp,
) -> ServiceResult<()> {
    if priced {
        let version =
            catalog::bump_version(tx, scope.seller_id, product, scope.actor(), now).await?;
        let stored = catalog::lock_product(tx, scope.seller_id, product).await?;
        let skus = catalog::skus_in_tx(tx, scope.seller_id, product).await?;
        let snapshot = listing::draft_of(&stored, &skus)
            .map(|d| Snapshot::of(&d))
            .map_err(crate::catalog::problems)?;
        let text = serde_json::to_string(&snapshot).map_err(ServiceError::internal)?;
        catalog::insert_revision(tx, product, version, &text, scope.actor(), now).await?;
    }
    listing::refresh(tx, scope.seller_id, product).await?;
    product_changed(tx, scope.seller_id, product, now).await
}

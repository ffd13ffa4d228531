//! Seller promotions: product discounts and flash sales, from draft to
//! scheduled, ongoing, ended or deactivated. Every save is checked by the
//! price guards first; refusals stop it, warnings need the seller's
//! confirmation before the promotion is activated. Every change is audited
//! and tells the sync about each product it touches.

use std::collections::BTreeMap;

use etalase_domain::id::{ProductId, PromotionId, SkuId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::pricing::{OfferRule, Percent, PromotionState, Window};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::catalog::{self, Sku};
use etalase_store::pricing::{self as store, Promotion, PromotionItem, PromotionType, Switch};
use etalase_store::{Tx, audit};

pub use super::candidates::{Candidate, CandidateSku, candidates};
use super::review::guard;
pub use super::review::{Place, PriceChange, Review, SkuFinding};
use crate::teams::SellerScope;
use crate::{FieldError, ServiceError, ServiceResult, Services};

/// What the seller asked for.
#[derive(Debug, Clone)]
pub struct PromotionInput {
    pub kind: PromotionType,
    pub name: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// Flash sales: units one buyer may buy at the flash price.
    pub per_buyer_limit: Option<i64>,
    pub items: Vec<ItemInput>,
}

impl PromotionInput {
    /// A stored promotion's terms as input (to review or save it again).
    pub fn of(p: &Promotion) -> PromotionInput {
        PromotionInput {
            kind: p.kind,
            name: p.name.clone(),
            starts_at: p.window.starts_at,
            ends_at: p.window.ends_at.unwrap_or(p.window.starts_at),
            per_buyer_limit: p.per_buyer_limit,
            items: p
                .items
                .iter()
                .map(|i| ItemInput {
                    target: Target::Sku(i.sku_id),
                    rule: match i.rule {
                        OfferRule::Fixed { price } => RuleInput::Price(price),
                        OfferRule::PercentOff { percent } => {
                            RuleInput::Percent(percent.value() as i64)
                        }
                    },
                    flash_quota: i.flash_quota,
                })
                .collect(),
        }
    }
}

/// A SKU (or every SKU of a product) and its terms.
#[derive(Debug, Clone, Copy)]
pub struct ItemInput {
    pub target: Target,
    pub rule: RuleInput,
    /// Flash sales: units at the flash price.
    pub flash_quota: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Sku(SkuId),
    Product(ProductId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleInput {
    Price(i64),
    Percent(i64),
}

/// A promotion with its state at the moment asked.
#[derive(Debug, Clone)]
pub struct PromotionView {
    pub promotion: Promotion,
    pub state: PromotionState,
}

/// What a save did.
#[derive(Debug, Clone)]
pub struct Saved {
    pub promotion: PromotionView,
    pub review: Review,
}

/// Whether to schedule it as well, and whether the seller saw the warnings.
#[derive(Debug, Clone, Copy, Default)]
pub struct SaveOptions {
    pub activate: bool,
    pub confirm_warnings: bool,
}

pub async fn list(svc: &Services, scope: &SellerScope) -> ServiceResult<Vec<PromotionView>> {
    scope.authorize(SellerAction::read(Area::Promotions))?;
    let now = svc.now();
    Ok(store::list_promotions(&svc.store, scope.seller_id, 200)
        .await?
        .into_iter()
        .map(|p| view(p, now))
        .collect())
}

pub async fn get(
    svc: &Services,
    scope: &SellerScope,
    id: PromotionId,
) -> ServiceResult<PromotionView> {
    scope.authorize(SellerAction::read(Area::Promotions))?;
    let p = store::get_promotion(&svc.store, scope.seller_id, id).await?;
    Ok(view(p, svc.now()))
}

fn view(promotion: Promotion, at: Timestamp) -> PromotionView {
    PromotionView {
        state: promotion.state(at),
        promotion,
    }
}

/// Checks a promotion without saving it: what the guards find and where
/// prices change. Invalid input is refused as on a save.
pub async fn review(
    svc: &Services,
    scope: &SellerScope,
    existing: Option<PromotionId>,
    input: &PromotionInput,
) -> ServiceResult<Review> {
    scope.authorize(SellerAction::read(Area::Promotions))?;
    let mut tx = svc.store.write().await?;
    let id = existing.unwrap_or_else(PromotionId::generate);
    let candidate = build(&mut tx, scope, id, input, svc.now()).await?;
    let review = guard(svc, &mut tx, scope, &candidate).await?;
    drop(tx); // nothing is kept: a dropped transaction rolls back
    Ok(review)
}

/// Creates a promotion (a draft, or scheduled at once with `activate`).
pub async fn create(
    svc: &Services,
    scope: &SellerScope,
    input: &PromotionInput,
    options: SaveOptions,
) -> ServiceResult<Saved> {
    scope.authorize(SellerAction::write(Area::Promotions))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let mut promotion = build(&mut tx, scope, PromotionId::generate(), input, now).await?;
    let review = guarded(svc, &mut tx, scope, &promotion, options, now).await?;
    if options.activate {
        promotion.activated_at = Some(now);
    }
    store::insert_promotion(&mut tx, &promotion).await?;
    let action = if options.activate {
        "pricing.promotion_scheduled"
    } else {
        "pricing.promotion_created"
    };
    record(
        &mut tx,
        scope,
        &promotion,
        action,
        &promotion.products(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Saved {
        promotion: view(promotion, now),
        review,
    })
}

/// Changes a draft or scheduled promotion (the version it was read at
/// guards against two people saving over each other).
pub async fn update(
    svc: &Services,
    scope: &SellerScope,
    id: PromotionId,
    version: i32,
    input: &PromotionInput,
    options: SaveOptions,
) -> ServiceResult<Saved> {
    scope.authorize(SellerAction::write(Area::Promotions))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let before = store::promotion_in_tx(&mut tx, scope.seller_id, id).await?;
    if !before.state(now).editable() {
        return Err(ErrorCode::PromotionNotEditable.into());
    }
    if input.kind != before.kind {
        return Err(ServiceError::field("kind", ErrorCode::PromotionNotEditable));
    }
    let mut promotion = build(&mut tx, scope, id, input, now).await?;
    promotion.created_at = before.created_at;
    promotion.activated_at = before.activated_at;
    let options = SaveOptions {
        activate: options.activate || promotion.activated_at.is_some(),
        ..options
    };
    let review = guarded(svc, &mut tx, scope, &promotion, options, now).await?;
    if options.activate {
        promotion.activated_at = promotion.activated_at.or(Some(now));
    }
    if !store::update_promotion(&mut tx, &promotion, version).await? {
        return Err(ErrorCode::VersionConflict.into());
    }
    if before.activated_at.is_none() && promotion.activated_at.is_some() {
        store::set_promotion_switch(
            &mut tx,
            scope.seller_id,
            id,
            Switch::Activate,
            &scope.actor().as_text(),
            now,
        )
        .await?;
    }
    let mut touched = before.products();
    touched.extend(promotion.products());
    touched.sort();
    touched.dedup();
    record(
        &mut tx,
        scope,
        &promotion,
        "pricing.promotion_updated",
        &touched,
        now,
    )
    .await?;
    tx.commit().await?;
    get(svc, scope, id)
        .await
        .map(|promotion| Saved { promotion, review })
}

/// Schedules a draft (it starts at its start time, or now if that passed).
pub async fn activate(
    svc: &Services,
    scope: &SellerScope,
    id: PromotionId,
    confirm_warnings: bool,
) -> ServiceResult<Saved> {
    scope.authorize(SellerAction::write(Area::Promotions))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let promotion = store::promotion_in_tx(&mut tx, scope.seller_id, id).await?;
    if promotion.state(now) != PromotionState::Draft {
        return Err(ErrorCode::IllegalTransition.into());
    }
    let options = SaveOptions {
        activate: true,
        confirm_warnings,
    };
    let review = guarded(svc, &mut tx, scope, &promotion, options, now).await?;
    let actor = scope.actor().as_text();
    store::set_promotion_switch(&mut tx, scope.seller_id, id, Switch::Activate, &actor, now)
        .await?;
    let products = promotion.products();
    record(
        &mut tx,
        scope,
        &promotion,
        "pricing.promotion_scheduled",
        &products,
        now,
    )
    .await?;
    tx.commit().await?;
    get(svc, scope, id)
        .await
        .map(|promotion| Saved { promotion, review })
}

/// Stops a scheduled or ongoing promotion (buyers see normal prices again
/// within the sync lag; a draft is simply left unscheduled).
pub async fn deactivate(
    svc: &Services,
    scope: &SellerScope,
    id: PromotionId,
) -> ServiceResult<PromotionView> {
    scope.authorize(SellerAction::write(Area::Promotions))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let promotion = store::promotion_in_tx(&mut tx, scope.seller_id, id).await?;
    if !matches!(
        promotion.state(now),
        PromotionState::Scheduled | PromotionState::Ongoing | PromotionState::Draft
    ) {
        return Err(ErrorCode::IllegalTransition.into());
    }
    let actor = scope.actor().as_text();
    store::set_promotion_switch(
        &mut tx,
        scope.seller_id,
        id,
        Switch::Deactivate,
        &actor,
        now,
    )
    .await?;
    let products = promotion.products();
    record(
        &mut tx,
        scope,
        &promotion,
        "pricing.promotion_deactivated",
        &products,
        now,
    )
    .await?;
    tx.commit().await?;
    get(svc, scope, id).await
}

/// Runs the guards and refuses what they refuse; an activation is also
/// refused when it ends in the past, overlaps another flash slot of the
/// shop, or has warnings the seller has not confirmed.
async fn guarded(
    svc: &Services,
    tx: &mut Tx,
    scope: &SellerScope,
    promotion: &Promotion,
    options: SaveOptions,
    now: Timestamp,
) -> ServiceResult<Review> {
    let review = guard(svc, tx, scope, promotion).await?;
    if let Some(refused) = review.refusal_error() {
        return Err(refused);
    }
    if options.activate {
        ready_to_activate(tx, scope, promotion, &review, options, now).await?;
    }
    Ok(review)
}

async fn ready_to_activate(
    tx: &mut Tx,
    scope: &SellerScope,
    promotion: &Promotion,
    review: &Review,
    options: SaveOptions,
    now: Timestamp,
) -> ServiceResult<()> {
    if promotion.window.ends_at.is_some_and(|end| end <= now) {
        return Err(ServiceError::field("ends_at", ErrorCode::EndsInPast));
    }
    if promotion.kind == PromotionType::FlashSale {
        let clashing =
            store::overlapping_flash_sales(tx, scope.seller_id, promotion.window, promotion.id)
                .await?;
        if !clashing.is_empty() {
            return Err(ServiceError::field(
                "starts_at",
                ErrorCode::FlashSlotsOverlap,
            ));
        }
    }
    if review.warnings().next().is_some() && !options.confirm_warnings {
        return Err(ErrorCode::PromotionNeedsConfirmation.into());
    }
    Ok(())
}

/// The audit line and one outbox event per product touched (the sync
/// re-projects them, offers included).
async fn record(
    tx: &mut Tx,
    scope: &SellerScope,
    promotion: &Promotion,
    action: &'static str,
    products: &[ProductId],
    now: Timestamp,
) -> ServiceResult<()> {
    let id = promotion.id.to_string();
    let mut entry = scope.audit(action, "promotion", &id);
    let summary = format!(
        "kind={} name={:?} starts={} ends={} items={}",
        promotion.kind.as_str(),
        promotion.name,
        promotion.window.starts_at.to_rfc3339(),
        promotion
            .window
            .ends_at
            .map(|e| e.to_rfc3339())
            .unwrap_or_default(),
        promotion
            .items
            .iter()
            .map(|i| format!("{}:{}", i.sku_id, rule_text(i.rule)))
            .collect::<Vec<_>>()
            .join(",")
    );
    entry.after = Some(summary);
    audit::record(tx, entry, now).await?;
    super::announce_products(tx, scope.seller_id, products, &id, action, now).await
}

fn rule_text(rule: OfferRule) -> String {
    match rule {
        OfferRule::Fixed { price } => format!("price={price}"),
        OfferRule::PercentOff { percent } => format!("percent={}", percent.value()),
    }
}

/// Validates the input against the catalog and builds the promotion (not
/// yet written). Every problem is reported at once, per field.
async fn build(
    tx: &mut Tx,
    scope: &SellerScope,
    id: PromotionId,
    input: &PromotionInput,
    now: Timestamp,
) -> ServiceResult<Promotion> {
    let mut problems = Vec::new();
    let name = input.name.trim();
    if !(3..=60).contains(&name.chars().count()) {
        problems.push(FieldError::new("name", ErrorCode::PromotionNameRequired));
    }
    let window = match Window::new(input.starts_at, input.ends_at) {
        Ok(w) => Some(w),
        Err(code) => {
            problems.push(FieldError::new("ends_at", code));
            None
        }
    };
    let flash = input.kind == PromotionType::FlashSale;
    let per_buyer_limit = if flash { input.per_buyer_limit } else { None };
    if per_buyer_limit.is_some_and(|l| !(1..=99).contains(&l)) {
        problems.push(FieldError::new(
            "per_buyer_limit",
            ErrorCode::BuyerLimitOutOfRange,
        ));
    }
    let mut items: BTreeMap<SkuId, PromotionItem> = BTreeMap::new();
    for (n, item) in input.items.iter().enumerate() {
        let skus = match item.target {
            Target::Sku(sku) => catalog::sku_in_tx(tx, scope.seller_id, sku)
                .await
                .map(|s| vec![s]),
            Target::Product(product) => catalog::skus_in_tx(tx, scope.seller_id, product).await,
        };
        let skus: Vec<Sku> = match skus {
            Ok(skus) => skus.into_iter().filter(|s| s.price.is_some()).collect(),
            Err(etalase_store::StoreError::NotFound) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        if skus.is_empty() {
            problems.push(FieldError::new(format!("items[{n}]"), ErrorCode::NotFound));
            continue;
        }
        let rule = match item.rule {
            RuleInput::Price(price) => match etalase_domain::catalog::sku::Price::new(price) {
                Ok(p) => OfferRule::Fixed { price: p.rupiah() },
                Err(code) => {
                    problems.push(FieldError::new(format!("items[{n}].price"), code));
                    continue;
                }
            },
            RuleInput::Percent(_) if flash => {
                problems.push(FieldError::new(
                    format!("items[{n}].price"),
                    ErrorCode::PriceRequired,
                ));
                continue;
            }
            RuleInput::Percent(p) => match Percent::new(p) {
                Ok(percent) => OfferRule::PercentOff { percent },
                Err(code) => {
                    problems.push(FieldError::new(format!("items[{n}].percent"), code));
                    continue;
                }
            },
        };
        for sku in skus {
            let flash_quota = if flash {
                match item.flash_quota {
                    Some(q) if q >= 1 && q <= sku.stock => Some(q),
                    _ => {
                        problems.push(FieldError::new(
                            format!("items[{n}].flash_quota"),
                            ErrorCode::FlashQuotaOutOfRange,
                        ));
                        continue;
                    }
                }
            } else {
                None
            };
            items.entry(sku.id).or_insert(PromotionItem {
                sku_id: sku.id,
                product_id: sku.product_id,
                rule,
                flash_quota,
                flash_sold: 0,
            });
        }
    }
    if input.items.is_empty() {
        problems.push(FieldError::new("items", ErrorCode::PromotionEmpty));
    }
    if !problems.is_empty() {
        return Err(ServiceError::fields(problems));
    }
    let window = window.ok_or(ErrorCode::EndsBeforeStart)?;
    Ok(Promotion {
        id,
        seller_id: scope.seller_id,
        kind: input.kind,
        name: name.to_owned(),
        window,
        per_buyer_limit,
        activated_at: None,
        deactivated_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
        updated_by: scope.actor().as_text(),
        items: items.into_values().collect(),
    })
}

/// Takes `units` of a flash sale's quota for a buyer inside the caller's
/// transaction (an order being placed): the quota and the per-buyer limit
/// are never passed (see the store). When taken, the sync is told, so the
/// Shop shows the quota left and, once it is gone, the price without it.
/// On a refusal the caller must drop the transaction.
pub async fn take_flash_units(
    tx: &mut Tx,
    promotion: PromotionId,
    sku: SkuId,
    buyer: &str,
    units: i64,
    per_buyer_limit: Option<i64>,
    now: Timestamp,
) -> ServiceResult<store::FlashTake> {
    let took = store::take_flash_units(tx, promotion, sku, buyer, units, per_buyer_limit).await?;
    if let store::FlashTake::Taken { product, seller } = took {
        let cause = promotion.to_string();
        super::announce_products(tx, seller, &[product], &cause, "pricing.flash_taken", now)
            .await?;
    }
    Ok(took)
}

//! Vouchers: a seller's (marketing role) and the platform's (admins), from
//! draft to scheduled, ongoing, ended or deactivated; buyers claim public
//! ones or type a code. A claim never passes the quota or the per-buyer
//! limit, whatever the concurrency (see the store's `claim`).

use std::sync::Arc;

use etalase_domain::audit::Actor;
use etalase_domain::id::{ProductId, SellerId, UserId, VoucherId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::pricing::guard::voucher_findings;
use etalase_domain::pricing::{Benefit, Issuer, Percent, PromotionState, VoucherCode, Window};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::accounts::User;
use etalase_store::pricing::{self as store, ClaimOutcome, StoredVoucher, Switch};
use etalase_store::{StoreError, Tx, audit, catalog};

pub use etalase_domain::pricing::guard::VoucherFinding;

use crate::teams::SellerScope;
use crate::{FieldError, ServiceError, ServiceResult, Services};

/// Who is acting on vouchers: a seller's team (its own shop's) or a
/// platform admin (the platform's).
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    Seller(&'a SellerScope),
    Platform(&'a User),
}

impl Owner<'_> {
    fn issuer(&self) -> Issuer {
        match self {
            Owner::Seller(scope) => Issuer::Seller(scope.seller_id),
            Owner::Platform(_) => Issuer::Platform,
        }
    }

    fn actor(&self) -> Actor {
        match self {
            Owner::Seller(scope) => scope.actor(),
            Owner::Platform(user) => Actor::User(user.id),
        }
    }

    fn authorize(&self, write: bool) -> ServiceResult<()> {
        match self {
            Owner::Seller(scope) => scope.authorize(if write {
                SellerAction::write(Area::Promotions)
            } else {
                SellerAction::read(Area::Promotions)
            }),
            Owner::Platform(user) if user.is_admin => Ok(()),
            Owner::Platform(_) => Err(ErrorCode::AdminOnly.into()),
        }
    }
}

/// What the seller (or admin) typed, numbers already read.
#[derive(Debug, Clone)]
pub struct VoucherInput {
    pub name: String,
    pub code: String,
    pub benefit: BenefitInput,
    pub min_spend: i64,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// None: the whole shop (every shop for the platform's).
    pub products: Option<Vec<ProductId>>,
    pub quota: i64,
    pub per_buyer_limit: i64,
    pub public: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenefitInput {
    Percent { percent: i64, cap: Option<i64> },
    Amount(i64),
    FreeShipping { cap: Option<i64> },
}

#[derive(Debug, Clone)]
pub struct VoucherView {
    pub voucher: StoredVoucher,
    pub state: PromotionState,
}

#[derive(Debug, Clone)]
pub struct SavedVoucher {
    pub voucher: VoucherView,
    pub findings: Vec<VoucherFinding>,
}

pub async fn list(svc: &Services, owner: Owner<'_>) -> ServiceResult<Vec<VoucherView>> {
    owner.authorize(false)?;
    let now = svc.now();
    Ok(store::list_vouchers(&svc.store, owner.issuer(), 200)
        .await?
        .into_iter()
        .map(|v| view(v, now))
        .collect())
}

pub async fn get(svc: &Services, owner: Owner<'_>, id: VoucherId) -> ServiceResult<VoucherView> {
    owner.authorize(false)?;
    let v = store::get_voucher(&svc.store, owner.issuer(), id).await?;
    Ok(view(v, svc.now()))
}

fn view(voucher: StoredVoucher, at: Timestamp) -> VoucherView {
    VoucherView {
        state: voucher.state(at),
        voucher,
    }
}

/// Checks a voucher without saving it: the guard's findings. Invalid input
/// is refused as on a save.
pub async fn review(
    svc: &Services,
    owner: Owner<'_>,
    input: &VoucherInput,
) -> ServiceResult<Vec<VoucherFinding>> {
    owner.authorize(false)?;
    let mut tx = svc.store.write().await?;
    let voucher = build(&mut tx, owner, VoucherId::generate(), input, svc.now()).await?;
    let findings = findings_of(&mut tx, &voucher).await?;
    drop(tx); // nothing was written
    Ok(findings)
}

/// Creates a voucher, a draft or (with `activate`) scheduled at once;
/// activation with warnings needs `confirm_warnings`.
pub async fn create(
    svc: &Services,
    owner: Owner<'_>,
    input: &VoucherInput,
    activate: bool,
    confirm_warnings: bool,
) -> ServiceResult<SavedVoucher> {
    owner.authorize(true)?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let mut voucher = build(&mut tx, owner, VoucherId::generate(), input, now).await?;
    let findings = findings_of(&mut tx, &voucher).await?;
    if activate {
        ready_to_activate(&voucher, &findings, confirm_warnings, now)?;
        voucher.activated_at = Some(now);
    }
    store::insert_voucher(&mut tx, &voucher)
        .await
        .map_err(code_taken)?;
    let action = if activate {
        "pricing.voucher_scheduled"
    } else {
        "pricing.voucher_created"
    };
    record(&mut tx, owner, &voucher, action, now).await?;
    tx.commit().await?;
    svc.shop_cache.forget_vouchers();
    Ok(SavedVoucher {
        voucher: view(voucher, now),
        findings,
    })
}

/// Changes a draft or scheduled voucher read at `version`.
pub async fn update(
    svc: &Services,
    owner: Owner<'_>,
    id: VoucherId,
    version: i32,
    input: &VoucherInput,
    confirm_warnings: bool,
) -> ServiceResult<SavedVoucher> {
    owner.authorize(true)?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let before = store::voucher_in_tx(&mut tx, owner.issuer(), id).await?;
    if !before.state(now).editable() {
        return Err(ErrorCode::PromotionNotEditable.into());
    }
    let mut voucher = build(&mut tx, owner, id, input, now).await?;
    voucher.activated_at = before.activated_at;
    voucher.created_at = before.created_at;
    let findings = findings_of(&mut tx, &voucher).await?;
    if voucher.activated_at.is_some() {
        ready_to_activate(&voucher, &findings, confirm_warnings, now)?;
    }
    if !store::update_voucher(&mut tx, &voucher, version)
        .await
        .map_err(code_taken)?
    {
        return Err(ErrorCode::VersionConflict.into());
    }
    record(&mut tx, owner, &voucher, "pricing.voucher_updated", now).await?;
    tx.commit().await?;
    svc.shop_cache.forget_vouchers();
    let voucher = get(svc, owner, id).await?;
    Ok(SavedVoucher { voucher, findings })
}

pub async fn activate(
    svc: &Services,
    owner: Owner<'_>,
    id: VoucherId,
    confirm_warnings: bool,
) -> ServiceResult<SavedVoucher> {
    owner.authorize(true)?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let voucher = store::voucher_in_tx(&mut tx, owner.issuer(), id).await?;
    if voucher.state(now) != PromotionState::Draft {
        return Err(ErrorCode::IllegalTransition.into());
    }
    let findings = findings_of(&mut tx, &voucher).await?;
    ready_to_activate(&voucher, &findings, confirm_warnings, now)?;
    let actor = owner.actor().as_text();
    store::set_voucher_switch(&mut tx, id, Switch::Activate, &actor, now).await?;
    record(&mut tx, owner, &voucher, "pricing.voucher_scheduled", now).await?;
    tx.commit().await?;
    svc.shop_cache.forget_vouchers();
    let voucher = get(svc, owner, id).await?;
    Ok(SavedVoucher { voucher, findings })
}

pub async fn deactivate(
    svc: &Services,
    owner: Owner<'_>,
    id: VoucherId,
) -> ServiceResult<VoucherView> {
    owner.authorize(true)?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let voucher = store::voucher_in_tx(&mut tx, owner.issuer(), id).await?;
    if matches!(
        voucher.state(now),
        PromotionState::Ended | PromotionState::Deactivated
    ) {
        return Err(ErrorCode::IllegalTransition.into());
    }
    let actor = owner.actor().as_text();
    store::set_voucher_switch(&mut tx, id, Switch::Deactivate, &actor, now).await?;
    record(&mut tx, owner, &voucher, "pricing.voucher_deactivated", now).await?;
    tx.commit().await?;
    svc.shop_cache.forget_vouchers();
    get(svc, owner, id).await
}

fn ready_to_activate(
    voucher: &StoredVoucher,
    findings: &[VoucherFinding],
    confirm_warnings: bool,
    now: Timestamp,
) -> ServiceResult<()> {
    if voucher.window.ends_at.is_some_and(|end| end <= now) {
        return Err(ServiceError::field("ends_at", ErrorCode::EndsInPast));
    }
    if !findings.is_empty() && !confirm_warnings {
        return Err(ErrorCode::PromotionNeedsConfirmation.into());
    }
    Ok(())
}

fn code_taken(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict { constraint } if constraint.contains("code") => {
            ServiceError::field("code", ErrorCode::VoucherCodeTaken)
        }
        other => other.into(),
    }
}

async fn record(
    tx: &mut Tx,
    owner: Owner<'_>,
    v: &StoredVoucher,
    action: &'static str,
    now: Timestamp,
) -> ServiceResult<()> {
    let id = v.id.to_string();
    audit::record(
        tx,
        audit::AuditEntry {
            actor: owner.actor(),
            seller_id: v.seller(),
            action,
            subject_type: "voucher",
            subject_id: &id,
            before: None,
            after: Some(format!(
                "code={} benefit={:?} min_spend={} quota={} per_buyer={} public={}",
                v.code, v.benefit, v.min_spend, v.quota, v.per_buyer_limit, v.public
            )),
        },
        now,
    )
    .await?;
    // Public vouchers show on the shop's product pages: tell the sync.
    if let (Some(seller), Some(products)) = (v.seller(), v.products.as_ref()) {
        super::announce_products(tx, seller, products, &id, action, now).await?;
    }
    Ok(())
}

async fn build(
    tx: &mut Tx,
    owner: Owner<'_>,
    id: VoucherId,
    input: &VoucherInput,
    now: Timestamp,
) -> ServiceResult<StoredVoucher> {
    let mut problems = Vec::new();
    let mut problem = |field: &'static str, code| problems.push(FieldError::new(field, code));
    let name = input.name.trim();
    if !(3..=60).contains(&name.chars().count()) {
        problem("name", ErrorCode::PromotionNameRequired);
    }
    let code = VoucherCode::parse(&input.code)
        .map_err(|c| problem("code", c))
        .ok();
    let window = Window::new(input.starts_at, input.ends_at)
        .map_err(|c| problem("ends_at", c))
        .ok();
    let amount_ok = |a: i64| (1..=100_000_000).contains(&a);
    let benefit = match input.benefit {
        BenefitInput::Percent { percent, cap } => match Percent::new(percent) {
            Ok(percent) if cap.is_none_or(amount_ok) => Some(Benefit::PercentOff { percent, cap }),
            Ok(_) => {
                problem("cap", ErrorCode::VoucherAmountOutOfRange);
                None
            }
            Err(c) => {
                problem("percent", c);
                None
            }
        },
        BenefitInput::Amount(amount) if amount_ok(amount) => Some(Benefit::AmountOff { amount }),
        BenefitInput::Amount(_) => {
            problem("amount", ErrorCode::VoucherAmountOutOfRange);
            None
        }
        BenefitInput::FreeShipping { .. } if matches!(owner, Owner::Seller(_)) => {
            problem("benefit", ErrorCode::VoucherNotApplicable);
            None
        }
        BenefitInput::FreeShipping { cap } if cap.is_none_or(amount_ok) => {
            Some(Benefit::FreeShipping { cap })
        }
        BenefitInput::FreeShipping { .. } => {
            problem("cap", ErrorCode::VoucherAmountOutOfRange);
            None
        }
    };
    if !(0..=100_000_000).contains(&input.min_spend) {
        problem("min_spend", ErrorCode::VoucherAmountOutOfRange);
    }
    if !(1..=1_000_000).contains(&input.quota) {
        problem("quota", ErrorCode::VoucherQuotaOutOfRange);
    }
    if !(1..=99).contains(&input.per_buyer_limit) {
        problem("per_buyer_limit", ErrorCode::BuyerLimitOutOfRange);
    }
    let mut products = input.products.clone();
    if let Some(list) = products.as_mut() {
        list.sort();
        list.dedup();
        match owner {
            Owner::Seller(scope) => {
                for product in list.iter() {
                    if catalog::lock_product(tx, scope.seller_id, *product)
                        .await
                        .is_err()
                    {
                        problems.push(FieldError::new("products", ErrorCode::NotFound));
                        break;
                    }
                }
            }
            Owner::Platform(_) => {}
        }
        if list.is_empty() {
            problems.push(FieldError::new("products", ErrorCode::PromotionEmpty));
        }
    }
    if !problems.is_empty() {
        return Err(ServiceError::fields(problems));
    }
    let (Some(code), Some(window), Some(benefit)) = (code, window, benefit) else {
        return Err(ErrorCode::ValidationFailed.into());
    };
    Ok(StoredVoucher {
        id,
        issuer: owner.issuer(),
        code,
        name: name.to_owned(),
        benefit,
        min_spend: input.min_spend,
        window,
        products,
        quota: input.quota,
        claimed: 0,
        used: 0,
        per_buyer_limit: input.per_buyer_limit,
        public: input.public,
        activated_at: None,
        deactivated_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
        updated_by: owner.actor().as_text(),
    })
}

/// The voucher guard: a quota larger than the stock it could be used on,
/// a discount deeper than the threshold.
async fn findings_of(tx: &mut Tx, v: &StoredVoucher) -> ServiceResult<Vec<VoucherFinding>> {
    let stock = match v.seller() {
        Some(seller) => Some(catalog_stock(tx, seller, v.products.as_deref()).await?),
        None => None,
    };
    Ok(voucher_findings(v.benefit, v.min_spend, v.quota, stock))
}

async fn catalog_stock(
    tx: &mut Tx,
    seller: SellerId,
    products: Option<&[ProductId]>,
) -> ServiceResult<i64> {
    let mut total = 0;
    match products {
        Some(list) => {
            for product in list {
                total += catalog::lock_product(tx, seller, *product)
                    .await?
                    .listing
                    .total_stock;
            }
        }
        None => total = catalog::active_stock(tx, seller).await?,
    }
    Ok(total)
}

/// The shop's scheduled and running vouchers with what they cover (the
/// deep-discount guard stacks the deepest one a unit can use).
pub(crate) async fn running_shop_vouchers(
    svc: &Services,
    seller: SellerId,
    now: Timestamp,
) -> ServiceResult<Vec<StoredVoucher>> {
    let vouchers = store::list_vouchers(&svc.store, Issuer::Seller(seller), 200).await?;
    Ok(vouchers
        .into_iter()
        .filter(|v| {
            matches!(
                v.state(now),
                PromotionState::Scheduled | PromotionState::Ongoing
            )
        })
        .collect())
}

/// A buyer claims a voucher (a public one from a page, or any by its
/// code): one more claim if the quota and the buyer's limit allow it.
pub async fn claim(svc: &Services, buyer: UserId, id: VoucherId) -> ServiceResult<StoredVoucher> {
    let voucher = store::find_voucher(&svc.store, id).await?;
    if !voucher.public {
        return Err(ErrorCode::NotFound.into());
    }
    claim_voucher(svc, buyer, voucher).await
}

pub async fn claim_code(svc: &Services, buyer: UserId, code: &str) -> ServiceResult<StoredVoucher> {
    let code = VoucherCode::parse(code).map_err(|c| ServiceError::field("code", c))?;
    let voucher = store::voucher_by_code(&svc.store, &code)
        .await?
        .ok_or_else(|| ServiceError::field("code", ErrorCode::VoucherNotApplicable))?;
    claim_voucher(svc, buyer, voucher).await
}

async fn claim_voucher(
    svc: &Services,
    buyer: UserId,
    voucher: StoredVoucher,
) -> ServiceResult<StoredVoucher> {
    let now = svc.now();
    match voucher.state(now) {
        PromotionState::Ongoing => {}
        PromotionState::Scheduled => return Err(ErrorCode::VoucherNotStarted.into()),
        PromotionState::Draft => return Err(ErrorCode::NotFound.into()),
        PromotionState::Ended | PromotionState::Deactivated => {
            return Err(ErrorCode::VoucherExpired.into());
        }
    }
    let mut tx = svc.store.write().await?;
    match store::claim(&mut tx, voucher.id, buyer, voucher.per_buyer_limit, now).await? {
        ClaimOutcome::Claimed => {
            tx.commit().await?;
            // Its quota may be used up now.
            svc.shop_cache.forget_vouchers();
            Ok(voucher)
        }
        ClaimOutcome::UsedUp => {
            drop(tx); // nothing is kept: a dropped transaction rolls back
            Err(ErrorCode::VoucherUsedUp.into())
        }
        ClaimOutcome::LimitReached => {
            drop(tx); // nothing is kept: a dropped transaction rolls back
            Err(ErrorCode::VoucherLimitReached.into())
        }
    }
}

/// Public vouchers a buyer can claim on a shop's pages now (the Shop's
/// cache may answer: within a second of a change made elsewhere).
pub async fn claimable(svc: &Services, seller: SellerId) -> ServiceResult<Arc<Vec<StoredVoucher>>> {
    if let Some(kept) = svc.shop_cache.vouchers(seller) {
        return Ok(kept);
    }
    let ticket = svc.shop_cache.ticket();
    let read = || async {
        let found = Arc::new(store::claimable_vouchers(&svc.store, seller, svc.now()).await?);
        svc.shop_cache.keep_vouchers(ticket, seller, found.clone());
        Ok(found)
    };
    svc.shop_cache
        .voucher_reads
        .once((seller, ticket), read)
        .await
}

/// Vouchers a buyer holds with claims left.
pub async fn wallet(svc: &Services, buyer: UserId) -> ServiceResult<Vec<StoredVoucher>> {
    Ok(store::wallet(&svc.store, buyer, svc.now()).await?)
}

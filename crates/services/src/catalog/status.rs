//! Moving a product through its life: publish, pause, delete, and the
//! moderation loop (an admin deactivates with a reason; the seller fixes it
//! and asks for review; an admin reinstates it).

use etalase_domain::ErrorCode;
use etalase_domain::audit::Actor;
use etalase_domain::catalog::lifecycle::{ProductEvent, ProductStatus};
use etalase_domain::id::{ProductId, SellerId};
use etalase_domain::notification::NotificationKind;
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::accounts::User;
use etalase_store::catalog;
use etalase_store::inventory::{self, StockChange, StockReason};
use etalase_store::{Tx, audit};

use super::records::product_changed;
use super::{listing, problems};
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

async fn transition(
    tx: &mut Tx,
    seller: SellerId,
    id: ProductId,
    event: ProductEvent,
) -> ServiceResult<(ProductStatus, ProductStatus)> {
    let product = catalog::lock_product(tx, seller, id).await?;
    let next = product.status.after(event)?;
    Ok((product.status, next))
}

/// Publishes a draft or re-activates a paused product, if it is complete;
/// otherwise every missing piece is reported on its field.
pub async fn publish(svc: &Services, scope: &SellerScope, id: ProductId) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let (before, next) = transition(&mut tx, scope.seller_id, id, ProductEvent::Publish).await?;
    let product = catalog::lock_product(&mut tx, scope.seller_id, id).await?;
    let skus = catalog::skus_in_tx(&mut tx, scope.seller_id, id).await?;
    let images = catalog::images_in_tx(&mut tx, scope.seller_id, id).await?;
    let missing = listing::publish_problems(&product, &skus, images.len());
    if !missing.is_empty() {
        return Err(problems(missing));
    }
    catalog::set_status(&mut tx, scope.seller_id, id, next, None, now).await?;
    record(
        &mut tx,
        scope.audit("product.published", "product", &id.to_string()),
        before,
        next,
        now,
    )
    .await?;
    product_changed(&mut tx, scope.seller_id, id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes an active product out of the Shop (the seller's choice).
pub async fn deactivate(svc: &Services, scope: &SellerScope, id: ProductId) -> ServiceResult<()> {
    simple(
        svc,
        scope,
        id,
        ProductEvent::Deactivate,
        "product.deactivated",
    )
    .await
}

/// Deletes a product for good: it leaves the catalog, its SKUs free their
/// codes and their stock is written off in the ledger.
pub async fn delete(svc: &Services, scope: &SellerScope, id: ProductId) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let (before, next) = transition(&mut tx, scope.seller_id, id, ProductEvent::Delete).await?;
    for sku in catalog::skus_in_tx(&mut tx, scope.seller_id, id).await? {
        if sku.stock > 0 {
            let change = StockChange {
                sku: sku.id,
                delta: -sku.stock,
                reason: StockReason::SkuRemoved,
                note: Some("product deleted"),
                actor: scope.actor(),
            };
            inventory::change_stock(&mut tx, scope.seller_id, &change, now).await?;
        }
        catalog::remove_sku(&mut tx, scope.seller_id, sku.id, now).await?;
    }
    catalog::set_status(&mut tx, scope.seller_id, id, next, None, now).await?;
    catalog::replace_description_signature(&mut tx, scope.seller_id, id, None).await?;
    record(
        &mut tx,
        scope.audit("product.deleted", "product", &id.to_string()),
        before,
        next,
        now,
    )
    .await?;
    product_changed(&mut tx, scope.seller_id, id, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn simple(
    svc: &Services,
    scope: &SellerScope,
    id: ProductId,
    event: ProductEvent,
    action: &str,
) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let (before, next) = transition(&mut tx, scope.seller_id, id, event).await?;
    catalog::set_status(&mut tx, scope.seller_id, id, next, None, now).await?;
    record(
        &mut tx,
        scope.audit(action, "product", &id.to_string()),
        before,
        next,
        now,
    )
    .await?;
    product_changed(&mut tx, scope.seller_id, id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Audits a status change; a note in `entry.after` (a moderation reason)
/// is kept beside the new status.
async fn record(
    tx: &mut Tx,
    mut entry: audit::AuditEntry<'_>,
    before: ProductStatus,
    after: ProductStatus,
    now: etalase_domain::Timestamp,
) -> ServiceResult<()> {
    let after = match entry.after.take() {
        Some(note) => format!("{} ({note})", after.as_str()),
        None => after.as_str().to_owned(),
    };
    audit::record(
        tx,
        audit::AuditEntry {
            before: Some(before.as_str().into()),
            after: Some(after),
            ..entry
        },
        now,
    )
    .await?;
    Ok(())
}

/// The seller says a platform-deactivated product is fixed.
pub async fn request_review(
    svc: &Services,
    scope: &SellerScope,
    id: ProductId,
) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let product = catalog::lock_product(&mut tx, scope.seller_id, id).await?;
    if product.status != ProductStatus::PlatformDeactivated {
        return Err(ErrorCode::IllegalTransition.into());
    }
    catalog::request_review(&mut tx, scope.seller_id, id, now).await?;
    audit::record(
        &mut tx,
        scope.audit("product.review_requested", "product", &id.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn admin(user: &User) -> ServiceResult<Actor> {
    if user.is_admin {
        Ok(Actor::User(user.id))
    } else {
        Err(ErrorCode::AdminOnly.into())
    }
}

/// Moderation: an admin takes a product out of the Shop with a reason the
/// seller sees.
pub async fn moderate(
    svc: &Services,
    reviewer: &User,
    seller: SellerId,
    id: ProductId,
    reason: &str,
) -> ServiceResult<()> {
    let actor = admin(reviewer)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::field("reason", ErrorCode::FindingsRequired));
    }
    admin_transition(
        svc,
        actor,
        seller,
        id,
        ProductEvent::PlatformDeactivate,
        Some(reason),
    )
    .await
}

/// An admin accepts the seller's fix and puts the product back.
pub async fn reinstate(
    svc: &Services,
    reviewer: &User,
    seller: SellerId,
    id: ProductId,
) -> ServiceResult<()> {
    let actor = admin(reviewer)?;
    admin_transition(
        svc,
        actor,
        seller,
        id,
        ProductEvent::PlatformReinstate,
        None,
    )
    .await
}

async fn admin_transition(
    svc: &Services,
    actor: Actor,
    seller: SellerId,
    id: ProductId,
    event: ProductEvent,
    reason: Option<&str>,
) -> ServiceResult<()> {
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let (before, next) = transition(&mut tx, seller, id, event).await?;
    catalog::set_status(&mut tx, seller, id, next, reason, now).await?;
    let subject = id.to_string();
    record(
        &mut tx,
        audit::AuditEntry {
            actor,
            seller_id: Some(seller),
            action: match event {
                ProductEvent::PlatformDeactivate => "product.platform_deactivated",
                _ => "product.platform_reinstated",
            },
            subject_type: "product",
            subject_id: &subject,
            before: None,
            after: reason.map(str::to_owned),
        },
        before,
        next,
        now,
    )
    .await?;
    product_changed(&mut tx, seller, id, now).await?;
    // The whole team learns of it in the Seller Center.
    let kind = match event {
        ProductEvent::PlatformDeactivate => NotificationKind::ProductDeactivated,
        _ => NotificationKind::ProductReinstated,
    };
    crate::notifications::tell_team(&mut tx, svc, seller, kind).await?;
    tx.commit().await?;
    Ok(())
}

/// Products for moderators, across shops (review requests first).
pub async fn moderation_list(
    svc: &Services,
    reviewer: &User,
    query: Option<&str>,
    review_requested_only: bool,
) -> ServiceResult<Vec<catalog::ModerationRow>> {
    admin(reviewer)?;
    Ok(catalog::moderation_list(&svc.store, query, review_requested_only, 100).await?)
}

/// One product for moderators: the product, its SKUs and images.
pub async fn moderation_view(
    svc: &Services,
    reviewer: &User,
    id: ProductId,
) -> ServiceResult<super::ProductView> {
    admin(reviewer)?;
    let product = catalog::find_any(&svc.store, id).await?;
    let seller = product.seller_id;
    let skus = catalog::skus_of(&svc.store, seller, id).await?;
    let images = catalog::images_of(&svc.store, seller, id).await?;
    let copied_from = match product.listing.copied_from {
        Some(other) => catalog::product_title_and_shop(&svc.store, other).await?,
        None => None,
    };
    let quality = listing::assess(
        &product,
        &skus,
        &images,
        copied_from.as_ref().map(|(title, _)| title.clone()),
    );
    let publish_problems = listing::publish_problems(&product, &skus, images.len());
    Ok(super::ProductView {
        product,
        skus,
        images,
        quality,
        publish_problems,
        copied_from,
    })
}

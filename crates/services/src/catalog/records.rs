//! What every catalog change leaves behind besides itself: the product's
//! revision, the audit line and the outbox event that tells the sync.

use etalase_domain::Timestamp;
use etalase_domain::audit::Actor;
use etalase_domain::catalog::lifecycle::ProductStatus;
use etalase_domain::catalog::product::ProductDraft;
use etalase_domain::catalog::snapshot::Snapshot;
use etalase_domain::id::ProductId;
use etalase_store::{Tx, audit, catalog, outbox};

use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult};

/// The records of saves — revision, audit line, outbox event — collected
/// and written together: right away for one save, per batch for an import.
#[derive(Default)]
pub(crate) struct SaveLog {
    revisions: Vec<(ProductId, i32, String, Actor)>,
    audits: Vec<(
        Actor,
        etalase_domain::id::SellerId,
        &'static str,
        String,
        String,
    )>,
    events: Vec<(etalase_domain::id::SellerId, ProductId, serde_json::Value)>,
}

impl SaveLog {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        scope: &SellerScope,
        id: ProductId,
        version: i32,
        draft: &ProductDraft,
        action: &'static str,
        score: u8,
        known: &Announced<'_>,
    ) -> ServiceResult<()> {
        let snapshot =
            serde_json::to_string(&Snapshot::of(draft)).map_err(ServiceError::internal)?;
        self.revisions.push((id, version, snapshot, scope.actor()));
        self.audits.push((
            scope.actor(),
            scope.seller_id,
            action,
            id.to_string(),
            format!("version={version} score={score}"),
        ));
        self.events
            .push((scope.seller_id, id, event_payload(id, known)));
        Ok(())
    }

    /// Writes what was collected (three statements) and empties the log.
    pub(crate) async fn flush(&mut self, tx: &mut Tx, now: Timestamp) -> ServiceResult<()> {
        if self.revisions.is_empty() {
            return Ok(());
        }
        catalog::insert_revisions(tx, &self.revisions, now).await?;
        let audits: Vec<audit::AuditEntry<'_>> = self
            .audits
            .iter()
            .map(
                |(actor, seller, action, subject, after)| audit::AuditEntry {
                    actor: *actor,
                    seller_id: Some(*seller),
                    action,
                    subject_type: "product",
                    subject_id: subject,
                    before: None,
                    after: Some(after.clone()),
                },
            )
            .collect();
        audit::record_many(tx, &audits, now).await?;
        let ids: Vec<String> = self
            .events
            .iter()
            .map(|(_, id, _)| id.to_string())
            .collect();
        let events: Vec<outbox::NewEvent<'_, serde_json::Value>> = self
            .events
            .iter()
            .zip(&ids)
            .map(|((seller, _, payload), id)| outbox::NewEvent {
                topic: PRODUCT_CHANGED,
                aggregate_type: "product",
                aggregate_id: id,
                seller_id: Some(*seller),
                payload,
            })
            .collect();
        outbox::append_many(tx, &events, now).await?;
        *self = SaveLog::default();
        Ok(())
    }
}

/// The outbox topic of every change the Shop could show.
pub const PRODUCT_CHANGED: &str = "catalog.product_changed";

fn event_payload(id: ProductId, product: &Announced<'_>) -> serde_json::Value {
    serde_json::json!({
        "product_id": id,
        "version": product.version,
        "status": product.status.as_str(),
        "min_price": product.columns.min_price,
        "total_stock": product.columns.total_stock,
    })
}

/// Tells the sync that the product (content, SKUs, prices, stock or status)
/// changed; the projector reads the product back from the system of record.
pub(crate) async fn product_changed(
    tx: &mut Tx,
    seller: etalase_domain::id::SellerId,
    id: ProductId,
    now: Timestamp,
) -> ServiceResult<()> {
    let product = catalog::lock_product(tx, seller, id).await?;
    let known = Announced {
        version: product.version,
        status: product.status,
        columns: &product.listing,
    };
    announce(tx, seller, id, &known, now).await
}

/// What the outbox event of a product change says.
pub(crate) struct Announced<'a> {
    pub(crate) version: i32,
    pub(crate) status: ProductStatus,
    pub(crate) columns: &'a etalase_store::catalog::ListingColumns,
}

/// The outbox event of a product change, from values already at hand.
async fn announce(
    tx: &mut Tx,
    seller: etalase_domain::id::SellerId,
    id: ProductId,
    product: &Announced<'_>,
    now: Timestamp,
) -> ServiceResult<()> {
    outbox::append(
        tx,
        outbox::NewEvent {
            topic: PRODUCT_CHANGED,
            aggregate_type: "product",
            aggregate_id: &id.to_string(),
            seller_id: Some(seller),
            payload: &event_payload(id, product),
        },
        now,
    )
    .await?;
    Ok(())
}

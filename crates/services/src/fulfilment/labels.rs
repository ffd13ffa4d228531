//! Which packages may be printed: the shop's own orders that have a resi
//! (a label without one tells the courier nothing), at most
//! [`MAX_BATCH`] at a time, in the order the seller chose them.

use etalase_domain::ErrorCode;
use etalase_domain::id::OrderId;
use etalase_domain::policy::{Area, SellerAction};

use super::package::{Package, packages};
use crate::teams::SellerScope;
use crate::{ServiceResult, Services};

/// The most labels one PDF holds.
pub const MAX_BATCH: usize = 200;

/// The packages of `ids` (duplicates once each) for printing.
pub async fn printable(
    svc: &Services,
    scope: &SellerScope,
    ids: &[OrderId],
) -> ServiceResult<Vec<Package>> {
    scope.authorize(SellerAction::read(Area::Fulfillment))?;
    let mut chosen: Vec<OrderId> = Vec::with_capacity(ids.len());
    for id in ids {
        if !chosen.contains(id) {
            chosen.push(*id);
        }
    }
    if chosen.is_empty() {
        return Err(ErrorCode::LabelsNoneChosen.into());
    }
    if chosen.len() > MAX_BATCH {
        return Err(ErrorCode::LabelsTooMany.into());
    }
    let found = packages(svc, scope.seller_id, &chosen).await?;
    if found.iter().any(|p| p.order.fulfilment.resi.is_none()) {
        return Err(ErrorCode::LabelNotReady.into());
    }
    Ok(found)
}

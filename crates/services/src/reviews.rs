//! Buyers review what they bought: one review per order line, once the
//! order arrived and for 30 days after (a second review of
//! the line replaces the first). The review, its product's rating and the
//! sync's event that carries the rating into the Shop are written in one
//! transaction, so a rating shown in the Shop is always the reviews' sum.

use etalase_domain::ErrorCode;
use etalase_domain::audit::Actor;
use etalase_domain::id::{OrderId, ProductId, UserId};
use etalase_domain::reviews::{self, Stars};
use etalase_store::audit;
use etalase_store::checkout::{self as orders, StoredOrder};
use etalase_store::reviews::{self as store, NewReview, StoredReview};

use crate::error::Validation;
use crate::{ServiceResult, Services};

/// How many reviews a product page shows.
pub const SHOWN_ON_PRODUCT: i64 = 10;

/// What the buyer typed.
#[derive(Debug, Clone, Default)]
pub struct ReviewForm {
    pub stars: String,
    pub body: String,
}

/// Reviews one line of a buyer's order (or changes its review).
pub async fn review(
    svc: &Services,
    buyer: UserId,
    order: OrderId,
    line_no: i32,
    form: &ReviewForm,
) -> ServiceResult<()> {
    let mut validation = Validation::default();
    let stars = validation.check("stars", Stars::parse(&form.stars));
    let body = validation.check("body", reviews::review_text(&form.body));
    validation.finish()?;
    let (Some(stars), Some(body)) = (stars, body) else {
        return Err(ErrorCode::ValidationFailed.into());
    };
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let found = orders::order_of_buyer(&mut tx, buyer, order)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    reviews::may_review(found.status, found.fulfilment.delivered_at, now)?;
    let line = orders::lines_of_orders(&mut tx, &[order])
        .await?
        .into_iter()
        .find(|l| l.line_no == line_no)
        .ok_or(ErrorCode::NotFound)?;
    let earlier = store::put_review(
        &mut tx,
        &NewReview {
            order,
            line_no,
            product: line.product,
            seller: found.seller,
            buyer,
            variant: variant_of(&line.title, &line.label),
            stars,
            body: body.as_deref(),
        },
        now,
    )
    .await?;
    let subject = format!("{order}/{line_no}");
    audit::record(
        &mut tx,
        audit::AuditEntry {
            actor: Actor::User(buyer),
            seller_id: Some(found.seller),
            action: "review.written",
            subject_type: "order_line",
            subject_id: &subject,
            before: earlier.map(|s| format!("stars={s}")),
            after: Some(format!("stars={}", stars.get())),
        },
        now,
    )
    .await?;
    // The Shop's listing carries the rating: tell the sync.
    crate::catalog::records::product_changed(&mut tx, found.seller, line.product, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The variant part of an order line's label ("Biru / M" of
/// "Kemeja — Biru / M"); empty for a product without variants.
fn variant_of<'a>(title: &str, label: &'a str) -> &'a str {
    label
        .strip_prefix(title)
        .map(|rest| rest.trim_start_matches(" — ").trim())
        .unwrap_or(label)
}

/// A product's newest reviews (the product page reads its rating from
/// the Shop's listing, and asks for these only when it has reviews).
pub async fn of_product(svc: &Services, product: ProductId) -> ServiceResult<Vec<StoredReview>> {
    Ok(store::reviews_of_product(&svc.store, product, SHOWN_ON_PRODUCT).await?)
}

/// The reviews its buyer gave an order's lines (an order the caller read
/// as the buyer's own).
pub async fn of_order(svc: &Services, order: &StoredOrder) -> ServiceResult<Vec<StoredReview>> {
    Ok(store::reviews_of_order(&svc.store, order.id).await?)
}

//! Placing a checkout: one write transaction that re-reads and re-prices
//! everything against the system of record, compares it with the version
//! the buyer confirmed, and then takes stock (a conditional decrement that
//! never goes below zero), flash-sale units and voucher uses, writes one
//! order per shop with its lines and holds, the audit lines and the outbox
//! events — all of it, or nothing.
//!
//! Exactly once: the checkout's id is the one-time token the checkout form
//! carried. A second submit meets the stored checkout and gets its orders
//! back instead of new ones.

use std::collections::BTreeSet;
use std::sync::Arc;

use etalase_domain::audit::Actor;
use etalase_domain::checkout::Source;
use etalase_domain::content::live::live_promotion_id;
use etalase_domain::id::{CheckoutId, OrderId, ProductId, SellerId, UserId};
use etalase_domain::pricing::OfferKind;
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::checkout::{
    self as store, Fulfilment, Hold, StoredCheckout, StoredHold, StoredOrder, StoredOrderLine,
};
use etalase_store::inventory::{self, StockChange, StockOutcome, StockReason};
use etalase_store::pricing::{self as pricing_store, ClaimOutcome, FlashTake};
use etalase_store::{Reader, Tx, audit, catalog, outbox};

use super::ORDER_CHANGED;
use super::summary::{self, CheckoutChoice, CheckoutSummary, summary_with};
use crate::batch::{Done, Shared};
use crate::pricing::quote::SharedReads;
use crate::{FieldError, ServiceError, ServiceResult, Services, attribution, idempotency};

#[derive(Debug, Clone)]
pub struct PlaceRequest {
    /// The form's one-time token.
    pub checkout: CheckoutId,
    /// The version of the summary the buyer confirmed.
    pub confirmed_version: String,
    pub choice: CheckoutChoice,
}

#[derive(Debug, Clone)]
pub struct PlacedCheckout {
    pub checkout: StoredCheckout,
    pub orders: Vec<StoredOrder>,
    /// The same token was placed before: these are the first result.
    pub replayed: bool,
    /// The products whose stock it moved (their stock totals and the
    /// sync's events are written once per batch; see `after_orders`).
    pub products: Vec<(SellerId, ProductId)>,
}

#[derive(Debug, Clone)]
pub enum PlaceOutcome {
    Placed(PlacedCheckout),
    /// Something the buyer pays changed since they confirmed: nothing was
    /// written; here is the new summary to confirm.
    Changed(Box<CheckoutSummary>),
}

/// Why the transaction stopped before its commit.
enum Stop {
    /// Another buyer took the last flash units or voucher uses between
    /// this transaction's read and its write (PostgreSQL's concurrent
    /// writers): the summary is made again for the buyer to confirm.
    Raced,
    Failed(ServiceError),
}

impl<E: Into<ServiceError>> From<E> for Stop {
    fn from(e: E) -> Self {
        Stop::Failed(e.into())
    }
}

/// How a placing's answer is kept under an idempotency key: the caller
/// renders the outcome as replays will send it (status and body); `None`
/// for a failure on our side, which keeps nothing and frees the key.
pub type Render =
    Arc<dyn Fn(Result<&PlaceOutcome, &ServiceError>) -> Option<(u16, String)> + Send + Sync>;

/// An idempotency key whose answer is kept in the same transaction as the
/// orders it guards: no durable commit of its own, and the key and the
/// orders are stored together or not at all.
pub struct KeptAnswer {
    pub keyed: idempotency::Keyed,
    pub render: Render,
}

/// What a placing under an idempotency key came to.
pub enum KeyedPlacing {
    /// This request ran; its answer is kept with the key (unless it failed
    /// on our side).
    Ran(ServiceResult<PlaceOutcome>),
    /// Another request with the same key (on another node) answered first.
    Replay { status: u16, body: String },
}

pub async fn place(
    svc: &Services,
    buyer: UserId,
    request: &PlaceRequest,
) -> ServiceResult<PlaceOutcome> {
    match run(svc, buyer, request, None).await? {
        Ran::Outcome(outcome) => Ok(outcome),
        Ran::KeyAnswered => Err(ErrorCode::IdempotencyInProgress.into()),
    }
}

/// [`place`] under an idempotency key (the buyer API's `Idempotency-Key`).
pub async fn place_keyed(
    svc: &Services,
    buyer: UserId,
    request: &PlaceRequest,
    kept: KeptAnswer,
) -> ServiceResult<KeyedPlacing> {
    let kept = Arc::new(kept);
    match run(svc, buyer, request, Some(kept.clone())).await {
        Ok(Ran::Outcome(outcome)) => Ok(KeyedPlacing::Ran(Ok(outcome))),
        Ok(Ran::KeyAnswered) => {
            let (status, body) = idempotency::answer_of(svc, &kept.keyed).await?;
            Ok(KeyedPlacing::Replay { status, body })
        }
        Err(e) => Ok(KeyedPlacing::Ran(Err(e))),
    }
}

enum Ran {
    Outcome(PlaceOutcome),
    KeyAnswered,
}

async fn run(
    svc: &Services,
    buyer: UserId,
    request: &PlaceRequest,
    kept: Option<Arc<KeptAnswer>>,
) -> ServiceResult<Ran> {
    if let Some(placed) = replay(svc, buyer, request.checkout).await? {
        return Ok(Ran::Outcome(PlaceOutcome::Placed(placed)));
    }
    let (unit_svc, unit_request) = (svc.clone(), request.clone());
    let attempt = svc
        .orders
        .run(move |tx, shared| {
            Box::pin(async move {
                let mut value = attempt(&unit_svc, tx, shared, buyer, &unit_request).await;
                let placed = matches!(value, Ok(Attempt::Answer(PlaceOutcome::Placed(_))));
                let keep = match &kept {
                    None => placed,
                    Some(kept) => match keep_answer(&unit_svc, tx, kept, &value, placed).await {
                        Ok(KeyFate::Kept) => true,
                        Ok(KeyFate::Nothing) if placed => {
                            // Orders whose answer cannot be kept would be
                            // placed again by a retry: none at all.
                            value = Err(ServiceError::from(ErrorCode::Internal));
                            false
                        }
                        Ok(KeyFate::Nothing) => false,
                        Ok(KeyFate::AnsweredElsewhere) => {
                            value = Ok(Attempt::KeyAnswered);
                            false
                        }
                        Err(e) => {
                            value = Err(e);
                            false
                        }
                    },
                };
                let products = match &value {
                    Ok(Attempt::Answer(PlaceOutcome::Placed(p))) if keep => p.products.clone(),
                    _ => Vec::new(),
                };
                Done {
                    keep,
                    value,
                    products,
                }
            })
        })
        .await??;
    match attempt {
        Attempt::Answer(PlaceOutcome::Placed(placed)) => {
            if placed
                .orders
                .iter()
                .any(|o| o.discount > 0 || o.shipping_discount > 0)
            {
                // Their quotas moved.
                svc.shop_cache.forget_vouchers();
            }
            if !placed.replayed {
                crate::content::live::after_orders(svc, &placed.orders, &placed.products);
            }
            svc.attribution
                .record_orders(placed.orders.iter().map(|o| attribution::PlacedOrder {
                    order: o.id,
                    seller: o.seller,
                    buyer: o.buyer,
                }));
            Ok(Ran::Outcome(PlaceOutcome::Placed(placed)))
        }
        Attempt::Answer(changed) => Ok(Ran::Outcome(changed)),
        Attempt::TokenTaken => {
            // The same token committed in a concurrent batch.
            let placed = replay(svc, buyer, request.checkout).await?;
            placed
                .map(|p| Ran::Outcome(PlaceOutcome::Placed(p)))
                .ok_or_else(|| ServiceError::from(ErrorCode::IdempotencyInProgress))
        }
        Attempt::Raced => {
            // Not kept under a key: the retry is priced afresh.
            let fresh = summary::summary(svc, buyer, &request.choice).await?;
            Ok(Ran::Outcome(PlaceOutcome::Changed(Box::new(fresh))))
        }
        Attempt::KeyAnswered => Ok(Ran::KeyAnswered),
    }
}

/// What became of a keyed placing's answer.
enum KeyFate {
    /// Kept with the key (and, when placed, with the orders).
    Kept,
    /// Nothing to keep: a failure on our side, or a race priced again.
    Nothing,
    /// Another request with the key answered first.
    AnsweredElsewhere,
}

/// Keeps a keyed placing's answer with its work, inside the unit's
/// savepoint: a placed checkout keeps its orders and the key; a refusal
/// (or a changed quote) undoes whatever the attempt wrote and keeps only
/// the key with that answer. Unless kept, the unit is rolled back.
async fn keep_answer(
    svc: &Services,
    tx: &mut Tx,
    kept: &KeptAnswer,
    value: &ServiceResult<Attempt>,
    placed: bool,
) -> ServiceResult<KeyFate> {
    let answer = match value {
        Ok(Attempt::Answer(outcome)) => (kept.render)(Ok(outcome)),
        Err(e) => (kept.render)(Err(e)),
        Ok(Attempt::TokenTaken | Attempt::Raced | Attempt::KeyAnswered) => None,
    };
    let Some((status, body)) = answer else {
        return Ok(KeyFate::Nothing);
    };
    if !placed {
        tx.undo_to_savepoint().await?;
    }
    Ok(
        if idempotency::keep_answer(tx, &kept.keyed, (status, &body), svc.now()).await? {
            KeyFate::Kept
        } else {
            KeyFate::AnsweredElsewhere
        },
    )
}

/// How one placing went inside its batch.
enum Attempt {
    /// Placed, or the quote changed (nothing written).
    Answer(PlaceOutcome),
    /// The token was placed already (by a concurrent request).
    TokenTaken,
    /// A flash quota or voucher ran out between the read and the write.
    Raced,
    /// Another request with the same idempotency key answered first.
    KeyAnswered,
}

/// One placing, inside the batch's transaction: re-price everything
/// against the system of record, compare with the confirmed version, then
/// write (or leave nothing: the batch rolls this unit back).
async fn attempt(
    svc: &Services,
    tx: &mut Tx,
    shared: &mut Shared,
    buyer: UserId,
    request: &PlaceRequest,
) -> ServiceResult<Attempt> {
    let now = shared.at;
    let summary = {
        let mut reader = Reader::from(&mut *tx);
        let reads = shared.memo::<SharedReads>();
        summary_with(svc, &mut reader, buyer, &request.choice, now, Some(reads)).await?
    };
    if summary.version != request.confirmed_version {
        return Ok(Attempt::Answer(PlaceOutcome::Changed(Box::new(summary))));
    }
    if !summary.problems.is_empty() {
        let fields = summary
            .problems
            .iter()
            .map(|(field, code)| FieldError::new(field.clone(), *code))
            .collect();
        return Err(ServiceError::fields(fields));
    }
    match write_orders(svc, tx, buyer, request.checkout, &summary).await {
        Ok(Some(placed)) => Ok(Attempt::Answer(PlaceOutcome::Placed(placed))),
        Ok(None) => Ok(Attempt::TokenTaken),
        Err(Stop::Raced) => Ok(Attempt::Raced),
        Err(Stop::Failed(e)) => Err(e),
    }
}

/// The first result of a token placed before (none when it is new).
async fn replay(
    svc: &Services,
    buyer: UserId,
    id: CheckoutId,
) -> ServiceResult<Option<PlacedCheckout>> {
    let Some(checkout) = store::checkout_by_id(&svc.store, id).await? else {
        return Ok(None);
    };
    if checkout.buyer != buyer {
        return Err(ErrorCode::NotFound.into());
    }
    let orders = store::orders_of_checkout(&svc.store, id).await?;
    Ok(Some(PlacedCheckout {
        checkout,
        orders,
        replayed: true,
        products: Vec::new(),
    }))
}

/// Everything a placed checkout writes; `None` when its token was taken.
async fn write_orders(
    svc: &Services,
    tx: &mut Tx,
    buyer: UserId,
    id: CheckoutId,
    summary: &CheckoutSummary,
) -> Result<Option<PlacedCheckout>, Stop> {
    let now = summary.quote.at;
    let method = summary.method;
    let pay_by = svc.config.payments.pay_by(method, now);
    let checkout = StoredCheckout {
        id,
        buyer,
        method,
        total: summary.total(),
        quote_version: summary.version.clone(),
        pay_by,
        placed_at: now,
    };
    if !store::insert_checkout(tx, &checkout).await? {
        return Ok(None);
    }
    // Every product's row first, in one order for all checkouts: the
    // order lines' keys and the stock totals lock them later, and two
    // checkouts taking them in different orders would deadlock.
    let products: Vec<ProductId> = summary
        .quote
        .breakdown
        .shops
        .iter()
        .flat_map(|s| s.lines.iter().map(|l| l.product))
        .collect();
    catalog::lock_products(tx, &products).await?;
    let address = summary.address.as_ref().ok_or(ErrorCode::AddressRequired)?;
    let address_json = serde_json::to_string(&address.address).map_err(ServiceError::internal)?;
    let actor = Actor::User(buyer);
    let mut orders = Vec::new();
    // How many holds each order has (voucher holds are numbered after a
    // shop's flash holds).
    let mut held: Vec<(OrderId, i32)> = Vec::new();
    let mut touched: BTreeSet<(SellerId, ProductId)> = BTreeSet::new();
    for shop in &summary.quote.breakdown.shops {
        let shop_package = summary.packages.iter().find(|p| p.seller == shop.seller);
        let package = shop_package
            .and_then(|p| p.chosen.as_ref())
            .ok_or(ErrorCode::ShippingUnavailable)?;
        let preorder_days = shop_package.and_then(|p| p.preorder_days);
        let order_id = OrderId::generate();
        let note = order_id.to_string();
        let mut holds = Vec::new();
        let mut lines = Vec::new();
        for (n, line) in shop.lines.iter().enumerate() {
            let change = StockChange {
                sku: line.sku,
                delta: -line.quantity,
                reason: StockReason::OrderReserved,
                note: Some(&note),
                actor,
            };
            if let StockOutcome::Refused { level } =
                inventory::change_stock(tx, shop.seller, &change, now).await?
            {
                let code = if level == 0 {
                    ErrorCode::OutOfStock
                } else {
                    ErrorCode::StockShort
                };
                return Err(Stop::Failed(ServiceError::field(
                    format!("sku.{}", line.sku),
                    code,
                )));
            }
            touched.insert((shop.seller, line.product));
            for segment in &line.segments {
                let Some(applied) = &segment.price.applied else {
                    continue;
                };
                if let OfferKind::Live { live } = applied.kind
                    && applied.promotion != live_promotion_id(live)
                {
                    // A live's flash deal: its quota is the live's own.
                    if !etalase_store::lives::prices::take_flash_units(
                        tx,
                        applied.promotion,
                        line.sku,
                        segment.quantity,
                    )
                    .await?
                    {
                        return Err(Stop::Raced);
                    }
                    holds.push((
                        Hold::Flash {
                            promotion: applied.promotion,
                            sku: line.sku,
                        },
                        segment.quantity,
                    ));
                }
                if let OfferKind::FlashSale {
                    per_buyer_limit, ..
                } = applied.kind
                {
                    let taken = pricing_store::take_flash_units(
                        tx,
                        applied.promotion,
                        line.sku,
                        &buyer.to_string(),
                        segment.quantity,
                        per_buyer_limit,
                    )
                    .await?;
                    if !matches!(taken, FlashTake::Taken { .. }) {
                        return Err(Stop::Raced);
                    }
                    holds.push((
                        Hold::Flash {
                            promotion: applied.promotion,
                            sku: line.sku,
                        },
                        segment.quantity,
                    ));
                }
            }
            let cart_line = summary.lines.iter().find(|(c, _)| c.sku == line.sku);
            let source = cart_line.map_or(Source::ProductPage, |(c, _)| c.source);
            let named = &summary.quote.skus[&line.sku];
            lines.push(StoredOrderLine {
                order: order_id,
                line_no: n as i32 + 1,
                sku: line.sku,
                product: line.product,
                title: named.title.clone(),
                label: named.label.clone(),
                quantity: line.quantity,
                subtotal: line.subtotal,
                net: line.net,
                segments: serde_json::to_string(&line.segments).map_err(ServiceError::internal)?,
                source,
            });
        }
        let discount: i64 = shop.discounts.iter().map(|d| d.amount).sum();
        let order = StoredOrder {
            id: order_id,
            checkout: id,
            buyer,
            seller: shop.seller,
            status: method.first_status(),
            method,
            items_subtotal: shop.items_subtotal,
            discount,
            shipping: shop.shipping,
            shipping_discount: shop.shipping_discount,
            total: shop.total,
            shipping_service: package.service.code().to_string(),
            shipping_option: serde_json::to_string(package).map_err(ServiceError::internal)?,
            address: address_json.clone(),
            breakdown: serde_json::to_string(shop).map_err(ServiceError::internal)?,
            source: order_source(&lines),
            pay_by,
            placed_at: now,
            paid_at: None,
            cancelled_at: None,
            cancelled_by: None,
            cancel_reason: None,
            version: 1,
            updated_at: now,
            fulfilment: ready_to_ship(svc, method, preorder_days, now),
        };
        store::insert_order(tx, &order).await?;
        for line in &lines {
            store::insert_order_line(tx, line).await?;
        }
        if order.status.counts_as_sold() {
            // A COD order is a sale at once (the batch's last step tells
            // the Shop about its products); a gateway order when paid.
            let units: Vec<_> = lines.iter().map(|l| (l.product, l.quantity)).collect();
            store::add_units_sold(tx, &units, now).await?;
        }
        held.push((order_id, holds.len() as i32));
        for (n, (hold, units)) in holds.into_iter().enumerate() {
            let hold = StoredHold {
                hold_no: n as i32 + 1,
                hold,
                units,
            };
            store::insert_hold(tx, order_id, &hold).await?;
        }
        orders.push(order);
    }
    use_vouchers(tx, buyer, summary, &orders, &mut held).await?;
    for order in &orders {
        announce(tx, order, "placed", actor, now).await?;
    }
    let bought: Vec<_> = summary.lines.iter().map(|(c, _)| c.sku).collect();
    store::remove_cart_lines(tx, summary.cart, &bought, now).await?;
    Ok(Some(PlacedCheckout {
        checkout,
        orders,
        replayed: false,
        products: touched.into_iter().collect(),
    }))
}

/// A new order's fulfilment: a COD order is the seller's to send at once,
/// so its ship-by clock starts now; a gateway order's starts when paid.
fn ready_to_ship(
    svc: &Services,
    method: etalase_domain::checkout::PaymentMethod,
    preorder_days: Option<i32>,
    now: Timestamp,
) -> Fulfilment {
    let ready = method.first_status() == etalase_domain::checkout::OrderStatus::AwaitingShipment;
    Fulfilment {
        preorder_days,
        ready_at: ready.then_some(now),
        ship_by: ready.then(|| crate::fulfilment::ship::ship_by(svc, now, preorder_days)),
        ..Fulfilment::default()
    }
}

/// Takes one use of each voucher that gave a discount, held by the order
/// of its shop (a shop voucher) or the checkout's first order (a platform
/// or shipping voucher): cancelling that order gives the use back.
async fn use_vouchers(
    tx: &mut Tx,
    buyer: UserId,
    summary: &CheckoutSummary,
    orders: &[StoredOrder],
    held: &mut [(OrderId, i32)],
) -> Result<(), Stop> {
    let now = summary.quote.at;
    for discount in &summary.quote.breakdown.discounts {
        let Some(limit) = summary
            .vouchers
            .iter()
            .find(|(v, _)| *v == discount.voucher)
            .map(|(_, limit)| *limit)
        else {
            return Err(Stop::Failed(ServiceError::internal(
                etalase_store::StoreError::Corrupt(
                    "a discount from a voucher the summary did not read".into(),
                ),
            )));
        };
        match pricing_store::use_voucher(tx, discount.voucher, buyer, limit, now).await? {
            ClaimOutcome::Claimed => {}
            ClaimOutcome::UsedUp | ClaimOutcome::LimitReached => return Err(Stop::Raced),
        }
        let holder = summary
            .quote
            .breakdown
            .shops
            .iter()
            .position(|s| s.discounts.iter().any(|d| d.voucher == discount.voucher))
            .unwrap_or(0);
        let order = orders[holder].id;
        let Some((_, count)) = held.iter_mut().find(|(o, _)| *o == order) else {
            return Err(Stop::Failed(ServiceError::internal(
                etalase_store::StoreError::Corrupt("a voucher held by no order".into()),
            )));
        };
        *count += 1;
        let hold_no = *count;
        let hold = StoredHold {
            hold_no,
            hold: Hold::Voucher(discount.voucher),
            units: 1,
        };
        store::insert_hold(tx, order, &hold).await?;
    }
    Ok(())
}

/// An order's source: the live or video that sold any of its lines first,
/// else the first line's.
fn order_source(lines: &[StoredOrderLine]) -> Source {
    lines
        .iter()
        .map(|l| l.source)
        .find(|s| matches!(s, Source::Live(_) | Source::Video(_)))
        .or_else(|| lines.first().map(|l| l.source))
        .unwrap_or(Source::ProductPage)
}

/// The audit line and the outbox event of an order's change.
pub(crate) async fn announce(
    tx: &mut Tx,
    order: &StoredOrder,
    what: &str,
    actor: Actor,
    now: Timestamp,
) -> ServiceResult<()> {
    let id = order.id.to_string();
    audit::record(
        tx,
        audit::AuditEntry {
            actor,
            seller_id: Some(order.seller),
            action: &format!("order.{what}"),
            subject_type: "order",
            subject_id: &id,
            before: None,
            after: Some(format!(
                "status={} total={} method={}",
                order.status.as_str(),
                order.total,
                order.method.as_str()
            )),
        },
        now,
    )
    .await?;
    outbox::append(
        tx,
        outbox::NewEvent {
            topic: ORDER_CHANGED,
            aggregate_type: "order",
            aggregate_id: &id,
            seller_id: Some(order.seller),
            payload: &serde_json::json!({
                "order_id": order.id,
                "checkout_id": order.checkout,
                "what": what,
                "status": order.status.as_str(),
                "total": order.total,
                "source": order.source,
            }),
        },
        now,
    )
    .await?;
    Ok(())
}

/// A batch of orders' follow-up: each moved product's stock total and one
/// sync event, once per product however many orders moved it.
pub(crate) fn after_orders() -> crate::batch::Epilogue {
    std::sync::Arc::new(move |tx, products, now| {
        Box::pin(async move {
            for (seller, product) in products {
                catalog::refresh_total_stock(tx, product).await?;
                crate::catalog::records::product_changed(tx, seller, product, now)
                    .await
                    .map_err(|e| etalase_store::StoreError::Corrupt(e.to_string()))?;
            }
            Ok(())
        })
    })
}

//! What a placed checkout writes, inside its unit of the batch: the
//! checkout, the stock taken (a conditional decrement), flash units and
//! voucher uses, one order per shop with its lines and holds, the audit
//! lines and outbox events, and the bought lines out of the cart.

use std::collections::BTreeSet;

use etalase_domain::audit::Actor;
use etalase_domain::checkout::Source;
use etalase_domain::content::live::live_promotion_id;
use etalase_domain::id::{OrderId, ProductId, SellerId, UserId};
use etalase_domain::pricing::OfferKind;
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::checkout::{
    self as store, Fulfilment, Hold, StoredCheckout, StoredHold, StoredOrder, StoredOrderLine,
};
use etalase_store::inventory::{self, StockChange, StockOutcome, StockReason};
use etalase_store::pricing::{self as pricing_store, ClaimOutcome, FlashTake};
use etalase_store::{Tx, audit, catalog, outbox};

use super::{CheckoutToken, PlacedCheckout};
use crate::checkout::ORDER_CHANGED;
use crate::checkout::summary::CheckoutSummary;
use crate::{ServiceError, ServiceResult, Services};

/// Why the transaction stopped before its commit.
pub(super) enum Stop {
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

/// Everything a placed checkout writes; `None` when its token was taken.
pub(super) async fn write_orders(
    svc: &Services,
    tx: &mut Tx,
    buyer: UserId,
    token: CheckoutToken,
    summary: &CheckoutSummary,
) -> Result<Option<PlacedCheckout>, Stop> {
    let now = summary.quote.at;
    let method = summary.method;
    let pay_by = svc.config.payments.pay_by(method, now);
    let checkout = StoredCheckout {
        id: token.id(),
        buyer,
        method,
        total: summary.total(),
        quote_version: summary.version.clone(),
        pay_by,
        placed_at: now,
    };
    match token {
        // Nothing can hold a token made for this request: its row is
        // collected with the batch's other rows.
        CheckoutToken::New(_) => store::append_checkout(tx, &checkout).await?,
        CheckoutToken::Carried(_) => {
            if !store::insert_checkout(tx, &checkout).await? {
                return Ok(None);
            }
        }
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
                let taken = match applied.kind {
                    // A live's flash deal: its quota is the live's own.
                    OfferKind::Live { live } if applied.promotion != live_promotion_id(live) => {
                        etalase_store::lives::prices::take_flash_units(
                            tx,
                            applied.promotion,
                            line.sku,
                            segment.quantity,
                        )
                        .await?
                    }
                    OfferKind::FlashSale {
                        per_buyer_limit, ..
                    } => matches!(
                        pricing_store::take_flash_units(
                            tx,
                            applied.promotion,
                            line.sku,
                            &buyer.to_string(),
                            segment.quantity,
                            per_buyer_limit,
                        )
                        .await?,
                        FlashTake::Taken { .. }
                    ),
                    // No quota to take.
                    _ => continue,
                };
                if !taken {
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
            checkout: checkout.id,
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
    store::remove_bought_lines(tx, summary.cart, &bought).await?;
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

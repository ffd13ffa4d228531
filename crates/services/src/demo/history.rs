//! `etalase generate-orders`: years of order history for one shop, to
//! measure Seller Center's order lists at scale and to try them full.
//!
//! First one real order per shipping service the shop's buyer can choose
//! (each of another SKU of the shop) is placed through the checkout (so
//! every shipping choice, price breakdown and address is one the checkout
//! itself wrote); the history is then made of copies of those orders,
//! placed across `days` up to now
//! and written in bulk. Each copy went as far as its age allows, with the
//! platform's own deadlines: the last day's orders wait to be sent, a few
//! are being collected, then in transit, delivered, and the rest completed
//! after the return window, some cancelled on the way (by the buyer, the
//! seller or a missed ship-by deadline) and a few sent late. Every shipped
//! copy has a resi of its courier's shape, unique to it. Copies take no
//! stock (they are past sales) and carry no timeline lines; the shop's
//! units sold are counted again from all its orders.

use etalase_domain::checkout::{OrderStatus, PaymentMethod};
use etalase_domain::id::{CheckoutId, OrderId, ProductId, SellerId, SkuId};
use etalase_domain::orders::{CancelReason, CancelledBy, Resi, ShippingMode};
use etalase_domain::shipping::{Courier, Service};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::checkout::{self as orders_store, StoredCheckout, StoredOrder, StoredOrderLine};
use etalase_store::fulfilment::history::{PastOrder, insert_past_orders};
use etalase_store::fulfilment::{self as store, SellerOrderQuery};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ulid::Ulid;

use crate::{ServiceError, ServiceResult, Services};

/// How much history to write.
#[derive(Debug, Clone, Copy)]
pub struct HistoryPlan {
    pub orders: usize,
    /// How far back the first order was placed.
    pub days: i64,
    pub seed: u64,
}

/// The most orders one run writes.
pub const MAX_ORDERS: usize = 5_000_000;

/// What a run wrote, and a few orders to look up afterwards.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub written: usize,
    /// Orders written per status.
    pub by_status: Vec<(OrderStatus, usize)>,
    /// The resi of an old completed order (a search to try).
    pub sample_resi: Option<Resi>,
    /// A recipient's name that appears in the history.
    pub sample_recipient: String,
}

const FIRST_NAMES: [&str; 16] = [
    "Andi", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hendra", "Indah", "Joko", "Kartika",
    "Lestari", "Made", "Nur", "Putu", "Rina",
];
const LAST_NAMES: [&str; 12] = [
    "Saputra",
    "Wijaya",
    "Pratama",
    "Lestari",
    "Santoso",
    "Hidayat",
    "Nugroho",
    "Kusuma",
    "Siregar",
    "Harahap",
    "Wibowo",
    "Rahmawati",
];

/// Orders written per transaction.
const BATCH: usize = 2_000;

/// Writes `plan.orders` past orders for `seller`, whose shop must have at
/// least one order already (its buyer and first SKU are the templates').
pub async fn generate(
    svc: &Services,
    seller: SellerId,
    plan: HistoryPlan,
    mut progress: impl FnMut(usize),
) -> ServiceResult<History> {
    if plan.orders == 0 || plan.orders > MAX_ORDERS || plan.days < 2 {
        return Err(ErrorCode::ValidationFailed.into());
    }
    let templates = templates(svc, seller).await?;
    // Serials nobody used yet: the shop's order count so far.
    let existing =
        store::count_seller_orders(&svc.store, seller, &SellerOrderQuery::default()).await? as u64;
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let now = svc.now();
    let span_ms = plan.days * 86_400_000;
    let start = now.unix_millis() - span_ms;
    let mut history = History::default();
    let mut counts: Vec<(OrderStatus, usize)> = OrderStatus::ALL.iter().map(|s| (*s, 0)).collect();
    let sample_at = plan.orders / 3;
    let mut batch = Vec::with_capacity(BATCH);
    for n in 0..plan.orders {
        let template = &templates[n % templates.len()];
        // Evenly spread, oldest first, the last one a minute ago.
        let placed = Timestamp::from_unix_millis(
            start + (span_ms - 60_000) * n as i64 / plan.orders as i64 + rng.random_range(0..1000),
        );
        let serial = 90_000_000 + existing + n as u64;
        let recipient = format!(
            "{} {}",
            FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())],
            LAST_NAMES[rng.random_range(0..LAST_NAMES.len())]
        );
        let past = copy_of(svc, template, placed, now, serial, &recipient, &mut rng)?;
        if n == sample_at {
            history.sample_resi = past.order.fulfilment.resi.clone();
            history.sample_recipient = recipient;
        }
        if let Some(c) = counts.iter_mut().find(|(s, _)| *s == past.order.status) {
            c.1 += 1;
        }
        batch.push(past);
        if batch.len() == BATCH || n + 1 == plan.orders {
            let mut tx = svc.store.write().await?;
            insert_past_orders(&mut tx, &batch).await?;
            tx.commit().await?;
            history.written += batch.len();
            batch.clear();
            progress(history.written);
        }
    }
    // The copies did not go through the transactions that count sales:
    // count the shop's again, and let the Shop show the new counts of the
    // products the copies sold (the templates' own).
    let mut sold: Vec<ProductId> = templates
        .iter()
        .flat_map(|(_, lines)| lines.iter().map(|l| l.product))
        .collect();
    sold.sort();
    sold.dedup();
    let mut tx = svc.store.write().await?;
    orders_store::recount_units_sold(&mut tx, seller, now).await?;
    for product in sold {
        crate::catalog::records::product_changed(&mut tx, seller, product, now).await?;
    }
    tx.commit().await?;
    svc.store.refresh_statistics().await?;
    history.by_status = counts.into_iter().filter(|(_, n)| *n > 0).collect();
    Ok(history)
}

/// A real order of the shop for each shipping service its buyer can
/// choose, placed now through the checkout (COD where the service takes
/// it), each with its lines.
async fn templates(
    svc: &Services,
    seller: SellerId,
) -> ServiceResult<Vec<(StoredOrder, Vec<StoredOrderLine>)>> {
    let first = SellerOrderQuery {
        limit: 1,
        ..SellerOrderQuery::default()
    };
    let Some(model) = store::seller_orders(&svc.store, seller, &first)
        .await?
        .into_iter()
        .next()
    else {
        return Err(ErrorCode::NotFound.into());
    };
    let lines = orders_store::lines_of_orders(&svc.store, &[model.id]).await?;
    let Some(line) = lines.first() else {
        return Err(ErrorCode::NotFound.into());
    };
    let skus = skus_in_stock(svc, seller, line.sku).await?;
    let mut placed = Vec::new();
    for (n, service) in Service::ALL.into_iter().enumerate() {
        // Each service with another SKU, so the history sells the catalog
        // (the next one when a SKU cannot be bought with it).
        let tries = (0..skus.len().min(4)).map(|k| skus[(n + k) % skus.len()]);
        'service: for (sku, method) in
            tries.flat_map(|sku| [(sku, PaymentMethod::Cod), (sku, PaymentMethod::Gateway)])
        {
            let bought = super::orders::buy_with(
                svc,
                model.buyer,
                sku,
                model.source,
                method,
                vec![(seller, service)],
            )
            .await;
            let Ok(id) = bought else {
                // Not bought: nothing of it may stay in the buyer's cart.
                let shopper = crate::checkout::Shopper::Buyer(model.buyer);
                crate::checkout::cart::remove(svc, &shopper, &[sku]).await?;
                continue;
            };
            let Some(order) = orders_store::order_by_id(&svc.store, id).await? else {
                continue;
            };
            // The checkout may have chosen another service (this one does
            // not reach the buyer): keep one order per service.
            if order.shipping_service == service.code() {
                placed.push(order);
                break 'service;
            }
        }
    }
    if placed.is_empty() {
        placed.push(model);
    }
    crate::fulfilment::seller::with_lines(svc, placed).await
}

/// `first`, then the SKUs with stock to sell of the shop's products listed
/// in the Shop (its first page of them is plenty: one SKU per service).
async fn skus_in_stock(
    svc: &Services,
    seller: SellerId,
    first: SkuId,
) -> ServiceResult<Vec<SkuId>> {
    let listed = etalase_store::shop::feed(
        &svc.store,
        &etalase_store::shop::FeedQuery {
            order: etalase_store::shop::FeedOrder::Ranked,
            seller: Some(seller),
            category: None,
            words: &[],
            offset: 0,
            limit: 24,
        },
    )
    .await?;
    let mut skus = vec![first];
    for listing in listed {
        for sku in etalase_store::catalog::skus_of(&svc.store, seller, listing.product_id).await? {
            if sku.stock >= 10 && sku.price.is_some() && !skus.contains(&sku.id) {
                skus.push(sku.id);
            }
        }
    }
    Ok(skus)
}

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// A copy of `template` placed at `placed`, gone as far as its age allows.
fn copy_of(
    svc: &Services,
    (template, lines): &(StoredOrder, Vec<StoredOrderLine>),
    placed: Timestamp,
    now: Timestamp,
    serial: u64,
    recipient: &str,
    rng: &mut StdRng,
) -> ServiceResult<PastOrder> {
    let policy = &svc.config.fulfilment;
    let id = OrderId::from_ulid(Ulid::from_parts(placed.unix_millis() as u64, rng.random()));
    let checkout =
        CheckoutId::from_ulid(Ulid::from_parts(placed.unix_millis() as u64, rng.random()));
    let paid_at = match template.method {
        PaymentMethod::Cod => None,
        PaymentMethod::Gateway => Some(placed.plus_seconds(rng.random_range(60..1800))),
    };
    let ready = paid_at.unwrap_or(placed);
    let ship_by = crate::fulfilment::ship::ship_by(svc, ready, None);
    let courier: Courier = Service::parse(&template.shipping_service)
        .map(Service::courier)
        .unwrap_or(Courier::Jne);
    let mut order = StoredOrder {
        id,
        checkout,
        status: OrderStatus::AwaitingShipment,
        address: with_recipient(&template.address, recipient)?,
        pay_by: None,
        placed_at: placed,
        paid_at,
        cancelled_at: None,
        cancelled_by: None,
        cancel_reason: None,
        version: 1 + i32::from(paid_at.is_some()),
        updated_at: ready,
        fulfilment: etalase_store::checkout::Fulfilment {
            ready_at: Some(ready),
            ship_by: Some(ship_by),
            ..Default::default()
        },
        ..template.clone()
    };
    let roll: f64 = rng.random();
    let age = now.seconds_since(ready);
    let f = &mut order.fulfilment;
    if age > 2 * DAY && roll < 0.03 {
        // The buyer changed their mind before it was sent.
        order.status = OrderStatus::Cancelled;
        order.cancelled_at = Some(ready.plus_seconds(rng.random_range(HOUR..10 * HOUR)));
        order.cancelled_by = Some(CancelledBy::Buyer.as_str().into());
        order.cancel_reason = Some(CancelReason::BuyerChangedMind.as_str().into());
    } else if age > 4 * DAY && ship_by < now && roll < 0.04 {
        // Missed its ship-by deadline: cancelled, the seller's fault.
        order.status = OrderStatus::Cancelled;
        order.cancelled_at = Some(ship_by);
        order.cancelled_by = Some(CancelledBy::System.as_str().into());
        order.cancel_reason = Some(CancelReason::NotShippedInTime.as_str().into());
        f.seller_fault = true;
    } else if age > 2 * DAY && roll < 0.045 {
        order.status = OrderStatus::Cancelled;
        order.cancelled_at = Some(ready.plus_seconds(rng.random_range(HOUR..20 * HOUR)));
        order.cancelled_by = Some(CancelledBy::Seller.as_str().into());
        order.cancel_reason = Some(CancelReason::SellerOutOfStock.as_str().into());
        f.seller_fault = true;
    } else if age >= DAY {
        // Arranged within hours (a few after the deadline), collected soon after.
        let late = roll > 0.97;
        let arranged = if late {
            ship_by.plus_seconds(rng.random_range(HOUR..12 * HOUR))
        } else {
            ready.plus_seconds(rng.random_range(HOUR..18 * HOUR))
        };
        f.mode = Some(ShippingMode::Platform);
        f.courier = Some(courier);
        f.resi = Some(Resi::issued(courier, serial));
        let dispatched = arranged.plus_seconds(rng.random_range(2 * HOUR..8 * HOUR));
        let delivered = dispatched.plus_seconds(rng.random_range(DAY..4 * DAY));
        if dispatched > now {
            // Not collected yet: due by the end of the next working day.
            let arranged = arranged.min(now.plus_seconds(-HOUR));
            order.status = OrderStatus::AwaitingCollection;
            f.arranged_at = Some(arranged);
            f.collect_by = Some(policy.collect_by(&svc.config.calendar, arranged));
            order.version += 1;
            order.updated_at = arranged;
        } else {
            f.arranged_at = Some(arranged);
            f.collect_by = Some(policy.collect_by(&svc.config.calendar, arranged));
            f.dispatched_at = Some(dispatched);
            f.deliver_by = policy.deliver_by(ShippingMode::Platform, dispatched);
            order.status = OrderStatus::InTransit;
            order.version += 2;
            order.updated_at = dispatched;
            if delivered <= now {
                let complete_by = policy.complete_by(delivered);
                f.delivered_at = Some(delivered);
                f.complete_by = Some(complete_by);
                order.status = OrderStatus::Delivered;
                order.version += 1;
                order.updated_at = delivered;
                if complete_by <= now {
                    f.completed_at = Some(complete_by);
                    order.status = OrderStatus::Completed;
                    order.version += 1;
                    order.updated_at = complete_by;
                }
            }
        }
    }
    if let Some(at) = order.cancelled_at {
        order.version += 1;
        order.updated_at = at;
    }
    let lines = lines
        .iter()
        .map(|l| StoredOrderLine {
            order: id,
            ..l.clone()
        })
        .collect();
    Ok(PastOrder {
        checkout: StoredCheckout {
            id: checkout,
            buyer: template.buyer,
            method: template.method,
            total: template.total,
            quote_version: "history".into(),
            pay_by: None,
            placed_at: placed,
        },
        order,
        lines,
    })
}

/// The template's delivery address with another recipient.
fn with_recipient(address: &str, recipient: &str) -> ServiceResult<String> {
    let mut value: serde_json::Value =
        serde_json::from_str(address).map_err(ServiceError::internal)?;
    if let Some(fields) = value.as_object_mut() {
        fields.insert("recipient".into(), recipient.into());
    }
    serde_json::to_string(&value).map_err(ServiceError::internal)
}

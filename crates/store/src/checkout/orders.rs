//! Checkouts, their orders (one per shop) with lines, and the holds each
//! order took on flash-sale quotas and vouchers. Amounts are whole Rupiah;
//! the price breakdown, shipping choice and address are stored as JSON
//! copies of what the buyer confirmed.

use etalase_domain::Timestamp;
use etalase_domain::checkout::{OrderStatus, PaymentMethod, Source};
use etalase_domain::id::{
    CheckoutId, OrderId, ProductId, PromotionId, SellerId, SkuId, UserId, VoucherId,
};
use etalase_domain::orders::{Resi, ShippingMode};
use etalase_domain::shipping::Courier;

use crate::error::corrupt;
use crate::pool::{Reader, on_reader, on_tx};
use crate::pricing::placeholders;
use crate::rows::{self, Cell};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckout {
    pub id: CheckoutId,
    pub buyer: UserId,
    pub method: PaymentMethod,
    pub total: i64,
    pub quote_version: String,
    pub pay_by: Option<Timestamp>,
    pub placed_at: Timestamp,
}

/// One order as stored (its lines apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOrder {
    pub id: OrderId,
    pub checkout: CheckoutId,
    pub buyer: UserId,
    pub seller: SellerId,
    pub status: OrderStatus,
    pub method: PaymentMethod,
    pub items_subtotal: i64,
    pub discount: i64,
    pub shipping: i64,
    pub shipping_discount: i64,
    pub total: i64,
    pub shipping_service: String,
    /// JSON: the shipping option chosen (service, cost, ETA).
    pub shipping_option: String,
    /// JSON: the delivery address as it was at checkout.
    pub address: String,
    /// JSON: this shop's part of the price breakdown.
    pub breakdown: String,
    pub source: Source,
    pub pay_by: Option<Timestamp>,
    pub placed_at: Timestamp,
    pub paid_at: Option<Timestamp>,
    pub cancelled_at: Option<Timestamp>,
    pub cancelled_by: Option<String>,
    pub cancel_reason: Option<String>,
    pub version: i32,
    /// When anything about the order last changed (integrators reconcile by it).
    pub updated_at: Timestamp,
    pub fulfilment: Fulfilment,
}

/// What happened to an order after checkout: its deadlines, when it
/// reached each step, and how it ships. Each deadline is set when the
/// order reaches the status it belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fulfilment {
    /// The pre-order days the order promised (the longest of its products').
    pub preorder_days: Option<i32>,
    /// When it became the seller's to send: paid, or placed with COD.
    pub ready_at: Option<Timestamp>,
    pub ship_by: Option<Timestamp>,
    pub arranged_at: Option<Timestamp>,
    pub collect_by: Option<Timestamp>,
    /// When the courier had it.
    pub dispatched_at: Option<Timestamp>,
    pub deliver_by: Option<Timestamp>,
    pub delivered_at: Option<Timestamp>,
    pub complete_by: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub mode: Option<ShippingMode>,
    pub courier: Option<Courier>,
    pub resi: Option<Resi>,
    /// The cancellation counts against the seller.
    pub seller_fault: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOrderLine {
    pub order: OrderId,
    pub line_no: i32,
    pub sku: SkuId,
    pub product: ProductId,
    pub title: String,
    pub label: String,
    pub quantity: i64,
    pub subtotal: i64,
    pub net: i64,
    /// JSON: the units at each unit price.
    pub segments: String,
    pub source: Source,
}

/// What an order took besides stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    Flash { promotion: PromotionId, sku: SkuId },
    Voucher(VoucherId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredHold {
    pub hold_no: i32,
    pub hold: Hold,
    pub units: i64,
}

/// Records a checkout; false when its id (the form's one-time token) was
/// placed already — the caller then answers with the first result.
/// Stores a checkout under a token made for it (no earlier checkout can
/// hold it): a row like an order's, collected with a batch's rows.
pub async fn append_checkout(tx: &mut Tx, c: &StoredCheckout) -> StoreResult<()> {
    const COLUMNS: &[&str] = &[
        "id",
        "buyer_id",
        "payment_method",
        "total",
        "quote_version",
        "pay_by",
        "placed_at",
    ];
    let row = vec![
        c.id.to_string().into(),
        c.buyer.to_string().into(),
        c.method.as_str().into(),
        c.total.into(),
        c.quote_version.clone().into(),
        Cell::Int(c.pay_by.map(Timestamp::unix_millis)),
        c.placed_at.unix_millis().into(),
    ];
    crate::rows::append(tx, "checkouts", COLUMNS, row).await
}

/// Stores a checkout under a token a form carried; `false` when the token
/// was placed already (a second submit).
pub async fn insert_checkout(tx: &mut Tx, c: &StoredCheckout) -> StoreResult<bool> {
    let n = on_tx!(tx, conn => sqlx::query(
        "INSERT INTO checkouts (id, buyer_id, payment_method, total, quote_version, pay_by, placed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING")
        .bind(c.id.to_string()).bind(c.buyer.to_string()).bind(c.method.as_str()).bind(c.total)
        .bind(&c.quote_version).bind(c.pay_by.map(Timestamp::unix_millis))
        .bind(c.placed_at.unix_millis())
        .execute(conn).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

#[derive(sqlx::FromRow)]
struct CheckoutRow {
    id: String,
    buyer_id: String,
    payment_method: String,
    total: i64,
    quote_version: String,
    pay_by: Option<i64>,
    placed_at: i64,
}

pub async fn checkout_by_id<'a>(
    reader: impl Into<Reader<'a>>,
    id: CheckoutId,
) -> StoreResult<Option<StoredCheckout>> {
    let row: Option<CheckoutRow> = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT id, buyer_id, payment_method, total, quote_version, pay_by, placed_at \
         FROM checkouts WHERE id = $1")
        .bind(id.to_string()).fetch_optional(conn).await)?;
    row.map(|r| {
        Ok(StoredCheckout {
            id: r.id.parse().map_err(corrupt)?,
            buyer: r.buyer_id.parse().map_err(corrupt)?,
            method: PaymentMethod::parse(&r.payment_method)
                .ok_or_else(|| corrupt(&r.payment_method))?,
            total: r.total,
            quote_version: r.quote_version,
            pay_by: r.pay_by.map(Timestamp::from_unix_millis),
            placed_at: Timestamp::from_unix_millis(r.placed_at),
        })
    })
    .transpose()
}

/// An order, its lines and its holds are appended rows: a batch of orders
/// writes each table's rows together (see `rows::append`).
pub async fn insert_order(tx: &mut Tx, o: &StoredOrder) -> StoreResult<()> {
    const COLUMNS: &[&str] = &[
        "id",
        "checkout_id",
        "buyer_id",
        "seller_id",
        "status",
        "payment_method",
        "items_subtotal",
        "discount",
        "shipping",
        "shipping_discount",
        "total",
        "shipping_service",
        "shipping_option",
        "address",
        "breakdown",
        "source",
        "source_ref",
        "pay_by",
        "placed_at",
        "version",
        "updated_at",
        "preorder_days",
        "ready_at",
        "ship_by",
    ];
    let millis = |t: Option<Timestamp>| Cell::Int(t.map(Timestamp::unix_millis));
    let row = vec![
        o.id.to_string().into(),
        o.checkout.to_string().into(),
        o.buyer.to_string().into(),
        o.seller.to_string().into(),
        o.status.as_str().into(),
        o.method.as_str().into(),
        o.items_subtotal.into(),
        o.discount.into(),
        o.shipping.into(),
        o.shipping_discount.into(),
        o.total.into(),
        o.shipping_service.clone().into(),
        o.shipping_option.clone().into(),
        o.address.clone().into(),
        o.breakdown.clone().into(),
        o.source.kind().into(),
        o.source.reference().into(),
        millis(o.pay_by),
        o.placed_at.unix_millis().into(),
        o.version.into(),
        o.placed_at.unix_millis().into(),
        Cell::Int4(o.fulfilment.preorder_days),
        millis(o.fulfilment.ready_at),
        millis(o.fulfilment.ship_by),
    ];
    rows::append(tx, "orders", COLUMNS, row).await
}

pub async fn insert_order_line(tx: &mut Tx, l: &StoredOrderLine) -> StoreResult<()> {
    const COLUMNS: &[&str] = &[
        "order_id",
        "line_no",
        "sku_id",
        "product_id",
        "title",
        "label",
        "quantity",
        "subtotal",
        "net",
        "segments",
        "source",
        "source_ref",
    ];
    let row = vec![
        l.order.to_string().into(),
        l.line_no.into(),
        l.sku.to_string().into(),
        l.product.to_string().into(),
        l.title.clone().into(),
        l.label.clone().into(),
        l.quantity.into(),
        l.subtotal.into(),
        l.net.into(),
        l.segments.clone().into(),
        l.source.kind().into(),
        l.source.reference().into(),
    ];
    rows::append(tx, "order_lines", COLUMNS, row).await
}

pub async fn insert_hold(tx: &mut Tx, order: OrderId, h: &StoredHold) -> StoreResult<()> {
    const COLUMNS: &[&str] = &["order_id", "hold_no", "kind", "ref_id", "sku_id", "units"];
    let (kind, reference, sku) = match h.hold {
        Hold::Flash { promotion, sku } => ("flash", promotion.to_string(), Some(sku.to_string())),
        Hold::Voucher(v) => ("voucher", v.to_string(), None),
    };
    let row = vec![
        order.to_string().into(),
        h.hold_no.into(),
        kind.into(),
        reference.into(),
        sku.into(),
        h.units.into(),
    ];
    rows::append(tx, "order_holds", COLUMNS, row).await
}

/// The holds of an order not given back yet.
pub async fn open_holds(tx: &mut Tx, order: OrderId) -> StoreResult<Vec<StoredHold>> {
    let rows: Vec<(i32, String, String, Option<String>, i64)> = on_tx!(tx, conn => sqlx::query_as(
        "SELECT hold_no, kind, ref_id, sku_id, units FROM order_holds \
         WHERE order_id = $1 AND released_at IS NULL ORDER BY hold_no")
        .bind(order.to_string()).fetch_all(conn).await)?;
    rows.into_iter()
        .map(|(hold_no, kind, reference, sku, units)| {
            let hold = match (kind.as_str(), sku) {
                ("flash", Some(sku)) => Hold::Flash {
                    promotion: reference.parse().map_err(corrupt)?,
                    sku: sku.parse().map_err(corrupt)?,
                },
                ("voucher", _) => Hold::Voucher(reference.parse().map_err(corrupt)?),
                _ => return Err(corrupt(format!("order hold {kind}"))),
            };
            Ok(StoredHold {
                hold_no,
                hold,
                units,
            })
        })
        .collect()
}

pub async fn mark_holds_released(tx: &mut Tx, order: OrderId, now: Timestamp) -> StoreResult<()> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE order_holds SET released_at = $2 WHERE order_id = $1 AND released_at IS NULL")
        .bind(order.to_string()).bind(now.unix_millis()).execute(conn).await.map(|_| ()))?;
    Ok(())
}

pub(crate) const ORDER_COLUMNS: &str = "id, checkout_id, buyer_id, seller_id, status, payment_method, \
    items_subtotal, discount, shipping, shipping_discount, total, shipping_service, shipping_option, \
    address, breakdown, source, source_ref, pay_by, placed_at, paid_at, cancelled_at, cancelled_by, \
    cancel_reason, version, preorder_days, ready_at, ship_by, arranged_at, collect_by, dispatched_at, \
    deliver_by, delivered_at, complete_by, completed_at, shipping_mode, courier, resi, seller_fault, \
    updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct OrderRow {
    id: String,
    checkout_id: String,
    buyer_id: String,
    seller_id: String,
    status: String,
    payment_method: String,
    items_subtotal: i64,
    discount: i64,
    shipping: i64,
    shipping_discount: i64,
    total: i64,
    shipping_service: String,
    shipping_option: String,
    address: String,
    breakdown: String,
    source: String,
    source_ref: Option<String>,
    pay_by: Option<i64>,
    placed_at: i64,
    paid_at: Option<i64>,
    cancelled_at: Option<i64>,
    cancelled_by: Option<String>,
    cancel_reason: Option<String>,
    version: i32,
    preorder_days: Option<i32>,
    ready_at: Option<i64>,
    ship_by: Option<i64>,
    arranged_at: Option<i64>,
    collect_by: Option<i64>,
    dispatched_at: Option<i64>,
    deliver_by: Option<i64>,
    delivered_at: Option<i64>,
    complete_by: Option<i64>,
    completed_at: Option<i64>,
    shipping_mode: Option<String>,
    courier: Option<String>,
    resi: Option<String>,
    seller_fault: bool,
    updated_at: i64,
}

impl TryFrom<OrderRow> for StoredOrder {
    type Error = crate::StoreError;
    fn try_from(r: OrderRow) -> StoreResult<StoredOrder> {
        let at = Timestamp::from_unix_millis;
        Ok(StoredOrder {
            id: r.id.parse().map_err(corrupt)?,
            checkout: r.checkout_id.parse().map_err(corrupt)?,
            buyer: r.buyer_id.parse().map_err(corrupt)?,
            seller: r.seller_id.parse().map_err(corrupt)?,
            status: OrderStatus::parse(&r.status).ok_or_else(|| corrupt(&r.status))?,
            method: PaymentMethod::parse(&r.payment_method)
                .ok_or_else(|| corrupt(&r.payment_method))?,
            items_subtotal: r.items_subtotal,
            discount: r.discount,
            shipping: r.shipping,
            shipping_discount: r.shipping_discount,
            total: r.total,
            shipping_service: r.shipping_service,
            shipping_option: r.shipping_option,
            address: r.address,
            breakdown: r.breakdown,
            source: Source::from_parts(&r.source, r.source_ref.as_deref())
                .ok_or_else(|| corrupt(&r.source))?,
            pay_by: r.pay_by.map(at),
            placed_at: at(r.placed_at),
            paid_at: r.paid_at.map(at),
            cancelled_at: r.cancelled_at.map(at),
            cancelled_by: r.cancelled_by,
            cancel_reason: r.cancel_reason,
            version: r.version,
            updated_at: at(r.updated_at),
            fulfilment: Fulfilment {
                preorder_days: r.preorder_days,
                ready_at: r.ready_at.map(at),
                ship_by: r.ship_by.map(at),
                arranged_at: r.arranged_at.map(at),
                collect_by: r.collect_by.map(at),
                dispatched_at: r.dispatched_at.map(at),
                deliver_by: r.deliver_by.map(at),
                delivered_at: r.delivered_at.map(at),
                complete_by: r.complete_by.map(at),
                completed_at: r.completed_at.map(at),
                mode: r
                    .shipping_mode
                    .map(|m| ShippingMode::parse(&m).ok_or_else(|| corrupt(&m)))
                    .transpose()?,
                courier: r
                    .courier
                    .map(|c| Courier::parse(&c).ok_or_else(|| corrupt(&c)))
                    .transpose()?,
                resi: r
                    .resi
                    .map(|t| Resi::parse(&t).map_err(|_| corrupt(&t)))
                    .transpose()?,
                seller_fault: r.seller_fault,
            },
        })
    }
}

pub async fn orders_of_checkout<'a>(
    reader: impl Into<Reader<'a>>,
    checkout: CheckoutId,
) -> StoreResult<Vec<StoredOrder>> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE checkout_id = $1 ORDER BY id");
    let rows: Vec<OrderRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(checkout.to_string()).fetch_all(conn).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

pub async fn order_by_id<'a>(
    reader: impl Into<Reader<'a>>,
    id: OrderId,
) -> StoreResult<Option<StoredOrder>> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
    let row: Option<OrderRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).fetch_optional(conn).await)?;
    row.map(TryInto::try_into).transpose()
}

/// One of a buyer's orders (none for another buyer's).
pub async fn order_of_buyer<'a>(
    reader: impl Into<Reader<'a>>,
    buyer: UserId,
    id: OrderId,
) -> StoreResult<Option<StoredOrder>> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1 AND buyer_id = $2");
    let row: Option<OrderRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id.to_string()).bind(buyer.to_string()).fetch_optional(conn).await)?;
    row.map(TryInto::try_into).transpose()
}

/// A buyer's orders, newest first, before the cursor `(placed_at, id)`.
pub async fn orders_of_buyer<'a>(
    reader: impl Into<Reader<'a>>,
    buyer: UserId,
    before: Option<(Timestamp, OrderId)>,
    limit: i64,
) -> StoreResult<Vec<StoredOrder>> {
    let (at, id) = before.map_or((i64::MAX, String::new()), |(t, o)| {
        (t.unix_millis(), o.to_string())
    });
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE buyer_id = $1 \
         AND (placed_at < $2 OR (placed_at = $2 AND id < $3) OR $3 = '') \
         ORDER BY placed_at DESC, id DESC LIMIT $4"
    );
    let rows: Vec<OrderRow> = on_reader!(reader.into(), conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(buyer.to_string()).bind(at).bind(id).bind(limit).fetch_all(conn).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

#[derive(sqlx::FromRow)]
struct LineRow {
    order_id: String,
    line_no: i32,
    sku_id: String,
    product_id: String,
    title: String,
    label: String,
    quantity: i64,
    subtotal: i64,
    net: i64,
    segments: String,
    source: String,
    source_ref: Option<String>,
}

/// The lines of some orders, in order.
pub async fn lines_of_orders<'a>(
    reader: impl Into<Reader<'a>>,
    orders: &[OrderId],
) -> StoreResult<Vec<StoredOrderLine>> {
    if orders.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT order_id, line_no, sku_id, product_id, title, label, quantity, subtotal, net, \
         segments, source, source_ref FROM order_lines WHERE order_id IN ({}) ORDER BY order_id, line_no",
        placeholders(1, orders.len())
    );
    let rows: Vec<LineRow> = on_reader!(reader.into(), conn => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for o in orders {
            q = q.bind(o.to_string());
        }
        q.fetch_all(conn).await
    })?;
    rows.into_iter()
        .map(|r| {
            Ok(StoredOrderLine {
                order: r.order_id.parse().map_err(corrupt)?,
                line_no: r.line_no,
                sku: r.sku_id.parse().map_err(corrupt)?,
                product: r.product_id.parse().map_err(corrupt)?,
                title: r.title,
                label: r.label,
                quantity: r.quantity,
                subtotal: r.subtotal,
                net: r.net,
                segments: r.segments,
                source: Source::from_parts(&r.source, r.source_ref.as_deref())
                    .ok_or_else(|| corrupt(&r.source))?,
            })
        })
        .collect()
}

/// Gateway orders whose payment deadline has passed, oldest first.
pub async fn unpaid_past_deadline<'a>(
    reader: impl Into<Reader<'a>>,
    now: Timestamp,
    limit: i64,
) -> StoreResult<Vec<(OrderId, SellerId)>> {
    let rows: Vec<(String, String)> = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT id, seller_id FROM orders WHERE status = 'awaiting_payment' AND pay_by <= $1 \
         ORDER BY pay_by, id LIMIT $2")
        .bind(now.unix_millis()).bind(limit).fetch_all(conn).await)?;
    rows.into_iter()
        .map(|(o, s)| Ok((o.parse().map_err(corrupt)?, s.parse().map_err(corrupt)?)))
        .collect()
}

/// Units of a SKU in orders that hold them (not cancelled), and how many
/// such orders.
pub async fn units_ordered<'a>(
    reader: impl Into<Reader<'a>>,
    sku: SkuId,
) -> StoreResult<(i64, i64)> {
    let row: (Option<i64>, i64) = on_reader!(reader.into(), conn => sqlx::query_as(
        "SELECT CAST(SUM(l.quantity) AS BIGINT), COUNT(DISTINCT o.id) FROM order_lines l \
         JOIN orders o ON o.id = l.order_id WHERE l.sku_id = $1 AND o.status <> 'cancelled'")
        .bind(sku.to_string()).fetch_one(conn).await)?;
    Ok((row.0.unwrap_or(0), row.1))
}

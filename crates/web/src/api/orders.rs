//! The orders API for integrators: the shop's orders page by page (with
//! Seller Center's filters and search) or as the changes since an instant,
//! to reconcile; one order in full with its timeline; shipping it (platform
//! logistics books the pickup, or the seller's own courier and resi) and
//! cancelling it, each run once per `Idempotency-Key`; and its shipping
//! label as PDF. Another shop's order is a 404, never a 403: its id says
//! nothing about whether it exists.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use etalase_domain::audit::Actor;
use etalase_domain::checkout::{DeliveryAddress, OrderStatus};
use etalase_domain::id::{OrderId, SellerId};
use etalase_domain::orders::OrderTab;
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::pricing::cart::ShopBreakdown;
use etalase_domain::shipping::Courier;
use etalase_domain::{ErrorCode, Timestamp};
use etalase_services::ServiceError;
use etalase_services::fulfilment::seller::{self as orders, ListAfter, ListRequest, Listed};
use etalase_services::fulfilment::{arrange, cancel, labels, ship};
use etalase_store::checkout::{StoredOrder, StoredOrderLine};
use etalase_store::fulfilment::TimelineEntry;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::{IntoParams, ToSchema};

use super::idempotent::once;
use super::{ApiAuth, body, to_json};
use crate::errors::{AppError, AppResult, Problem};
use crate::routes::orders::labels::{PrintQuery, pdf};
use crate::state::AppState;

/// One line of an order: what was bought, how many, for how much.
#[derive(Serialize, ToSchema)]
pub struct OrderLine {
    pub sku_id: String,
    pub product_id: String,
    /// The product's title when it was bought.
    pub title: String,
    /// The variant's label (`M`, `Merah / XL`); empty for a product without variants.
    pub variant: String,
    pub quantity: i64,
    /// Whole Rupiah, at the prices charged.
    pub subtotal: i64,
    /// Whole Rupiah, after this line's share of the vouchers.
    pub net: i64,
}

/// An order as lists show it. Money is whole Rupiah; times are RFC 3339 in UTC.
#[derive(Serialize, ToSchema)]
pub struct Order {
    pub id: String,
    /// `awaiting_payment`, `awaiting_shipment`, `awaiting_collection`,
    /// `in_transit`, `delivered`, `completed` or `cancelled`.
    pub status: String,
    /// `cod` or `gateway`.
    pub payment_method: String,
    pub items_subtotal: i64,
    /// The vouchers' discount on the items.
    pub discount: i64,
    pub shipping: i64,
    pub shipping_discount: i64,
    /// What the buyer pays (a COD order: what the courier collects).
    pub total: i64,
    pub placed_at: String,
    pub paid_at: Option<String>,
    /// When anything about the order last changed.
    pub updated_at: String,
    /// Goes up by one with every change.
    pub version: i32,
    /// Deadline: a gateway order is cancelled unless paid by then.
    pub pay_by: Option<String>,
    /// Deadline: shipment arranged (or handed over) by then, else cancelled
    /// against the seller. Set when the order becomes the seller's to send.
    pub ship_by: Option<String>,
    /// Deadline: a platform-arranged package collected by the courier by then.
    pub collect_by: Option<String>,
    /// Deadline: a package the seller sent delivered by then.
    pub deliver_by: Option<String>,
    /// When a delivered order completes (no more returns).
    pub complete_by: Option<String>,
    /// When platform logistics booked the pickup.
    pub arranged_at: Option<String>,
    /// When the courier had the package.
    pub dispatched_at: Option<String>,
    pub delivered_at: Option<String>,
    pub completed_at: Option<String>,
    pub cancelled_at: Option<String>,
    /// The courier that has the package, else the one of the service the
    /// buyer chose: `jne`, `jnt`, `sicepat`, `anteraja` or `pos`.
    pub courier: Option<String>,
    /// The service the buyer chose, such as `jne_reg`.
    pub service: String,
    pub resi: Option<String>,
    /// `platform` (platform logistics booked the pickup) or `seller` (the
    /// seller's own courier); `null` until shipped.
    pub shipping_mode: Option<String>,
    /// Such as `seller_out_of_stock`, `buyer_changed_mind`, `payment_expired`.
    pub cancel_reason: Option<String>,
    /// `buyer`, `seller` or `system`.
    pub cancelled_by: Option<String>,
    pub lines: Vec<OrderLine>,
}

fn time(t: Timestamp) -> String {
    t.to_rfc3339()
}

fn line_of(l: &StoredOrderLine) -> OrderLine {
    OrderLine {
        sku_id: l.sku.to_string(),
        product_id: l.product.to_string(),
        title: l.title.clone(),
        variant: l.label.clone(),
        quantity: l.quantity,
        subtotal: l.subtotal,
        net: l.net,
    }
}

fn order_of(o: &StoredOrder, lines: &[StoredOrderLine], updated_at: Timestamp) -> Order {
    let f = &o.fulfilment;
    let at = |t: Option<Timestamp>| t.map(time);
    Order {
        id: o.id.to_string(),
        status: o.status.as_str().to_owned(),
        payment_method: o.method.as_str().to_owned(),
        items_subtotal: o.items_subtotal,
        discount: o.discount,
        shipping: o.shipping,
        shipping_discount: o.shipping_discount,
        total: o.total,
        placed_at: time(o.placed_at),
        paid_at: at(o.paid_at),
        updated_at: time(updated_at),
        version: o.version,
        pay_by: at(o.pay_by),
        ship_by: at(f.ship_by),
        collect_by: at(f.collect_by),
        deliver_by: at(f.deliver_by),
        complete_by: at(f.complete_by),
        arranged_at: at(f.arranged_at),
        dispatched_at: at(f.dispatched_at),
        delivered_at: at(f.delivered_at),
        completed_at: at(f.completed_at),
        cancelled_at: at(o.cancelled_at),
        courier: f
            .courier
            .or_else(|| ship::chosen_courier(o))
            .map(|c| c.code().to_owned()),
        service: o.shipping_service.clone(),
        resi: f.resi.as_ref().map(ToString::to_string),
        shipping_mode: f.mode.map(|m| m.as_str().to_owned()),
        cancel_reason: o.cancel_reason.clone(),
        cancelled_by: o.cancelled_by.clone(),
        lines: lines.iter().map(line_of).collect(),
    }
}

fn listed_order(l: &Listed) -> Order {
    order_of(&l.order, &l.lines, l.updated_at)
}

/// One page of orders.
#[derive(Serialize, ToSchema)]
pub struct ShopOrderPage {
    pub items: Vec<Order>,
    /// Pass as `cursor` for the next page. A list's last page has none;
    /// with `updated_since` there is always one: keep it and poll with it
    /// later to get the changes made since.
    pub next_cursor: Option<String>,
    /// More orders are ready now: ask again with `next_cursor` at once.
    pub has_more: bool,
}

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// An order status (`awaiting_payment`, `awaiting_shipment`,
    /// `awaiting_collection`, `in_transit`, `delivered`, `completed`,
    /// `cancelled`) or a Seller Center tab (`unpaid`, `to_ship`,
    /// `ready_to_ship`, `shipping`, `done`, `cancelled`, `all`). Every
    /// status when left out.
    status: Option<String>,
    /// `jne`, `jnt`, `sicepat`, `anteraja` or `pos`: the courier that has
    /// the package, else the one of the service the buyer chose.
    courier: Option<String>,
    /// Placed at or after: an RFC 3339 instant, or a WIB date `YYYY-MM-DD`
    /// (from its midnight).
    placed_from: Option<String>,
    /// Placed before: an RFC 3339 instant, or a WIB date `YYYY-MM-DD`
    /// (counted whole).
    placed_until: Option<String>,
    /// An order id, a resi, a SKU code or part of the buyer's or
    /// recipient's name: the search of Seller Center.
    q: Option<String>,
    /// 1–200, default 50.
    #[param(value_type = Option<i64>)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Reconcile: the orders changed at or after this RFC 3339 instant,
    /// oldest change first by `(updated_at, id)`, instead of the newest
    /// orders first. Not with the filters above. A change is listed once it
    /// is 10 seconds old, so one committed late is never passed over; poll
    /// on with `next_cursor`.
    updated_since: Option<String>,
}

/// A field of the query that cannot be read.
fn malformed(field: &'static str) -> AppError {
    ServiceError::field(field, ErrorCode::MalformedRequest).into()
}

/// A query value, unless left empty.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn limit_of(text: Option<&str>) -> AppResult<i64> {
    match text {
        None => Ok(50),
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| malformed("limit")),
    }
}

/// The statuses a status or a tab name stands for (all of them: none).
fn statuses_of(text: &str) -> Option<Vec<OrderStatus>> {
    if let Some(status) = OrderStatus::parse(text) {
        return Some(vec![status]);
    }
    match OrderTab::parse(text)? {
        OrderTab::All => Some(Vec::new()),
        tab => Some(tab.statuses().to_vec()),
    }
}

/// An RFC 3339 instant, or a WIB calendar date as the instant its day
/// starts (`whole`: the next day's, so the date counts whole).
fn instant_of(text: &str, whole: bool) -> Option<Timestamp> {
    if let Some(at) = Timestamp::parse_rfc3339(text) {
        return Some(at);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text, format).ok()?;
    let date = if whole { date.next_day()? } else { date };
    Some(Timestamp::start_of_wib_day(date))
}

/// Where a page resumes. Opaque to integrators: its text is signed with
/// the server's secret for the key's shop, so an edited or another shop's
/// cursor is refused rather than read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cursor {
    /// The list: after this order, newest first.
    List(ListAfter),
    /// Reconciling: after this `(updated_at, id)`, oldest change first.
    Changes(Timestamp, Option<OrderId>),
}

fn cursor_mac(state: &AppState, seller: SellerId, payload: &str) -> Hmac<Sha256> {
    let secret = state.config.secret_key.expose();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(b"etalase-orders-cursor:");
    mac.update(seller.to_string().as_bytes());
    mac.update(b":");
    mac.update(payload.as_bytes());
    mac
}

/// Bytes of the signature a cursor carries.
const CURSOR_MAC_LEN: usize = 16;

fn cursor_text(state: &AppState, seller: SellerId, cursor: Cursor) -> String {
    let payload = match cursor {
        Cursor::List(a) => format!("l.{}.{}", a.placed_at.unix_millis(), a.id),
        Cursor::Changes(at, id) => format!(
            "c.{}.{}",
            at.unix_millis(),
            id.map(|id| id.to_string()).unwrap_or_default()
        ),
    };
    let mac = cursor_mac(state, seller, &payload).finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&payload),
        URL_SAFE_NO_PAD.encode(&mac[..CURSOR_MAC_LEN])
    )
}

fn parse_cursor(state: &AppState, seller: SellerId, text: &str) -> AppResult<Cursor> {
    let read = || -> Option<Cursor> {
        let (payload, signature) = text.split_once('.')?;
        let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        if signature.len() != CURSOR_MAC_LEN {
            return None;
        }
        cursor_mac(state, seller, &payload)
            .verify_truncated_left(&signature)
            .ok()?;
        let mut parts = payload.splitn(3, '.');
        let (kind, at, id) = (parts.next()?, parts.next()?, parts.next()?);
        let at = Timestamp::from_unix_millis(at.parse().ok()?);
        match kind {
            "l" => Some(Cursor::List(ListAfter {
                placed_at: at,
                id: id.parse().ok()?,
            })),
            "c" if id.is_empty() => Some(Cursor::Changes(at, None)),
            "c" => Some(Cursor::Changes(at, Some(id.parse().ok()?))),
            _ => None,
        }
    };
    read().ok_or_else(|| malformed("cursor"))
}

impl ListQuery {
    /// The filters, read; refused by name when one cannot be.
    fn request(&self) -> AppResult<ListRequest> {
        let statuses = match given(&self.status) {
            Some(s) => statuses_of(s).ok_or_else(|| malformed("status"))?,
            None => Vec::new(),
        };
        let courier = given(&self.courier)
            .map(|c| Courier::parse(c).ok_or_else(|| malformed("courier")))
            .transpose()?;
        let placed_from = given(&self.placed_from)
            .map(|t| instant_of(t, false).ok_or_else(|| malformed("placed_from")))
            .transpose()?;
        let placed_until = given(&self.placed_until)
            .map(|t| instant_of(t, true).ok_or_else(|| malformed("placed_until")))
            .transpose()?;
        Ok(ListRequest {
            statuses,
            search: given(&self.q).map(str::to_owned),
            placed_from,
            placed_until,
            courier,
        })
    }

    /// The first filter given, which reconciling does not take.
    fn filter_given(&self) -> Option<&'static str> {
        [
            ("status", &self.status),
            ("courier", &self.courier),
            ("placed_from", &self.placed_from),
            ("placed_until", &self.placed_until),
            ("q", &self.q),
        ]
        .into_iter()
        .find(|(_, v)| given(v).is_some())
        .map(|(name, _)| name)
    }
}

#[utoipa::path(get, path = "/api/v1/orders", tag = "orders",
    security(("api_key" = ["orders:read"])),
    params(ListQuery),
    responses(
        (status = 200, body = ShopOrderPage, description = "Newest first by `(placed_at, id)`; with `updated_since`, oldest change first by `(updated_at, id)`"),
        (status = 400, body = Problem, content_type = "application/problem+json", description = "`malformed_request`, naming the parameter: an unknown status or courier, a date that is neither RFC 3339 nor `YYYY-MM-DD`, a limit outside 1–200, a cursor that is not one of ours (or another shop's), a filter with `updated_since`"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "The key lacks `orders:read`"),
    ))]
pub async fn list_shop_orders(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<ShopOrderPage>> {
    scope.authorize(SellerAction::read(Area::Orders))?;
    let svc = &state.services;
    let seller = scope.seller_id;
    let limit = limit_of(given(&q.limit))?;
    let cursor = given(&q.cursor)
        .map(|c| parse_cursor(&state, seller, c))
        .transpose()?;
    let since = given(&q.updated_since)
        .map(|t| Timestamp::parse_rfc3339(t).ok_or_else(|| malformed("updated_since")))
        .transpose()?;
    let after = match (cursor, since) {
        (Some(Cursor::Changes(at, id)), _) => Some((at, id)),
        (Some(Cursor::List(_)), Some(_)) => return Err(malformed("cursor")),
        (None, Some(at)) => Some((at, None)),
        (_, None) => None,
    };
    if let Some(after) = after {
        if let Some(filter) = q.filter_given() {
            return Err(malformed(filter));
        }
        let (changed, has_more) = orders::changes(svc, &scope, after, limit).await?;
        // Where the next poll resumes: after the last change seen, or
        // where this one started when nothing changed.
        let next = changed
            .last()
            .map_or(after, |l| (l.updated_at, Some(l.order.id)));
        return Ok(Json(ShopOrderPage {
            items: changed.iter().map(listed_order).collect(),
            next_cursor: Some(cursor_text(&state, seller, Cursor::Changes(next.0, next.1))),
            has_more,
        }));
    }
    let request = q.request()?;
    let resume = match cursor {
        Some(Cursor::List(a)) => Some(a),
        _ => None,
    };
    let (found, next) = orders::list(svc, &scope, &request, resume, limit).await?;
    Ok(Json(ShopOrderPage {
        items: found.iter().map(listed_order).collect(),
        next_cursor: next.map(|a| cursor_text(&state, seller, Cursor::List(a))),
        has_more: next.is_some(),
    }))
}

/// Where the package goes: the address as it was at checkout.
#[derive(Serialize, ToSchema)]
pub struct Recipient {
    pub name: String,
    /// Partly hidden, as Seller Center shows it (`+62812****1234`); the
    /// label carries the whole number for the courier.
    pub phone: String,
    pub street: String,
    /// Kemendagri district (kecamatan) code, 6 digits.
    pub district_code: String,
    pub postal_code: String,
    /// "Kecamatan, Kota/Kabupaten, Provinsi 12345".
    pub area: String,
}

/// A voucher's discount.
#[derive(Serialize, ToSchema)]
pub struct Discount {
    pub code: String,
    /// `shop_voucher`, `platform_voucher` or `shipping_voucher`.
    pub source: String,
    pub amount: i64,
}

/// How the total came about, in whole Rupiah.
#[derive(Serialize, ToSchema)]
pub struct PriceBreakdown {
    /// At the prices charged, promotions applied.
    pub items_subtotal: i64,
    /// What promotions took off the base prices.
    pub promotion_savings: i64,
    /// The shop's voucher and this order's share of the platform's.
    pub discounts: Vec<Discount>,
    pub shipping: i64,
    pub shipping_discount: i64,
    pub total: i64,
}

/// A line of the order's timeline.
#[derive(Serialize, ToSchema)]
pub struct TimelineEvent {
    /// `placed`, `paid`, `handed_over`, `shipment_arranged`, `collected`,
    /// `delivered`, `completed`, `cancelled`, or a courier's report
    /// `tracking.<kind>` …
    pub kind: String,
    /// The order's status after it.
    pub status: String,
    /// When it happened (a courier's report: the courier's own time).
    pub at: String,
    /// `buyer`, `seller` (a member of the shop's team), `api_key`,
    /// `courier` or `system`.
    pub actor_kind: String,
    /// The payment method, the courier and resi, the cancel reason or the
    /// courier's location, as the kind has it.
    pub detail: Option<String>,
}

/// An order in full.
#[derive(Serialize, ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub order: Order,
    pub recipient: Recipient,
    pub price: PriceBreakdown,
    /// Where the buyer found what they bought (`search`, `live:liv_…`, `video:vid_…` …).
    pub source: String,
    /// What happened to it, in the order things happened.
    pub timeline: Vec<TimelineEvent>,
}

fn actor_kind(actor: &str, order: &StoredOrder) -> &'static str {
    if actor.starts_with("courier:") {
        return "courier";
    }
    match Actor::parse_text(actor) {
        Some(Actor::User(user)) if user == order.buyer => "buyer",
        Some(Actor::User(_)) => "seller",
        Some(Actor::ApiKey(_)) => "api_key",
        Some(Actor::System) | None => "system",
    }
}

fn timeline_event(e: &TimelineEntry, order: &StoredOrder) -> TimelineEvent {
    TimelineEvent {
        kind: e.kind.clone(),
        status: e.status.as_str().to_owned(),
        at: time(e.at),
        actor_kind: actor_kind(&e.actor, order).to_owned(),
        detail: e.detail.clone(),
    }
}

fn discount_source(s: etalase_domain::pricing::DiscountSource) -> &'static str {
    use etalase_domain::pricing::DiscountSource as D;
    match s {
        D::ShopVoucher => "shop_voucher",
        D::PlatformVoucher => "platform_voucher",
        D::ShippingVoucher => "shipping_voucher",
    }
}

fn price_of(o: &StoredOrder) -> PriceBreakdown {
    let breakdown: Option<ShopBreakdown> = serde_json::from_str(&o.breakdown).ok();
    PriceBreakdown {
        items_subtotal: o.items_subtotal,
        promotion_savings: breakdown
            .as_ref()
            .map_or(0, |b| b.lines.iter().map(|l| l.promotion_savings).sum()),
        discounts: breakdown
            .map(|b| {
                b.discounts
                    .into_iter()
                    .map(|d| Discount {
                        code: d.code,
                        source: discount_source(d.source).to_owned(),
                        amount: d.amount,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        shipping: o.shipping,
        shipping_discount: o.shipping_discount,
        total: o.total,
    }
}

fn recipient_of(o: &StoredOrder) -> AppResult<Recipient> {
    let a: DeliveryAddress =
        serde_json::from_str(&o.address).map_err(|e| AppError::from(ServiceError::internal(e)))?;
    Ok(Recipient {
        phone: a.phone.masked(),
        area: a.area_line(),
        name: a.recipient,
        street: a.street,
        district_code: a.district_code,
        postal_code: a.postal_code,
    })
}

/// An order id from the path: one that cannot be read names no order.
fn order_id(text: &str) -> AppResult<OrderId> {
    text.parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))
}

#[utoipa::path(get, path = "/api/v1/orders/{order_id}", tag = "orders",
    security(("api_key" = ["orders:read"])),
    params(("order_id" = String, Path, description = "An order id, `ord_…`")),
    responses(
        (status = 200, body = OrderDetail),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "The key lacks `orders:read`"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "No such order in this shop (another shop's order too)"),
    ))]
pub async fn get_shop_order(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<OrderDetail>> {
    scope.authorize(SellerAction::read(Area::Orders))?;
    let id = order_id(&id)?;
    let d = orders::detail(&state.services, &scope, id).await?;
    let o = &d.order;
    let updated_at = o.updated_at;
    Ok(Json(OrderDetail {
        recipient: recipient_of(o)?,
        price: price_of(o),
        source: o.source.to_param(),
        timeline: d.timeline.iter().map(|e| timeline_event(e, o)).collect(),
        order: order_of(o, &d.lines, updated_at),
    }))
}

/// The `Idempotency-Key` these requests require.
const KEY_PARAM: &str = "Idempotency-Key";

fn key_required(headers: &HeaderMap) -> AppResult<()> {
    if headers.contains_key(KEY_PARAM) {
        Ok(())
    } else {
        Err(ServiceError::field(KEY_PARAM, ErrorCode::InvalidIdempotencyKey).into())
    }
}

/// How the package goes.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct ShipBody {
    /// `platform`: platform logistics books the pickup with the courier the
    /// buyer chose, which issues the resi. `seller`: the seller sent it with
    /// a courier of their own; give `resi` (and `courier` if not the
    /// buyer's choice).
    pub mode: Option<String>,
    /// `seller` mode: `jne`, `jnt`, `sicepat`, `anteraja` or `pos`; the
    /// courier of the service the buyer chose when left out.
    pub courier: Option<String>,
    /// `seller` mode: the courier's tracking number.
    pub resi: Option<String>,
}

/// The order on its way to the courier.
#[derive(Serialize, ToSchema)]
pub struct Shipment {
    /// `platform` or `seller`.
    pub mode: String,
    pub courier: String,
    /// Issued by the courier (`platform`) or as given (`seller`, normalised).
    pub resi: String,
    /// A warning only: the resi does not look like this courier's usual
    /// ones. It is kept (couriers change formats); check it was typed right.
    pub unusual_resi: bool,
    pub order: Order,
}

/// The answer of a change: the order as it is now.
async fn now_as(svc: &etalase_services::Services, order: StoredOrder) -> AppResult<Order> {
    let listed = orders::listed(svc, vec![order]).await?;
    let l = listed
        .first()
        .ok_or_else(|| AppError::from(ErrorCode::NotFound))?;
    Ok(listed_order(l))
}

#[utoipa::path(post, path = "/api/v1/orders/{order_id}/ship", tag = "orders",
    security(("api_key" = ["fulfillment:write"])),
    params(
        ("order_id" = String, Path, description = "An order id, `ord_…`"),
        ("Idempotency-Key" = String, Header, description = "Required. Up to 255 characters; a retry with the same key gets the first answer again for 24 hours (header `idempotent-replayed: true`)"),
    ),
    request_body(content = ShipBody, examples(
        ("platform" = (value = json!({"mode": "platform"}))),
        ("seller" = (value = json!({"mode": "seller", "courier": "jnt", "resi": "JT1234567890"}))),
    )),
    responses(
        (status = 200, body = Shipment, description = "Arranged (awaiting collection, with the courier's resi and a collect-by deadline) or handed over (in transit)"),
        (status = 400, body = Problem, content_type = "application/problem+json", description = "`invalid_idempotency_key` (missing, empty or too long), `malformed_json`"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "The key lacks `fulfillment:write`"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "No such order in this shop"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`order_not_shippable` (not awaiting shipment), `resi_taken` (another order carries it), `order_changed` (moved meanwhile: look again), `idempotency_in_progress` (the first request with this key still runs)"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`validation_failed` (`mode` missing or unknown; `courier` or `resi` with `platform`), `resi_required`, `resi_invalid`, `courier_required`, `logistics_refused`, `pickup_address_missing`, `idempotency_key_reused` (the key came with another request)"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "`logistics_unavailable`: the courier service cannot be reached; nothing was booked, try again later"),
    ))]
pub async fn ship_order(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    if let Err(e) = scope.authorize(SellerAction::write(Area::Fulfillment)) {
        return AppError::from(e).into_response();
    }
    if let Err(e) = key_required(&headers) {
        return e.into_response();
    }
    let svc = state.services.clone();
    let run_scope = scope.clone();
    let path = format!("/api/v1/orders/{id}/ship");
    let request = bytes.clone();
    once(
        &state,
        &scope.actor().as_text(),
        &headers,
        ("POST", &path, &request),
        || async move {
            let id = order_id(&id)?;
            let b: ShipBody = body(&bytes)?;
            let field = |name: &'static str| ServiceError::field(name, ErrorCode::ValidationFailed);
            let (moved, unusual_resi) = match b.mode.as_deref() {
                Some("platform") => {
                    if b.courier.is_some() {
                        return Err(field("courier").into());
                    }
                    if b.resi.is_some() {
                        return Err(field("resi").into());
                    }
                    (arrange::arrange(&svc, &run_scope, id).await?, false)
                }
                Some("seller") => {
                    let resi = b.resi.as_deref().unwrap_or_default();
                    let handed =
                        ship::hand_over(&svc, &run_scope, id, b.courier.as_deref(), resi).await?;
                    (handed.order, handed.unusual_resi)
                }
                _ => return Err(field("mode").into()),
            };
            let f = &moved.fulfilment;
            let shipment = Shipment {
                mode: f.mode.map(|m| m.as_str().to_owned()).unwrap_or_default(),
                courier: f.courier.map(|c| c.code().to_owned()).unwrap_or_default(),
                resi: f.resi.as_ref().map(ToString::to_string).unwrap_or_default(),
                unusual_resi,
                order: now_as(&svc, moved).await?,
            };
            Ok((StatusCode::OK, to_json(shipment)?))
        },
    )
    .await
}

/// Why the seller cancels.
#[derive(Deserialize, Serialize, ToSchema, Default)]
pub struct CancelBody {
    /// `seller_out_of_stock`, `seller_cannot_ship` or `seller_buyer_asked`.
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/orders/{order_id}/cancel", tag = "orders",
    security(("api_key" = ["orders:write"])),
    params(
        ("order_id" = String, Path, description = "An order id, `ord_…`"),
        ("Idempotency-Key" = String, Header, description = "Required. Up to 255 characters; a retry with the same key gets the first answer again for 24 hours (header `idempotent-replayed: true`)"),
    ),
    request_body = CancelBody,
    responses(
        (status = 200, body = Order, description = "Cancelled: the stock, flash-sale units and voucher uses it took are given back, and a paid order's total is refunded. It counts against the shop's cancellation rate"),
        (status = 400, body = Problem, content_type = "application/problem+json", description = "`invalid_idempotency_key`, `malformed_json`"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "The key lacks `orders:write`"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "No such order in this shop"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`order_not_cancellable` (the courier has it, or it is done), `order_changed`, `idempotency_in_progress`"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`cancel_reason_required` (no reason, or not one of the seller's), `idempotency_key_reused`"),
    ))]
pub async fn cancel_order(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    if let Err(e) = scope.authorize(SellerAction::write(Area::Orders)) {
        return AppError::from(e).into_response();
    }
    if let Err(e) = key_required(&headers) {
        return e.into_response();
    }
    let svc = state.services.clone();
    let run_scope = scope.clone();
    let path = format!("/api/v1/orders/{id}/cancel");
    let request = bytes.clone();
    once(
        &state,
        &scope.actor().as_text(),
        &headers,
        ("POST", &path, &request),
        || async move {
            let id = order_id(&id)?;
            let b: CancelBody = if bytes.is_empty() {
                CancelBody::default()
            } else {
                body(&bytes)?
            };
            let reason = b.reason.as_deref().unwrap_or_default();
            let cancelled = cancel::by_seller(&svc, &run_scope, id, reason).await?;
            Ok((StatusCode::OK, to_json(now_as(&svc, cancelled).await?)?))
        },
    )
    .await
}

/// A PDF document.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct Pdf(Vec<u8>);

#[derive(Deserialize, IntoParams)]
pub struct LabelQuery {
    /// `a6` (100 × 150 mm thermal labels, the default) or `a5`.
    paper: Option<String>,
    /// `slip`: follow the label with the order's packing slip.
    with: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orders/{order_id}/label.pdf", tag = "orders",
    security(("api_key" = ["fulfillment:read"])),
    params(("order_id" = String, Path, description = "An order id, `ord_…`"), LabelQuery),
    responses(
        (status = 200, body = Pdf, content_type = "application/pdf", description = "The shipping label (resi as Code128, order id as QR), in the language of `Accept-Language`"),
        (status = 400, body = Problem, content_type = "application/problem+json", description = "An unknown `paper` or `with`"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "The key lacks `fulfillment:read`"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "No such order in this shop"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`label_not_ready`: the order has no resi yet; ship it first"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`pickup_address_missing`: the shop has no pickup address to print as the sender"),
    ))]
pub async fn order_label(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<LabelQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    scope.authorize(SellerAction::read(Area::Fulfillment))?;
    let id = order_id(&id)?;
    let query = PrintQuery {
        paper: given(&q.paper).map(str::to_owned),
        with: given(&q.with).map(str::to_owned),
    };
    if query
        .paper
        .as_deref()
        .is_some_and(|p| etalase_labels::Paper::parse(p).is_none())
    {
        return Err(malformed("paper"));
    }
    if query.with.as_deref().is_some_and(|w| w != "slip") {
        return Err(malformed("with"));
    }
    let packages = labels::printable(&state.services, &scope, &[id]).await?;
    let t = state.translator(crate::i18n::lang_from_headers(&headers));
    pdf(&t, &packages, &query, &format!("label-{id}.pdf")).await
}

//! One order in Seller Center: what was bought at which price, where it
//! goes (the buyer's phone partly hidden), how it was paid and where the
//! buyer came from, its deadlines and timeline; and the seller's actions —
//! send it with a courier and resi, or cancel it with a reason.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::checkout::{DeliveryAddress, OrderStatus};
use etalase_domain::id::OrderId;
use etalase_domain::orders::{CancelReason, CancelledBy, OrderEvent};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::pricing::cart::ShopBreakdown;
use etalase_domain::shipping::Courier;
use etalase_services::ServiceError;
use etalase_services::fulfilment::{arrange, cancel, seller as orders, ship};
use etalase_store::fulfilment::TimelineEntry;
use serde::Deserialize;

use super::{Deadline, courier_name, deadline_of};
use crate::ctx::SellerCtx;
use crate::errors::AppResult;
use crate::i18n::T;
use crate::pages::{Chrome, FormErrors, NavItem, html};
use crate::routes::NoticeQuery;
use crate::routes::seller::{Frame, frame, parse_id};

pub struct LineRow {
    pub label: String,
    pub quantity: i64,
    pub subtotal: String,
    pub net: String,
    pub source_key: String,
}

pub struct TimelineRow {
    pub at: String,
    pub kind: String,
    pub label: String,
    pub detail: Option<String>,
}

/// A timeline line in the reader's words.
pub fn timeline_row(t: &T, e: &TimelineEntry) -> TimelineRow {
    let key = format!("orders.event.{}", e.kind.replace('.', "_"));
    let label = t.t(&key).to_owned();
    let detail = match e.kind.as_str() {
        "cancelled" => e
            .detail
            .as_deref()
            .map(|r| t.t(&format!("order.cancel_reason.{r}")).to_owned()),
        "placed" => e
            .detail
            .as_deref()
            .map(|m| t.t(&format!("order.method.{m}")).to_owned()),
        // Stored as "<courier code> <resi>": shown with the courier's name.
        "handed_over" | "shipment_arranged" => {
            e.detail.as_deref().map(|d| match d.split_once(' ') {
                Some((code, resi)) => match Courier::parse(code) {
                    Some(courier) => format!("{} · {resi}", courier.name()),
                    None => d.to_owned(),
                },
                None => d.to_owned(),
            })
        }
        _ => e.detail.clone(),
    };
    TimelineRow {
        at: t.time(&e.at),
        kind: e.kind.clone(),
        label,
        detail,
    }
}

#[derive(Template)]
#[template(path = "seller/order.html")]
struct DetailPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    id: String,
    status: &'static str,
    status_key: String,
    placed: String,
    lines: Vec<LineRow>,
    items_subtotal: String,
    discounts: Vec<(String, String)>,
    shipping: String,
    total: String,
    method_key: String,
    source_key: String,
    recipient: String,
    phone: String,
    street: String,
    area: String,
    service: String,
    courier: String,
    resi: Option<String>,
    deadline: Option<Deadline>,
    cancel_reason_key: Option<String>,
    timeline: Vec<TimelineRow>,
    can_ship: bool,
    /// Platform logistics can book the pickup.
    can_arrange: bool,
    can_print: bool,
    /// The built-in sandbox courier is on (demo and test mode).
    sandbox_courier: bool,
    can_cancel: bool,
    couriers: Vec<(&'static str, &'static str, bool)>,
    reasons: Vec<(&'static str, String)>,
    typed_resi: String,
    unusual_resi: bool,
    errors: FormErrors,
}

async fn page(
    s: &SellerCtx,
    id: OrderId,
    notice: Option<&str>,
    typed_resi: String,
    errors: FormErrors,
) -> AppResult<DetailPage> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let d = orders::detail(svc, &s.scope, id).await?;
    let o = &d.order;
    let address: Option<DeliveryAddress> = serde_json::from_str(&o.address).ok();
    let breakdown: Option<ShopBreakdown> = serde_json::from_str(&o.breakdown).ok();
    let chosen = ship::chosen_courier(o);
    let may_ship = s.scope.may(SellerAction::write(Area::Fulfillment));
    let may_cancel = s.scope.may(SellerAction::write(Area::Orders));
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/orders", notice);
    Ok(DetailPage {
        id: o.id.to_string(),
        status: o.status.as_str(),
        status_key: format!("order.status.{}", o.status.as_str()),
        placed: t.time(&o.placed_at),
        lines: d
            .lines
            .iter()
            .map(|l| LineRow {
                label: l.label.clone(),
                quantity: l.quantity,
                subtotal: t.rupiah(l.subtotal),
                net: t.rupiah(l.net),
                source_key: format!("order.source.{}", l.source.kind()),
            })
            .collect(),
        items_subtotal: t.rupiah(o.items_subtotal),
        discounts: breakdown
            .map(|b| {
                b.discounts
                    .iter()
                    .map(|x| (x.code.clone(), t.rupiah(x.amount)))
                    .collect()
            })
            .unwrap_or_default(),
        shipping: t.rupiah(o.shipping - o.shipping_discount),
        total: t.rupiah(o.total),
        method_key: format!("order.method.{}", o.method.as_str()),
        source_key: format!("order.source.{}", o.source.kind()),
        recipient: address
            .as_ref()
            .map(|a| a.recipient.clone())
            .unwrap_or_default(),
        phone: address
            .as_ref()
            .map(|a| a.phone.masked())
            .unwrap_or_default(),
        street: address
            .as_ref()
            .map(|a| a.street.clone())
            .unwrap_or_default(),
        area: address.as_ref().map(|a| a.area_line()).unwrap_or_default(),
        service: etalase_domain::shipping::Service::parse(&o.shipping_service)
            .map_or_else(|| o.shipping_service.clone(), |s| s.name().to_owned()),
        courier: courier_name(o),
        resi: o.fulfilment.resi.as_ref().map(ToString::to_string),
        deadline: deadline_of(t, o, svc.now()),
        cancel_reason_key: o
            .cancel_reason
            .as_deref()
            .map(|r| format!("order.cancel_reason.{r}")),
        timeline: d.timeline.iter().map(|e| timeline_row(t, e)).collect(),
        can_ship: may_ship && o.status.allows(OrderEvent::HandedOver),
        can_arrange: may_ship
            && o.status.allows(OrderEvent::ShipmentArranged)
            && !svc.config.logistics.api_key.is_empty(),
        can_print: o.fulfilment.resi.is_some()
            && matches!(
                o.status,
                OrderStatus::AwaitingCollection | OrderStatus::InTransit
            ),
        sandbox_courier: svc.config.logistics.sandbox_enabled
            && o.status == OrderStatus::AwaitingCollection,
        can_cancel: may_cancel
            && o.status
                .allows(OrderEvent::Cancelled(CancelReason::SellerOutOfStock)),
        couriers: Courier::ALL
            .map(|c| (c.code(), c.name(), Some(c) == chosen))
            .to_vec(),
        reasons: CancelReason::chosen_by(CancelledBy::Seller)
            .map(|r| (r.as_str(), format!("order.cancel_reason.{}", r.as_str())))
            .collect(),
        typed_resi,
        unusual_resi: notice == Some("order_resi_unusual"),
        errors,
        c,
        nav,
        shop_name,
        role_key,
    })
}

pub async fn show(
    s: SellerCtx,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let id: OrderId = parse_id(&id)?;
    let page = page(
        &s,
        id,
        q.notice.as_deref(),
        String::new(),
        FormErrors::default(),
    )
    .await?;
    Ok(html(&page))
}

/// The page again with what went wrong, at the error's status.
async fn refused(
    s: &SellerCtx,
    id: OrderId,
    typed_resi: String,
    e: ServiceError,
) -> AppResult<Response> {
    if !matches!(e.code.status(), 409 | 422) {
        return Err(e.into());
    }
    let errors = FormErrors::from_service(&s.ctx.t, &e);
    let page = page(s, id, None, typed_resi, errors).await?;
    Ok((crate::errors::status_of(e.code), html(&page)).into_response())
}

#[derive(Deserialize)]
pub struct ShipForm {
    #[serde(default)]
    courier: String,
    #[serde(default)]
    resi: String,
}

pub async fn hand_over(
    s: SellerCtx,
    Path(id): Path<String>,
    Form(form): Form<ShipForm>,
) -> AppResult<Response> {
    let id: OrderId = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    match ship::hand_over(svc, &s.scope, id, Some(&form.courier), &form.resi).await {
        Ok(handed) => {
            let notice = if handed.unusual_resi {
                "order_resi_unusual"
            } else {
                "order_shipped"
            };
            Ok(Redirect::to(&format!("/seller/orders/{id}?notice={notice}")).into_response())
        }
        Err(e) => refused(&s, id, form.resi, e).await,
    }
}

/// Books the pickup through platform logistics.
pub async fn arrange(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: OrderId = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    match arrange::arrange(svc, &s.scope, id).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/seller/orders/{id}?notice=order_arranged")).into_response())
        }
        Err(e) if e.code == etalase_domain::ErrorCode::LogisticsUnavailable => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = page(&s, id, None, String::new(), errors).await?;
            Ok((crate::errors::status_of(e.code), html(&page)).into_response())
        }
        Err(e) => refused(&s, id, String::new(), e).await,
    }
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    reason: String,
}

pub async fn cancel(
    s: SellerCtx,
    Path(id): Path<String>,
    Form(form): Form<CancelForm>,
) -> AppResult<Response> {
    let id: OrderId = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    match cancel::by_seller(svc, &s.scope, id, &form.reason).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/seller/orders/{id}?notice=order_cancelled")).into_response(),
        ),
        Err(e) => refused(&s, id, String::new(), e).await,
    }
}

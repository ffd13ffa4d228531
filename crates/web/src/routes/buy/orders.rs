//! `/orders`: the buyer's orders and each one in full — status, what was
//! bought at which price, discounts, shipping, where it goes, and what to
//! do next (pay, wait for the shop).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::response::{IntoResponse, Redirect};
use etalase_domain::ErrorCode;
use etalase_domain::checkout::{OrderStatus, Source};
use etalase_domain::id::{CheckoutId, OrderId};
use etalase_domain::orders::{CancelReason, CancelledBy, OrderEvent};
use etalase_domain::reviews::review_deadline;
use etalase_services::ServiceError;
use etalase_services::checkout::orders::{self, OrderDetail};
use etalase_services::fulfilment;
use etalase_services::reviews::{self, ReviewForm};
use serde::Deserialize;

use crate::pages::FormErrors;
use crate::routes::NoticeQuery;
use crate::routes::orders::detail::{TimelineRow, timeline_row};

use crate::ctx::UserCtx;
use crate::errors::{AppError, AppResult};
use crate::i18n::T;
use crate::pages::{Chrome, html};

pub struct OrderRow {
    pub id: String,
    pub shop_name: String,
    pub status: String,
    pub status_code: &'static str,
    pub placed: String,
    pub total: String,
    pub items: Vec<(String, i64, String)>,
    pub pay_href: Option<String>,
    pub pay_by: Option<String>,
}

fn row(t: &T, d: &OrderDetail) -> OrderRow {
    let o = &d.order;
    OrderRow {
        id: o.id.to_string(),
        shop_name: d.shop_name.clone(),
        status: t
            .t(&format!("order.status.{}", o.status.as_str()))
            .to_owned(),
        status_code: o.status.as_str(),
        placed: t.time(&o.placed_at),
        total: t.rupiah(o.total),
        items: d
            .lines
            .iter()
            .map(|l| (l.label.clone(), l.quantity, t.rupiah(l.net)))
            .collect(),
        pay_href: (o.status == OrderStatus::AwaitingPayment)
            .then(|| format!("/checkout/{}/pay", o.checkout)),
        pay_by: o
            .pay_by
            .filter(|_| o.status == OrderStatus::AwaitingPayment)
            .map(|at| t.time(&at)),
    }
}

#[derive(Template)]
#[template(path = "buy/orders.html")]
struct OrdersPage {
    c: Chrome,
    orders: Vec<OrderRow>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct OrdersQuery {
    notice: Option<String>,
    checkout: Option<String>,
    before: Option<String>,
}

const PAGE: i64 = 20;

pub async fn list(u: UserCtx, Query(q): Query<OrdersQuery>) -> AppResult<Response> {
    let svc = &u.ctx.state.services;
    let buyer = u.session.user.id;
    let found = match q
        .checkout
        .as_deref()
        .and_then(|c| c.parse::<CheckoutId>().ok())
    {
        Some(checkout) => orders::of_checkout(svc, buyer, checkout).await?,
        None => {
            let before = q.before.as_deref().and_then(|b| b.parse::<OrderId>().ok());
            orders::list(svc, buyer, before, PAGE).await?
        }
    };
    let t = &u.ctx.t;
    let next = (found.len() as i64 == PAGE)
        .then(|| {
            found
                .last()
                .map(|d| format!("/orders?before={}", d.order.id))
        })
        .flatten();
    let mut c = Chrome::new(&u.ctx);
    c.notice = q.notice.as_deref().and_then(|n| t.notice(n));
    let page = OrdersPage {
        orders: found.iter().map(|d| row(t, d)).collect(),
        next,
        c,
    };
    Ok(html(&page))
}

pub struct LineRow {
    pub line_no: i32,
    pub variant: String,
    pub quantity: i64,
    pub unit: String,
    pub subtotal: String,
    pub source: String,
    /// The buyer's review of it: stars and text.
    pub review: Option<(u8, String)>,
    /// Its review's stars, 0 before one (the form's checked choice).
    pub stars_given: u8,
}

#[derive(Template)]
#[template(path = "buy/order.html")]
struct OrderPage {
    c: Chrome,
    o: OrderRow,
    lines: Vec<LineRow>,
    items_subtotal: String,
    discounts: Vec<(String, String)>,
    shipping: String,
    shipping_discount: Option<String>,
    service: String,
    eta: String,
    recipient: String,
    phone: String,
    street: String,
    area: String,
    method: String,
    cancel_reason: Option<String>,
    courier: Option<String>,
    resi: Option<String>,
    timeline: Vec<TimelineRow>,
    can_cancel: bool,
    can_confirm: bool,
    /// Until when its lines may be reviewed, when they may be now.
    review_until: Option<String>,
    reasons: Vec<(&'static str, String)>,
    errors: FormErrors,
}

fn source_label(t: &T, source: Source) -> String {
    t.t(&format!("order.source.{}", source.kind())).to_owned()
}

pub async fn show(
    u: UserCtx,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let id: OrderId = id
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    let page = order_page(&u, id, q.notice.as_deref(), FormErrors::default()).await?;
    Ok(html(&page))
}

async fn order_page(
    u: &UserCtx,
    id: OrderId,
    notice: Option<&str>,
    errors: FormErrors,
) -> AppResult<OrderPage> {
    let svc = &u.ctx.state.services;
    let d = orders::detail(svc, u.session.user.id, id).await?;
    let timeline = fulfilment::history(svc, &d.order).await?;
    let t = &u.ctx.t;
    let o = &d.order;
    // The lines and their reviews are shown for review while it is open.
    let review_until =
        review_deadline(o.status, o.fulfilment.delivered_at).filter(|until| svc.now() <= *until);
    let reviewed = match review_until {
        Some(_) => reviews::of_order(svc, o).await?,
        None => Vec::new(),
    };
    let review_until = review_until.map(|until| t.time(&until));
    let b = &d.breakdown;
    let page = OrderPage {
        lines: d
            .lines
            .iter()
            .map(|l| {
                let unit = if l.quantity > 0 {
                    l.subtotal / l.quantity
                } else {
                    0
                };
                let review = reviewed
                    .iter()
                    .find(|r| r.line_no == l.line_no)
                    .map(|r| (r.stars, r.body.clone().unwrap_or_default()));
                LineRow {
                    line_no: l.line_no,
                    stars_given: review.as_ref().map_or(0, |(s, _)| *s),
                    review,
                    variant: l.label.clone(),
                    quantity: l.quantity,
                    unit: t.rupiah(unit),
                    subtotal: t.rupiah(l.subtotal),
                    source: source_label(t, l.source),
                }
            })
            .collect(),
        items_subtotal: t.rupiah(b.items_subtotal),
        discounts: b
            .discounts
            .iter()
            .map(|x| (x.code.clone(), t.rupiah(x.amount)))
            .collect(),
        shipping: t.rupiah(b.shipping),
        shipping_discount: (b.shipping_discount > 0).then(|| t.rupiah(b.shipping_discount)),
        service: d.shipping.service.name().to_owned(),
        eta: if d.shipping.eta_min_days == d.shipping.eta_max_days {
            t.tf1("checkout.eta_one", &d.shipping.eta_min_days.to_string())
        } else {
            t.tf2(
                "checkout.eta_range",
                &d.shipping.eta_min_days.to_string(),
                &d.shipping.eta_max_days.to_string(),
            )
        },
        recipient: d.address.recipient.clone(),
        phone: d.address.phone.as_str().to_owned(),
        street: d.address.street.clone(),
        area: d.address.area_line(),
        method: t
            .t(&format!("order.method.{}", o.method.as_str()))
            .to_owned(),
        cancel_reason: o
            .cancel_reason
            .as_deref()
            .map(|r| t.t(&format!("order.cancel_reason.{r}")).to_owned()),
        courier: o.fulfilment.courier.map(|c| c.name().to_owned()),
        resi: o.fulfilment.resi.as_ref().map(ToString::to_string),
        timeline: timeline.iter().map(|e| timeline_row(t, e)).collect(),
        can_cancel: o
            .status
            .allows(OrderEvent::Cancelled(CancelReason::BuyerOther)),
        can_confirm: o.status.allows(OrderEvent::ReceiptConfirmed),
        review_until,
        reasons: CancelReason::chosen_by(CancelledBy::Buyer)
            .map(|r| (r.as_str(), format!("order.cancel_reason.{}", r.as_str())))
            .collect(),
        errors,
        o: row(t, &d),
        c: {
            let mut c = Chrome::new(&u.ctx);
            c.notice = notice.and_then(|n| t.notice(n));
            c
        },
    };
    Ok(page)
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    reason: String,
}

/// The buyer's answer to an action: back to the order (at `anchor`) with a
/// notice, or the order again with what went wrong.
async fn answered<T>(
    u: &UserCtx,
    id: OrderId,
    done: Result<T, ServiceError>,
    (notice, anchor): (&str, &str),
) -> AppResult<Response> {
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/orders/{id}?notice={notice}{anchor}")).into_response()),
        Err(e) if matches!(e.code.status(), 409 | 422) => {
            let errors = FormErrors::from_service(&u.ctx.t, &e);
            let status = crate::errors::status_of(e.code);
            let page = order_page(u, id, None, errors).await?;
            Ok((status, html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn cancel(
    u: UserCtx,
    Path(id): Path<String>,
    Form(form): Form<CancelForm>,
) -> AppResult<Response> {
    let id: OrderId = id
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    let svc = &u.ctx.state.services;
    let done = fulfilment::buyer::cancel(svc, u.session.user.id, id, &form.reason).await;
    answered(&u, id, done, ("order_cancelled", "")).await
}

pub async fn received(u: UserCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: OrderId = id
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    let svc = &u.ctx.state.services;
    let done = fulfilment::buyer::confirm_receipt(svc, u.session.user.id, id).await;
    answered(&u, id, done, ("order_received", "")).await
}

#[derive(Deserialize, Default)]
pub struct ReviewBody {
    #[serde(default)]
    stars: String,
    #[serde(default)]
    body: String,
}

/// `POST /orders/{id}/lines/{line}/review`: the buyer's review of a line.
pub async fn review(
    u: UserCtx,
    Path((id, line)): Path<(String, String)>,
    Form(form): Form<ReviewBody>,
) -> AppResult<Response> {
    let id: OrderId = id
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    let line: i32 = line
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    let svc = &u.ctx.state.services;
    let form = ReviewForm {
        stars: form.stars,
        body: form.body,
    };
    let done = reviews::review(svc, u.session.user.id, id, line, &form).await;
    answered(&u, id, done, ("review_saved", "#reviews")).await
}

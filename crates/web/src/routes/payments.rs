//! The buyer's payment pages: `/checkout/{id}/pay` starts (or resumes)
//! paying a checkout and sends the buyer to the gateway's hosted page;
//! `/checkout/{id}/paid` — where the gateway sends the buyer back — shows
//! where the payment stands: the receipt, or how to pay (the VA number, the
//! QRIS code), or what to do after a failure. The gateway's query
//! parameters on the way back are never trusted: the page asks the
//! gateway's status API itself while a payment is pending.

use askama::Template;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use etalase_domain::ErrorCode;
use etalase_domain::checkout::{OrderStatus, PaymentMethod};
use etalase_domain::id::CheckoutId;
use etalase_services::payments::{self, CheckoutPayment, PaymentStatus, Started, channel_name};
use etalase_services::{ServiceError, Services};

use crate::ctx::UserCtx;
use crate::errors::AppError;
use crate::i18n::T;
use crate::pages::{Chrome, html};
use crate::state::AppState;

/// The buyer's payment pages (behind the CSRF guard, which also gives
/// their forms — the language switch — a token).
pub fn router(state: &AppState) -> axum::Router<AppState> {
    axum::Router::new()
        .route("/checkout/{checkout_id}/pay", get(pay))
        .route("/checkout/{checkout_id}/paid", get(finish))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::csrf::guard,
        ))
}

/// One order of the checkout, as the page lists it.
struct OrderRow {
    id: String,
    shop: String,
    total: String,
    status: String,
}

/// Where the payment stands, for the template.
#[derive(Default)]
struct View {
    /// `paid`, `late` (paid after the orders were cancelled), `pending`,
    /// `failed`, `expired`, `closed`, `cod` or `unpaid`.
    kind: &'static str,
    pay_by: Option<String>,
    payment_number: Option<String>,
    channel: Option<String>,
    paid_at: Option<String>,
    va_number: Option<String>,
    qr_string: Option<String>,
    /// `qris` or `gopay` for a QR code.
    qr_kind: &'static str,
    redirect_url: Option<String>,
    refunded: Option<String>,
}

#[derive(Template)]
#[template(path = "payments/finish.html")]
struct FinishPage {
    c: Chrome,
    checkout_id: String,
    lead: String,
    amount: String,
    v: View,
    orders: Vec<OrderRow>,
    error: Option<String>,
}

fn checkout_id(text: &str) -> Result<CheckoutId, AppError> {
    text.parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))
}

/// Starts (or resumes) paying and goes to the gateway's page; a checkout
/// paid already goes to its receipt. A problem is shown on the payment
/// page, with what the buyer can do.
pub async fn pay(user: UserCtx, Path(id): Path<String>) -> Response {
    let checkout = match checkout_id(&id) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let svc = &user.ctx.state.services;
    let buyer = user.session.user.id;
    match payments::start(svc, buyer, checkout).await {
        Ok(Started::Pay(payment)) => Redirect::to(&payment.redirect_url).into_response(),
        Ok(Started::AlreadyPaid) => {
            Redirect::to(&format!("/checkout/{checkout}/paid")).into_response()
        }
        Err(error) if error.code == ErrorCode::NotFound => AppError::from(error).into_response(),
        Err(error) => {
            let status = StatusCode::from_u16(error.code.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if status.is_server_error() && error.code != ErrorCode::GatewayUnavailable {
                return AppError::from(error).into_response();
            }
            match page(&user, checkout, Some(&error)).await {
                Ok(body) => (status, body).into_response(),
                Err(e) => e.into_response(),
            }
        }
    }
}

/// Where the gateway sends the buyer back, and the buyer's receipt.
pub async fn finish(user: UserCtx, Path(id): Path<String>) -> Response {
    let checkout = match checkout_id(&id) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let svc = &user.ctx.state.services;
    if let Err(e) = payments::reconcile(svc, user.session.user.id, checkout).await {
        return AppError::from(e).into_response();
    }
    match page(&user, checkout, None).await {
        Ok(body) => body,
        Err(e) => e.into_response(),
    }
}

async fn page(
    user: &UserCtx,
    checkout: CheckoutId,
    error: Option<&ServiceError>,
) -> Result<Response, AppError> {
    let svc = &user.ctx.state.services;
    let t = &user.ctx.t;
    let found = payments::of_checkout(svc, user.session.user.id, checkout).await?;
    let orders = order_rows(svc, t, &found).await?;
    let page = FinishPage {
        c: Chrome::new(&user.ctx),
        checkout_id: checkout.to_string(),
        lead: t.tf2(
            "payment.lead",
            &checkout.to_string(),
            &t.time(&found.checkout.placed_at),
        ),
        amount: t.rupiah(amount_due(&found)),
        v: view(t, &found),
        orders,
        error: error.map(|e| t.error(e.code)),
    };
    let mut response = html(&page);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// What the buyer pays (or paid): the paid attempt's amount, else what
/// the orders still awaiting payment add up to, else the checkout's total.
fn amount_due(found: &CheckoutPayment) -> i64 {
    if let Some(paid) = found.paid() {
        return paid.amount;
    }
    let awaiting: i64 = found
        .orders
        .iter()
        .filter(|o| o.status == OrderStatus::AwaitingPayment)
        .map(|o| o.total)
        .sum();
    if awaiting > 0 {
        awaiting
    } else {
        found.checkout.total
    }
}

fn view(t: &T, found: &CheckoutPayment) -> View {
    let pay_by = found
        .orders
        .iter()
        .filter_map(|o| o.pay_by)
        .min()
        .map(|at| t.time(&at));
    if found.checkout.method == PaymentMethod::Cod {
        return View {
            kind: "cod",
            ..View::default()
        };
    }
    if let Some(paid) = found.paid() {
        let any_paid_order = found.orders.iter().any(|o| o.paid_at.is_some());
        return View {
            kind: if any_paid_order { "paid" } else { "late" },
            payment_number: Some(paid.id.to_string()),
            channel: paid.channel.as_deref().map(channel_name),
            paid_at: paid.paid_at.map(|at| t.time(&at)),
            refunded: (paid.refunded_amount > 0)
                .then(|| t.tf1("payment.refunded", &t.rupiah(paid.refunded_amount))),
            ..View::default()
        };
    }
    if !found.awaiting() {
        return View {
            kind: "closed",
            ..View::default()
        };
    }
    let Some(latest) = found.latest() else {
        return View {
            kind: "unpaid",
            pay_by,
            ..View::default()
        };
    };
    let kind = match latest.status {
        PaymentStatus::Pending => "pending",
        PaymentStatus::Expired => "expired",
        _ => "failed",
    };
    View {
        kind,
        pay_by,
        payment_number: Some(latest.id.to_string()),
        channel: latest.channel.as_deref().map(channel_name),
        va_number: latest.va_number.clone(),
        qr_string: latest.qr_string.clone(),
        qr_kind: match latest.channel.as_deref() {
            Some("gopay") => "gopay",
            _ => "qris",
        },
        redirect_url: Some(latest.redirect_url.clone()),
        ..View::default()
    }
}

async fn order_rows(
    svc: &Services,
    t: &T,
    found: &CheckoutPayment,
) -> Result<Vec<OrderRow>, AppError> {
    let mut rows = Vec::with_capacity(found.orders.len());
    for order in &found.orders {
        let shop = etalase_store::sellers::get_seller(&svc.store, order.seller).await?;
        rows.push(OrderRow {
            id: order.id.to_string(),
            shop: shop.name,
            total: t.rupiah(order.total),
            status: t
                .t(&format!("payment.order_status.{}", order.status.as_str()))
                .to_owned(),
        });
    }
    Ok(rows)
}

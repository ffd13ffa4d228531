//! The built-in sandbox payment gateway under `/sandbox-gateway`, mounted
//! only when the sandbox is enabled (demo and test mode). Its API answers
//! like the real gateway's (JSON, HTTP Basic with the server key); its
//! hosted page lets a person pick a virtual account, QRIS or GoPay and then
//! make the payment succeed, fail or expire. The logic lives in
//! `etalase_services::payments::sandbox`; this module only speaks HTTP.

use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_services::payments::SANDBOX_PATH;
use etalase_services::payments::sandbox::{self, ApiAnswer, CHANNELS, HostedPage, Outcome};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::errors::AppError;
use crate::pages::{Chrome, FormErrors, html};
use crate::state::AppState;

/// The sandbox's routes; none when it is off.
pub fn router(state: &AppState) -> axum::Router<AppState> {
    if !state.services.config.gateway.sandbox_enabled {
        return axum::Router::new();
    }
    // The hosted page's forms are a browser's: CSRF-checked like ours.
    let page = axum::Router::new()
        .route("/sandbox-gateway/snap/v2/vtweb/{token}", get(hosted))
        .route(
            "/sandbox-gateway/snap/v2/vtweb/{token}/channel",
            post(choose),
        )
        .route(
            "/sandbox-gateway/snap/v2/vtweb/{token}/simulate",
            post(simulate),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::csrf::guard,
        ));
    // The API is called by servers with the server key, never by browsers.
    let api = axum::Router::new()
        .route("/sandbox-gateway/snap/v1/transactions", post(create))
        .route("/sandbox-gateway/v2/{order_id}/status", get(status))
        .route("/sandbox-gateway/v2/{order_id}/refund", post(refund));
    page.merge(api)
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn json(answer: ApiAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    (status, axum::Json(answer.body)).into_response()
}

pub async fn create(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match sandbox::create_transaction(
        &state.services,
        header_text(&headers, header::AUTHORIZATION.as_str()),
        header_text(&headers, "x-override-notification"),
        &body,
    )
    .await
    {
        Ok(answer) => json(answer),
        Err(e) => AppError::from(e).into_response(),
    }
}

pub async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(order_id): Path<String>,
) -> Response {
    match sandbox::transaction_status(
        &state.services,
        header_text(&headers, header::AUTHORIZATION.as_str()),
        &order_id,
    )
    .await
    {
        Ok(answer) => json(answer),
        Err(e) => AppError::from(e).into_response(),
    }
}

pub async fn refund(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Response {
    match sandbox::refund(
        &state.services,
        header_text(&headers, header::AUTHORIZATION.as_str()),
        &order_id,
        &body,
    )
    .await
    {
        Ok(answer) => json(answer),
        Err(e) => AppError::from(e).into_response(),
    }
}

struct Choice {
    value: &'static str,
    label: String,
}

#[derive(Template)]
#[template(path = "payments/sandbox.html")]
struct SandboxPage {
    c: Chrome,
    token: String,
    order_id: String,
    amount: String,
    status: String,
    /// The message key of a settled status.
    result_key: Option<&'static str>,
    channel: Option<String>,
    va_number: Option<String>,
    qr_string: Option<String>,
    items: Vec<(String, String, i64)>,
    customer: Option<String>,
    expires: String,
    finish_url: Option<String>,
    choices: Vec<Choice>,
    errors: FormErrors,
}

fn sandbox_page(ctx: &Ctx, token: &str, page: HostedPage, errors: FormErrors) -> SandboxPage {
    let t = &ctx.t;
    let tx = page.transaction;
    let result_key = match tx.status.as_str() {
        "settlement" => Some("sandbox.settlement"),
        "deny" => Some("sandbox.deny"),
        "expire" => Some("sandbox.expired"),
        "refund" => Some("sandbox.refund"),
        "partial_refund" => Some("sandbox.partial_refund"),
        _ => None,
    };
    SandboxPage {
        c: Chrome::new(ctx),
        token: token.to_owned(),
        order_id: tx.order_id.clone(),
        amount: t.rupiah(tx.gross_amount),
        status: tx.status.clone(),
        result_key,
        channel: tx
            .channel
            .as_deref()
            .map(|c| t.t(&format!("sandbox.{c}")).to_owned()),
        va_number: tx.va_number.clone(),
        qr_string: tx.qr_string.clone(),
        items: page
            .items
            .into_iter()
            .map(|(name, price, quantity)| (name, t.rupiah(price), quantity))
            .collect(),
        customer: page.customer,
        expires: t.tf1(
            "sandbox.expires",
            &t.time(&Timestamp::from_unix_millis(tx.expires_at)),
        ),
        finish_url: tx.finish_url.clone(),
        choices: CHANNELS
            .iter()
            .map(|c| Choice {
                value: c,
                label: t.t(&format!("sandbox.{c}")).to_owned(),
            })
            .collect(),
        errors,
    }
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    response
}

pub async fn hosted(ctx: Ctx, Path(token): Path<String>) -> Response {
    match sandbox::hosted_page(&ctx.state.services, &token).await {
        Ok(page) => no_store(html(&sandbox_page(
            &ctx,
            &token,
            page,
            FormErrors::default(),
        ))),
        Err(e) => AppError::from(e).into_response(),
    }
}

/// Shows the page again with a problem, answered with its status.
async fn again(ctx: &Ctx, token: &str, error: etalase_services::ServiceError) -> Response {
    if error.code == ErrorCode::NotFound || error.code.status() >= 500 {
        return AppError::from(error).into_response();
    }
    let status =
        StatusCode::from_u16(error.code.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    let errors = FormErrors::from_service(&ctx.t, &error);
    match sandbox::hosted_page(&ctx.state.services, token).await {
        Ok(page) => (status, html(&sandbox_page(ctx, token, page, errors))).into_response(),
        Err(e) => AppError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct ChannelForm {
    channel: Option<String>,
}

pub async fn choose(
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<ChannelForm>,
) -> Response {
    let channel = form.channel.unwrap_or_default();
    match sandbox::choose(&ctx.state.services, &token, &channel).await {
        Ok(()) => Redirect::to(&format!("{SANDBOX_PATH}/snap/v2/vtweb/{token}")).into_response(),
        Err(e) => again(&ctx, &token, e).await,
    }
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    outcome: Option<String>,
}

pub async fn simulate(
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<OutcomeForm>,
) -> Response {
    let Some(outcome) = form.outcome.as_deref().and_then(Outcome::parse) else {
        let error = etalase_services::ServiceError::field("outcome", ErrorCode::ValidationFailed);
        return again(&ctx, &token, error).await;
    };
    match sandbox::simulate(&ctx.state.services, &token, outcome).await {
        Ok(done) => {
            if !done.notified {
                tracing::info!("sandbox gateway: the shop did not take the notification");
            }
            let back = done
                .finish_url
                .unwrap_or_else(|| format!("{SANDBOX_PATH}/snap/v2/vtweb/{token}"));
            Redirect::to(&back).into_response()
        }
        Err(e) => again(&ctx, &token, e).await,
    }
}

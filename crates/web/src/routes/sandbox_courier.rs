//! The built-in sandbox courier under `/sandbox-courier`, mounted only when
//! it is enabled (demo and test mode). Its booking API answers like a
//! logistics aggregator's (JSON, a bearer key); its control page lists the
//! booked packages and lets a person move each one along, every step sent
//! to the platform as a signed tracking report. The logic lives in
//! `etalase_services::fulfilment::sandbox_courier`; this module only
//! speaks HTTP.

use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use etalase_domain::ErrorCode;
use etalase_domain::Timestamp;
use etalase_domain::orders::TrackingKind;
use etalase_domain::shipping::Courier;
use etalase_services::fulfilment::sandbox_courier as sandbox;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::errors::{AppError, AppResult};
use crate::pages::{Chrome, html};
use crate::state::AppState;

/// The sandbox courier's routes; none when it is off.
pub fn router(state: &AppState) -> axum::Router<AppState> {
    if !state.services.config.logistics.sandbox_enabled {
        return axum::Router::new();
    }
    // The control page's forms are a browser's: CSRF-checked like ours.
    let page = axum::Router::new()
        .route("/sandbox-courier", get(control))
        .route("/sandbox-courier/shipments/{id}/report", post(report))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::csrf::guard,
        ));
    // The API is called by the platform's servers with the key.
    let api = axum::Router::new().route("/sandbox-courier/v1/shipments", post(book));
    page.merge(api)
}

pub async fn book(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match sandbox::book(&state.services, authorization, &body).await {
        Ok(answer) => {
            let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
            (status, axum::Json(answer.body)).into_response()
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

struct ShipmentRow {
    id: String,
    reference: String,
    courier: String,
    service: String,
    resi: String,
    status_key: String,
    updated: String,
    /// The reports that may come next: (kind, label).
    next: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "payments/sandbox_courier.html")]
struct ControlPage {
    c: Chrome,
    shipments: Vec<ShipmentRow>,
    /// The platform did not acknowledge the last report.
    unacknowledged: bool,
}

#[derive(Deserialize, Default)]
pub struct ControlQuery {
    #[serde(default)]
    unacknowledged: Option<String>,
}

pub async fn control(
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<ControlQuery>,
) -> AppResult<Response> {
    let t = &ctx.t;
    let shipments = sandbox::shipments(&ctx.state.services).await?;
    let rows = shipments
        .into_iter()
        .map(|s| ShipmentRow {
            next: sandbox::next_reports(&s.status)
                .iter()
                .map(|k| {
                    (
                        k.as_str(),
                        t.t(&format!("orders.event.tracking_{}", k.as_str()))
                            .to_owned(),
                    )
                })
                .collect(),
            status_key: if s.status == "booked" {
                "sandbox_courier.booked".to_owned()
            } else {
                format!("orders.event.tracking_{}", s.status)
            },
            updated: t.time(&Timestamp::from_unix_millis(s.updated_at)),
            courier: Courier::parse(&s.courier).map_or(s.courier.clone(), |c| c.name().to_owned()),
            id: s.id,
            reference: s.reference,
            service: s.service,
            resi: s.resi,
        })
        .collect();
    let mut response = html(&ControlPage {
        c: Chrome::new(&ctx),
        shipments: rows,
        unacknowledged: q.unacknowledged.is_some(),
    });
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    kind: String,
}

pub async fn report(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ReportForm>,
) -> AppResult<Response> {
    let kind = TrackingKind::parse(&form.kind).ok_or(ErrorCode::MalformedRequest)?;
    let reported = sandbox::report(&ctx.state.services, &id, kind).await?;
    let to = if reported.acknowledged {
        format!("/sandbox-courier#{}", reported.shipment.id)
    } else {
        "/sandbox-courier?unacknowledged=1".to_owned()
    };
    Ok(Redirect::to(&to).into_response())
}

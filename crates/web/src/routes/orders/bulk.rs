//! Actions on many orders of a list at once: arranging the ticked orders'
//! pickups, and exporting the list as CSV (what a seller opens in a
//! spreadsheet, or hands to their warehouse).

use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::id::OrderId;
use etalase_services::ServiceError;
use etalase_services::fulfilment::{arrange, seller as orders};
use serde::Deserialize;

use super::{ListQuery, courier_name, recipient_of};
use crate::ctx::SellerCtx;
use crate::errors::{AppError, AppResult};
use crate::routes::seller::parse_id;

#[derive(Debug, Default, Deserialize)]
pub struct TickedForm {
    #[serde(default)]
    pub id: Vec<String>,
}

/// `POST /seller/orders/arrange`: books the pickups of the ticked orders.
pub async fn arrange_ticked(
    s: SellerCtx,
    axum_extra::extract::Form(form): axum_extra::extract::Form<TickedForm>,
) -> AppResult<Response> {
    let ids = form
        .id
        .iter()
        .map(|id| parse_id(id))
        .collect::<Result<Vec<OrderId>, _>>()?;
    let svc = &s.ctx.state.services;
    let done = arrange::arrange_many(svc, &s.scope, &ids).await?;
    let notice = if done.refused.is_empty() {
        "orders_arranged"
    } else {
        for (id, code) in &done.refused {
            tracing::info!(order = %id, code = ?code, "a ticked order was not arranged");
        }
        "orders_arranged_partly"
    };
    let tab = if done.arranged.is_empty() {
        "to_ship"
    } else {
        "ready_to_ship"
    };
    Ok(Redirect::to(&format!("/seller/orders?tab={tab}&notice={notice}")).into_response())
}

/// `GET /seller/orders/export.csv?…`: the list with its filters, every
/// page (up to the export's limit), one row per order.
pub async fn export(s: SellerCtx, Query(q): Query<ListQuery>) -> AppResult<Response> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let found = orders::export(svc, &s.scope, &q.request()).await?;
    let mut csv = csv::Writer::from_writer(Vec::new());
    let header: Vec<String> = [
        "order",
        "placed",
        "status",
        "recipient",
        "items",
        "total",
        "payment",
        "courier",
        "resi",
        "deadline",
    ]
    .iter()
    .map(|k| t.t(&format!("orders.csv.{k}")).to_owned())
    .collect();
    let internal = |e: csv::Error| AppError::from(ServiceError::internal(e));
    csv.write_record(&header).map_err(internal)?;
    let now = svc.now();
    for (o, lines) in &found {
        let items = lines
            .iter()
            .map(|l| format!("{} × {}", l.quantity, l.label))
            .collect::<Vec<_>>()
            .join("; ");
        let deadline = super::deadline_of(t, o, now)
            .map(|d| format!("{} {}", t.t(d.label_key), d.at))
            .unwrap_or_default();
        csv.write_record([
            o.id.to_string(),
            t.time(&o.placed_at),
            t.t(&format!("order.status.{}", o.status.as_str()))
                .to_owned(),
            recipient_of(o),
            items,
            // Whole Rupiah, so a spreadsheet sums it.
            o.total.to_string(),
            t.t(&format!("order.method.{}", o.method.as_str()))
                .to_owned(),
            courier_name(o),
            o.fulfilment
                .resi
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            deadline,
        ])
        .map_err(internal)?;
    }
    let bytes = csv
        .into_inner()
        .map_err(|e| AppError::from(ServiceError::internal(e.into_error())))?;
    Ok(crate::pages::file(
        bytes,
        "text/csv; charset=utf-8",
        crate::pages::Disposition::Attachment,
        &format!("pesanan-{}.csv", now.wib_date()),
    ))
}

//! Shipping labels and packing slips as PDF, for one order or a batch:
//! the packages as the services hand them over, in the reader's words
//! (captions, prices, dates), rendered off the async threads.

use axum::response::Response;
use etalase_labels::{
    Captions, LabelLine, PackingSlip, Paper, Party, Sheet, ShippingLabel, SlipLine,
};
use etalase_services::ServiceError;
use etalase_services::fulfilment::package::{Package, Place};
use serde::Deserialize;

use crate::errors::{AppError, AppResult};
use crate::i18n::T;

/// What to print: `paper=a6|a5` (A6 unless said), `with=slip` to follow
/// each label with its packing slip.
#[derive(Debug, Default, Deserialize)]
pub struct PrintQuery {
    #[serde(default)]
    pub paper: Option<String>,
    #[serde(default)]
    pub with: Option<String>,
}

impl PrintQuery {
    pub fn paper(&self) -> Paper {
        self.paper
            .as_deref()
            .and_then(Paper::parse)
            .unwrap_or_default()
    }

    pub fn with_slips(&self) -> bool {
        self.with.as_deref() == Some("slip")
    }
}

fn captions(t: &T) -> Captions {
    let c = |key: &str| t.t(&format!("labels.{key}")).to_owned();
    Captions {
        sender: c("sender"),
        recipient: c("recipient"),
        items: c("items"),
        weight: c("weight"),
        cod: c("cod"),
        non_cod: c("non_cod"),
        order: c("order"),
        placed_on: c("placed_on"),
        packing_slip: c("packing_slip"),
        sku: c("sku"),
        quantity: c("quantity"),
        price: c("price"),
        subtotal: c("subtotal"),
        total: c("total"),
        note: c("note"),
        more_items: c("more_items"),
        resi: c("resi"),
        service: c("service"),
    }
}

fn party(place: &Place) -> Party {
    Party {
        name: place.name.clone(),
        phone: place.phone.clone(),
        address: vec![place.street.clone(), place.area()],
    }
}

/// Grams as a label shows weight: `1 kg`, `1,5 kg` (Indonesian decimals).
fn weight_text(t: &T, grams: u64) -> String {
    let whole = grams / 1000;
    let tenths = (grams % 1000) / 100;
    let sep = if t.code() == "id" { ',' } else { '.' };
    if tenths == 0 {
        format!("{whole} kg")
    } else {
        format!("{whole}{sep}{tenths} kg")
    }
}

fn sheets_of(t: &T, package: &Package, with_slip: bool) -> Vec<Sheet> {
    let o = &package.order;
    let courier = package.courier().name().to_owned();
    let service = package.service().code().to_owned();
    let resi = o
        .fulfilment
        .resi
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let placed_on = t.time(&o.placed_at);
    let variant = |label: &str| (!label.is_empty()).then(|| label.to_owned());
    let quantity = |q: i64| u32::try_from(q).unwrap_or(u32::MAX);
    let label = ShippingLabel {
        order_id: o.id.to_string(),
        placed_on: placed_on.clone(),
        courier: courier.clone(),
        service: service.clone(),
        resi: resi.clone(),
        sender: party(&package.origin),
        recipient: party(&package.destination),
        lines: package
            .lines
            .iter()
            .map(|l| LabelLine {
                name: l.title.clone(),
                variant: variant(&l.label),
                sku: package.sku_code(l).to_owned(),
                quantity: quantity(l.quantity),
            })
            .collect(),
        weight: weight_text(t, package.weight_grams()),
        cod_to_collect: package.cod_to_collect.map(|a| t.rupiah(a)),
        qr: o.id.to_string(),
        note: None,
    };
    let mut sheets = vec![Sheet::Label(label)];
    if with_slip {
        sheets.push(Sheet::Slip(PackingSlip {
            order_id: o.id.to_string(),
            placed_on,
            shop_name: package.shop_name.clone(),
            recipient: party(&package.destination),
            courier,
            service,
            resi: Some(resi),
            lines: package
                .lines
                .iter()
                .map(|l| SlipLine {
                    name: l.title.clone(),
                    variant: variant(&l.label),
                    sku: package.sku_code(l).to_owned(),
                    quantity: quantity(l.quantity),
                    unit_price: t.rupiah(l.subtotal / l.quantity.max(1)),
                    subtotal: t.rupiah(l.subtotal),
                })
                .collect(),
            total: t.rupiah(o.items_subtotal),
            note: None,
        }));
    }
    sheets
}

/// The packages as one PDF download.
pub async fn pdf(
    t: &T,
    packages: &[Package],
    query: &PrintQuery,
    filename: &str,
) -> AppResult<Response> {
    let sheets: Vec<Sheet> = packages
        .iter()
        .flat_map(|p| sheets_of(t, p, query.with_slips()))
        .collect();
    let captions = captions(t);
    let paper = query.paper();
    let title = t.t("labels.title").to_owned();
    let bytes = tokio::task::spawn_blocking(move || {
        etalase_labels::render(&sheets, paper, &captions, &title)
    })
    .await
    .map_err(|e| AppError::from(ServiceError::internal(e)))?
    .map_err(|e| AppError::from(ServiceError::internal(e)))?;
    Ok(crate::pages::file(
        bytes,
        "application/pdf",
        crate::pages::Disposition::Inline,
        filename,
    ))
}

/// `GET /seller/orders/{id}/label.pdf`: one order's label (and slip).
pub async fn one(
    s: crate::ctx::SellerCtx,
    axum::extract::Path(id): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<PrintQuery>,
) -> AppResult<Response> {
    let id: etalase_domain::id::OrderId = crate::routes::seller::parse_id(&id)?;
    let svc = &s.ctx.state.services;
    let packages = etalase_services::fulfilment::labels::printable(svc, &s.scope, &[id]).await?;
    pdf(&s.ctx.t, &packages, &q, &format!("label-{id}.pdf")).await
}

/// The orders ticked on a list, to print together.
#[derive(Debug, Default, Deserialize)]
pub struct BatchForm {
    #[serde(default)]
    pub id: Vec<String>,
    #[serde(default)]
    pub paper: Option<String>,
    #[serde(default)]
    pub with: Option<String>,
}

/// `POST /seller/orders/labels.pdf`: the ticked orders' labels in one PDF.
pub async fn batch(
    s: crate::ctx::SellerCtx,
    axum_extra::extract::Form(form): axum_extra::extract::Form<BatchForm>,
) -> AppResult<Response> {
    let ids = form
        .id
        .iter()
        .map(|id| crate::routes::seller::parse_id(id))
        .collect::<Result<Vec<etalase_domain::id::OrderId>, _>>()?;
    let svc = &s.ctx.state.services;
    let packages = etalase_services::fulfilment::labels::printable(svc, &s.scope, &ids).await?;
    let query = PrintQuery {
        paper: form.paper,
        with: form.with,
    };
    let name = format!("labels-{}.pdf", packages.len());
    pdf(&s.ctx.t, &packages, &query, &name).await
}

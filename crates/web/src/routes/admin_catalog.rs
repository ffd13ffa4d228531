//! Admin: product moderation (`/admin/products`). A moderator finds a
//! product in any shop, takes it out of the Shop with a reason the seller
//! sees, and puts it back once the seller has fixed it and asked for review.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::ErrorCode;
use etalase_domain::id::{ImageId, ProductId};
use etalase_services::catalog::{self, media};
use serde::Deserialize;

use super::catalog::price_range;
use super::seller::parse_id;
use crate::ctx::AdminCtx;
use crate::errors::{AppError, AppResult};
use crate::pages::{Chrome, FormErrors, html};

pub struct Row {
    pub id: String,
    pub title: String,
    pub shop: String,
    pub status: &'static str,
    pub status_key: String,
    pub review_requested: Option<String>,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "admin/products.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    query: String,
    review: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    review: Option<String>,
    notice: Option<String>,
}

pub async fn list(a: AdminCtx, Query(q): Query<ListQuery>) -> AppResult<Response> {
    let svc = &a.ctx.state.services;
    let t = &a.ctx.t;
    let rows = catalog::moderation_list(svc, &a.user, q.q.as_deref(), q.review.is_some())
        .await?
        .into_iter()
        .map(|r| Row {
            id: r.product.id.to_string(),
            title: r.product.title.clone(),
            shop: format!("{} ({})", r.shop_name, r.shop_slug),
            status: r.product.status.as_str(),
            status_key: format!("catalog.status.{}", r.product.status.as_str()),
            review_requested: r.product.review_requested_at.map(|at| t.time(&at)),
            updated: t.time(&r.product.updated_at),
        })
        .collect();
    let mut c = Chrome::new(&a.ctx);
    c.notice = q.notice.as_deref().and_then(|n| t.notice(n));
    Ok(html(&ListPage {
        c,
        rows,
        query: q.q.unwrap_or_default(),
        review: q.review.is_some(),
    }))
}

#[derive(Template)]
#[template(path = "admin/product.html")]
struct ProductPage {
    c: Chrome,
    id: String,
    title: String,
    status: &'static str,
    status_key: String,
    description_html: String,
    price: String,
    stock: i64,
    score: u8,
    images: Vec<String>,
    moderation_reason: Option<String>,
    review_requested: Option<String>,
    copied_from: Option<String>,
    errors: FormErrors,
}

async fn product_page(a: &AdminCtx, id: ProductId, errors: FormErrors) -> AppResult<ProductPage> {
    let svc = &a.ctx.state.services;
    let t = &a.ctx.t;
    let view = catalog::moderation_view(svc, &a.user, id).await?;
    let p = &view.product;
    Ok(ProductPage {
        c: Chrome::new(&a.ctx),
        id: p.id.to_string(),
        title: p.title.clone(),
        status: p.status.as_str(),
        status_key: format!("catalog.status.{}", p.status.as_str()),
        description_html: p.description_html.clone(),
        price: price_range(t, p.listing.min_price, p.listing.max_price),
        stock: p.listing.total_stock,
        score: view.quality.score,
        images: view
            .images
            .iter()
            .map(|i| format!("/admin/products/{}/images/{}/480", p.id, i.id))
            .collect(),
        moderation_reason: p.moderation_reason.clone(),
        review_requested: p.review_requested_at.map(|at| t.time(&at)),
        copied_from: view
            .copied_from
            .as_ref()
            .map(|(title, shop)| t.tf2("quality.original_description.named", title, shop)),
        errors,
    })
}

pub async fn show(a: AdminCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    Ok(html(&product_page(&a, id, FormErrors::default()).await?))
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

pub async fn decide(
    a: AdminCtx,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ReasonForm>,
) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    let svc = &a.ctx.state.services;
    let product = catalog::moderation_view(svc, &a.user, id).await?.product;
    let result = match action.as_str() {
        "deactivate" => catalog::moderate(svc, &a.user, product.seller_id, id, &form.reason).await,
        "reinstate" => catalog::reinstate(svc, &a.user, product.seller_id, id).await,
        _ => return Err(AppError::from(ErrorCode::NotFound)),
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/admin/products/{id}?notice=decision_saved")).into_response(),
        ),
        Err(e) if e.code.status() == 422 || e.code.status() == 409 => {
            let errors = FormErrors::from_service(&a.ctx.t, &e);
            let status = crate::errors::status_of(e.code);
            Ok((status, html(&product_page(&a, id, errors).await?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn image(
    a: AdminCtx,
    Path((id, image, size)): Path<(String, String, u32)>,
) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    let image: ImageId = parse_id(&image)?;
    let bytes =
        media::bytes_for_moderation(&a.ctx.state.services, &a.user, id, image, Some(size)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        bytes,
    )
        .into_response())
}

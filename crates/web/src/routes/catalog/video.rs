//! A product's own video in the editor: upload (streamed, checked by its
//! container, within the product-video limits), remove, and the file for
//! the editor's preview.

use axum::extract::{Multipart, Path};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::ErrorCode;
use etalase_domain::id::ProductId;
use etalase_services::ServiceError;
use etalase_services::catalog;
use etalase_services::content::product_video;

use super::form::EditorFields;
use crate::ctx::SellerCtx;
use crate::errors::{AppError, AppResult};
use crate::routes::seller::parse_id;
use crate::routes::videos::seller::{declared_too_large, receive};

/// The editor again with what was wrong with the file (413 too large,
/// 422 not a video or too long); nothing kept.
async fn refused(s: &SellerCtx, id: ProductId, e: ServiceError) -> AppResult<Response> {
    if !matches!(e.code.status(), 413 | 422) {
        return Err(e.into());
    }
    let view = catalog::view(&s.ctx.state.services, &s.scope, id).await?;
    let fields = EditorFields::of(&view.product, &view.skus);
    Ok(super::editor::refused_page(s, &view, fields, &e))
}

pub async fn upload(
    s: SellerCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    let mut upload = product_video::begin_upload(svc, &s.scope, id).await?;
    if declared_too_large(&headers, &upload) {
        return refused(
            &s,
            id,
            ServiceError::field("file", ErrorCode::VideoTooLarge),
        )
        .await;
    }
    if let Err(e) = receive(&mut multipart, &mut upload).await {
        return refused(&s, id, e).await;
    }
    match product_video::finish(upload, svc, &s.scope, id).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/seller/products/{id}?notice=product_video_uploaded#video"
        ))
        .into_response()),
        Err(e) => refused(&s, id, e).await,
    }
}

pub async fn remove(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    product_video::remove(&s.ctx.state.services, &s.scope, id).await?;
    Ok(Redirect::to(&format!(
        "/seller/products/{id}?notice=product_video_removed#video"
    ))
    .into_response())
}

/// The file, for the editor's player (the seller's own, in the Shop or not).
pub async fn file(s: SellerCtx, Path(id): Path<String>, headers: HeaderMap) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    let video = product_video::of_own_product(svc, &s.scope, id)
        .await?
        .ok_or(AppError::from(ErrorCode::NotFound))?;
    crate::ranged::serve(
        &svc.objects,
        &video.object_key,
        product_video::content_type(&video),
        "private, no-cache",
        &format!("{}-{}", video.id, video.bytes),
        &headers,
    )
    .await
    .map(IntoResponse::into_response)
}

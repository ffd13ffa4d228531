//! Product images in the editor: upload, reorder, remove, and the bytes.

use axum::extract::{Multipart, Path};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::ErrorCode;
use etalase_domain::id::{ImageId, ProductId};
use etalase_services::catalog::{self, media};

use super::form::EditorFields;
use crate::ctx::SellerCtx;
use crate::errors::{AppError, AppResult};
use crate::routes::seller::parse_id;

pub async fn upload(
    s: SellerCtx,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    let mut files: Vec<Vec<u8>> = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::from(ErrorCode::MalformedRequest))?
    {
        if field.name() == Some("file") {
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::from(ErrorCode::PayloadTooLarge))?;
            files.push(bytes.to_vec());
        }
    }
    let svc = &s.ctx.state.services;
    for bytes in files {
        if let Err(e) = media::upload(svc, &s.scope, id, bytes).await {
            if e.code.status() != 422 {
                return Err(e.into());
            }
            let view = catalog::view(svc, &s.scope, id).await?;
            let fields = EditorFields::of(&view.product, &view.skus);
            return Ok(super::editor::refused_page(&s, &view, fields, &e));
        }
    }
    Ok(Redirect::to(&format!("/seller/products/{id}?notice=image_added#images")).into_response())
}

/// Moves an image one place earlier or later (`up` makes it closer to first).
pub async fn move_image(
    s: SellerCtx,
    Path((id, image, direction)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    let image: ImageId = parse_id(&image)?;
    let svc = &s.ctx.state.services;
    let view = catalog::view(svc, &s.scope, id).await?;
    let mut order: Vec<ImageId> = view.images.iter().map(|i| i.id).collect();
    let at = order
        .iter()
        .position(|i| *i == image)
        .ok_or(AppError::from(ErrorCode::NotFound))?;
    match direction.as_str() {
        "up" if at > 0 => order.swap(at, at - 1),
        "down" if at + 1 < order.len() => order.swap(at, at + 1),
        "first" => {
            let moved = order.remove(at);
            order.insert(0, moved);
        }
        "up" | "down" => {}
        _ => return Err(ErrorCode::NotFound.into()),
    }
    media::reorder(svc, &s.scope, id, &order).await?;
    Ok(Redirect::to(&format!("/seller/products/{id}#images")).into_response())
}

pub async fn remove(
    s: SellerCtx,
    Path((id, image)): Path<(String, String)>,
) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    let image: ImageId = parse_id(&image)?;
    let svc = &s.ctx.state.services;
    match media::remove(svc, &s.scope, id, image).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/seller/products/{id}?notice=image_removed#images"
        ))
        .into_response()),
        Err(e) if e.code.status() == 422 => {
            let view = catalog::view(svc, &s.scope, id).await?;
            let fields = EditorFields::of(&view.product, &view.skus);
            Ok(super::editor::refused_page(&s, &view, fields, &e))
        }
        Err(e) => Err(e.into()),
    }
}

/// An image's bytes: `full`, or a thumbnail width.
pub async fn bytes(
    s: SellerCtx,
    Path((id, image, size)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    let image: ImageId = parse_id(&image)?;
    let size = match size.as_str() {
        "full" => None,
        other => Some(
            other
                .parse::<u32>()
                .map_err(|_| AppError::from(ErrorCode::NotFound))?,
        ),
    };
    let bytes = media::bytes(&s.ctx.state.services, &s.scope, id, image, size).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        bytes,
    )
        .into_response())
}

//! Bulk import through the API: a CSV body (or a multipart form with the
//! sheet and the photo files it names) queued as a job, and its status.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Json;
use etalase_domain::ErrorCode;
use etalase_domain::policy::{Area, SellerAction};
use etalase_services::ServiceError;
use etalase_services::catalog;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiAuth;
use crate::errors::{AppError, AppResult, Problem};
use crate::state::AppState;

/// An import job and, once it finished, what it found.
#[derive(Serialize, ToSchema)]
pub struct ImportJob {
    pub id: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// `valid_rows` or `all_or_nothing`.
    pub mode: String,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub created: i64,
    pub updated: i64,
    pub error_rows: i64,
    /// Why the whole file was refused (an error code), if it was.
    pub failure: Option<String>,
    pub problems: Vec<ImportProblem>,
}

/// A problem found in a row of the sheet.
#[derive(Serialize, ToSchema)]
pub struct ImportProblem {
    /// The sheet's row (1 is the header).
    pub row: usize,
    /// The column's key, such as `price` or `sku_code`.
    pub column: String,
    pub code: String,
}

impl From<etalase_store::imports::ImportJob> for ImportJob {
    fn from(job: etalase_store::imports::ImportJob) -> Self {
        let problems = catalog::import::problems(&job)
            .into_iter()
            .map(|p| ImportProblem {
                row: p.row,
                column: p.column,
                code: p.code.code().to_owned(),
            })
            .collect();
        ImportJob {
            id: job.id.to_string(),
            status: job.status.as_str().to_owned(),
            mode: job.mode.as_str().to_owned(),
            total_rows: job.total_rows,
            processed_rows: job.processed_rows,
            created: job.created_count,
            updated: job.updated_count,
            error_rows: job.error_rows,
            failure: job.failure,
            problems,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// `valid_rows` (default: import the valid rows, report the others) or
    /// `all_or_nothing`.
    mode: Option<String>,
    /// A name to show for the file.
    file_name: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/products/import", tag = "catalog",
    security(("api_key" = ["catalog:write", "inventory:write"])),
    params(ImportQuery),
    request_body(content(
        (String = "text/csv"),
        (ImportForm = "multipart/form-data"),
    ), description = "A catalog sheet (the columns of the Seller Center's template) as the body, photos named by web address; or a multipart form with the sheet as `file` and the photo files its Images column names as `photos` (repeated). Up to 50 MB in all."),
    responses(
        (status = 202, body = ImportJob, description = "Queued; follow it at /api/v1/imports/{import_id}"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "An empty body or an unknown mode"),
    ))]
pub async fn import(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> AppResult<(StatusCode, Json<ImportJob>)> {
    use etalase_store::imports::ImportMode;
    let mode = match q.mode.as_deref() {
        None => ImportMode::ValidRows,
        Some(m) => ImportMode::parse(m).ok_or_else(|| {
            AppError::from(ServiceError::field("mode", ErrorCode::ValidationFailed))
        })?,
    };
    // The sheet may be far larger than the API's usual body limit (a
    // multipart form adds its boundaries to the 50 MB of files).
    let bytes = axum::body::to_bytes(body, catalog::import::MAX_BYTES + 1024 * 1024)
        .await
        .map_err(|_| AppError::from(ErrorCode::ImportTooLarge))?;
    let name = q.file_name.unwrap_or_else(|| "API upload".into());
    let svc = &state.services;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let upload = match multer::parse_boundary(content_type) {
        Ok(boundary) => form_upload(bytes, boundary, name).await?,
        Err(_) => catalog::import::Upload::sheet(&name, bytes.to_vec()),
    };
    let id = catalog::import::start(svc, &scope, upload, mode).await?;
    let job = catalog::import::job(svc, &scope, id).await?;
    Ok((StatusCode::ACCEPTED, Json(job.into())))
}

/// The multipart form of an import.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    /// The CSV sheet.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
    /// Photo files, matched to the Images column by file name (case ignored).
    #[schema(format = Binary, value_type = Option<Vec<String>>)]
    photos: Option<Vec<Vec<u8>>>,
}

async fn form_upload(
    bytes: axum::body::Bytes,
    boundary: String,
    name: String,
) -> AppResult<catalog::import::Upload> {
    let malformed = |_| AppError::from(ErrorCode::MalformedRequest);
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut upload = catalog::import::Upload {
        file_name: name,
        ..Default::default()
    };
    while let Some(field) = form.next_field().await.map_err(malformed)? {
        let part = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().unwrap_or_default().to_owned();
        let content = field.bytes().await.map_err(malformed)?.to_vec();
        match part.as_str() {
            "file" => upload.sheet = content,
            "photos" if !content.is_empty() => upload.photos.push((file_name, content)),
            _ => {}
        }
    }
    Ok(upload)
}

#[utoipa::path(get, path = "/api/v1/imports/{import_id}", tag = "catalog",
    security(("api_key" = ["catalog:read"])),
    params(("import_id" = String, Path, description = "An import id, `imp_…`")),
    responses(
        (status = 200, body = ImportJob),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn import_status(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<ImportJob>> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    let id = id
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    Ok(Json(
        catalog::import::job(&state.services, &scope, id)
            .await?
            .into(),
    ))
}

//! Bulk import and export pages: the template, the upload, each job's
//! progress bar and its problems by row and column, and the export file.

use askama::Template;
use axum::extract::{Multipart, Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::catalog::sheet::{column_header, template};
use etalase_domain::id::ImportId;
use etalase_domain::{ErrorCode, Lang};
use etalase_services::catalog::{export, import};
use etalase_store::imports::{ImportJob, ImportMode};
use serde::Deserialize;

use crate::ctx::SellerCtx;
use crate::errors::{AppError, AppResult};
use crate::pages::{Chrome, FormErrors, NavItem, html};
use crate::routes::seller::{Frame, frame, parse_id};

pub struct JobRow {
    pub id: String,
    pub file_name: String,
    pub status: &'static str,
    pub status_key: String,
    pub percent: i64,
    pub processed: i64,
    pub total: i64,
    pub failure: Option<String>,
    pub at: String,
    pub counts: String,
}

pub struct ProblemRow {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "seller/import.html")]
struct ImportPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    jobs: Vec<JobRow>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "seller/import_job.html")]
struct JobPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    job: JobRow,
    running: bool,
    problems: Vec<ProblemRow>,
}

fn job_row(s: &SellerCtx, job: &ImportJob) -> JobRow {
    let t = &s.ctx.t;
    let percent = if job.total_rows > 0 {
        (job.processed_rows * 100 / job.total_rows).min(100)
    } else if job.status.finished() {
        100
    } else {
        0
    };
    JobRow {
        id: job.id.to_string(),
        file_name: job.file_name.clone(),
        status: job.status.as_str(),
        status_key: format!("import.status.{}", job.status.as_str()),
        percent,
        processed: job.processed_rows,
        total: job.total_rows,
        failure: job
            .failure
            .as_deref()
            .and_then(|code| ErrorCode::ALL.iter().find(|c| c.code() == code))
            .map(|c| t.error(*c)),
        at: t.time(&job.created_at),
        counts: t.tf(
            "import.counts",
            &[&job.created_count, &job.updated_count, &job.error_rows],
        ),
    }
}

async fn import_page(
    s: &SellerCtx,
    notice: Option<&str>,
    errors: FormErrors,
) -> AppResult<ImportPage> {
    let jobs = import::recent(&s.ctx.state.services, &s.scope)
        .await?
        .iter()
        .map(|j| job_row(s, j))
        .collect();
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/products", notice);
    Ok(ImportPage {
        c,
        nav,
        shop_name,
        role_key,
        jobs,
        errors,
    })
}

#[derive(Deserialize, Default)]
pub struct Notice {
    pub notice: Option<String>,
}

pub async fn page(s: SellerCtx, Query(q): Query<Notice>) -> AppResult<Response> {
    Ok(html(
        &import_page(&s, q.notice.as_deref(), FormErrors::default()).await?,
    ))
}

pub async fn upload(s: SellerCtx, mut multipart: Multipart) -> AppResult<Response> {
    let (mut upload, mut mode) = (import::Upload::default(), ImportMode::ValidRows);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::from(ErrorCode::MalformedRequest))?
    {
        let name = field.name().map(str::to_owned);
        match name.as_deref() {
            Some(part @ ("file" | "photos")) => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::from(ErrorCode::PayloadTooLarge))?
                    .to_vec();
                if part == "file" {
                    upload.file_name = Some(file_name)
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| "produk.csv".into());
                    upload.sheet = bytes;
                } else if !bytes.is_empty() {
                    // A browser sends an empty part when no photo is chosen.
                    upload.photos.push((file_name, bytes));
                }
            }
            Some("mode") => {
                let text = field.text().await.unwrap_or_default();
                mode = ImportMode::parse(&text).unwrap_or(ImportMode::ValidRows);
            }
            _ => {}
        }
    }
    match import::start(&s.ctx.state.services, &s.scope, upload, mode).await {
        Ok(id) => Ok(Redirect::to(&format!("/seller/products/import/{id}")).into_response()),
        Err(e) if matches!(e.code.status(), 413 | 422) => {
            let status = crate::errors::status_of(e.code);
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = import_page(&s, None, errors).await?;
            Ok((status, html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn job(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: ImportId = parse_id(&id)?;
    let job = import::job(&s.ctx.state.services, &s.scope, id).await?;
    let t = &s.ctx.t;
    let problems = import::problems(&job)
        .into_iter()
        .map(|p| ProblemRow {
            row: p.row,
            column: column_header(&p.column, t.lang).to_owned(),
            message: t.error(p.code),
        })
        .collect();
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(&s, "/seller/products", None);
    Ok(html(&JobPage {
        c,
        nav,
        shop_name,
        role_key,
        running: !job.status.finished(),
        job: job_row(&s, &job),
        problems,
    }))
}

/// A job's progress for the page's script: `{"percent": 40, "finished": false}`.
pub async fn progress(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: ImportId = parse_id(&id)?;
    let job = import::job(&s.ctx.state.services, &s.scope, id).await?;
    let row = job_row(&s, &job);
    Ok(axum::Json(serde_json::json!({
        "percent": row.percent,
        "processed": row.processed,
        "total": row.total,
        "finished": job.status.finished(),
    }))
    .into_response())
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    pub lang: Option<String>,
}

fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub async fn template_file(s: SellerCtx, Query(q): Query<LangQuery>) -> AppResult<Response> {
    let lang = q
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or(s.ctx.t.lang);
    let name = match lang {
        Lang::Id => "templat-produk-etalase.csv",
        Lang::En => "etalase-product-template.csv",
    };
    Ok(csv_response(name, template(lang)))
}

pub async fn export_file(s: SellerCtx) -> AppResult<Response> {
    let body = export::csv(&s.ctx.state.services, &s.scope, s.ctx.t.lang).await?;
    Ok(csv_response("produk-etalase.csv", body))
}

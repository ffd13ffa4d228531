//! The product editor (`/seller/products/new`, `/seller/products/{id}`):
//! one form for the product, its options and SKU rows; images beside it;
//! the quality checklist and what publishing still needs.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::ErrorCode;
use etalase_domain::audit::Actor;
use etalase_domain::catalog::lifecycle::ProductStatus;
use etalase_domain::catalog::quality::Quality;
use etalase_domain::catalog::snapshot::Change;
use etalase_domain::id::ProductId;
use etalase_domain::policy::{Area, SellerAction};
use etalase_services::ServiceError;
use etalase_services::catalog::{self, ProductView, SaveOutcome};
use etalase_services::content::product_video;

use super::form::{AttributeRow, EditorFields, category_groups};
use crate::ctx::SellerCtx;
use crate::errors::{AppError, AppResult};
use crate::i18n::T;
use crate::pages::{Chrome, FormErrors, NavItem, html};
use crate::routes::NoticeQuery;
use crate::routes::seller::{Frame, frame, parse_id};

pub struct CheckRow {
    pub passed: bool,
    pub text: String,
    pub points: String,
}

pub struct QualityPanel {
    pub score: u8,
    pub grade: &'static str,
    pub grade_key: String,
    pub checks: Vec<CheckRow>,
}

pub struct ImageRow {
    pub id: String,
    pub src: String,
    pub large: String,
    pub first: bool,
    pub last: bool,
    pub warnings: Vec<String>,
}

pub struct ChangeRow {
    pub field: String,
    pub before: String,
    pub after: String,
}

pub struct ConflictPanel {
    pub by: String,
    pub at: String,
    pub changes: Vec<ChangeRow>,
}

#[derive(Template)]
#[template(path = "seller/product.html")]
struct EditorPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    product_id: Option<String>,
    status: &'static str,
    status_key: String,
    can_edit: bool,
    fields: EditorFields,
    attributes: Vec<AttributeRow>,
    categories: Vec<(String, Vec<(String, String)>)>,
    errors: FormErrors,
    quality: Option<QualityPanel>,
    images: Vec<ImageRow>,
    missing: Vec<String>,
    conflict: Option<ConflictPanel>,
    moderation_reason: Option<String>,
    review_requested: bool,
    copied_from: Option<String>,
    shop: Option<super::sync::ShopPanel>,
    /// The product's own video, when it has one.
    video: Option<VideoPanel>,
    /// "20 MB, 60 detik": what a product video may be.
    video_limits: String,
}

/// The product's video as its editor shows it.
pub struct VideoPanel {
    pub src: String,
    /// Duration, size in pixels, container and file size.
    pub facts: String,
}

fn video_panel(video: &etalase_store::product_videos::ProductVideo) -> VideoPanel {
    VideoPanel {
        src: format!("/seller/products/{}/video", video.product_id),
        facts: format!(
            "{} · {}×{} · {} · {}",
            crate::routes::videos::duration_text(video.duration_ms),
            video.width,
            video.height,
            video.container.to_uppercase(),
            crate::routes::videos::size_text(video.bytes)
        ),
    }
}

impl EditorPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn sku_error(&self, index: &usize, column: &str) -> Option<&str> {
        self.errors.get(&format!("skus[{index}].{column}"))
    }

    fn option_error(&self, index: &usize, part: &str) -> Option<&str> {
        self.errors.get(&format!("options[{index}].{part}"))
    }

    fn attribute_error(&self, key: &str) -> Option<&str> {
        self.errors.get(&format!("attributes.{key}"))
    }
}

fn quality_panel(t: &T, quality: &Quality) -> QualityPanel {
    let mut checks: Vec<CheckRow> = quality
        .checks
        .iter()
        .map(|c| {
            let item = c.item.as_str();
            let text = match &c.finding {
                None => t.t(&format!("quality.{item}.ok")).to_owned(),
                Some(f) => t.tf1(
                    &format!("quality.{item}.{}", f.reason),
                    f.detail.as_deref().unwrap_or_default(),
                ),
            };
            CheckRow {
                passed: c.passed(),
                text,
                points: format!("{}/{}", c.earned, c.item.points()),
            }
        })
        .collect();
    // What to fix first, then what is already fine.
    checks.sort_by_key(|c| c.passed);
    QualityPanel {
        score: quality.score,
        grade: quality.grade.as_str(),
        grade_key: format!("quality.grade.{}", quality.grade.as_str()),
        checks,
    }
}

fn image_rows(t: &T, view: &ProductView) -> Vec<ImageRow> {
    let count = view.images.len();
    view.images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            let base = format!("/seller/products/{}/images/{}", view.product.id, image.id);
            let mut warnings = Vec::new();
            if image.blurry {
                warnings.push(t.t("catalog.image.blurry").to_owned());
            }
            if catalog::media::is_small(image) {
                warnings.push(t.tf1(
                    "catalog.image.small",
                    &format!("{} × {}", image.width, image.height),
                ));
            }
            if i == 0 && !image.white_background {
                warnings.push(t.t("catalog.image.not_white").to_owned());
            }
            ImageRow {
                id: image.id.to_string(),
                src: format!("{base}/480"),
                large: format!("{base}/full"),
                first: i == 0,
                last: i + 1 == count,
                warnings,
            }
        })
        .collect()
}

/// A field as the seller reads it. SKU fields name their variant, given as
/// its position (`skus[2].price`, resolved with `skus`) or its label.
pub(crate) fn field_label(t: &T, field: &str, skus: &[etalase_store::catalog::Sku]) -> String {
    if let Some(rest) = field.strip_prefix("skus[")
        && let Some((which, column)) = rest.split_once("].")
    {
        let key = format!("catalog.sku.{column}");
        let column = t.t(&key);
        let variant = match which.parse::<usize>() {
            Ok(i) => skus
                .get(i)
                .map(|s| s.combination.join(" / "))
                .unwrap_or_default(),
            Err(_) => which.to_owned(),
        };
        return if variant.is_empty() {
            column.to_owned()
        } else {
            format!("{column} ({variant})")
        };
    }
    if let Some(key) = field.strip_prefix("attributes.") {
        return etalase_domain::catalog::category::tree()
            .attribute_name(key, t.lang)
            .map(str::to_owned)
            .unwrap_or_else(|| key.replace('_', " "));
    }
    t.t(&format!("catalog.field.{field}")).to_owned()
}

fn conflict_panel(
    s: &SellerCtx,
    changes: &[Change],
    by: Option<Actor>,
    at: etalase_domain::Timestamp,
    by_name: Option<String>,
) -> ConflictPanel {
    let t = &s.ctx.t;
    ConflictPanel {
        by: by_name.unwrap_or_else(|| match by {
            Some(Actor::ApiKey(_)) => t.t("catalog.conflict.api").to_owned(),
            _ => t.t("catalog.conflict.someone").to_owned(),
        }),
        at: t.time(&at),
        changes: changes
            .iter()
            .map(|c| ChangeRow {
                field: field_label(t, &c.field, &[]),
                before: c.before.clone(),
                after: c.after.clone(),
            })
            .collect(),
    }
}

struct Extras {
    errors: FormErrors,
    conflict: Option<ConflictPanel>,
}

fn page(
    s: &SellerCtx,
    view: Option<&ProductView>,
    fields: EditorFields,
    extras: Extras,
    notice: Option<&str>,
) -> EditorPage {
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/products", notice);
    let t = &s.ctx.t;
    let lang = t.lang;
    let missing = view
        .map(|v| {
            v.publish_problems
                .iter()
                .map(|p| format!("{}: {}", field_label(t, &p.field, &v.skus), t.error(p.code)))
                .collect()
        })
        .unwrap_or_default();
    EditorPage {
        c,
        nav,
        shop_name,
        role_key,
        product_id: view.map(|v| v.product.id.to_string()),
        status: view.map(|v| v.product.status.as_str()).unwrap_or("new"),
        status_key: view
            .map(|v| status_key(v.product.status))
            .unwrap_or_default(),
        can_edit: s.scope.may(SellerAction::write(Area::Catalog))
            && view.is_none_or(|v| v.product.status.is_editable()),
        attributes: fields.attribute_rows(lang),
        categories: category_groups(lang),
        fields,
        errors: extras.errors,
        quality: view.map(|v| quality_panel(t, &v.quality)),
        images: view.map(|v| image_rows(t, v)).unwrap_or_default(),
        missing,
        conflict: extras.conflict,
        moderation_reason: view.and_then(|v| v.product.moderation_reason.clone()),
        review_requested: view.is_some_and(|v| v.product.review_requested_at.is_some()),
        copied_from: view.and_then(|v| {
            v.copied_from
                .as_ref()
                .map(|(title, shop)| t.tf2("quality.original_description.named", title, shop))
        }),
        shop: None,
        video: None,
        video_limits: {
            let limits = s.ctx.state.services.config.product_video_limits;
            t.tf2(
                "catalog.video.limits",
                &(limits.max_bytes / (1024 * 1024)).to_string(),
                &(limits.max_duration_ms / 1000).to_string(),
            )
        },
    }
}

/// The "why isn't it in the Shop?" panel of a product.
async fn shop_panel(s: &SellerCtx, view: &ProductView) -> AppResult<super::sync::ShopPanel> {
    let svc = &s.ctx.state.services;
    let status = etalase_services::sync::status(svc, &s.scope, view.product.id).await?;
    let rank =
        etalase_services::storefront::ranking::of_product(svc, &s.scope, view.product.id).await?;
    let href = format!(
        "/p/{}-{}",
        etalase_domain::listing::slug_of(&view.product.title),
        view.product.id
    );
    Ok(super::sync::panel(
        &s.ctx.t,
        &status,
        &view.skus,
        Some(href),
        rank.as_ref(),
        |field, skus| field_label(&s.ctx.t, field, skus),
    ))
}

fn no_extras() -> Extras {
    Extras {
        errors: FormErrors::default(),
        conflict: None,
    }
}

pub async fn new_page(s: SellerCtx) -> AppResult<Response> {
    s.scope.authorize(SellerAction::write(Area::Catalog))?;
    Ok(html(&page(
        &s,
        None,
        EditorFields::blank(),
        no_extras(),
        None,
    )))
}

fn wants_refresh(pairs: &[(String, String)]) -> bool {
    pairs.iter().any(|(k, v)| k == "action" && v == "refresh")
}

fn refused(
    s: &SellerCtx,
    view: Option<&ProductView>,
    fields: EditorFields,
    e: &ServiceError,
) -> Response {
    let errors = FormErrors::from_service(&s.ctx.t, e);
    let status = crate::errors::status_of(e.code);
    (
        status,
        html(&page(
            s,
            view,
            fields,
            Extras {
                errors,
                conflict: None,
            },
            None,
        )),
    )
        .into_response()
}

/// The editor of a stored product with a refused action's problems.
pub fn refused_page(
    s: &SellerCtx,
    view: &ProductView,
    fields: EditorFields,
    e: &ServiceError,
) -> Response {
    refused(s, Some(view), fields, e)
}

fn is_form_problem(e: &ServiceError) -> bool {
    e.code.status() == 422 || e.code.status() == 409
}

pub async fn create(s: SellerCtx, Form(pairs): Form<Vec<(String, String)>>) -> AppResult<Response> {
    let mut fields = EditorFields::from_pairs(&pairs);
    if wants_refresh(&pairs) {
        fields.refresh_matrix();
        return Ok(html(&page(&s, None, fields, no_extras(), None)));
    }
    match catalog::create(&s.ctx.state.services, &s.scope, &fields.to_form(false)).await {
        Ok(id) => Ok(
            Redirect::to(&format!("/seller/products/{id}?notice=product_created")).into_response(),
        ),
        Err(e) if is_form_problem(&e) => Ok(refused(&s, None, fields, &e)),
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_page(
    s: SellerCtx,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    let view = catalog::view(&s.ctx.state.services, &s.scope, id).await?;
    let fields = EditorFields::of(&view.product, &view.skus);
    let mut editor = page(&s, Some(&view), fields, no_extras(), q.notice.as_deref());
    editor.shop = Some(shop_panel(&s, &view).await?);
    editor.video = product_video::of_own_product(&s.ctx.state.services, &s.scope, id)
        .await?
        .as_ref()
        .map(video_panel);
    Ok(html(&editor))
}

async fn actor_name(s: &SellerCtx, actor: Option<Actor>) -> Option<String> {
    let Some(Actor::User(user)) = actor else {
        return None;
    };
    // Only members of this shop edit its products.
    etalase_store::sellers::list_members(&s.ctx.state.services.store, s.scope.seller_id)
        .await
        .ok()?
        .into_iter()
        .find(|m| m.user_id == user)
        .map(|m| m.name)
}

pub async fn save(
    s: SellerCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    let mut fields = EditorFields::from_pairs(&pairs);
    if wants_refresh(&pairs) {
        fields.refresh_matrix();
        let view = catalog::view(svc, &s.scope, id).await?;
        return Ok(html(&page(&s, Some(&view), fields, no_extras(), None)));
    }
    match catalog::save(svc, &s.scope, id, &fields.to_form(true)).await {
        Ok(SaveOutcome::Saved { .. }) => {
            Ok(Redirect::to(&format!("/seller/products/{id}?notice=saved")).into_response())
        }
        Ok(SaveOutcome::Conflict {
            current_version,
            changes,
            by,
            at,
        }) => {
            let view = catalog::view(svc, &s.scope, id).await?;
            let by_name = actor_name(&s, by).await;
            let conflict = conflict_panel(&s, &changes, by, at, by_name);
            // The next save is made over the version the seller has now seen.
            fields.base_version = current_version;
            let errors = FormErrors::summary_only(&s.ctx.t, ErrorCode::VersionConflict);
            let body = html(&page(
                &s,
                Some(&view),
                fields,
                Extras {
                    errors,
                    conflict: Some(conflict),
                },
                None,
            ));
            Ok((StatusCode::CONFLICT, body).into_response())
        }
        Err(e) if is_form_problem(&e) => {
            let view = catalog::view(svc, &s.scope, id).await?;
            Ok(refused(&s, Some(&view), fields, &e))
        }
        Err(e) => Err(e.into()),
    }
}

/// Publish, deactivate, delete or ask for review.
pub async fn act(s: SellerCtx, Path((id, action)): Path<(String, String)>) -> AppResult<Response> {
    let id: ProductId = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    let result = match action.as_str() {
        "publish" => catalog::publish(svc, &s.scope, id)
            .await
            .map(|_| "product_published"),
        "deactivate" => catalog::deactivate(svc, &s.scope, id)
            .await
            .map(|_| "product_deactivated"),
        "request-review" => catalog::request_review(svc, &s.scope, id)
            .await
            .map(|_| "review_requested"),
        "resync" => etalase_services::sync::resync(svc, &s.scope, id)
            .await
            .map(|_| "resync_requested"),
        "delete" => {
            catalog::delete(svc, &s.scope, id).await?;
            return Ok(Redirect::to("/seller/products?notice=product_deleted").into_response());
        }
        _ => return Err(AppError::from(ErrorCode::NotFound)),
    };
    match result {
        Ok(notice) => {
            Ok(Redirect::to(&format!("/seller/products/{id}?notice={notice}")).into_response())
        }
        Err(e) if is_form_problem(&e) => {
            let view = catalog::view(svc, &s.scope, id).await?;
            let fields = EditorFields::of(&view.product, &view.skus);
            Ok(refused(&s, Some(&view), fields, &e))
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether a status label exists for the list and the editor.
pub fn status_key(status: ProductStatus) -> String {
    format!("catalog.status.{}", status.as_str())
}

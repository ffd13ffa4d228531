//! The catalog API: products (list, read, create, update, publish,
//! deactivate) and SKU stock. Creating requests take an `Idempotency-Key`:
//! a retry with the same key gets the first answer again.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Json, Response};
use etalase_domain::ErrorCode;
use etalase_domain::catalog::lifecycle::ProductStatus;
use etalase_domain::catalog::product::{ProductInput, SkuInput};
use etalase_domain::id::{ProductId, SkuId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_services::catalog::{self, ProductForm, ProductView, SaveOutcome};
use etalase_services::inventory::{self, StockRequest};
use etalase_services::{FieldError, ServiceError};
use etalase_store::catalog::{ListCursor, ProductFilter};
use etalase_store::inventory::StockReason;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiAuth;
use super::idempotent::once;
use super::{body, to_json};
use crate::errors::{AppError, AppResult, Problem};
use crate::state::AppState;

/// One option dimension and its values.
#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct OptionDimension {
    pub name: String,
    pub values: Vec<String>,
}

/// A SKU as written: its option values in dimension order.
#[derive(Serialize, Deserialize, ToSchema, Clone, Default)]
pub struct SkuBody {
    #[serde(default)]
    pub options: Vec<String>,
    pub code: Option<String>,
    /// Whole Rupiah, 100–100,000,000.
    pub price: Option<i64>,
    pub original_price: Option<i64>,
    /// The starting stock of a new SKU; an existing SKU's stock changes
    /// through `POST /api/v1/skus/{sku_id}/stock`.
    pub stock: Option<i64>,
    pub weight_grams: Option<i64>,
    pub length_cm: Option<i64>,
    pub width_cm: Option<i64>,
    pub height_cm: Option<i64>,
    pub barcode: Option<String>,
}

/// A product as written (create, or update with `version`).
#[derive(Serialize, Deserialize, ToSchema, Default)]
pub struct ProductBody {
    pub title: String,
    /// Paragraphs, lists, bold, italic and underline are kept; anything
    /// else is removed.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub bullets: Vec<String>,
    /// A leaf category id, such as `batik-kain-tradisional/batik/kemeja`.
    pub category: Option<String>,
    pub brand: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// `new` or `used`.
    pub condition: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub gtin: Option<String>,
    #[serde(default = "yes")]
    pub cod_allowed: bool,
    pub preorder_days: Option<i64>,
    #[serde(default)]
    pub options: Vec<OptionDimension>,
    #[serde(default)]
    pub skus: Vec<SkuBody>,
    /// Update only: the version this change is based on; a stale version is
    /// refused with 409 and the fields that changed since.
    pub version: Option<i32>,
}

fn yes() -> bool {
    true
}

fn text<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

impl ProductBody {
    fn form(&self) -> ProductForm {
        ProductForm {
            input: ProductInput {
                title: self.title.clone(),
                description: self.description.clone(),
                bullets: self.bullets.join("\n"),
                category: text(&self.category),
                brand: text(&self.brand),
                attributes: self.attributes.clone(),
                condition: text(&self.condition),
                tags: self.tags.join(", "),
                gtin: text(&self.gtin),
                cod_allowed: self.cod_allowed,
                preorder_days: text(&self.preorder_days),
                options: self
                    .options
                    .iter()
                    .map(|o| (o.name.clone(), o.values.join(", ")))
                    .collect(),
                skus: self
                    .skus
                    .iter()
                    .map(|s| SkuInput {
                        combination: s.options.clone(),
                        code: text(&s.code),
                        price: text(&s.price),
                        original_price: text(&s.original_price),
                        stock: text(&s.stock),
                        weight_grams: text(&s.weight_grams),
                        length_cm: text(&s.length_cm),
                        width_cm: text(&s.width_cm),
                        height_cm: text(&s.height_cm),
                        barcode: text(&s.barcode),
                    })
                    .collect(),
            },
            base_version: self.version,
            // Existing SKUs keep their stock: the stock endpoint changes it.
            stock_loaded: Vec::new(),
        }
    }
}

/// A SKU as stored.
#[derive(Serialize, ToSchema)]
pub struct Sku {
    pub id: String,
    pub options: Vec<String>,
    pub code: Option<String>,
    pub price: Option<i64>,
    pub original_price: Option<i64>,
    pub stock: i64,
    pub weight_grams: Option<i32>,
    pub length_cm: Option<i32>,
    pub width_cm: Option<i32>,
    pub height_cm: Option<i32>,
    pub barcode: Option<String>,
}

/// A field that publishing would still refuse.
#[derive(Serialize, ToSchema)]
pub struct PublishProblem {
    pub field: String,
    pub code: String,
}

/// A product with its SKUs.
#[derive(Serialize, ToSchema)]
pub struct Product {
    pub id: String,
    /// `draft`, `active`, `inactive`, `platform_deactivated` or `deleted`.
    pub status: String,
    pub version: i32,
    pub title: String,
    pub description_html: String,
    pub bullets: Vec<String>,
    pub category: Option<String>,
    pub brand: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub condition: String,
    pub tags: Vec<String>,
    pub gtin: Option<String>,
    pub cod_allowed: bool,
    pub preorder_days: Option<i32>,
    pub options: Vec<OptionDimension>,
    pub skus: Vec<Sku>,
    pub image_count: usize,
    /// The listing-quality score, 0–100.
    pub quality_score: u8,
    /// `a`, `b`, `c` or `d`.
    pub quality_grade: String,
    pub publish_problems: Vec<PublishProblem>,
    /// Set when moderation took the product out of the Shop.
    pub moderation_reason: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
}

impl From<ProductView> for Product {
    fn from(v: ProductView) -> Self {
        let p = v.product;
        Product {
            id: p.id.to_string(),
            status: p.status.as_str().to_owned(),
            version: p.version,
            title: p.title,
            description_html: p.description_html,
            bullets: p.bullets,
            category: p.category,
            brand: p.brand,
            attributes: p.attributes,
            condition: p.condition,
            tags: p.tags,
            gtin: p.gtin,
            cod_allowed: p.cod_allowed,
            preorder_days: p.preorder_days,
            options: p
                .options
                .into_iter()
                .map(|(name, values)| OptionDimension { name, values })
                .collect(),
            skus: v
                .skus
                .into_iter()
                .map(|s| Sku {
                    id: s.id.to_string(),
                    options: s.combination,
                    code: s.code,
                    price: s.price,
                    original_price: s.original_price,
                    stock: s.stock,
                    weight_grams: s.weight_grams,
                    length_cm: s.dimensions.map(|d| d.0),
                    width_cm: s.dimensions.map(|d| d.1),
                    height_cm: s.dimensions.map(|d| d.2),
                    barcode: s.barcode,
                })
                .collect(),
            image_count: v.images.len(),
            quality_score: v.quality.score,
            quality_grade: v.quality.grade.as_str().to_owned(),
            publish_problems: v
                .publish_problems
                .into_iter()
                .map(|p| PublishProblem {
                    field: p.field,
                    code: p.code.code().to_owned(),
                })
                .collect(),
            moderation_reason: p.moderation_reason,
            created_at: p.created_at.to_rfc3339(),
            updated_at: p.updated_at.to_rfc3339(),
        }
    }
}

/// A product in a list.
#[derive(Serialize, ToSchema)]
pub struct ProductSummary {
    pub id: String,
    pub status: String,
    pub version: i32,
    pub title: String,
    pub sku_count: i32,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub total_stock: i64,
    pub quality_score: i32,
    pub needs_attention: bool,
    pub updated_at: String,
}

/// One page of products, most recently changed first.
#[derive(Serialize, ToSchema)]
pub struct ProductPage {
    pub items: Vec<ProductSummary>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// `draft`, `active`, `inactive` or `platform_deactivated`.
    status: Option<String>,
    /// Only products whose quality score is under 70.
    needs_attention: Option<bool>,
    /// Only products with no stock left.
    out_of_stock: Option<bool>,
    /// Words of the title, or the beginning of a SKU code.
    q: Option<String>,
    /// 1–200, default 50.
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

fn cursor_text(c: &ListCursor) -> String {
    format!("{}.{}", c.updated_at, c.id)
}

fn parse_cursor(text: &str) -> Result<ListCursor, AppError> {
    let bad = || AppError::from(ErrorCode::MalformedRequest);
    let (at, id) = text.split_once('.').ok_or_else(bad)?;
    Ok(ListCursor {
        updated_at: at.parse().map_err(|_| bad())?,
        id: id.parse().map_err(|_| bad())?,
    })
}

#[utoipa::path(get, path = "/api/v1/products", tag = "catalog",
    security(("api_key" = ["catalog:read"])),
    params(ListQuery),
    responses(
        (status = 200, body = ProductPage),
        (status = 400, body = Problem, content_type = "application/problem+json", description = "A malformed cursor or status"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "The key lacks `catalog:read`"),
    ))]
pub async fn list(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<ProductPage>> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(
            ProductStatus::parse(s)
                .filter(|s| *s != ProductStatus::Deleted)
                .ok_or(AppError::from(ErrorCode::MalformedRequest))?,
        ),
    };
    let filter = ProductFilter {
        status,
        needs_attention: q.needs_attention.unwrap_or(false),
        out_of_stock: q.out_of_stock.unwrap_or(false),
        query: q.q.filter(|q| !q.trim().is_empty()),
    };
    let after = q.cursor.as_deref().map(parse_cursor).transpose()?;
    let page = catalog::list(
        &state.services,
        &scope,
        &filter,
        after,
        q.limit.unwrap_or(50).clamp(1, 200),
    )
    .await?;
    Ok(Json(ProductPage {
        items: page
            .products
            .into_iter()
            .map(|p| ProductSummary {
                id: p.id.to_string(),
                status: p.status.as_str().to_owned(),
                version: p.version,
                title: p.title,
                sku_count: p.listing.sku_count,
                min_price: p.listing.min_price,
                max_price: p.listing.max_price,
                total_stock: p.listing.total_stock,
                quality_score: p.listing.quality_score,
                needs_attention: p.listing.needs_attention,
                updated_at: p.updated_at.to_rfc3339(),
            })
            .collect(),
        next_cursor: page.next.as_ref().map(cursor_text),
    }))
}

fn product_id(text: &str) -> Result<ProductId, AppError> {
    text.parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))
}

#[utoipa::path(get, path = "/api/v1/products/{product_id}", tag = "catalog",
    security(("api_key" = ["catalog:read"])),
    params(("product_id" = String, Path, description = "A product id, `prd_…`")),
    responses(
        (status = 200, body = Product),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "No such product in this shop"),
    ))]
pub async fn get(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<Product>> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    let id = product_id(&id)?;
    Ok(Json(
        catalog::view(&state.services, &scope, id).await?.into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/products", tag = "catalog",
    security(("api_key" = ["catalog:write"])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Up to 255 characters; a retry with the same key gets the first answer again for 24 hours")),
    request_body = ProductBody,
    responses(
        (status = 201, body = Product, description = "Created as a draft"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "The key lacks `catalog:write`"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "A SKU code is taken, or the first request with this key still runs"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "Every field problem at once, or a key reused for another request"),
    ))]
pub async fn create(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let svc = state.services.clone();
    let run_scope = scope.clone();
    let request = bytes.clone();
    once(
        &state,
        &scope.actor().as_text(),
        &headers,
        ("POST", "/api/v1/products", &request),
        || async move {
            let product: ProductBody = body(&bytes)?;
            let id = catalog::create(&svc, &run_scope, &product.form()).await?;
            let view = catalog::view(&svc, &run_scope, id).await?;
            Ok((StatusCode::CREATED, to_json(Product::from(view))?))
        },
    )
    .await
}

#[utoipa::path(put, path = "/api/v1/products/{product_id}", tag = "catalog",
    security(("api_key" = ["catalog:write"])),
    params(("product_id" = String, Path, description = "A product id, `prd_…`")),
    request_body = ProductBody,
    responses(
        (status = 200, body = Product),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`version` is stale: `errors` lists each field changed since, with its new value"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> AppResult<Json<Product>> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let id = product_id(&id)?;
    let product: ProductBody = body(&bytes)?;
    let svc = &state.services;
    match catalog::save(svc, &scope, id, &product.form()).await? {
        SaveOutcome::Saved { .. } => Ok(Json(catalog::view(svc, &scope, id).await?.into())),
        SaveOutcome::Conflict { changes, .. } => {
            let fields = changes
                .into_iter()
                .map(|c| FieldError::new(c.field, ErrorCode::VersionConflict))
                .collect();
            let mut error = ServiceError::fields(fields);
            error.code = ErrorCode::VersionConflict;
            Err(error.into())
        }
    }
}

#[utoipa::path(post, path = "/api/v1/products/{product_id}/publish", tag = "catalog",
    security(("api_key" = ["catalog:write"])),
    params(("product_id" = String, Path, description = "A product id, `prd_…`")),
    responses(
        (status = 200, body = Product),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Not a draft or inactive product"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "Everything still missing, per field"),
    ))]
pub async fn publish(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<Product>> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let id = product_id(&id)?;
    catalog::publish(&state.services, &scope, id).await?;
    Ok(Json(
        catalog::view(&state.services, &scope, id).await?.into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/products/{product_id}/deactivate", tag = "catalog",
    security(("api_key" = ["catalog:write"])),
    params(("product_id" = String, Path, description = "A product id, `prd_…`")),
    responses(
        (status = 200, body = Product),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Not an active product"),
    ))]
pub async fn deactivate(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<Product>> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    let id = product_id(&id)?;
    catalog::deactivate(&state.services, &scope, id).await?;
    Ok(Json(
        catalog::view(&state.services, &scope, id).await?.into(),
    ))
}

/// A stock change: set a level, or adjust by an amount.
#[derive(Deserialize, ToSchema)]
pub struct StockBody {
    /// The new level, 0–999,999.
    pub set: Option<i64>,
    /// Units to add (negative to take away); never below zero.
    pub adjust: Option<i64>,
    /// Kept in the stock ledger.
    pub note: Option<String>,
}

/// A SKU's stock after a change.
#[derive(Serialize, ToSchema)]
pub struct StockLevel {
    pub sku_id: String,
    pub stock: i64,
}

#[utoipa::path(post, path = "/api/v1/skus/{sku_id}/stock", tag = "catalog",
    security(("api_key" = ["inventory:write"])),
    params(
        ("sku_id" = String, Path, description = "A SKU id, `sku_…`"),
        ("Idempotency-Key" = Option<String>, Header, description = "Recommended for `adjust`: a retried adjustment is applied once"),
    ),
    request_body = StockBody,
    responses(
        (status = 200, body = StockLevel),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "The key lacks `inventory:write`"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "Neither or both of `set` and `adjust`, or a level outside 0–999,999"),
    ))]
pub async fn change_stock(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let svc = state.services.clone();
    let run_scope = scope.clone();
    let path = format!("/api/v1/skus/{id}/stock");
    let request = bytes.clone();
    once(
        &state,
        &scope.actor().as_text(),
        &headers,
        ("POST", &path, &request),
        || async move {
            run_scope.authorize(SellerAction::write(Area::Inventory))?;
            let sku: SkuId = id
                .parse()
                .map_err(|_| AppError::from(ErrorCode::NotFound))?;
            let change: StockBody = body(&bytes)?;
            let request = match (change.set, change.adjust) {
                (Some(level), None) => StockRequest::Set(level),
                (None, Some(delta)) => StockRequest::Adjust(delta),
                _ => return Err(ServiceError::field("stock", ErrorCode::ValidationFailed).into()),
            };
            let note = change
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty());
            let level =
                inventory::change(&svc, &run_scope, sku, request, StockReason::Api, note).await?;
            Ok((
                StatusCode::OK,
                to_json(StockLevel {
                    sku_id: sku.to_string(),
                    stock: level,
                })?,
            ))
        },
    )
    .await
}

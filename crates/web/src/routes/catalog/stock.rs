//! Stock pages: one SKU (its level, changes and history), and the stock
//! overview with low-stock alerts and bulk edits of price and stock.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::ErrorCode;
use etalase_domain::catalog::bulk::{PriceEdit, StockEdit};
use etalase_domain::catalog::sku::parse_rupiah;
use etalase_domain::id::{ProductId, SkuId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_services::inventory::{self, BulkEdit, BulkLine, StockRequest};
use etalase_services::{ServiceError, catalog};
use etalase_store::inventory::StockReason;
use serde::Deserialize;

use crate::ctx::SellerCtx;
use crate::errors::AppResult;
use crate::pages::{Chrome, FormErrors, NavItem, html};
use crate::routes::NoticeQuery;
use crate::routes::seller::{Frame, frame, parse_id};

pub struct LedgerRow {
    pub at: String,
    pub delta: String,
    pub level: i64,
    pub reason_key: String,
    pub note: String,
    pub actor: String,
}

#[derive(Template)]
#[template(path = "seller/sku.html")]
struct SkuPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    product_id: String,
    product_title: String,
    sku_id: String,
    label: String,
    code: String,
    stock: i64,
    threshold: String,
    ledger: Vec<LedgerRow>,
    can_change: bool,
    /// The product's images (id, thumbnail) and which one the SKU shows.
    images: Vec<(String, String)>,
    image: String,
    can_edit_catalog: bool,
    /// The base price and cost, and every base price it had (newest first).
    price: String,
    cost: String,
    prices: Vec<(String, String)>,
    can_price: bool,
    errors: FormErrors,
}

async fn sku_page(
    s: &SellerCtx,
    product: ProductId,
    sku: SkuId,
    notice: Option<&str>,
    errors: FormErrors,
) -> AppResult<SkuPage> {
    let svc = &s.ctx.state.services;
    let view = catalog::view(svc, &s.scope, product).await?;
    let row = view
        .skus
        .iter()
        .find(|x| x.id == sku)
        .ok_or(ServiceError::new(ErrorCode::NotFound))?;
    let t = &s.ctx.t;
    let members = etalase_store::sellers::list_members(&svc.store, s.scope.seller_id).await?;
    let ledger = inventory::ledger(svc, &s.scope, sku)
        .await?
        .into_iter()
        .map(|l| LedgerRow {
            at: t.time(&l.created_at),
            delta: if l.delta > 0 {
                format!("+{}", l.delta)
            } else {
                l.delta.to_string()
            },
            level: l.level_after,
            reason_key: format!("stock.reason.{}", l.reason.as_str()),
            note: l.note.unwrap_or_default(),
            actor: match l.actor {
                Some(etalase_domain::audit::Actor::User(u)) => members
                    .iter()
                    .find(|m| m.user_id == u)
                    .map(|m| m.name.clone())
                    .unwrap_or_else(|| u.to_string()),
                Some(etalase_domain::audit::Actor::ApiKey(k)) => format!("API {k}"),
                _ => t.t("stock.system").to_owned(),
            },
        })
        .collect();
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/stock", notice);
    Ok(SkuPage {
        c,
        nav,
        shop_name,
        role_key,
        product_id: product.to_string(),
        product_title: view.product.title.clone(),
        sku_id: sku.to_string(),
        label: row.combination.join(" / "),
        code: row.code.clone().unwrap_or_default(),
        stock: row.stock,
        threshold: row
            .low_stock_threshold
            .map(|t| t.to_string())
            .unwrap_or_default(),
        ledger,
        can_change: s.scope.may(SellerAction::write(Area::Inventory)),
        images: view
            .images
            .iter()
            .map(|i| {
                (
                    i.id.to_string(),
                    format!("/seller/products/{product}/images/{}/160", i.id),
                )
            })
            .collect(),
        image: row.image_id.map(|i| i.to_string()).unwrap_or_default(),
        can_edit_catalog: s.scope.may(SellerAction::write(Area::Catalog)),
        price: row.price.map(|p| t.rupiah(p)).unwrap_or_default(),
        cost: row.cost.map(|c| c.to_string()).unwrap_or_default(),
        prices: if s.scope.may(SellerAction::read(Area::Promotions)) {
            etalase_services::pricing::history(svc, &s.scope, sku)
                .await?
                .into_iter()
                .map(|p| (t.time(&p.effective_at), t.rupiah(p.price)))
                .collect()
        } else {
            Vec::new()
        },
        can_price: s.scope.may(SellerAction::write(Area::Promotions)),
        errors,
    })
}

pub async fn sku(
    s: SellerCtx,
    Path((product, sku)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let (product, sku) = (parse_id(&product)?, parse_id(&sku)?);
    Ok(html(
        &sku_page(&s, product, sku, q.notice.as_deref(), FormErrors::default()).await?,
    ))
}

#[derive(Deserialize)]
pub struct StockForm {
    pub mode: String,
    pub amount: String,
    #[serde(default)]
    pub note: String,
}

fn whole(text: &str) -> Option<i64> {
    let t = text.trim().replace(['.', ' '], "");
    t.parse().ok()
}

pub async fn change(
    s: SellerCtx,
    Path((product, sku)): Path<(String, String)>,
    Form(form): Form<StockForm>,
) -> AppResult<Response> {
    let (product, sku): (ProductId, SkuId) = (parse_id(&product)?, parse_id(&sku)?);
    let amount = whole(&form.amount);
    let request = match (form.mode.as_str(), amount) {
        ("set", Some(v)) => Ok(StockRequest::Set(v)),
        ("adjust", Some(v)) => Ok(StockRequest::Adjust(v)),
        _ => Err(ServiceError::field("stock", ErrorCode::StockOutOfRange)),
    };
    let note = Some(form.note.trim()).filter(|n| !n.is_empty());
    let result = match request {
        Ok(r) => inventory::change(
            &s.ctx.state.services,
            &s.scope,
            sku,
            r,
            StockReason::Manual,
            note,
        )
        .await
        .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/seller/products/{product}/skus/{sku}?notice=stock_changed"
        ))
        .into_response()),
        Err(e) if e.code.status() == 422 => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = sku_page(&s, product, sku, None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ImageForm {
    #[serde(default)]
    pub image: String,
}

/// Which of the product's images the SKU shows (none: the product's).
pub async fn image(
    s: SellerCtx,
    Path((product, sku)): Path<(String, String)>,
    Form(form): Form<ImageForm>,
) -> AppResult<Response> {
    let (product, sku): (ProductId, SkuId) = (parse_id(&product)?, parse_id(&sku)?);
    let image = if form.image.trim().is_empty() {
        None
    } else {
        Some(parse_id(&form.image)?)
    };
    etalase_services::catalog::media::set_sku_image(&s.ctx.state.services, &s.scope, sku, image)
        .await?;
    Ok(Redirect::to(&format!(
        "/seller/products/{product}/skus/{sku}?notice=saved"
    ))
    .into_response())
}

#[derive(Deserialize)]
pub struct ThresholdForm {
    pub threshold: String,
}

pub async fn threshold(
    s: SellerCtx,
    Path((product, sku)): Path<(String, String)>,
    Form(form): Form<ThresholdForm>,
) -> AppResult<Response> {
    let (product, sku): (ProductId, SkuId) = (parse_id(&product)?, parse_id(&sku)?);
    let value = if form.threshold.trim().is_empty() {
        Ok(None)
    } else {
        whole(&form.threshold)
            .map(Some)
            .ok_or(ServiceError::field("threshold", ErrorCode::StockOutOfRange))
    };
    let result = match value {
        Ok(v) => inventory::set_threshold(&s.ctx.state.services, &s.scope, sku, v).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/seller/products/{product}/skus/{sku}?notice=saved"
        ))
        .into_response()),
        Err(e) if e.code.status() == 422 => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = sku_page(&s, product, sku, None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---- the stock overview and bulk edits -----------------------------------------

pub struct StockRow {
    pub sku_id: String,
    pub product_id: String,
    pub title: String,
    pub label: String,
    pub code: String,
    pub price: String,
    pub stock: i64,
    pub low: bool,
    pub checked: bool,
}

pub struct PreviewRow {
    pub title: String,
    pub label: String,
    pub price_before: String,
    pub price_after: String,
    pub stock_before: i64,
    pub stock_after: i64,
    pub problem: Option<String>,
}

#[derive(Template)]
#[template(path = "seller/stock.html")]
struct StockPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    low: Vec<StockRow>,
    rows: Vec<StockRow>,
    query: String,
    edit: BulkFields,
    preview: Vec<PreviewRow>,
    can_apply: bool,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub struct BulkFields {
    #[serde(default)]
    pub price_mode: String,
    #[serde(default)]
    pub price_value: String,
    #[serde(default)]
    pub stock_mode: String,
    #[serde(default)]
    pub stock_value: String,
}

#[derive(Deserialize, Default)]
pub struct StockQuery {
    pub q: Option<String>,
    pub notice: Option<String>,
}

async fn stock_page(
    s: &SellerCtx,
    query: &str,
    selected: &[SkuId],
    edit: BulkFields,
    preview: Vec<PreviewRow>,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<StockPage> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let low = inventory::low_stock(svc, &s.scope)
        .await?
        .into_iter()
        .map(|l| StockRow {
            sku_id: l.sku_id.to_string(),
            product_id: l.product_id.to_string(),
            title: l.product_title,
            label: l.combination.join(" / "),
            code: l.code.unwrap_or_default(),
            price: String::new(),
            stock: l.stock,
            low: true,
            checked: false,
        })
        .collect();
    let rows = etalase_store::catalog::sku_list(
        &svc.store,
        s.scope.seller_id,
        Some(query).filter(|q| !q.trim().is_empty()),
        200,
    )
    .await?
    .into_iter()
    .map(|(sku, title)| StockRow {
        sku_id: sku.id.to_string(),
        product_id: sku.product_id.to_string(),
        title,
        label: sku.combination.join(" / "),
        code: sku.code.clone().unwrap_or_default(),
        price: sku.price.map(|p| t.rupiah(p)).unwrap_or_else(|| "—".into()),
        stock: sku.stock,
        low: sku
            .low_stock_threshold
            .is_some_and(|th| sku.stock <= i64::from(th)),
        checked: selected.contains(&sku.id),
    })
    .collect();
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/stock", notice);
    let can_apply = !preview.is_empty() && preview.iter().all(|p| p.problem.is_none());
    Ok(StockPage {
        c,
        nav,
        shop_name,
        role_key,
        low,
        rows,
        query: query.to_owned(),
        edit,
        preview,
        can_apply,
        errors,
    })
}

pub async fn overview(s: SellerCtx, Query(q): Query<StockQuery>) -> AppResult<Response> {
    s.scope.authorize(SellerAction::read(Area::Inventory))?;
    let query = q.q.unwrap_or_default();
    let page = stock_page(
        &s,
        &query,
        &[],
        BulkFields::default(),
        Vec::new(),
        FormErrors::default(),
        q.notice.as_deref(),
    )
    .await?;
    Ok(html(&page))
}

fn bulk_edit(fields: &BulkFields) -> Result<BulkEdit, ServiceError> {
    let price = match fields.price_mode.as_str() {
        "" => None,
        "set" => Some(PriceEdit::Set(parse_rupiah(&fields.price_value).ok_or(
            ServiceError::field("price_value", ErrorCode::PriceOutOfRange),
        )?)),
        "adjust" => {
            let v = fields.price_value.trim();
            let (sign, digits) = match v.strip_prefix('-') {
                Some(rest) => (-1, rest),
                None => (1, v.trim_start_matches('+')),
            };
            let amount = parse_rupiah(digits).ok_or(ServiceError::field(
                "price_value",
                ErrorCode::PriceOutOfRange,
            ))?;
            Some(PriceEdit::Adjust(sign * amount))
        }
        "percent" => Some(PriceEdit::Percent(
            fields
                .price_value
                .trim()
                .trim_end_matches('%')
                .trim()
                .parse()
                .map_err(|_| ServiceError::field("price_value", ErrorCode::PriceOutOfRange))?,
        )),
        _ => {
            return Err(ServiceError::field(
                "price_mode",
                ErrorCode::ValidationFailed,
            ));
        }
    };
    let stock_value = || {
        fields
            .stock_value
            .trim()
            .trim_start_matches('+')
            .parse::<i64>()
            .map_err(|_| ServiceError::field("stock_value", ErrorCode::StockOutOfRange))
    };
    let stock = match fields.stock_mode.as_str() {
        "" => None,
        "set" => Some(StockEdit::Set(stock_value()?)),
        "adjust" => Some(StockEdit::Adjust(stock_value()?)),
        _ => {
            return Err(ServiceError::field(
                "stock_mode",
                ErrorCode::ValidationFailed,
            ));
        }
    };
    if price.is_none() && stock.is_none() {
        return Err(ServiceError::field(
            "price_mode",
            ErrorCode::ValidationFailed,
        ));
    }
    Ok(BulkEdit { price, stock })
}

fn preview_rows(s: &SellerCtx, lines: &[BulkLine]) -> Vec<PreviewRow> {
    let t = &s.ctx.t;
    let price = |p: Option<i64>| p.map(|p| t.rupiah(p)).unwrap_or_else(|| "—".into());
    lines
        .iter()
        .map(|l| PreviewRow {
            title: l.product_title.clone(),
            label: l.sku.combination.join(" / "),
            price_before: price(l.sku.price),
            price_after: price(l.price_after),
            stock_before: l.sku.stock,
            stock_after: l.stock_after,
            problem: l.problem.map(|c| t.error(c)),
        })
        .collect()
}

/// Preview (`action=preview`) or apply (`action=apply`) a bulk edit.
pub async fn bulk(s: SellerCtx, Form(pairs): Form<Vec<(String, String)>>) -> AppResult<Response> {
    let one = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let selected: Vec<SkuId> = pairs
        .iter()
        .filter(|(k, _)| k == "sku")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let fields = BulkFields {
        price_mode: one("price_mode"),
        price_value: one("price_value"),
        stock_mode: one("stock_mode"),
        stock_value: one("stock_value"),
    };
    let query = one("q");
    let svc = &s.ctx.state.services;
    let edit = match bulk_edit(&fields) {
        Ok(edit) if !selected.is_empty() => edit,
        Ok(_) => {
            let errors = FormErrors::summary_only(&s.ctx.t, ErrorCode::NothingSelected);
            let page = stock_page(&s, &query, &selected, fields, Vec::new(), errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response());
        }
        Err(e) => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = stock_page(&s, &query, &selected, fields, Vec::new(), errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response());
        }
    };

    if one("action") == "apply" {
        match inventory::apply(svc, &s.scope, &selected, &edit).await? {
            Ok(_) => {
                return Ok(Redirect::to("/seller/stock?notice=bulk_applied").into_response());
            }
            Err(lines) => {
                let preview = preview_rows(&s, &lines);
                let errors = FormErrors::summary_only(&s.ctx.t, ErrorCode::BulkEditRefused);
                let page = stock_page(&s, &query, &selected, fields, preview, errors, None).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response());
            }
        }
    }
    let lines = inventory::preview(svc, &s.scope, &selected, &edit).await?;
    let preview = preview_rows(&s, &lines);
    let page = stock_page(
        &s,
        &query,
        &selected,
        fields,
        preview,
        FormErrors::default(),
        None,
    )
    .await?;
    Ok(html(&page))
}

#[derive(Deserialize)]
pub struct PriceForm {
    pub price: String,
    #[serde(default)]
    pub cost: String,
}

/// Sets a SKU's base price and cost (the price history keeps the change).
pub async fn price(
    s: SellerCtx,
    Path((product, sku)): Path<(String, String)>,
    Form(form): Form<PriceForm>,
) -> AppResult<Response> {
    let (product, sku): (ProductId, SkuId) = (parse_id(&product)?, parse_id(&sku)?);
    let price = parse_rupiah(&form.price).unwrap_or(0);
    let cost = match form.cost.trim() {
        "" => Some(None),
        text => Some(Some(parse_rupiah(text).unwrap_or(-1))),
    };
    let result =
        etalase_services::pricing::set_price(&s.ctx.state.services, &s.scope, sku, price, cost)
            .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/seller/products/{product}/skus/{sku}?notice=saved"
        ))
        .into_response()),
        Err(e) if e.code.status() == 422 => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = sku_page(&s, product, sku, None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

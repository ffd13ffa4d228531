//! The form of a product discount or a flash sale: its name and window, the
//! SKUs it covers with their terms, and — before anything is saved — what
//! the price guards find and where prices change.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::Timestamp;
use etalase_domain::catalog::sku::parse_rupiah;
use etalase_domain::id::{PromotionId, SkuId};
use etalase_domain::pricing::OfferRule;
use etalase_services::pricing::promotions::{
    self, Candidate, ItemInput, PromotionInput, RuleInput, SaveOptions, Target,
};
use etalase_services::{ServiceResult, Services};
use etalase_store::pricing::{Promotion, PromotionType};
use serde::Deserialize;

use super::{ChangeRow, FindingRow, kind_of, review_rows};
use crate::ctx::SellerCtx;
use crate::errors::AppResult;
use crate::pages::{Chrome, FormErrors, NavItem, html};
use crate::routes::seller::{Frame, frame, parse_id};

/// One SKU row of the form, as shown and as typed.
pub struct SkuRow {
    pub id: String,
    pub label: String,
    pub price: String,
    pub stock: i64,
    pub chosen: bool,
    pub value: String,
    pub quota: String,
    pub error: Option<String>,
}

pub struct ProductRows {
    pub title: String,
    pub skus: Vec<SkuRow>,
}

#[derive(Template)]
#[template(path = "seller/promotion_form.html")]
struct FormPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    /// Where the form posts.
    action: String,
    flash: bool,
    kind: &'static str,
    version: String,
    name: String,
    starts_at: String,
    ends_at: String,
    per_buyer_limit: String,
    rule: String,
    products: Vec<ProductRows>,
    query: String,
    findings: Vec<FindingRow>,
    changes: Vec<ChangeRow>,
    any_refusal: bool,
    has_warnings: bool,
    errors: FormErrors,
}

/// What the form sent, field by field (SKU fields are `value.<sku>` and
/// `quota.<sku>`; every chosen SKU sends `sku`).
#[derive(Debug, Clone)]
pub struct Typed {
    pub kind: PromotionType,
    pub version: Option<i32>,
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub per_buyer_limit: String,
    pub rule: String,
    pub chosen: Vec<String>,
    pub values: HashMap<String, String>,
    pub quotas: HashMap<String, String>,
    pub intent: String,
    pub confirm: bool,
    pub query: String,
}

impl Typed {
    fn blank(kind: PromotionType) -> Typed {
        Typed {
            kind,
            version: None,
            name: String::new(),
            starts_at: String::new(),
            ends_at: String::new(),
            per_buyer_limit: String::new(),
            rule: String::new(),
            chosen: Vec::new(),
            values: HashMap::new(),
            quotas: HashMap::new(),
            intent: String::new(),
            confirm: false,
            query: String::new(),
        }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Typed {
        let mut t = Typed::blank(PromotionType::Discount);
        for (key, value) in pairs {
            match key.as_str() {
                "kind" => t.kind = super::kind_of(Some(&value)),
                "version" => t.version = value.parse().ok(),
                "name" => t.name = value,
                "starts_at" => t.starts_at = value,
                "ends_at" => t.ends_at = value,
                "per_buyer_limit" => t.per_buyer_limit = value,
                "rule" => t.rule = value,
                "sku" => t.chosen.push(value),
                "intent" => t.intent = value,
                "confirm" => t.confirm = true,
                "q" => t.query = value,
                k => {
                    if let Some(sku) = k.strip_prefix("value.") {
                        t.values.insert(sku.to_owned(), value);
                    } else if let Some(sku) = k.strip_prefix("quota.") {
                        t.quotas.insert(sku.to_owned(), value);
                    }
                }
            }
        }
        t
    }

    fn of(p: &Promotion) -> Typed {
        let mut t = Typed {
            kind: p.kind,
            version: Some(p.version),
            name: p.name.clone(),
            starts_at: p.window.starts_at.to_wib_local(),
            ends_at: p
                .window
                .ends_at
                .map(|e| e.to_wib_local())
                .unwrap_or_default(),
            per_buyer_limit: p.per_buyer_limit.map(|l| l.to_string()).unwrap_or_default(),
            rule: "percent".into(),
            ..Typed::blank(p.kind)
        };
        for item in &p.items {
            let sku = item.sku_id.to_string();
            t.chosen.push(sku.clone());
            let value = match item.rule {
                OfferRule::Fixed { price } => {
                    t.rule = "price".into();
                    price.to_string()
                }
                OfferRule::PercentOff { percent } => percent.value().to_string(),
            };
            t.values.insert(sku.clone(), value);
            if let Some(q) = item.flash_quota {
                t.quotas.insert(sku, q.to_string());
            }
        }
        t
    }

    /// The input for the services; unreadable numbers become values the
    /// services refuse with the field's own message.
    fn input(&self) -> PromotionInput {
        let flash = self.kind == PromotionType::FlashSale;
        let percent = !flash && self.rule != "price";
        let when =
            |text: &str| Timestamp::parse_wib_local(text).unwrap_or(Timestamp::from_unix_millis(0));
        PromotionInput {
            kind: self.kind,
            name: self.name.clone(),
            starts_at: when(&self.starts_at),
            ends_at: when(&self.ends_at),
            per_buyer_limit: whole(&self.per_buyer_limit).or(
                if self.per_buyer_limit.trim().is_empty() {
                    None
                } else {
                    Some(0)
                },
            ),
            items: self
                .chosen
                .iter()
                .filter_map(|sku| {
                    let id: SkuId = sku.parse().ok()?;
                    let typed = self.values.get(sku).map(String::as_str).unwrap_or("");
                    let rule = if percent {
                        RuleInput::Percent(whole(typed.trim_end_matches('%')).unwrap_or(0))
                    } else {
                        RuleInput::Price(parse_rupiah(typed).unwrap_or(0))
                    };
                    Some(ItemInput {
                        target: Target::Sku(id),
                        rule,
                        flash_quota: flash.then(|| {
                            whole(self.quotas.get(sku).map(String::as_str).unwrap_or(""))
                                .unwrap_or(0)
                        }),
                    })
                })
                .collect(),
        }
    }
}

fn whole(text: &str) -> Option<i64> {
    text.trim().replace(['.', ' '], "").parse().ok()
}

/// "Title — Merah / M" of each SKU of a promotion.
pub async fn sku_labels(
    svc: &Services,
    scope: &etalase_services::teams::SellerScope,
    p: &Promotion,
) -> ServiceResult<HashMap<SkuId, String>> {
    let mut out = HashMap::new();
    for product in p.products() {
        let stored =
            etalase_store::catalog::get_product(&svc.store, scope.seller_id, product).await?;
        for sku in etalase_store::catalog::skus_of(&svc.store, scope.seller_id, product).await? {
            out.insert(
                sku.id,
                etalase_services::pricing::sku_label(&stored.title, &sku.combination),
            );
        }
    }
    Ok(out)
}

async fn form_page(
    s: &SellerCtx,
    action: String,
    typed: &Typed,
    review: Option<&promotions::Review>,
    errors: FormErrors,
) -> AppResult<FormPage> {
    let svc = &s.ctx.state.services;
    let t = &s.ctx.t;
    let candidates: Vec<Candidate> =
        promotions::candidates(svc, &s.scope, Some(typed.query.as_str())).await?;
    let products = candidates
        .into_iter()
        .map(|c| ProductRows {
            title: c.title,
            skus: c
                .skus
                .into_iter()
                .map(|sku| {
                    let id = sku.id.to_string();
                    SkuRow {
                        chosen: typed.chosen.contains(&id),
                        value: typed.values.get(&id).cloned().unwrap_or_default(),
                        quota: typed.quotas.get(&id).cloned().unwrap_or_default(),
                        error: errors.get(&format!("items.{id}")).map(str::to_owned),
                        label: sku.label,
                        price: t.rupiah(sku.price),
                        stock: sku.stock,
                        id,
                    }
                })
                .collect(),
        })
        .collect();
    let (findings, changes) = review.map(|r| review_rows(t, r)).unwrap_or_default();
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/promotions", None);
    Ok(FormPage {
        c,
        nav,
        shop_name,
        role_key,
        action,
        flash: typed.kind == PromotionType::FlashSale,
        kind: typed.kind.as_str(),
        version: typed.version.map(|v| v.to_string()).unwrap_or_default(),
        name: typed.name.clone(),
        starts_at: typed.starts_at.clone(),
        ends_at: typed.ends_at.clone(),
        per_buyer_limit: typed.per_buyer_limit.clone(),
        rule: if typed.rule.is_empty() {
            "percent".into()
        } else {
            typed.rule.clone()
        },
        products,
        query: typed.query.clone(),
        has_warnings: findings.iter().any(|f| !f.refuses),
        any_refusal: findings.iter().any(|f| f.refuses),
        findings,
        changes,
        errors,
    })
}

#[derive(Deserialize)]
pub struct NewQuery {
    pub kind: Option<String>,
    pub q: Option<String>,
}

pub async fn new_page(s: SellerCtx, Query(q): Query<NewQuery>) -> AppResult<Response> {
    let now = s.ctx.state.services.now();
    let kind = kind_of(q.kind.as_deref());
    let typed = Typed {
        starts_at: now.plus_seconds(3600).to_wib_local(),
        ends_at: now.plus_seconds(3 * 3600).to_wib_local(),
        query: q.q.unwrap_or_default(),
        ..Typed::blank(kind)
    };
    let page = form_page(
        &s,
        "/seller/promotions/new".into(),
        &typed,
        None,
        FormErrors::default(),
    )
    .await?;
    Ok(html(&page))
}

pub async fn edit_page(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id: PromotionId = parse_id(&id)?;
    let v = promotions::get(&s.ctx.state.services, &s.scope, id).await?;
    let typed = Typed::of(&v.promotion);
    let page = form_page(
        &s,
        format!("/seller/promotions/{id}/edit"),
        &typed,
        None,
        FormErrors::default(),
    )
    .await?;
    Ok(html(&page))
}

pub async fn create(s: SellerCtx, Form(pairs): Form<Vec<(String, String)>>) -> AppResult<Response> {
    submit(s, None, Typed::from_pairs(pairs)).await
}

pub async fn save(
    s: SellerCtx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id: PromotionId = parse_id(&id)?;
    submit(s, Some(id), Typed::from_pairs(pairs)).await
}

/// `intent`: `review` shows the guards' findings and the price changes;
/// `draft` saves; `schedule` saves and schedules (warnings confirmed).
async fn submit(s: SellerCtx, id: Option<PromotionId>, typed: Typed) -> AppResult<Response> {
    let svc = &s.ctx.state.services;
    let input = typed.input();
    let action = match id {
        Some(id) => format!("/seller/promotions/{id}/edit"),
        None => "/seller/promotions/new".into(),
    };
    let review = promotions::review(svc, &s.scope, id, &input).await;
    let review = match review {
        Ok(r) => r,
        Err(e) if e.code.status() == 422 => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = form_page(&s, action, &typed, None, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    if typed.intent == "review" {
        return Ok(html(
            &form_page(&s, action, &typed, Some(&review), FormErrors::default()).await?,
        ));
    }
    let options = SaveOptions {
        activate: typed.intent == "schedule",
        confirm_warnings: typed.confirm,
    };
    let saved = match id {
        Some(id) => {
            let version = typed.version.unwrap_or_default();
            promotions::update(svc, &s.scope, id, version, &input, options).await
        }
        None => promotions::create(svc, &s.scope, &input, options).await,
    };
    match saved {
        Ok(saved) => {
            let notice = if options.activate {
                "promotion_scheduled"
            } else {
                "promotion_saved"
            };
            let id = saved.promotion.promotion.id;
            Ok(Redirect::to(&format!("/seller/promotions/{id}?notice={notice}")).into_response())
        }
        Err(e) if matches!(e.code.status(), 409 | 422) => {
            let status = crate::errors::status_of(e.code);
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = form_page(&s, action, &typed, Some(&review), errors).await?;
            Ok((status, html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

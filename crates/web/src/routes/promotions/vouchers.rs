//! Voucher pages: a seller's (Seller Center → Promotions) and the
//! platform's (Admin), one form and one detail page for both.

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::Timestamp;
use etalase_domain::catalog::sku::parse_rupiah;
use etalase_domain::id::{ProductId, VoucherId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::pricing::guard::VoucherFinding;
use etalase_domain::pricing::{Benefit, PromotionState};
use etalase_services::ServiceResult;
use etalase_services::pricing::vouchers::{self, BenefitInput, Owner, VoucherInput, VoucherView};
use etalase_store::pricing::StoredVoucher;

use super::{VoucherRow, voucher_row};
use crate::ctx::SellerCtx;
use crate::errors::AppResult;
use crate::i18n::T;
use crate::pages::{Chrome, FormErrors, NavItem, html};
use crate::routes::seller::{Frame, frame, parse_id};

/// "10% (maks. Rp20.000)", "Rp15.000", "Gratis ongkir (maks. Rp10.000)".
pub fn benefit_text(t: &T, b: Benefit) -> String {
    let cap = |c: Option<i64>| {
        c.map(|c| format!(" ({})", t.tf1("vouchers.cap_of", &t.rupiah(c))))
            .unwrap_or_default()
    };
    match b {
        Benefit::PercentOff { percent, cap: c } => format!("{}%{}", percent.value(), cap(c)),
        Benefit::AmountOff { amount } => t.rupiah(amount),
        Benefit::FreeShipping { cap: c } => format!("{}{}", t.t("vouchers.free_shipping"), cap(c)),
    }
}

fn finding_text(t: &T, f: VoucherFinding) -> String {
    let key = format!("vouchers.finding.{}", f.name());
    match f {
        VoucherFinding::QuotaAboveStock { quota, stock } => {
            t.tf2(&key, &quota.to_string(), &stock.to_string())
        }
        VoucherFinding::DeepDiscount { percent } => t.tf1(&key, &percent.to_string()),
    }
}

/// What the voucher form sent.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct VoucherForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub benefit: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub cap: String,
    #[serde(default)]
    pub min_spend: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub quota: String,
    #[serde(default)]
    pub per_buyer_limit: String,
    #[serde(default)]
    pub public: Option<String>,
    #[serde(default)]
    pub products: String,
    #[serde(default)]
    pub intent: String,
    #[serde(default)]
    pub confirm: Option<String>,
    /// The version an edit started from.
    #[serde(default)]
    pub version: String,
}

fn whole(text: &str) -> Option<i64> {
    text.trim().replace(['.', ' '], "").parse().ok()
}

fn money(text: &str) -> Option<i64> {
    if text.trim().is_empty() {
        None
    } else {
        Some(parse_rupiah(text).unwrap_or(-1))
    }
}

impl VoucherForm {
    /// A stored voucher's terms, to edit them.
    fn of(v: &StoredVoucher) -> VoucherForm {
        let (benefit, value, cap) = match v.benefit {
            Benefit::PercentOff { percent, cap } => ("percent", percent.value().to_string(), cap),
            Benefit::AmountOff { amount } => ("amount", amount.to_string(), None),
            Benefit::FreeShipping { cap } => ("free_shipping", String::new(), cap),
        };
        VoucherForm {
            name: v.name.clone(),
            code: v.code.to_string(),
            benefit: benefit.into(),
            value,
            cap: cap.map(|c| c.to_string()).unwrap_or_default(),
            min_spend: v.min_spend.to_string(),
            starts_at: v.window.starts_at.to_wib_local(),
            ends_at: v
                .window
                .ends_at
                .map(|e| e.to_wib_local())
                .unwrap_or_default(),
            quota: v.quota.to_string(),
            per_buyer_limit: v.per_buyer_limit.to_string(),
            public: v.public.then(|| "on".to_owned()),
            products: v
                .products
                .as_ref()
                .map(|p| {
                    p.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            intent: String::new(),
            confirm: None,
            version: v.version.to_string(),
        }
    }

    fn input(&self) -> VoucherInput {
        let value = self.value.trim();
        let benefit = match self.benefit.as_str() {
            "amount" => BenefitInput::Amount(parse_rupiah(value).unwrap_or(0)),
            "free_shipping" => BenefitInput::FreeShipping {
                cap: money(&self.cap),
            },
            _ => BenefitInput::Percent {
                percent: whole(value.trim_end_matches('%')).unwrap_or(0),
                cap: money(&self.cap),
            },
        };
        let when =
            |text: &str| Timestamp::parse_wib_local(text).unwrap_or(Timestamp::from_unix_millis(0));
        let products: Vec<ProductId> = self
            .products
            .split([',', ' ', '\n'])
            .filter_map(|p| p.trim().parse().ok())
            .collect();
        VoucherInput {
            name: self.name.clone(),
            code: self.code.clone(),
            benefit,
            min_spend: money(&self.min_spend).unwrap_or(0),
            starts_at: when(&self.starts_at),
            ends_at: when(&self.ends_at),
            products: (!products.is_empty()).then_some(products),
            quota: whole(&self.quota).unwrap_or(0),
            per_buyer_limit: whole(&self.per_buyer_limit).unwrap_or(0),
            public: self.public.is_some(),
        }
    }
}

/// The form's values and problems, for either base page.
pub struct FormView {
    pub action: String,
    pub platform: bool,
    /// Editing a saved voucher (its version rides along).
    pub editing: bool,
    pub f: VoucherForm,
    pub findings: Vec<String>,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "seller/voucher_form.html")]
struct SellerFormPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    v: FormView,
}

/// Detail of one voucher.
pub struct DetailView {
    pub base: String,
    pub row: VoucherRow,
    pub min_spend: String,
    pub per_buyer_limit: i64,
    pub public: bool,
    pub used: i64,
    pub products: String,
    pub can_activate: bool,
    pub can_deactivate: bool,
    pub can_edit: bool,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "seller/voucher.html")]
struct SellerDetailPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    d: DetailView,
}

pub(super) fn blank_form(now: Timestamp) -> VoucherForm {
    VoucherForm {
        benefit: "percent".into(),
        starts_at: now.to_wib_local(),
        ends_at: now.plus_seconds(7 * 24 * 3600).to_wib_local(),
        quota: "100".into(),
        per_buyer_limit: "1".into(),
        public: Some("on".into()),
        ..VoucherForm::default()
    }
}

pub(super) async fn detail_view(
    svc: &etalase_services::Services,
    t: &T,
    owner: Owner<'_>,
    base: &str,
    id: VoucherId,
    may_write: bool,
    errors: FormErrors,
) -> ServiceResult<DetailView> {
    let v: VoucherView = vouchers::get(svc, owner, id).await?;
    let x = &v.voucher;
    Ok(DetailView {
        base: base.to_owned(),
        row: voucher_row(t, &v),
        min_spend: t.rupiah(x.min_spend),
        per_buyer_limit: x.per_buyer_limit,
        public: x.public,
        used: x.used,
        products: x
            .products
            .as_ref()
            .map(|p| {
                p.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        can_activate: may_write && v.state == PromotionState::Draft,
        can_edit: may_write && v.state.editable(),
        can_deactivate: may_write
            && matches!(v.state, PromotionState::Scheduled | PromotionState::Ongoing),
        errors,
    })
}

/// Saves a submitted form; `Err` carries the form to show again.
pub(super) async fn submit(
    svc: &etalase_services::Services,
    t: &T,
    owner: Owner<'_>,
    action: String,
    existing: Option<VoucherId>,
    form: VoucherForm,
) -> Result<VoucherId, (StatusCode, FormView)> {
    let input = form.input();
    let schedule = form.intent == "schedule";
    let again = |form: VoucherForm, findings: Vec<String>, errors: FormErrors| FormView {
        action: action.clone(),
        platform: matches!(owner, Owner::Platform(_)),
        editing: existing.is_some(),
        f: form,
        findings,
        errors,
    };
    let findings = match vouchers::review(svc, owner, &input).await {
        Ok(f) => f,
        Err(e) => {
            let status = StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::BAD_REQUEST);
            return Err((
                status,
                again(form, Vec::new(), FormErrors::from_service(t, &e)),
            ));
        }
    };
    let texts: Vec<String> = findings.iter().map(|f| finding_text(t, *f)).collect();
    let confirm = form.confirm.is_some();
    let saved = match existing {
        None => vouchers::create(svc, owner, &input, schedule, confirm)
            .await
            .map(|saved| saved.voucher),
        Some(id) => {
            let version = form.version.parse().unwrap_or_default();
            match vouchers::update(svc, owner, id, version, &input, confirm).await {
                Ok(saved) if schedule && saved.voucher.state == PromotionState::Draft => {
                    vouchers::activate(svc, owner, id, confirm)
                        .await
                        .map(|s| s.voucher)
                }
                other => other.map(|saved| saved.voucher),
            }
        }
    };
    match saved {
        Ok(saved) => Ok(saved.voucher.id),
        Err(e) => {
            let status = StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::BAD_REQUEST);
            Err((status, again(form, texts, FormErrors::from_service(t, &e))))
        }
    }
}

// ---- seller ---------------------------------------------------------------

fn seller_form_page(s: &SellerCtx, v: FormView) -> SellerFormPage {
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/promotions", None);
    SellerFormPage {
        c,
        nav,
        shop_name,
        role_key,
        v,
    }
}

fn seller_detail_page(s: &SellerCtx, d: DetailView, notice: Option<&str>) -> SellerDetailPage {
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/promotions", notice);
    SellerDetailPage {
        c,
        nav,
        shop_name,
        role_key,
        d,
    }
}

pub async fn seller_new(s: SellerCtx) -> AppResult<Response> {
    let v = FormView {
        action: "/seller/vouchers/new".into(),
        platform: false,
        editing: false,
        f: blank_form(s.ctx.state.services.now()),
        findings: Vec::new(),
        errors: FormErrors::default(),
    };
    Ok(html(&seller_form_page(&s, v)))
}

pub async fn seller_create(s: SellerCtx, Form(form): Form<VoucherForm>) -> AppResult<Response> {
    let svc = &s.ctx.state.services;
    let owner = Owner::Seller(&s.scope);
    match submit(
        svc,
        &s.ctx.t,
        owner,
        "/seller/vouchers/new".into(),
        None,
        form,
    )
    .await
    {
        Ok(id) => Ok(
            Redirect::to(&format!("/seller/vouchers/{id}?notice=voucher_saved")).into_response(),
        ),
        Err((status, v)) if status.is_client_error() && status != StatusCode::FORBIDDEN => {
            let page = seller_form_page(&s, v);
            Ok((status, html(&page)).into_response())
        }
        Err(_) => Err(etalase_domain::ErrorCode::Forbidden.into()),
    }
}

pub async fn seller_show(
    s: SellerCtx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<crate::routes::NoticeQuery>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    let write = s.scope.may(SellerAction::write(Area::Promotions));
    let d = detail_view(
        svc,
        &s.ctx.t,
        Owner::Seller(&s.scope),
        "/seller/vouchers",
        id,
        write,
        FormErrors::default(),
    )
    .await?;
    Ok(html(&seller_detail_page(&s, d, q.notice.as_deref())))
}

#[derive(serde::Deserialize)]
pub struct SwitchForm {
    #[serde(default)]
    pub confirm: Option<String>,
}

pub(super) async fn flip(
    svc: &etalase_services::Services,
    owner: Owner<'_>,
    id: VoucherId,
    action: &str,
    confirm: bool,
) -> ServiceResult<&'static str> {
    match action {
        "activate" => vouchers::activate(svc, owner, id, confirm)
            .await
            .map(|_| "voucher_scheduled"),
        "deactivate" => vouchers::deactivate(svc, owner, id)
            .await
            .map(|_| "voucher_deactivated"),
        _ => Err(etalase_domain::ErrorCode::NotFound.into()),
    }
}

pub async fn seller_switch(
    s: SellerCtx,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<SwitchForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    match flip(
        svc,
        Owner::Seller(&s.scope),
        id,
        &action,
        f.confirm.is_some(),
    )
    .await
    {
        Ok(notice) => {
            Ok(Redirect::to(&format!("/seller/vouchers/{id}?notice={notice}")).into_response())
        }
        Err(e) if matches!(e.code.status(), 409 | 422) => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let d = detail_view(
                svc,
                &s.ctx.t,
                Owner::Seller(&s.scope),
                "/seller/vouchers",
                id,
                true,
                errors,
            )
            .await?;
            let status = crate::errors::status_of(e.code);
            let page = seller_detail_page(&s, d, None);
            Ok((status, html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---- editing (both) ---------------------------------------------------------

/// The form filled with a saved voucher's terms.
pub(super) async fn edit_view(
    svc: &etalase_services::Services,
    owner: Owner<'_>,
    base: &str,
    id: VoucherId,
) -> ServiceResult<FormView> {
    let v = vouchers::get(svc, owner, id).await?;
    if !v.state.editable() {
        return Err(etalase_domain::ErrorCode::PromotionNotEditable.into());
    }
    Ok(FormView {
        action: format!("{base}/{id}/edit"),
        platform: matches!(owner, Owner::Platform(_)),
        editing: true,
        f: VoucherForm::of(&v.voucher),
        findings: Vec::new(),
        errors: FormErrors::default(),
    })
}

pub async fn seller_edit_page(s: SellerCtx, Path(id): Path<String>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let v = edit_view(
        &s.ctx.state.services,
        Owner::Seller(&s.scope),
        "/seller/vouchers",
        id,
    )
    .await?;
    Ok(html(&seller_form_page(&s, v)))
}

pub async fn seller_save(
    s: SellerCtx,
    Path(id): Path<String>,
    Form(form): Form<VoucherForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let svc = &s.ctx.state.services;
    let action = format!("/seller/vouchers/{id}/edit");
    match submit(
        svc,
        &s.ctx.t,
        Owner::Seller(&s.scope),
        action,
        Some(id),
        form,
    )
    .await
    {
        Ok(id) => Ok(
            Redirect::to(&format!("/seller/vouchers/{id}?notice=voucher_saved")).into_response(),
        ),
        Err((status, v)) if status != StatusCode::FORBIDDEN => {
            let page = seller_form_page(&s, v);
            Ok((status, html(&page)).into_response())
        }
        Err(_) => Err(etalase_domain::ErrorCode::Forbidden.into()),
    }
}

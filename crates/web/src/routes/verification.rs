//! Seller Center: the verification wizard (`/seller/verification`).

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::ErrorCode;
use etalase_domain::banks::BANKS;
use etalase_domain::regions::regions;
use etalase_domain::verification::{BusinessType, DocumentSlot, WizardStep};
use etalase_services::ServiceError;
use etalase_services::kyc::KycView;
use etalase_services::kyc::wizard::{self, AddressForm, CATEGORY_FOCUS, IdentityForm};
use serde::Deserialize;

use super::NoticeQuery;
use super::seller::{Frame, frame};
use crate::ctx::SellerCtx;
use crate::errors::{AppError, AppResult};
use crate::pages::{Chrome, FormErrors, NavItem, html};

pub struct StepRow {
    pub name: &'static str,
    pub done: bool,
    pub href: String,
}

pub struct FindingRow {
    pub field: &'static str,
    pub reason: &'static str,
    pub note: String,
    pub href: String,
}

pub struct DecisionRow {
    pub decision: String,
    pub at: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "seller/verification.html")]
struct OverviewPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    state: &'static str,
    editable: bool,
    can_submit: bool,
    is_owner: bool,
    due: Option<String>,
    due_is_estimate: bool,
    submitted_at: Option<String>,
    steps: Vec<StepRow>,
    findings: Vec<FindingRow>,
    decisions: Vec<DecisionRow>,
    errors: FormErrors,
    /// Working days reviewers have, as configured.
    sla_days: String,
}

fn step_href(step: WizardStep) -> String {
    format!("/seller/verification/{}", step.as_str())
}

/// `YYYY-MM-DD` shown as a local date.
fn show_date(t: &crate::i18n::T, iso: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(iso, format) {
        Ok(date) => {
            let noon = date.with_hms(5, 0, 0).map(|d| d.assume_utc()).ok();
            noon.map(|d| etalase_domain::Timestamp::from_datetime(d).format_date(t.lang))
                .unwrap_or_else(|| iso.to_owned())
        }
        Err(_) => iso.to_owned(),
    }
}

async fn overview_page(
    s: &SellerCtx,
    notice: Option<&str>,
    errors: FormErrors,
) -> AppResult<OverviewPage> {
    let view = wizard::status(&s.ctx.state.services, &s.scope).await?;
    let t = &s.ctx.t;
    let v = &view.verification;
    let missing = wizard::missing_steps(v, &view.documents);
    let steps = WizardStep::required()
        .map(|step| StepRow {
            name: step.as_str(),
            done: !missing.contains(&step),
            href: step_href(step),
        })
        .collect();
    let findings = view
        .findings
        .iter()
        .map(|f| FindingRow {
            field: f.field.as_str(),
            reason: f.reason.as_str(),
            note: f.note.clone(),
            href: step_href(f.field.step()),
        })
        .collect();
    let decisions = view
        .decisions
        .iter()
        .map(|d| DecisionRow {
            decision: d.decision.clone(),
            at: t.time(&etalase_domain::Timestamp::from_unix_millis(d.decided_at)),
            note: d.note.clone().unwrap_or_default(),
        })
        .collect();
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/verification", notice);
    Ok(OverviewPage {
        c,
        nav,
        shop_name,
        role_key,
        state: v.state.as_str(),
        editable: v.state.editable_by_seller(),
        can_submit: v.state.editable_by_seller() && missing.is_empty(),
        is_owner: s.scope.may(etalase_domain::policy::SellerAction::write(
            etalase_domain::policy::Area::Shop,
        )),
        due: v.decision_due_on.as_deref().map(|d| show_date(t, d)),
        due_is_estimate: v.decision_due_is_estimate,
        submitted_at: v.submitted_at.map(|at| t.time(&at)),
        steps,
        findings,
        decisions,
        errors,
        sla_days: s
            .ctx
            .state
            .services
            .config
            .verification_sla_working_days
            .to_string(),
    })
}

pub async fn overview(s: SellerCtx, Query(q): Query<NoticeQuery>) -> AppResult<Response> {
    Ok(html(
        &overview_page(&s, q.notice.as_deref(), FormErrors::default()).await?,
    ))
}

pub async fn submit(s: SellerCtx) -> AppResult<Response> {
    match wizard::submit(&s.ctx.state.services, &s.scope).await {
        Ok(_) => {
            Ok(Redirect::to("/seller/verification?notice=verification_submitted").into_response())
        }
        Err(e)
            if matches!(
                e.code,
                ErrorCode::StepsIncomplete
                    | ErrorCode::ResubmissionUnchanged
                    | ErrorCode::IllegalTransition
            ) =>
        {
            let errors = FormErrors::summary_only(&s.ctx.t, e.code);
            let status = crate::errors::status_of(e.code);
            Ok((status, html(&overview_page(&s, None, errors).await?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---- one step ------------------------------------------------------------------

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct DocumentRow {
    pub slot: &'static str,
    pub uploaded: bool,
    pub is_image: bool,
    pub warnings: Vec<&'static str>,
    pub accepts_pdf: bool,
}

#[derive(Template)]
#[template(path = "seller/verification_step.html")]
struct StepPage {
    c: Chrome,
    nav: Vec<NavItem>,
    shop_name: String,
    role_key: &'static str,
    step: &'static str,
    editable: bool,
    errors: FormErrors,
    /// Field values to show (what was typed, or what is stored).
    values: std::collections::HashMap<&'static str, String>,
    categories: Vec<Choice>,
    banks: Vec<Choice>,
    provinces: Vec<Choice>,
    business_type: &'static str,
    documents: Vec<DocumentRow>,
    bank_warning: bool,
    nik_masked: String,
    npwp_masked: String,
    account_masked: String,
    address_kinds: [&'static str; 2],
    pickup_same: bool,
}

impl StepPage {
    fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// The value of one address field (`kind` is business or pickup).
    fn kv(&self, kind: &str, field: &str) -> &str {
        self.value(&format!("{kind}_{field}"))
    }

    fn kerr(&self, kind: &str, field: &str) -> Option<&str> {
        self.errors.get(&format!("{kind}_{field}"))
    }

    fn is_pickup(&self, kind: &str) -> bool {
        kind == "pickup"
    }

    /// The translation of `{prefix}.{name}`.
    fn label(&self, prefix: &str, name: &str) -> String {
        self.c.t.t(&format!("{prefix}.{name}")).to_owned()
    }
}

impl OverviewPage {
    fn state_label(&self) -> String {
        self.label("kyc.state", self.state)
    }

    fn state_help(&self) -> String {
        // The submitted state names the review target, a platform setting.
        self.c
            .t
            .tf1(&format!("kyc.state.{}_help", self.state), &self.sla_days)
    }

    fn label(&self, prefix: &str, name: &str) -> String {
        self.c.t.t(&format!("{prefix}.{name}")).to_owned()
    }
}

fn choices(items: impl Iterator<Item = (String, String)>, selected: &str) -> Vec<Choice> {
    items
        .map(|(value, label)| Choice {
            selected: value == selected,
            value,
            label,
        })
        .collect()
}

async fn step_page(
    s: &SellerCtx,
    step: WizardStep,
    typed: Option<std::collections::HashMap<&'static str, String>>,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<StepPage> {
    let view: KycView = wizard::status(&s.ctx.state.services, &s.scope).await?;
    let t = &s.ctx.t;
    let v = &view.verification;
    let mut values = std::collections::HashMap::new();
    values.insert("shop_name", view.shop_name.clone());
    values.insert(
        "category_focus",
        v.category_focus.clone().unwrap_or_default(),
    );
    if let Some(i) = &view.identity {
        values.insert("full_name", i.full_name.clone());
        values.insert("birth_date", i.birth_date.clone());
        values.insert("gender", i.gender.clone());
        values.insert("company_name", i.company_name.clone().unwrap_or_default());
        values.insert("nib", i.nib.clone().unwrap_or_default());
    }
    for a in &view.addresses {
        let kind = if a.kind == "business" {
            "business"
        } else {
            "pickup"
        };
        let key = |f: &str| -> &'static str {
            match (kind, f) {
                ("business", "street") => "business_street",
                ("business", "district") => "business_district",
                ("business", "postal") => "business_postal_code",
                ("business", _) => "business_phone",
                (_, "street") => "pickup_street",
                (_, "district") => "pickup_district",
                (_, "postal") => "pickup_postal_code",
                _ => "pickup_phone",
            }
        };
        values.insert(key("street"), a.street.clone());
        values.insert(key("district"), a.district_code.clone());
        values.insert(key("postal"), a.postal_code.clone());
        values.insert(key("phone"), a.phone.clone());
    }
    if let Some(b) = &view.bank {
        values.insert("bank", b.bank_code.clone());
        values.insert("holder_name", b.holder_name.clone());
    }
    if let Some(typed) = typed {
        values.extend(typed);
    }
    let business = v.business_type.unwrap_or(BusinessType::Individual);
    let documents = DocumentSlot::required_for(business)
        .into_iter()
        .map(|slot| {
            let stored = view.documents.iter().find(|d| d.slot == slot.as_str());
            DocumentRow {
                slot: slot.as_str(),
                uploaded: stored.is_some(),
                is_image: stored.is_some_and(|d| d.mime.starts_with("image/")),
                warnings: stored
                    .map(|d| {
                        d.warnings
                            .split_whitespace()
                            .map(|w| {
                                if w == "blurry" {
                                    "blurry"
                                } else {
                                    "low_resolution"
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                accepts_pdf: slot.accepts_pdf(),
            }
        })
        .collect();
    let category = values.get("category_focus").cloned().unwrap_or_default();
    let bank = values.get("bank").cloned().unwrap_or_default();
    let Frame {
        c,
        nav,
        shop_name,
        role_key,
    } = frame(s, "/seller/verification", notice);
    Ok(StepPage {
        c,
        nav,
        shop_name,
        role_key,
        step: step.as_str(),
        editable: v.state.editable_by_seller(),
        errors,
        categories: choices(
            CATEGORY_FOCUS
                .iter()
                .map(|c| (c.to_string(), t.t(&format!("kyc.category.{c}")).to_owned())),
            &category,
        ),
        banks: choices(
            BANKS.iter().map(|b| (b.code.to_owned(), b.name.to_owned())),
            &bank,
        ),
        provinces: choices(
            regions()
                .provinces()
                .iter()
                .map(|p| (p.code.to_owned(), p.name.to_owned())),
            "",
        ),
        business_type: match v.business_type {
            Some(BusinessType::Company) => "company",
            Some(BusinessType::Individual) => "individual",
            None => "",
        },
        documents,
        bank_warning: view.bank.as_ref().is_some_and(|b| b.holder_name_differs),
        nik_masked: view
            .identity
            .as_ref()
            .map(|i| i.nik_masked.clone())
            .unwrap_or_default(),
        npwp_masked: view.npwp_masked.clone().unwrap_or_default(),
        account_masked: view
            .bank
            .as_ref()
            .map(|b| b.account_masked.clone())
            .unwrap_or_default(),
        address_kinds: ["business", "pickup"],
        pickup_same: ["street", "district", "postal_code", "phone"]
            .iter()
            .all(|f| {
                let pickup = values
                    .get(format!("pickup_{f}").as_str())
                    .map(String::as_str)
                    .unwrap_or("");
                pickup.is_empty()
                    || Some(pickup)
                        == values
                            .get(format!("business_{f}").as_str())
                            .map(String::as_str)
            }),
        values,
    })
}

fn parse_step(text: &str) -> AppResult<WizardStep> {
    WizardStep::parse(text)
        .filter(|s| *s != WizardStep::Review)
        .ok_or_else(|| AppError::from(ErrorCode::NotFound))
}

pub async fn show_step(
    s: SellerCtx,
    Path(step): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let step = parse_step(&step)?;
    // The steps hold the owner's personal details; other roles see the overview.
    s.scope
        .authorize(etalase_domain::policy::SellerAction::write(
            etalase_domain::policy::Area::Shop,
        ))?;
    Ok(html(
        &step_page(&s, step, None, FormErrors::default(), q.notice.as_deref()).await?,
    ))
}

pub async fn documents_page(s: SellerCtx, Query(q): Query<NoticeQuery>) -> AppResult<Response> {
    show_step(s, Path("documents".to_owned()), Query(q)).await
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    shop_name: String,
    #[serde(default)]
    category_focus: String,
    #[serde(default)]
    business_type: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    company_name: String,
    #[serde(default)]
    nib: String,
    #[serde(default)]
    npwp: String,
    #[serde(default)]
    business_street: String,
    #[serde(default)]
    business_district: String,
    #[serde(default)]
    business_postal_code: String,
    #[serde(default)]
    business_phone: String,
    #[serde(default)]
    pickup_same: Option<String>,
    #[serde(default)]
    pickup_street: String,
    #[serde(default)]
    pickup_district: String,
    #[serde(default)]
    pickup_postal_code: String,
    #[serde(default)]
    pickup_phone: String,
    #[serde(default)]
    bank: String,
    #[serde(default)]
    account_number: String,
    #[serde(default)]
    holder_name: String,
}

impl StepForm {
    /// What to show again after a refusal (never the sensitive numbers).
    fn typed(&self) -> std::collections::HashMap<&'static str, String> {
        [
            ("shop_name", &self.shop_name),
            ("category_focus", &self.category_focus),
            ("full_name", &self.full_name),
            ("birth_date", &self.birth_date),
            ("gender", &self.gender),
            ("company_name", &self.company_name),
            ("nib", &self.nib),
            ("business_street", &self.business_street),
            ("business_district", &self.business_district),
            ("business_postal_code", &self.business_postal_code),
            ("business_phone", &self.business_phone),
            ("pickup_street", &self.pickup_street),
            ("pickup_district", &self.pickup_district),
            ("pickup_postal_code", &self.pickup_postal_code),
            ("pickup_phone", &self.pickup_phone),
            ("bank", &self.bank),
            ("holder_name", &self.holder_name),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.clone()))
        .collect()
    }
}

fn next_after(step: WizardStep) -> String {
    let all = WizardStep::ALL;
    let position = all.iter().position(|s| *s == step).unwrap_or(0);
    match all.get(position + 1) {
        Some(WizardStep::Review) | None => "/seller/verification?notice=step_saved".into(),
        Some(next) => format!("{}?notice=step_saved", step_href(*next)),
    }
}

pub async fn save_step(
    s: SellerCtx,
    Path(step): Path<String>,
    Form(form): Form<StepForm>,
) -> AppResult<Response> {
    let step = parse_step(&step)?;
    let svc = &s.ctx.state.services;
    let scope = &s.scope;
    let result: Result<Option<&str>, ServiceError> = match step {
        WizardStep::Shop => wizard::save_shop(svc, scope, &form.shop_name, &form.category_focus)
            .await
            .map(|_| None),
        WizardStep::BusinessType => wizard::save_business_type(svc, scope, &form.business_type)
            .await
            .map(|_| None),
        WizardStep::Identity => wizard::save_identity(
            svc,
            scope,
            IdentityForm {
                full_name: &form.full_name,
                nik: &form.nik,
                birth_date: &form.birth_date,
                gender: &form.gender,
                company_name: &form.company_name,
                nib: &form.nib,
            },
        )
        .await
        .map(|_| None),
        WizardStep::Tax => wizard::save_tax(svc, scope, &form.npwp).await.map(|_| None),
        WizardStep::Addresses => {
            let business = AddressForm {
                street: &form.business_street,
                district_code: &form.business_district,
                postal_code: &form.business_postal_code,
                phone: &form.business_phone,
            };
            let pickup = form.pickup_same.is_none().then(|| AddressForm {
                street: &form.pickup_street,
                district_code: &form.pickup_district,
                postal_code: &form.pickup_postal_code,
                phone: &form.pickup_phone,
            });
            wizard::save_addresses(svc, scope, business, pickup)
                .await
                .map(|_| None)
        }
        WizardStep::BankAccount => wizard::save_bank_account(
            svc,
            scope,
            &form.bank,
            &form.account_number,
            &form.holder_name,
        )
        .await
        .map(|saved| saved.holder_name_differs.then_some("bank_name_differs")),
        WizardStep::Documents | WizardStep::Review => return Err(ErrorCode::NotFound.into()),
    };
    match result {
        // A holder-name mismatch is saved, and shown on the same step.
        Ok(Some(notice)) => {
            Ok(Redirect::to(&format!("{}?notice={notice}", step_href(step))).into_response())
        }
        Ok(None) => Ok(Redirect::to(&next_after(step)).into_response()),
        Err(e) if e.code.status() == 422 || e.code == ErrorCode::IllegalTransition => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let status = crate::errors::status_of(e.code);
            Ok((
                status,
                html(&step_page(&s, step, Some(form.typed()), errors, None).await?),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// One document per request: `_csrf` first, then `slot` and `file`.
pub async fn upload(s: SellerCtx, mut multipart: Multipart) -> AppResult<Response> {
    let mut slot = String::new();
    let mut bytes = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::from(ErrorCode::MalformedRequest))?
    {
        match field.name() {
            Some("slot") => {
                slot = field
                    .text()
                    .await
                    .map_err(|_| AppError::from(ErrorCode::MalformedRequest))?
            }
            Some("file") => {
                bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::from(ErrorCode::PayloadTooLarge))?
                    .to_vec();
            }
            _ => {}
        }
    }
    match wizard::upload_document(&s.ctx.state.services, &s.scope, &slot, &bytes).await {
        Ok(uploaded) => {
            let notice = if uploaded.warnings.is_empty() {
                "document_saved"
            } else {
                "document_saved_with_warnings"
            };
            Ok(
                Redirect::to(&format!("/seller/verification/documents?notice={notice}"))
                    .into_response(),
            )
        }
        Err(e) if e.code.status() == 422 || e.code == ErrorCode::IllegalTransition => {
            let errors = FormErrors::from_service(&s.ctx.t, &e);
            let page = step_page(&s, WizardStep::Documents, None, errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The owner's own document, shown inline (the look is audited).
pub async fn document(s: SellerCtx, Path(slot): Path<String>) -> AppResult<Response> {
    let (mime, bytes) = wizard::document_file(&s.ctx.state.services, &s.scope, &slot).await?;
    Ok(file_response(mime, bytes))
}

/// One full value for the shop's owner, as plain text (the look is audited).
pub async fn reveal(s: SellerCtx, Path(field): Path<String>) -> AppResult<Response> {
    let value = wizard::reveal(&s.ctx.state.services, &s.scope, &field).await?;
    Ok(file_response(
        "text/plain; charset=utf-8".into(),
        value.into_bytes(),
    ))
}

pub fn file_response(mime: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (
                header::HeaderName::from_static("x-content-type-options"),
                "nosniff".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Regencies of a province, or districts of a regency, for the address form.
pub async fn region_children(Path(code): Path<String>) -> Response {
    let r = regions();
    let children: Vec<serde_json::Value> = match code.len() {
        2 => r.regencies_of(&code).map(|x| serde_json::json!({ "code": x.code, "name": x.name })).collect(),
        4 => r
            .districts_of(&code)
            .map(|x| serde_json::json!({ "code": x.code, "name": x.name, "postal_codes": r.postal_codes_of(x.code) }))
            .collect(),
        _ => Vec::new(),
    };
    axum::Json(children).into_response()
}

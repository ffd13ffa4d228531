//! Admin: the verification queue (`/admin/verifications`) and one case.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use etalase_domain::ErrorCode;
use etalase_domain::id::SellerId;
use etalase_domain::verification::{RejectionReason, ReviewField};
use etalase_services::kyc::KycView;
use etalase_services::kyc::review::{self, Decision, FindingForm};
use serde::Deserialize;

use super::NoticeQuery;
use super::verification::file_response;
use crate::ctx::AdminCtx;
use crate::errors::{AppError, AppResult};
use crate::pages::{Chrome, FormErrors, html};

pub struct QueueRow {
    pub seller_id: String,
    pub shop_name: String,
    pub state: String,
    pub round: i32,
    pub submitted: String,
    pub due: String,
    pub overdue: bool,
    pub due_today: bool,
    /// Working days left until the due date (negative: overdue by).
    pub days_left: i64,
}

#[derive(Template)]
#[template(path = "admin/verifications.html")]
struct QueuePage {
    c: Chrome,
    rows: Vec<QueueRow>,
    /// Working days reviewers have, as configured.
    sla_days: String,
}

impl QueuePage {
    fn days_left(&self, days: &i64) -> String {
        if *days < 0 {
            self.c.t.tf1("admin.days_overdue", &(-days).to_string())
        } else {
            self.c.t.tf1("admin.days_left", &days.to_string())
        }
    }

    fn label(&self, prefix: &str, name: &str) -> String {
        self.c.t.t(&format!("{prefix}.{name}")).to_owned()
    }
}

pub async fn queue(a: AdminCtx, Query(q): Query<NoticeQuery>) -> AppResult<Response> {
    let user = &a.user;
    let svc = &a.ctx.state.services;
    let today_date = svc
        .now()
        .to_datetime()
        .to_offset(etalase_domain::time::WIB)
        .date();
    let today = today_date.to_string();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let calendar = &svc.config.calendar;
    let rows = review::queue(svc, user)
        .await?
        .into_iter()
        .map(|e| {
            let due = e.decision_due_on.clone().unwrap_or_default();
            let days_left = time::Date::parse(&due, format)
                .map(|d| calendar.working_days_between(today_date, d))
                .unwrap_or(0);
            QueueRow {
                days_left,
                overdue: !due.is_empty() && due < today,
                due_today: due == today,
                seller_id: e.seller_id,
                shop_name: e.shop_name,
                state: e.state,
                round: e.round,
                submitted: a
                    .ctx
                    .t
                    .time(&etalase_domain::Timestamp::from_unix_millis(e.submitted_at)),
                due,
            }
        })
        .collect();
    let mut c = Chrome::new(&a.ctx);
    c.notice = q.notice.as_deref().and_then(|n| a.ctx.t.notice(n));
    let sla_days = svc.config.verification_sla_working_days.to_string();
    Ok(html(&QueuePage { c, rows, sla_days }))
}

#[derive(Template)]
#[template(path = "admin/verification.html")]
struct CasePage {
    c: Chrome,
    seller_id: String,
    view: KycView,
    state: &'static str,
    fields: Vec<&'static str>,
    reasons: Vec<&'static str>,
    finding_slots: [u8; 3],
    decisions: [&'static str; 5],
    errors: FormErrors,
}

impl CasePage {
    fn label(&self, prefix: &str, name: &str) -> String {
        self.c.t.t(&format!("{prefix}.{name}")).to_owned()
    }

    fn business(&self, business: &etalase_domain::verification::BusinessType) -> &'static str {
        match business {
            etalase_domain::verification::BusinessType::Individual => "individual",
            etalase_domain::verification::BusinessType::Company => "company",
        }
    }

    fn district_name(&self, code: &str) -> String {
        let r = etalase_domain::regions::regions();
        match r.district(code) {
            Some(d) => {
                let regency = r.regency(d.parent).map(|x| x.name).unwrap_or("");
                format!("Kec. {}, {regency}", d.name)
            }
            None => code.to_owned(),
        }
    }

    fn warning_labels(&self, warnings: &str) -> String {
        warnings
            .split_whitespace()
            .map(|w| self.label("kyc.warning", w))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn gender_label(&self, gender: &str) -> String {
        self.c.t.t(&format!("kyc.gender_{gender}")).to_owned()
    }

    fn bank_name(&self, code: &str) -> &'static str {
        etalase_domain::banks::bank(code)
            .map(|b| b.name)
            .unwrap_or("?")
    }

    fn is_primary(&self, decision: &str) -> bool {
        decision == "approve"
    }

    fn may(&self, decision: &str) -> bool {
        use etalase_domain::verification::{VerificationEvent as E, VerificationState};
        let event = match decision {
            "start_review" => E::StartReview,
            "approve" => E::Approve,
            "reject" => E::Reject,
            "suspend" => E::Suspend,
            _ => E::Reinstate,
        };
        VerificationState::parse(self.state).is_some_and(|s| s.after(event).is_ok())
    }
}

fn seller_id(text: &str) -> AppResult<SellerId> {
    text.parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))
}

async fn case_page(
    a: &AdminCtx,
    seller: SellerId,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<CasePage> {
    let user = &a.user;
    let view = review::case(&a.ctx.state.services, user, seller).await?;
    let mut c = Chrome::new(&a.ctx);
    c.notice = notice.and_then(|n| a.ctx.t.notice(n));
    Ok(CasePage {
        c,
        seller_id: seller.to_string(),
        state: view.verification.state.as_str(),
        view,
        fields: ReviewField::ALL.iter().map(|f| f.as_str()).collect(),
        reasons: RejectionReason::ALL.iter().map(|r| r.as_str()).collect(),
        finding_slots: [0, 1, 2],
        decisions: ["start_review", "approve", "reject", "suspend", "reinstate"],
        errors,
    })
}

pub async fn case(
    a: AdminCtx,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let seller = seller_id(&id)?;
    Ok(html(
        &case_page(&a, seller, FormErrors::default(), q.notice.as_deref()).await?,
    ))
}

#[derive(Deserialize, Default)]
pub struct DecisionForm {
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    field: Vec<String>,
    #[serde(default)]
    reason: Vec<String>,
    #[serde(default)]
    finding_note: Vec<String>,
}

pub async fn decide(
    a: AdminCtx,
    Path(id): Path<String>,
    axum_extra::extract::Form(form): axum_extra::extract::Form<DecisionForm>,
) -> AppResult<Response> {
    let seller = seller_id(&id)?;
    let user = a.user.clone();
    let decision = match form.decision.as_str() {
        "start_review" => Decision::StartReview,
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        "suspend" => Decision::Suspend,
        "reinstate" => Decision::Reinstate,
        _ => return Err(ErrorCode::MalformedRequest.into()),
    };
    let findings: Vec<FindingForm> = form
        .field
        .iter()
        .enumerate()
        .map(|(i, field)| FindingForm {
            field,
            reason: form.reason.get(i).map(String::as_str).unwrap_or(""),
            note: form.finding_note.get(i).map(String::as_str).unwrap_or(""),
        })
        .collect();
    match review::decide(
        &a.ctx.state.services,
        &user,
        seller,
        decision,
        &findings,
        &form.note,
    )
    .await
    {
        Ok(_) => {
            let notice = if decision == Decision::StartReview {
                "review_started"
            } else {
                "decision_saved"
            };
            Ok(
                Redirect::to(&format!("/admin/verifications/{seller}?notice={notice}"))
                    .into_response(),
            )
        }
        Err(e)
            if matches!(
                e.code,
                ErrorCode::FindingsRequired | ErrorCode::IllegalTransition
            ) =>
        {
            let errors = FormErrors::from_service(&a.ctx.t, &e);
            let status = crate::errors::status_of(e.code);
            Ok((status, html(&case_page(&a, seller, errors, None).await?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn document(
    a: AdminCtx,
    Path((id, slot)): Path<(String, String)>,
) -> AppResult<Response> {
    let seller = seller_id(&id)?;
    let user = &a.user;
    let (mime, bytes) = review::document_file(&a.ctx.state.services, user, seller, &slot).await?;
    Ok(file_response(mime, bytes))
}

/// One full personal value, as plain text (the look is audited).
pub async fn reveal(a: AdminCtx, Path((id, field)): Path<(String, String)>) -> AppResult<Response> {
    let seller = seller_id(&id)?;
    let user = &a.user;
    let value = review::reveal(&a.ctx.state.services, user, seller, &field).await?;
    Ok(file_response(
        "text/plain; charset=utf-8".into(),
        value.into_bytes(),
    ))
}

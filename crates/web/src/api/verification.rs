use axum::extract::State;
use axum::response::Json;
use etalase_domain::verification::{BusinessType, WizardStep};
use etalase_services::kyc::wizard;
use serde::Serialize;
use utoipa::ToSchema;

use super::ApiAuth;
use crate::errors::{AppResult, Problem};
use crate::state::AppState;

/// One step of the verification wizard.
#[derive(Serialize, ToSchema)]
pub struct VerificationStep {
    /// `shop`, `business_type`, `identity`, `tax`, `addresses`, `bank_account` or `documents`.
    pub step: String,
    pub done: bool,
}

/// Something a reviewer asked to fix.
#[derive(Serialize, ToSchema)]
pub struct VerificationFinding {
    /// The part: `identity`, `ktp_photo`, `bank_account`, …
    pub field: String,
    /// `photo_blurry`, `document_expired`, `name_mismatch_bank`, …
    pub reason: String,
    pub note: String,
}

/// The shop's verification (KYC) status. Personal values are never part of it.
#[derive(Serialize, ToSchema)]
pub struct VerificationStatus {
    /// `draft`, `submitted`, `in_review`, `approved`, `rejected` or `suspended`.
    pub state: String,
    /// How many times it was submitted.
    pub round: i32,
    /// `individual` or `company`, once chosen.
    pub business_type: Option<String>,
    /// RFC 3339, UTC.
    pub submitted_at: Option<String>,
    /// The date (WIB) a decision is due: five working days after submission.
    pub decision_due_on: Option<String>,
    /// The due date counts days past the known holiday calendar.
    pub decision_due_is_estimate: bool,
    pub steps: Vec<VerificationStep>,
    pub findings: Vec<VerificationFinding>,
}

#[utoipa::path(get, path = "/api/v1/shop/verification", tag = "shop",
    security(("api_key" = ["shop:read"])),
    responses(
        (status = 200, body = VerificationStatus),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "The key lacks `shop:read`"),
    ))]
pub async fn status(
    ApiAuth(scope): ApiAuth,
    State(state): State<AppState>,
) -> AppResult<Json<VerificationStatus>> {
    let view = wizard::status(&state.services, &scope).await?;
    let v = &view.verification;
    let missing = wizard::missing_steps(v, &view.documents);
    Ok(Json(VerificationStatus {
        state: v.state.as_str().to_owned(),
        round: v.round,
        business_type: v.business_type.map(|b| match b {
            BusinessType::Individual => "individual".to_owned(),
            BusinessType::Company => "company".to_owned(),
        }),
        submitted_at: v.submitted_at.map(|t| t.to_rfc3339()),
        decision_due_on: v.decision_due_on.clone(),
        decision_due_is_estimate: v.decision_due_is_estimate,
        steps: WizardStep::required()
            .map(|s| VerificationStep {
                step: s.as_str().to_owned(),
                done: !missing.contains(&s),
            })
            .collect(),
        findings: view
            .findings
            .iter()
            .map(|f| VerificationFinding {
                field: f.field.as_str().to_owned(),
                reason: f.reason.as_str().to_owned(),
                note: f.note.clone(),
            })
            .collect(),
    }))
}

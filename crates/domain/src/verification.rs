//! Seller verification (KYC): the wizard's steps, the review states and the
//! only transitions between them.
//!
//! draft → submitted → in review → approved | rejected → (fix, resubmit)
//! → submitted → … ; an approved seller can be suspended and reinstated.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationState {
    Draft,
    Submitted,
    InReview,
    Approved,
    Rejected,
    Suspended,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationEvent {
    /// The seller sends the wizard for review (again, after a rejection).
    Submit,
    /// A reviewer picks it up.
    StartReview,
    Approve,
    Reject,
    Suspend,
    Reinstate,
}

impl VerificationState {
    pub const ALL: [VerificationState; 6] = [
        VerificationState::Draft,
        VerificationState::Submitted,
        VerificationState::InReview,
        VerificationState::Approved,
        VerificationState::Rejected,
        VerificationState::Suspended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VerificationState::Draft => "draft",
            VerificationState::Submitted => "submitted",
            VerificationState::InReview => "in_review",
            VerificationState::Approved => "approved",
            VerificationState::Rejected => "rejected",
            VerificationState::Suspended => "suspended",
        }
    }

    pub fn parse(text: &str) -> Option<VerificationState> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// THE transition table; anything not listed is refused.
    pub fn after(self, event: VerificationEvent) -> Result<VerificationState, ErrorCode> {
        use VerificationEvent::*;
        use VerificationState::*;
        match (self, event) {
            (Draft | Rejected, Submit) => Ok(Submitted),
            (Submitted, StartReview) => Ok(InReview),
            (Submitted | InReview, Approve) => Ok(Approved),
            (Submitted | InReview, Reject) => Ok(Rejected),
            (Approved, Suspend) => Ok(Suspended),
            (Suspended, Reinstate) => Ok(Approved),
            _ => Err(ErrorCode::IllegalTransition),
        }
    }

    /// The seller may still change what they entered.
    pub fn editable_by_seller(self) -> bool {
        matches!(self, VerificationState::Draft | VerificationState::Rejected)
    }

    /// Waiting for a reviewer (the admin queue).
    pub fn awaiting_review(self) -> bool {
        matches!(
            self,
            VerificationState::Submitted | VerificationState::InReview
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessType {
    Individual,
    Company,
}

/// The wizard's steps, in order. A seller can leave after any step and
/// come back; each step is saved on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WizardStep {
    Shop,
    BusinessType,
    Identity,
    Tax,
    Addresses,
    BankAccount,
    Documents,
    Review,
}

impl WizardStep {
    pub const ALL: [WizardStep; 8] = [
        WizardStep::Shop,
        WizardStep::BusinessType,
        WizardStep::Identity,
        WizardStep::Tax,
        WizardStep::Addresses,
        WizardStep::BankAccount,
        WizardStep::Documents,
        WizardStep::Review,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WizardStep::Shop => "shop",
            WizardStep::BusinessType => "business_type",
            WizardStep::Identity => "identity",
            WizardStep::Tax => "tax",
            WizardStep::Addresses => "addresses",
            WizardStep::BankAccount => "bank_account",
            WizardStep::Documents => "documents",
            WizardStep::Review => "review",
        }
    }

    pub fn parse(text: &str) -> Option<WizardStep> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The steps that must be complete before submitting (all but Review).
    pub fn required() -> impl Iterator<Item = WizardStep> {
        Self::ALL.into_iter().filter(|s| *s != WizardStep::Review)
    }
}

/// The documents a seller uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentSlot {
    KtpPhoto,
    SelfieWithKtp,
    NpwpCard,
    /// Deed of establishment or business licence, for companies.
    CompanyDeed,
}

impl DocumentSlot {
    pub const ALL: [DocumentSlot; 4] = [
        DocumentSlot::KtpPhoto,
        DocumentSlot::SelfieWithKtp,
        DocumentSlot::NpwpCard,
        DocumentSlot::CompanyDeed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentSlot::KtpPhoto => "ktp_photo",
            DocumentSlot::SelfieWithKtp => "selfie_with_ktp",
            DocumentSlot::NpwpCard => "npwp_card",
            DocumentSlot::CompanyDeed => "company_deed",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentSlot> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The slots a business of this type must fill.
    pub fn required_for(business: BusinessType) -> Vec<DocumentSlot> {
        match business {
            BusinessType::Individual => vec![
                DocumentSlot::KtpPhoto,
                DocumentSlot::SelfieWithKtp,
                DocumentSlot::NpwpCard,
            ],
            BusinessType::Company => DocumentSlot::ALL.to_vec(),
        }
    }

    /// A selfie must be a photo; cards and deeds may be scanned to PDF.
    pub fn accepts_pdf(self) -> bool {
        !matches!(self, DocumentSlot::SelfieWithKtp)
    }
}

/// What a reviewer can point at when rejecting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewField {
    Shop,
    Identity,
    Tax,
    Addresses,
    BankAccount,
    KtpPhoto,
    SelfieWithKtp,
    NpwpCard,
    CompanyDeed,
}

impl ReviewField {
    pub const ALL: [ReviewField; 9] = [
        ReviewField::Shop,
        ReviewField::Identity,
        ReviewField::Tax,
        ReviewField::Addresses,
        ReviewField::BankAccount,
        ReviewField::KtpPhoto,
        ReviewField::SelfieWithKtp,
        ReviewField::NpwpCard,
        ReviewField::CompanyDeed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewField::Shop => "shop",
            ReviewField::Identity => "identity",
            ReviewField::Tax => "tax",
            ReviewField::Addresses => "addresses",
            ReviewField::BankAccount => "bank_account",
            ReviewField::KtpPhoto => "ktp_photo",
            ReviewField::SelfieWithKtp => "selfie_with_ktp",
            ReviewField::NpwpCard => "npwp_card",
            ReviewField::CompanyDeed => "company_deed",
        }
    }

    pub fn parse(text: &str) -> Option<ReviewField> {
        Self::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// The wizard step where the seller fixes this.
    pub fn step(self) -> WizardStep {
        match self {
            ReviewField::Shop => WizardStep::Shop,
            ReviewField::Identity => WizardStep::Identity,
            ReviewField::Tax => WizardStep::Tax,
            ReviewField::Addresses => WizardStep::Addresses,
            ReviewField::BankAccount => WizardStep::BankAccount,
            ReviewField::KtpPhoto
            | ReviewField::SelfieWithKtp
            | ReviewField::NpwpCard
            | ReviewField::CompanyDeed => WizardStep::Documents,
        }
    }
}

/// Reasons reviewers use most, each translated; free text can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    PhotoBlurry,
    DocumentExpired,
    NameMismatchBank,
    NameMismatchNpwp,
    DataMismatch,
    DocumentIncomplete,
    Other,
}

impl RejectionReason {
    pub const ALL: [RejectionReason; 7] = [
        RejectionReason::PhotoBlurry,
        RejectionReason::DocumentExpired,
        RejectionReason::NameMismatchBank,
        RejectionReason::NameMismatchNpwp,
        RejectionReason::DataMismatch,
        RejectionReason::DocumentIncomplete,
        RejectionReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectionReason::PhotoBlurry => "photo_blurry",
            RejectionReason::DocumentExpired => "document_expired",
            RejectionReason::NameMismatchBank => "name_mismatch_bank",
            RejectionReason::NameMismatchNpwp => "name_mismatch_npwp",
            RejectionReason::DataMismatch => "data_mismatch",
            RejectionReason::DocumentIncomplete => "document_incomplete",
            RejectionReason::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<RejectionReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// One finding of a rejection: what, why, and the reviewer's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub field: ReviewField,
    pub reason: RejectionReason,
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use VerificationEvent::*;
    use VerificationState::*;

    #[test]
    fn the_happy_path_and_a_resubmission() {
        let rejected = Draft
            .after(Submit)
            .and_then(|s| s.after(StartReview))
            .and_then(|s| s.after(Reject))
            .unwrap();
        assert_eq!(rejected, Rejected);
        assert!(rejected.editable_by_seller());
        let approved = rejected
            .after(Submit)
            .and_then(|s| s.after(Approve))
            .unwrap();
        assert_eq!(approved, Approved);
        assert_eq!(
            approved.after(Suspend).and_then(|s| s.after(Reinstate)),
            Ok(Approved)
        );
    }

    #[test]
    fn everything_else_is_refused() {
        let allowed = [
            (Draft, Submit),
            (Rejected, Submit),
            (Submitted, StartReview),
            (Submitted, Approve),
            (InReview, Approve),
            (Submitted, Reject),
            (InReview, Reject),
            (Approved, Suspend),
            (Suspended, Reinstate),
        ];
        for state in VerificationState::ALL {
            for event in [Submit, StartReview, Approve, Reject, Suspend, Reinstate] {
                let ok = state.after(event).is_ok();
                assert_eq!(
                    ok,
                    allowed.contains(&(state, event)),
                    "{state:?} + {event:?}"
                );
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for s in VerificationState::ALL {
            assert_eq!(VerificationState::parse(s.as_str()), Some(s));
        }
        for s in WizardStep::ALL {
            assert_eq!(WizardStep::parse(s.as_str()), Some(s));
        }
        for s in DocumentSlot::ALL {
            assert_eq!(DocumentSlot::parse(s.as_str()), Some(s));
        }
        for f in ReviewField::ALL {
            assert_eq!(ReviewField::parse(f.as_str()), Some(f));
        }
        for r in RejectionReason::ALL {
            assert_eq!(RejectionReason::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn companies_bring_their_deed_and_selfies_are_photos() {
        assert!(
            !DocumentSlot::required_for(BusinessType::Individual)
                .contains(&DocumentSlot::CompanyDeed)
        );
        assert!(
            DocumentSlot::required_for(BusinessType::Company).contains(&DocumentSlot::CompanyDeed)
        );
        assert!(!DocumentSlot::SelfieWithKtp.accepts_pdf());
        assert_eq!(ReviewField::KtpPhoto.step(), WizardStep::Documents);
    }
}

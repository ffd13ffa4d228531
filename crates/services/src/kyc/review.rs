//! The platform's side: the review queue and the decisions.

use etalase_domain::ErrorCode;
use etalase_domain::audit::Actor;
use etalase_domain::id::SellerId;
use etalase_domain::notification::NotificationKind;
use etalase_domain::verification::{Finding, RejectionReason, ReviewField, VerificationEvent};
use etalase_store::accounts::User;
use etalase_store::kyc::{self, QueueEntry, Verification};
use etalase_store::sellers;

use super::{KycView, move_to, view};
use crate::{OutgoingMail, ServiceError, ServiceResult, Services};

fn admin(user: &User) -> ServiceResult<Actor> {
    if user.is_admin {
        Ok(Actor::User(user.id))
    } else {
        Err(ErrorCode::AdminOnly.into())
    }
}

/// Sellers waiting for a decision, oldest submission first.
pub async fn queue(svc: &Services, reviewer: &User) -> ServiceResult<Vec<QueueEntry>> {
    admin(reviewer)?;
    Ok(kyc::review_queue(&svc.store, 200).await?)
}

/// Everything a reviewer needs (values still masked; documents and full
/// values are opened one by one, each look audited).
pub async fn case(svc: &Services, reviewer: &User, seller: SellerId) -> ServiceResult<KycView> {
    admin(reviewer)?;
    view(svc, seller).await
}

pub async fn reveal(
    svc: &Services,
    reviewer: &User,
    seller: SellerId,
    field: &str,
) -> ServiceResult<String> {
    let actor = admin(reviewer)?;
    super::reveal_value(svc, seller, field, actor).await
}

pub async fn document_file(
    svc: &Services,
    reviewer: &User,
    seller: SellerId,
    slot: &str,
) -> ServiceResult<(String, Vec<u8>)> {
    let actor = admin(reviewer)?;
    super::open_document(svc, seller, slot, actor).await
}

/// A reviewer's finding as typed into the review form.
pub struct FindingForm<'a> {
    pub field: &'a str,
    pub reason: &'a str,
    pub note: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    StartReview,
    Approve,
    Reject,
    Suspend,
    Reinstate,
}

impl Decision {
    fn event(self) -> VerificationEvent {
        match self {
            Decision::StartReview => VerificationEvent::StartReview,
            Decision::Approve => VerificationEvent::Approve,
            Decision::Reject => VerificationEvent::Reject,
            Decision::Suspend => VerificationEvent::Suspend,
            Decision::Reinstate => VerificationEvent::Reinstate,
        }
    }

    fn recorded(self) -> Option<&'static str> {
        match self {
            Decision::StartReview => None,
            Decision::Approve => Some("approved"),
            Decision::Reject => Some("rejected"),
            Decision::Suspend => Some("suspended"),
            Decision::Reinstate => Some("reinstated"),
        }
    }
}

/// Moves a seller's verification on: review, approve, reject (with at least
/// one finding), suspend or reinstate. The seller is told by e-mail.
pub async fn decide(
    svc: &Services,
    reviewer: &User,
    seller: SellerId,
    decision: Decision,
    findings: &[FindingForm<'_>],
    note: &str,
) -> ServiceResult<Verification> {
    let actor = admin(reviewer)?;
    let findings = parse_findings(findings)?;
    if decision == Decision::Reject && findings.is_empty() {
        return Err(ServiceError::field("findings", ErrorCode::FindingsRequired));
    }
    let note = note.trim();
    let mut tx = svc.store.write().await?;
    let mut v = kyc::lock_verification(&mut tx, seller).await?;
    let next = v.state.after(decision.event())?;
    if decision == Decision::Reject {
        v.findings = Some(serde_json::to_string(&findings).map_err(ServiceError::internal)?);
    } else if decision == Decision::Approve {
        v.findings = None;
    }
    if decision != Decision::StartReview {
        v.decided_at = Some(svc.now());
    }
    let action = match decision {
        Decision::StartReview => "seller.verification_in_review",
        Decision::Approve => "seller.verification_approved",
        Decision::Reject => "seller.verification_rejected",
        Decision::Suspend => "seller.suspended",
        Decision::Reinstate => "seller.reinstated",
    };
    move_to(&mut tx, svc, &mut v, next, actor, action).await?;
    if let Some(recorded) = decision.recorded() {
        let findings_json =
            (!findings.is_empty()).then(|| serde_json::to_string(&findings).unwrap_or_default());
        let note = (!note.is_empty()).then_some(note);
        kyc::insert_decision(
            &mut tx,
            seller,
            v.round,
            recorded,
            findings_json.as_deref(),
            note,
            reviewer.id,
            svc.now(),
        )
        .await?;
    }
    tell_the_shop(&mut tx, svc, seller, decision).await?;
    tx.commit().await?;
    crate::mail::dispatch(svc).await;
    Ok(v)
}

fn parse_findings(forms: &[FindingForm<'_>]) -> ServiceResult<Vec<Finding>> {
    forms
        .iter()
        .filter(|f| !f.field.is_empty())
        .map(|f| {
            let field = ReviewField::parse(f.field)
                .ok_or_else(|| ServiceError::field("findings", ErrorCode::FindingsRequired))?;
            let reason = RejectionReason::parse(f.reason)
                .ok_or_else(|| ServiceError::field("findings", ErrorCode::FindingsRequired))?;
            Ok(Finding {
                field,
                reason,
                note: f.note.trim().chars().take(500).collect(),
            })
        })
        .collect()
}

/// Tells the shop about a decision, in the decision's transaction (so the
/// news exists exactly when the decision stands): an in-app notice for every
/// member of the team, and an e-mail to its owners.
async fn tell_the_shop(
    tx: &mut etalase_store::Tx,
    svc: &Services,
    seller: SellerId,
    decision: Decision,
) -> ServiceResult<()> {
    let kind = match decision {
        Decision::Approve => NotificationKind::VerificationApproved,
        Decision::Reject => NotificationKind::VerificationRejected,
        Decision::Suspend => NotificationKind::ShopSuspended,
        Decision::Reinstate => NotificationKind::ShopReinstated,
        Decision::StartReview => return Ok(()),
    };
    crate::notifications::tell_team(tx, svc, seller, kind).await?;
    let shop = sellers::get_seller(&svc.store, seller).await?;
    let (subject, line) = match decision {
        Decision::Approve => (
            "Toko Anda terverifikasi / Your shop is verified",
            "Selamat! Toko Anda sudah terverifikasi. / Your shop is verified.",
        ),
        Decision::Reject => (
            "Verifikasi toko perlu diperbaiki / Your verification needs changes",
            "Verifikasi toko Anda ditolak; lihat bagian yang ditandai, perbaiki, lalu ajukan lagi. / Your verification needs changes: fix the marked parts and submit again.",
        ),
        Decision::Suspend => (
            "Toko Anda ditangguhkan / Your shop is suspended",
            "Toko Anda ditangguhkan oleh etalase. / etalase suspended your shop.",
        ),
        Decision::Reinstate => (
            "Toko Anda aktif kembali / Your shop is active again",
            "Toko Anda aktif kembali. / Your shop is active again.",
        ),
        Decision::StartReview => return Ok(()),
    };
    let link = format!(
        "{}/seller/verification",
        svc.config.public_url.trim_end_matches('/')
    );
    for member in sellers::list_members(&svc.store, seller).await? {
        if member.role != etalase_domain::policy::Role::Owner {
            continue;
        }
        let mail = OutgoingMail {
            to: member.email.clone(),
            subject: format!("{subject}: {}", shop.name),
            body: format!("{line}\n\n{link}\n"),
        };
        crate::mail::queue(tx, &mail, svc.now()).await?;
    }
    Ok(())
}

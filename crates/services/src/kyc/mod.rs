//! Seller verification (KYC): the seller's wizard and the platform's review.
//!
//! Personal values are sealed with the vault before they reach the store,
//! each bound to its seller and field; they are shown masked, and a full
//! value or document is only given to the shop's owner or an admin, with an
//! audit line for every look.

pub mod review;
pub mod wizard;

use etalase_domain::audit::Actor;
use etalase_domain::id::SellerId;
use etalase_domain::seller::SellerStatus;
use etalase_domain::verification::{Finding, VerificationState};
use etalase_store::kyc::{self, AddressRecord, DecisionRecord, DocumentRecord, Verification};
use etalase_store::{Tx, audit, outbox, sellers};

use crate::{ServiceResult, Services};

/// Everything about a seller's verification, with personal values masked.
#[derive(Debug, Clone)]
pub struct KycView {
    pub shop_name: String,
    pub shop_slug: String,
    pub verification: Verification,
    pub identity: Option<IdentityView>,
    pub npwp_masked: Option<String>,
    pub addresses: Vec<AddressRecord>,
    pub bank: Option<BankView>,
    pub documents: Vec<DocumentRecord>,
    pub findings: Vec<Finding>,
    pub decisions: Vec<DecisionRecord>,
}

#[derive(Debug, Clone)]
pub struct IdentityView {
    pub full_name: String,
    pub nik_masked: String,
    pub birth_date: String,
    pub gender: String,
    pub company_name: Option<String>,
    pub nib: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BankView {
    pub bank_code: String,
    pub account_masked: String,
    pub holder_name: String,
    /// The holder's name does not look like the KTP or company name.
    pub holder_name_differs: bool,
}

pub(crate) fn context(seller: SellerId, field: &str) -> String {
    format!("seller:{seller}:{field}")
}

pub(crate) fn document_key(seller: SellerId, slot: &str) -> String {
    format!("kyc/{seller}/{slot}.sealed")
}

async fn view(svc: &Services, seller: SellerId) -> ServiceResult<KycView> {
    let store = &svc.store;
    let shop = sellers::get_seller(store, seller).await?;
    let verification = kyc::get_verification(store, seller).await?;
    let identity = kyc::get_identity(store, seller).await?;
    let bank = kyc::get_bank_account(store, seller).await?;
    let expected_holder = identity.as_ref().map(|i| {
        i.company_name
            .clone()
            .unwrap_or_else(|| i.full_name.clone())
    });
    let findings = verification
        .findings
        .as_deref()
        .and_then(|f| serde_json::from_str(f).ok())
        .unwrap_or_default();
    Ok(KycView {
        shop_name: shop.name,
        shop_slug: shop.slug,
        identity: identity.map(|i| IdentityView {
            full_name: i.full_name,
            nik_masked: i.nik_masked,
            birth_date: i.birth_date,
            gender: i.gender,
            company_name: i.company_name,
            nib: i.nib,
        }),
        npwp_masked: kyc::get_tax(store, seller).await?.map(|t| t.npwp_masked),
        addresses: kyc::list_addresses(store, seller).await?,
        bank: bank.map(|b| BankView {
            holder_name_differs: expected_holder.as_deref().is_some_and(|expected| {
                !etalase_domain::banks::holder_name_matches(&b.holder_name, expected)
            }),
            bank_code: b.bank_code,
            account_masked: b.account_masked,
            holder_name: b.holder_name,
        }),
        documents: kyc::list_documents(store, seller).await?,
        decisions: kyc::list_decisions(store, seller).await?,
        findings,
        verification,
    })
}

/// The seller's standing follows its verification, in the same transaction.
async fn move_to(
    tx: &mut Tx,
    svc: &Services,
    v: &mut Verification,
    next: VerificationState,
    actor: Actor,
    action: &str,
) -> ServiceResult<()> {
    let before = v.state;
    v.state = next;
    let now = svc.now();
    kyc::save_verification(tx, v, now).await?;
    let standing = match next {
        VerificationState::Approved => SellerStatus::Approved,
        VerificationState::Rejected => SellerStatus::Rejected,
        VerificationState::Suspended => SellerStatus::Suspended,
        _ => SellerStatus::Pending,
    };
    sellers::set_seller_status(tx, v.seller_id, standing, now).await?;
    let subject = v.seller_id.to_string();
    audit::record(
        tx,
        audit::AuditEntry {
            actor,
            seller_id: Some(v.seller_id),
            action,
            subject_type: "verification",
            subject_id: &subject,
            before: Some(before.as_str().to_owned()),
            after: Some(next.as_str().to_owned()),
        },
        now,
    )
    .await?;
    outbox::append(
        tx,
        outbox::NewEvent {
            topic: action,
            aggregate_type: "seller",
            aggregate_id: &subject,
            seller_id: Some(v.seller_id),
            payload: &serde_json::json!({
                "seller_id": v.seller_id, "verification": next.as_str(), "status": standing.as_str(), "round": v.round,
            }),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Opens one sealed personal value and writes who looked into the audit log.
pub(crate) async fn reveal_value(
    svc: &Services,
    seller: SellerId,
    field: &str,
    actor: Actor,
) -> ServiceResult<String> {
    let store = &svc.store;
    let sealed = match field {
        "nik" => kyc::get_identity(store, seller)
            .await?
            .map(|i| i.nik_sealed),
        "npwp" => kyc::get_tax(store, seller).await?.map(|t| t.npwp_sealed),
        "bank_account" => kyc::get_bank_account(store, seller)
            .await?
            .map(|b| b.account_sealed),
        _ => return Err(etalase_domain::ErrorCode::NotFound.into()),
    }
    .ok_or(etalase_domain::ErrorCode::NotFound)?;
    let value = svc
        .vault
        .open_text(&sealed, &context(seller, field))
        .map_err(crate::ServiceError::internal)?;
    record_look(svc, seller, actor, field).await?;
    Ok(value)
}

/// Opens a document file (its MIME type and bytes) and audits the look.
pub(crate) async fn open_document(
    svc: &Services,
    seller: SellerId,
    slot: &str,
    actor: Actor,
) -> ServiceResult<(String, Vec<u8>)> {
    let document = kyc::list_documents(&svc.store, seller)
        .await?
        .into_iter()
        .find(|d| d.slot == slot)
        .ok_or(etalase_domain::ErrorCode::NotFound)?;
    let sealed = svc
        .objects
        .get(&document.object_key)
        .await
        .map_err(crate::ServiceError::internal)?
        .ok_or(etalase_domain::ErrorCode::NotFound)?;
    let sealed = String::from_utf8(sealed).map_err(crate::ServiceError::internal)?;
    let bytes = svc
        .vault
        .open(&sealed, &context(seller, slot))
        .map_err(crate::ServiceError::internal)?;
    record_look(svc, seller, actor, slot).await?;
    Ok((document.mime, bytes))
}

async fn record_look(
    svc: &Services,
    seller: SellerId,
    actor: Actor,
    what: &str,
) -> ServiceResult<()> {
    let mut tx = svc.store.write().await?;
    let subject = seller.to_string();
    audit::record(
        &mut tx,
        audit::AuditEntry {
            actor,
            seller_id: Some(seller),
            action: "kyc.viewed",
            subject_type: "verification",
            subject_id: &subject,
            before: None,
            after: Some(what.to_owned()),
        },
        svc.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

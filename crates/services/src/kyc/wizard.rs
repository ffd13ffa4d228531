//! The seller's side: a wizard whose steps are saved one by one, then a
//! submission for review.

use etalase_domain::ErrorCode;
use etalase_domain::banks;
use etalase_domain::kyc::{Gender, Nib, Nik, Npwp, mask};
use etalase_domain::phone::PhoneNumber;
use etalase_domain::policy::{Area, SellerAction};
use etalase_domain::regions::regions;
use etalase_domain::seller::ShopName;
use etalase_domain::time::WIB;
use etalase_domain::verification::{
    BusinessType, DocumentSlot, VerificationEvent, VerificationState, WizardStep,
};
use etalase_store::kyc::{
    self, AddressRecord, BankAccountRecord, DocumentRecord, IdentityRecord, TaxRecord, Verification,
};
use etalase_store::{Tx, audit, sellers};
use sha2::{Digest, Sha256};
use time::Date;

use super::{KycView, context, document_key, move_to, view};
use crate::documents::{self, DocumentKind, DocumentWarning};
use crate::error::Validation;
use crate::teams::SellerScope;
use crate::{FieldError, ServiceError, ServiceResult, Services};

/// The category a shop mainly sells in, chosen at the first step.
pub const CATEGORY_FOCUS: [&str; 10] = [
    "fashion",
    "beauty",
    "electronics",
    "home",
    "food",
    "mother_baby",
    "health",
    "hobby",
    "automotive",
    "other",
];

pub async fn status(svc: &Services, scope: &SellerScope) -> ServiceResult<KycView> {
    scope.authorize(SellerAction::read(Area::Shop))?;
    view(svc, scope.seller_id).await
}

/// Opens the seller's record for a change: owner only, while editable.
async fn begin_edit(svc: &Services, scope: &SellerScope) -> ServiceResult<(Tx, Verification)> {
    scope.authorize(SellerAction::write(Area::Shop))?;
    let mut tx = svc.store.write().await?;
    let v = kyc::lock_verification(&mut tx, scope.seller_id).await?;
    if !v.state.editable_by_seller() {
        return Err(ErrorCode::IllegalTransition.into());
    }
    Ok((tx, v))
}

async fn finish_step(
    svc: &Services,
    scope: &SellerScope,
    mut tx: Tx,
    mut v: Verification,
    step: WizardStep,
    summary: String,
) -> ServiceResult<()> {
    if !v.completed_steps.contains(&step) {
        v.completed_steps.push(step);
        v.completed_steps.sort();
    }
    let now = svc.now();
    kyc::save_verification(&mut tx, &v, now).await?;
    let subject = scope.seller_id.to_string();
    let action = format!("kyc.{}_saved", step.as_str());
    audit::record(
        &mut tx,
        audit::AuditEntry {
            after: Some(summary),
            ..scope.audit(&action, "verification", &subject)
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn save_shop(
    svc: &Services,
    scope: &SellerScope,
    name: &str,
    category: &str,
) -> ServiceResult<()> {
    let mut validation = Validation::default();
    let name = validation.check("shop_name", ShopName::parse(name));
    if !CATEGORY_FOCUS.contains(&category) {
        validation.add("category_focus", ErrorCode::InvalidCategory);
    }
    validation.finish()?;
    let name = name.ok_or(ErrorCode::ValidationFailed)?;
    let (mut tx, mut v) = begin_edit(svc, scope).await?;
    sellers::update_seller_name(&mut tx, scope.seller_id, &name, svc.now()).await?;
    etalase_store::outbox::append(
        &mut tx,
        etalase_store::outbox::NewEvent {
            topic: "seller.updated",
            aggregate_type: "seller",
            aggregate_id: &scope.seller_id.to_string(),
            seller_id: Some(scope.seller_id),
            payload: &serde_json::json!({ "seller_id": scope.seller_id, "name": name.as_str() }),
        },
        svc.now(),
    )
    .await?;
    v.category_focus = Some(category.to_owned());
    finish_step(
        svc,
        scope,
        tx,
        v,
        WizardStep::Shop,
        format!("name={} category={category}", name.as_str()),
    )
    .await
}

pub async fn save_business_type(
    svc: &Services,
    scope: &SellerScope,
    business: &str,
) -> ServiceResult<()> {
    let business = match business {
        "individual" => BusinessType::Individual,
        "company" => BusinessType::Company,
        _ => {
            return Err(ServiceError::field(
                "business_type",
                ErrorCode::InvalidBusinessType,
            ));
        }
    };
    let (tx, mut v) = begin_edit(svc, scope).await?;
    if v.business_type.is_some_and(|before| before != business) {
        // A company needs its name, NIB and deed; an individual's NPWP rule
        // differs: what was saved for the other type must be checked again.
        v.completed_steps.retain(|s| {
            !matches!(
                s,
                WizardStep::Identity | WizardStep::Tax | WizardStep::Documents
            )
        });
    }
    v.business_type = Some(business);
    finish_step(
        svc,
        scope,
        tx,
        v,
        WizardStep::BusinessType,
        format!("business_type={business:?}"),
    )
    .await
}

pub struct IdentityForm<'a> {
    /// The owner's (or legal representative's) name exactly as on the KTP.
    pub full_name: &'a str,
    pub nik: &'a str,
    /// `YYYY-MM-DD`.
    pub birth_date: &'a str,
    /// `male` or `female`.
    pub gender: &'a str,
    pub company_name: &'a str,
    pub nib: &'a str,
}

fn today_wib(svc: &Services) -> Date {
    svc.now().to_datetime().to_offset(WIB).date()
}

pub async fn save_identity(
    svc: &Services,
    scope: &SellerScope,
    form: IdentityForm<'_>,
) -> ServiceResult<()> {
    let today = today_wib(svc);
    let business = kyc::get_verification(&svc.store, scope.seller_id)
        .await?
        .business_type;
    let mut validation = Validation::default();
    let name = validation.check(
        "full_name",
        etalase_domain::account::PersonName::parse(form.full_name),
    );
    let nik = validation.check("nik", Nik::parse(form.nik, today));
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let birth_date = validation.check(
        "birth_date",
        Date::parse(form.birth_date.trim(), format)
            .ok()
            .filter(|d| *d <= today)
            .ok_or(ErrorCode::InvalidBirthDate),
    );
    let gender = validation.check(
        "gender",
        match form.gender {
            "male" => Ok(Gender::Male),
            "female" => Ok(Gender::Female),
            _ => Err(ErrorCode::InvalidGender),
        },
    );
    if let (Some(nik), Some(birth_date), Some(gender)) = (&nik, birth_date, gender) {
        for mismatch in nik.mismatches(birth_date, gender) {
            let field = if mismatch == ErrorCode::NikBirthDateMismatch {
                "birth_date"
            } else {
                "gender"
            };
            validation.add(field, mismatch);
        }
    }
    let company = business == Some(BusinessType::Company);
    let company_name = form
        .company_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let nib = if company {
        if company_name.chars().count() < 3 {
            validation.add("company_name", ErrorCode::CompanyNameRequired);
        }
        validation.check("nib", Nib::parse(form.nib))
    } else {
        None
    };
    validation.finish()?;
    let (name, nik, birth_date, gender) = match (name, nik, birth_date, gender) {
        (Some(a), Some(b), Some(c), Some(d)) => (a, b, c, d),
        _ => return Err(ErrorCode::ValidationFailed.into()),
    };
    let fingerprint = svc.vault.fingerprint("nik", nik.as_str());
    let previous_fingerprint = kyc::get_identity(&svc.store, scope.seller_id)
        .await?
        .map(|i| i.nik_fingerprint);
    let (mut tx, mut v) = begin_edit(svc, scope).await?;
    if previous_fingerprint.is_some_and(|p| p != fingerprint) {
        // An individual's NPWP may be their NIK: confirm it again.
        v.completed_steps.retain(|s| *s != WizardStep::Tax);
    }
    let others = kyc::count_other_shops_with_nik(&mut tx, &fingerprint, scope.seller_id).await?;
    if others >= svc.config.max_shops_per_nik {
        return Err(ServiceError::field("nik", ErrorCode::NikShopLimit));
    }
    let record = IdentityRecord {
        full_name: name.as_str().to_owned(),
        nik_sealed: svc
            .vault
            .seal_text(nik.as_str(), &context(scope.seller_id, "nik")),
        nik_masked: nik.masked(),
        nik_fingerprint: fingerprint,
        birth_date: birth_date.to_string(),
        gender: match gender {
            Gender::Male => "male".into(),
            Gender::Female => "female".into(),
        },
        company_name: company.then_some(company_name),
        nib: nib.map(|n| n.as_str().to_owned()),
    };
    kyc::put_identity(&mut tx, scope.seller_id, &record, svc.now()).await?;
    let summary = format!("name={} nik={}", record.full_name, record.nik_masked);
    finish_step(svc, scope, tx, v, WizardStep::Identity, summary).await
}

pub async fn save_tax(svc: &Services, scope: &SellerScope, npwp: &str) -> ServiceResult<()> {
    let npwp =
        Npwp::parse(npwp, today_wib(svc)).map_err(|code| ServiceError::field("npwp", code))?;
    let (mut tx, v) = begin_edit(svc, scope).await?;
    // An individual's 16-digit NPWP is their NIK.
    if npwp.is_nik() && v.business_type != Some(BusinessType::Company) {
        let same = match kyc::get_identity(&svc.store, scope.seller_id).await? {
            Some(identity) => {
                svc.vault.fingerprint("nik", npwp.as_str()) == identity.nik_fingerprint
            }
            None => true,
        };
        if !same {
            return Err(ServiceError::field("npwp", ErrorCode::NpwpNikMismatch));
        }
    }
    let record = TaxRecord {
        npwp_sealed: svc
            .vault
            .seal_text(npwp.as_str(), &context(scope.seller_id, "npwp")),
        npwp_masked: npwp.masked(),
    };
    kyc::put_tax(&mut tx, scope.seller_id, &record, svc.now()).await?;
    let summary = format!("npwp={}", record.npwp_masked);
    finish_step(svc, scope, tx, v, WizardStep::Tax, summary).await
}

pub struct AddressForm<'a> {
    pub street: &'a str,
    /// A Kemendagri district (kecamatan) code, 6 digits.
    pub district_code: &'a str,
    pub postal_code: &'a str,
    pub phone: &'a str,
}

fn check_address(
    kind: &'static str,
    form: &AddressForm<'_>,
    validation: &mut Validation,
    fields: [&'static str; 4],
) -> Option<AddressRecord> {
    let street = form.street.split_whitespace().collect::<Vec<_>>().join(" ");
    if !(5..=200).contains(&street.chars().count()) {
        validation.add(fields[0], ErrorCode::InvalidStreet);
    }
    if regions().district(form.district_code.trim()).is_none() {
        validation.add(fields[1], ErrorCode::InvalidDistrict);
    }
    let postal = form.postal_code.trim();
    if postal.len() != 5 || !postal.chars().all(|c| c.is_ascii_digit()) {
        validation.add(fields[2], ErrorCode::InvalidPostalCode);
    }
    let phone = validation.check(fields[3], PhoneNumber::parse(form.phone))?;
    Some(AddressRecord {
        kind: kind.to_owned(),
        street,
        district_code: form.district_code.trim().to_owned(),
        postal_code: postal.to_owned(),
        phone: phone.as_str().to_owned(),
    })
}

/// The business address and the pickup (warehouse) address; `pickup: None`
/// means the same place.
pub async fn save_addresses(
    svc: &Services,
    scope: &SellerScope,
    business: AddressForm<'_>,
    pickup: Option<AddressForm<'_>>,
) -> ServiceResult<()> {
    let mut validation = Validation::default();
    let business_fields = [
        "business_street",
        "business_district",
        "business_postal_code",
        "business_phone",
    ];
    let pickup_fields = [
        "pickup_street",
        "pickup_district",
        "pickup_postal_code",
        "pickup_phone",
    ];
    let business = check_address("business", &business, &mut validation, business_fields);
    let pickup = match &pickup {
        Some(form) => check_address("pickup", form, &mut validation, pickup_fields),
        None => business.clone().map(|b| AddressRecord {
            kind: "pickup".into(),
            ..b
        }),
    };
    validation.finish()?;
    let (business, pickup) = business.zip(pickup).ok_or(ErrorCode::ValidationFailed)?;
    let (mut tx, v) = begin_edit(svc, scope).await?;
    let now = svc.now();
    kyc::put_address(&mut tx, scope.seller_id, &business, now).await?;
    kyc::put_address(&mut tx, scope.seller_id, &pickup, now).await?;
    let summary = format!(
        "business={} pickup={}",
        business.district_code, pickup.district_code
    );
    finish_step(svc, scope, tx, v, WizardStep::Addresses, summary).await
}

/// Saved; `holder_name_differs` asks the page to warn clearly.
#[derive(Debug)]
pub struct BankSaved {
    pub holder_name_differs: bool,
}

pub async fn save_bank_account(
    svc: &Services,
    scope: &SellerScope,
    bank_code: &str,
    account_number: &str,
    holder_name: &str,
) -> ServiceResult<BankSaved> {
    let mut validation = Validation::default();
    let bank = banks::bank(bank_code);
    if bank.is_none() {
        validation.add("bank", ErrorCode::InvalidBank);
    }
    let number =
        bank.and_then(|b| validation.check("account_number", b.account_number(account_number)));
    let holder = validation.check(
        "holder_name",
        etalase_domain::account::PersonName::parse(holder_name),
    );
    validation.finish()?;
    let (bank, number, holder) = match (bank, number, holder) {
        (Some(a), Some(b), Some(c)) => (a, b, c),
        _ => return Err(ErrorCode::ValidationFailed.into()),
    };
    let identity = kyc::get_identity(&svc.store, scope.seller_id).await?;
    let holder_name_differs = identity.is_some_and(|i| {
        let expected = i.company_name.unwrap_or(i.full_name);
        !banks::holder_name_matches(holder.as_str(), &expected)
    });
    let (mut tx, v) = begin_edit(svc, scope).await?;
    let record = BankAccountRecord {
        bank_code: bank.code.to_owned(),
        account_sealed: svc
            .vault
            .seal_text(&number, &context(scope.seller_id, "bank_account")),
        account_masked: mask(&number, 0, 4),
        holder_name: holder.as_str().to_owned(),
    };
    kyc::put_bank_account(&mut tx, scope.seller_id, &record, svc.now()).await?;
    let summary = format!(
        "bank={} account={} holder_differs={holder_name_differs}",
        record.bank_code, record.account_masked
    );
    finish_step(svc, scope, tx, v, WizardStep::BankAccount, summary).await?;
    Ok(BankSaved {
        holder_name_differs,
    })
}

#[derive(Debug)]
pub struct UploadedDocument {
    pub warnings: Vec<DocumentWarning>,
}

/// Stores one document, sealed, under the seller's slot (replacing an
/// earlier upload). The step completes once every slot the business type
/// needs is filled.
pub async fn upload_document(
    svc: &Services,
    scope: &SellerScope,
    slot: &str,
    bytes: &[u8],
) -> ServiceResult<UploadedDocument> {
    scope.authorize(SellerAction::write(Area::Shop))?;
    let slot = DocumentSlot::parse(slot)
        .ok_or_else(|| ServiceError::field("slot", ErrorCode::InvalidDocumentSlot))?;
    let accepted: &[DocumentKind] = if slot.accepts_pdf() {
        &[DocumentKind::Jpeg, DocumentKind::Png, DocumentKind::Pdf]
    } else {
        &[DocumentKind::Jpeg, DocumentKind::Png]
    };
    let rules = documents::DocumentRules::default();
    // Decoding and re-encoding is CPU work: off the async threads.
    let owned = bytes.to_vec();
    let accepted = accepted.to_vec();
    let inspected =
        tokio::task::spawn_blocking(move || documents::inspect(&owned, &accepted, &rules))
            .await
            .map_err(ServiceError::internal)?
            .map_err(|code| ServiceError::field(slot.as_str(), code))?;
    let key = document_key(scope.seller_id, slot.as_str());
    let sealed = svc
        .vault
        .seal(&inspected.bytes, &context(scope.seller_id, slot.as_str()));
    let (mut tx, mut v) = begin_edit(svc, scope).await?;
    svc.objects
        .put(&key, sealed.into_bytes())
        .await
        .map_err(ServiceError::internal)?;
    let warnings: Vec<&str> = inspected
        .warnings
        .iter()
        .map(|w| match w {
            DocumentWarning::Blurry { .. } => "blurry",
            DocumentWarning::LowResolution { .. } => "low_resolution",
        })
        .collect();
    let record = DocumentRecord {
        slot: slot.as_str().to_owned(),
        object_key: key,
        mime: inspected.kind.mime().to_owned(),
        size_bytes: inspected.bytes.len() as i64,
        width: inspected.dimensions.map(|d| d.0 as i32),
        height: inspected.dimensions.map(|d| d.1 as i32),
        warnings: warnings.join(" "),
        uploaded_at: svc.now().unix_millis(),
    };
    kyc::put_document(&mut tx, scope.seller_id, &record).await?;
    let have: Vec<String> = kyc::list_documents(&svc.store, scope.seller_id)
        .await?
        .into_iter()
        .map(|d| d.slot)
        .chain([slot.as_str().to_owned()])
        .collect();
    let complete = v.business_type.is_some_and(|b| {
        DocumentSlot::required_for(b)
            .iter()
            .all(|s| have.iter().any(|h| h == s.as_str()))
    });
    let summary = format!(
        "slot={} bytes={} warnings={}",
        slot.as_str(),
        record.size_bytes,
        record.warnings
    );
    if complete {
        finish_step(svc, scope, tx, v, WizardStep::Documents, summary).await?;
    } else {
        v.completed_steps.retain(|s| *s != WizardStep::Documents);
        finish_step_without(svc, scope, tx, v, summary).await?;
    }
    Ok(UploadedDocument {
        warnings: inspected.warnings,
    })
}

async fn finish_step_without(
    svc: &Services,
    scope: &SellerScope,
    mut tx: Tx,
    v: Verification,
    summary: String,
) -> ServiceResult<()> {
    let now = svc.now();
    kyc::save_verification(&mut tx, &v, now).await?;
    let subject = scope.seller_id.to_string();
    audit::record(
        &mut tx,
        audit::AuditEntry {
            after: Some(summary),
            ..scope.audit("kyc.document_saved", "verification", &subject)
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The steps still to do before the seller can submit.
pub fn missing_steps(v: &Verification, documents: &[DocumentRecord]) -> Vec<WizardStep> {
    let mut missing: Vec<WizardStep> = WizardStep::required()
        .filter(|s| !v.completed_steps.contains(s))
        .collect();
    // Documents depend on the business type, which may have changed after uploading.
    if let Some(business) = v.business_type {
        let complete = DocumentSlot::required_for(business)
            .iter()
            .all(|s| documents.iter().any(|d| d.slot == s.as_str()));
        if !complete && !missing.contains(&WizardStep::Documents) {
            missing.push(WizardStep::Documents);
        }
    }
    missing.sort();
    missing
}

/// Everything the seller entered, opened and hashed: equal when nothing changed.
async fn content_fingerprint(
    svc: &Services,
    seller: etalase_domain::id::SellerId,
) -> ServiceResult<String> {
    let view = view(svc, seller).await?;
    let mut hasher = Sha256::new();
    let v = &view.verification;
    hasher.update(format!(
        "{}|{:?}|{:?}|",
        view.shop_name, v.business_type, v.category_focus
    ));
    if let Some(i) = kyc::get_identity(&svc.store, seller).await? {
        let nik = svc
            .vault
            .open_text(&i.nik_sealed, &context(seller, "nik"))
            .map_err(ServiceError::internal)?;
        hasher.update(format!(
            "{}|{nik}|{}|{}|{:?}|{:?}|",
            i.full_name, i.birth_date, i.gender, i.company_name, i.nib
        ));
    }
    if let Some(t) = kyc::get_tax(&svc.store, seller).await? {
        hasher.update(
            svc.vault
                .open(&t.npwp_sealed, &context(seller, "npwp"))
                .map_err(ServiceError::internal)?,
        );
    }
    for a in &view.addresses {
        hasher.update(format!(
            "{}|{}|{}|{}|{}|",
            a.kind, a.street, a.district_code, a.postal_code, a.phone
        ));
    }
    if let Some(b) = kyc::get_bank_account(&svc.store, seller).await? {
        hasher.update(&b.bank_code);
        hasher.update(
            svc.vault
                .open(&b.account_sealed, &context(seller, "bank_account"))
                .map_err(ServiceError::internal)?,
        );
        hasher.update(&b.holder_name);
    }
    for d in &view.documents {
        let sealed = svc
            .objects
            .get(&d.object_key)
            .await
            .map_err(ServiceError::internal)?
            .unwrap_or_default();
        let sealed = String::from_utf8(sealed).unwrap_or_default();
        hasher.update(
            svc.vault
                .open(&sealed, &context(seller, &d.slot))
                .map_err(ServiceError::internal)?,
        );
    }
    Ok(svc
        .vault
        .fingerprint("submission", &format!("{:x}", hasher.finalize())))
}

/// Sends the wizard for review; the decision is due in the configured number
/// of working days (weekends, holidays and cuti bersama skipped).
pub async fn submit(svc: &Services, scope: &SellerScope) -> ServiceResult<Verification> {
    scope.authorize(SellerAction::write(Area::Shop))?;
    let documents = kyc::list_documents(&svc.store, scope.seller_id).await?;
    let current = kyc::get_verification(&svc.store, scope.seller_id).await?;
    let missing = missing_steps(&current, &documents);
    if !missing.is_empty() {
        return Err(ServiceError {
            code: ErrorCode::StepsIncomplete,
            fields: missing
                .into_iter()
                .map(|s| FieldError {
                    field: s.as_str().into(),
                    code: ErrorCode::StepsIncomplete,
                })
                .collect(),
            internal: None,
        });
    }
    let fingerprint = content_fingerprint(svc, scope.seller_id).await?;
    let (mut tx, mut v) = begin_edit(svc, scope).await?;
    if v.state == VerificationState::Rejected
        && v.submitted_fingerprint.as_deref() == Some(fingerprint.as_str())
    {
        return Err(ErrorCode::ResubmissionUnchanged.into());
    }
    let next = v.state.after(VerificationEvent::Submit)?;
    let due = svc
        .config
        .calendar
        .add_working_days(today_wib(svc), svc.config.verification_sla_working_days);
    v.round += 1;
    v.submitted_at = Some(svc.now());
    v.decision_due_on = Some(due.date.to_string());
    v.decision_due_is_estimate = due.beyond_known_holidays;
    v.decided_at = None;
    // The findings were answered by this submission; the decision history keeps them.
    v.findings = None;
    v.submitted_fingerprint = Some(fingerprint);
    if !v.completed_steps.contains(&WizardStep::Review) {
        v.completed_steps.push(WizardStep::Review);
    }
    let action = if v.round > 1 {
        "seller.verification_resubmitted"
    } else {
        "seller.verification_submitted"
    };
    move_to(&mut tx, svc, &mut v, next, scope.actor(), action).await?;
    tx.commit().await?;
    Ok(v)
}

/// A full personal value, for the shop's owner; the look is audited.
pub async fn reveal(svc: &Services, scope: &SellerScope, field: &str) -> ServiceResult<String> {
    scope.authorize(SellerAction::write(Area::Shop))?;
    super::reveal_value(svc, scope.seller_id, field, scope.actor()).await
}

/// A document's file, for the shop's owner; the look is audited.
pub async fn document_file(
    svc: &Services,
    scope: &SellerScope,
    slot: &str,
) -> ServiceResult<(String, Vec<u8>)> {
    scope.authorize(SellerAction::write(Area::Shop))?;
    super::open_document(svc, scope.seller_id, slot, scope.actor()).await
}

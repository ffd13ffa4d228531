//! Demo data for `etalase demo` and `etalase serve --demo`: idempotent, so
//! running it again changes nothing. Later capabilities grow it.

mod catalog;
mod chats;
pub mod flash;
pub mod history;
mod lives;
mod orders;
mod pricing;
pub mod scale;
pub mod videos;

use etalase_domain::ErrorCode;
use etalase_domain::account::Email;
use etalase_domain::audit::Actor;
use etalase_domain::policy::Role;
use etalase_domain::seller::{SellerStatus, ShopName, ShopSlug};
use etalase_store::accounts as store;
use etalase_store::{audit, sellers};

use crate::{ServiceResult, Services, accounts};

/// The one password of every demo account. Demo data is for trying etalase
/// out locally; never load it on a public server.
pub const DEMO_PASSWORD: &str = "etalase-demo";
pub const DEMO_SHOP_SLUG: &str = "shop";

pub struct DemoLogin {
    pub email: &'static str,
    pub what: &'static str,
}

pub const DEMO_LOGINS: [DemoLogin; 7] = [
    DemoLogin {
        email: "admin@etalase.test",
        what: "platform admin (/admin)",
    },
    DemoLogin {
        email: "pemilik@etalase.test",
        what: "seller owner of \"shop\" (/seller)",
    },
    DemoLogin {
        email: "marketing@etalase.test",
        what: "seller marketing (/seller)",
    },
    DemoLogin {
        email: "operasional@etalase.test",
        what: "seller operations (/seller)",
    },
    DemoLogin {
        email: "keuangan@etalase.test",
        what: "seller finance (/seller)",
    },
    DemoLogin {
        email: "penjual-baru@etalase.test",
        what: "new seller \"kain-nusantara\", verification awaiting review (/seller)",
    },
    DemoLogin {
        email: "pembeli@etalase.test",
        what: "buyer (/)",
    },
];

/// What `serve --demo` and `etalase demo` load: [`load`], an order that
/// arrived and was reviewed (its product shows a rating), and the buyer's
/// chat with the shop (its seller card shows a response rate). Tests load
/// [`load`] alone, whose orders they count.
pub async fn load_for_visitors(svc: &Services) -> ServiceResult<()> {
    load(svc).await?;
    let buyer = ensure_user(svc, "pembeli@etalase.test", "Andi Pembeli", false).await?;
    let owner = ensure_user(svc, "pemilik@etalase.test", "Sari Pemilik", false).await?;
    let owner_scope = scope_of(svc, owner).await?;
    orders::arrived_and_reviewed(svc, buyer, owner_scope.seller_id, &owner_scope).await?;
    let operations =
        ensure_user(svc, "operasional@etalase.test", "Budi Operasional", false).await?;
    chats::load(svc, buyer, owner_scope.seller_id, operations).await
}

/// Loads whatever part of the demo data is missing.
pub async fn load(svc: &Services) -> ServiceResult<()> {
    ensure_user(svc, "admin@etalase.test", "Admin Etalase", true).await?;
    let owner = ensure_user(svc, "pemilik@etalase.test", "Sari Pemilik", false).await?;
    let seller = match sellers::find_seller_by_slug(&svc.store, DEMO_SHOP_SLUG).await? {
        Some(seller) => seller.id,
        None => {
            let now = svc.now();
            let mut tx = svc.store.write().await?;
            let id = accounts::create_shop(
                &mut tx,
                owner,
                &ShopName::parse("Shop Demo").map_err(crate::ServiceError::new)?,
                &ShopSlug::parse(DEMO_SHOP_SLUG).map_err(crate::ServiceError::new)?,
                SellerStatus::Approved,
                now,
            )
            .await?;
            audit::record(
                &mut tx,
                audit::AuditEntry {
                    actor: Actor::System,
                    seller_id: Some(id),
                    action: "seller.approved",
                    subject_type: "seller",
                    subject_id: &id.to_string(),
                    before: None,
                    after: Some("status=approved (demo data)".into()),
                },
                now,
            )
            .await?;
            // The owner finds the approval waiting in the header's notices.
            etalase_store::notifications::insert(
                &mut tx,
                owner,
                Some(id),
                etalase_domain::notification::NotificationKind::VerificationApproved,
                now,
            )
            .await?;
            tx.commit().await?;
            id
        }
    };
    ensure_shop_address(svc, seller).await?;
    for (email, name, role) in [
        ("marketing@etalase.test", "Dewi Marketing", Role::Marketing),
        (
            "operasional@etalase.test",
            "Budi Operasional",
            Role::Operations,
        ),
        ("keuangan@etalase.test", "Rina Keuangan", Role::Finance),
    ] {
        let user = ensure_user(svc, email, name, false).await?;
        if sellers::find_membership(&svc.store, user).await?.is_none() {
            let mut tx = svc.store.write().await?;
            sellers::insert_member(
                &mut tx,
                etalase_domain::id::MemberId::generate(),
                seller,
                user,
                role,
                svc.now(),
            )
            .await?;
            tx.commit().await?;
        }
    }
    let buyer = ensure_user(svc, "pembeli@etalase.test", "Andi Pembeli", false).await?;
    let owner_scope = scope_of(svc, owner).await?;
    catalog::load(svc, &owner_scope, seller).await?;
    let admin = store::find_user_by_email(
        &svc.store,
        &Email::parse("admin@etalase.test").map_err(crate::ServiceError::new)?,
    )
    .await?
    .ok_or(ErrorCode::Internal)?;
    pricing::load(svc, &owner_scope, seller, &admin).await?;
    orders::load(svc, buyer, seller, &owner_scope).await?;
    let marketing = marketing_scope(svc).await?;
    videos::load(svc, &marketing).await?;
    videos::load_product_video(svc, &owner_scope).await?;
    lives::load(svc, &marketing).await?;
    load_verification_case(svc).await?;
    Ok(())
}

/// The demo shop ships from Laweyan, Kota Surakarta (Solo): its cards say
/// so, and search can filter it by province.
async fn ensure_shop_address(
    svc: &Services,
    seller: etalase_domain::id::SellerId,
) -> ServiceResult<()> {
    use etalase_store::kyc;
    if !kyc::list_addresses(&svc.store, seller).await?.is_empty() {
        return Ok(());
    }
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    for kind in ["business", "pickup"] {
        kyc::put_address(
            &mut tx,
            seller,
            &kyc::AddressRecord {
                kind: kind.into(),
                street: "Jl. Dr. Rajiman No. 12, Laweyan".into(),
                district_code: "337201".into(),
                postal_code: "57141".into(),
                phone: "+6281234567890".into(),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub const DEMO_REVIEW_SHOP_SLUG: &str = "kain-nusantara";

/// A second shop whose owner filled the whole verification wizard with
/// sample documents and submitted it, so the admin queue has a case.
async fn load_verification_case(svc: &Services) -> ServiceResult<()> {
    use crate::kyc::wizard::{self, AddressForm, IdentityForm};
    if sellers::find_seller_by_slug(&svc.store, DEMO_REVIEW_SHOP_SLUG)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let owner = ensure_user(svc, "penjual-baru@etalase.test", "Rina Wijaya", false).await?;
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    accounts::create_shop(
        &mut tx,
        owner,
        &ShopName::parse("Kain Nusantara").map_err(crate::ServiceError::new)?,
        &ShopSlug::parse(DEMO_REVIEW_SHOP_SLUG).map_err(crate::ServiceError::new)?,
        SellerStatus::Pending,
        now,
    )
    .await?;
    tx.commit().await?;
    let member = sellers::find_membership(&svc.store, owner)
        .await?
        .ok_or(ErrorCode::Internal)?;
    let scope = crate::teams::SellerScope::for_member(&member);
    wizard::save_shop(svc, &scope, "Kain Nusantara", "fashion").await?;
    wizard::save_business_type(svc, &scope, "individual").await?;
    let identity = IdentityForm {
        full_name: "Rina Wijaya",
        nik: "3273015508900003",
        birth_date: "1990-08-15",
        gender: "female",
        company_name: "",
        nib: "",
    };
    wizard::save_identity(svc, &scope, identity).await?;
    wizard::save_tax(svc, &scope, "3273015508900003").await?;
    let address = AddressForm {
        street: "Jl. Setiabudi No. 45, RT 01/RW 04",
        district_code: "327301",
        postal_code: "40151",
        phone: "0812-2233-4455",
    };
    wizard::save_addresses(svc, &scope, address, None).await?;
    wizard::save_bank_account(svc, &scope, "bni", "0123456789", "RINA WIJAYA").await?;
    for (slot, tint) in [
        ("ktp_photo", [30, 90, 160]),
        ("selfie_with_ktp", [160, 110, 80]),
        ("npwp_card", [200, 160, 40]),
    ] {
        wizard::upload_document(svc, &scope, slot, &sample_card(tint)).await?;
    }
    wizard::submit(svc, &scope).await?;
    Ok(())
}

/// A sample "card" picture for the demo documents (no real person's data).
fn sample_card(tint: [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_fn(960, 600, |x, y| {
        let border = x < 24 || y < 24 || x > 935 || y > 575;
        let text_line = (120..520).contains(&y)
            && (y / 14) % 3 == 0
            && (60..700).contains(&x)
            && (x / 7) % 5 != 0;
        let photo = (720..900).contains(&x) && (120..360).contains(&y);
        if border || photo {
            image::Rgb(tint)
        } else if text_line {
            image::Rgb([35, 35, 35])
        } else {
            image::Rgb([245, 245, 240])
        }
    });
    let mut out = Vec::new();
    let _ = img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png);
    out
}

async fn ensure_user(
    svc: &Services,
    email: &str,
    name: &str,
    is_admin: bool,
) -> ServiceResult<etalase_domain::id::UserId> {
    let parsed = Email::parse(email).map_err(crate::ServiceError::new)?;
    if let Some(user) = store::find_user_by_email(&svc.store, &parsed).await? {
        return Ok(user.id);
    }
    match accounts::create_user(svc, email, name, DEMO_PASSWORD, is_admin).await {
        Ok(user) => Ok(user.id),
        Err(e) if e.code == ErrorCode::EmailTaken => store::find_user_by_email(&svc.store, &parsed)
            .await?
            .map(|u| u.id)
            .ok_or(e),
        Err(e) => Err(e),
    }
}

/// The demo shop's marketing member, who makes its videos.
pub async fn marketing_scope(svc: &Services) -> ServiceResult<crate::teams::SellerScope> {
    let email = Email::parse("marketing@etalase.test").map_err(crate::ServiceError::new)?;
    let user = store::find_user_by_email(&svc.store, &email)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    scope_of(svc, user.id).await
}

/// What a demo shop member may do, as their membership says.
async fn scope_of(
    svc: &Services,
    user: etalase_domain::id::UserId,
) -> ServiceResult<crate::teams::SellerScope> {
    let member = sellers::find_membership(&svc.store, user)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    Ok(crate::teams::SellerScope::for_member(&member))
}

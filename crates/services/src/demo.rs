//! Demo data for `etalase demo` and `etalase serve --demo`: idempotent, so
//! running it again changes nothing. Later capabilities grow it.

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

pub const DEMO_LOGINS: [DemoLogin; 6] = [
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
        email: "pembeli@etalase.test",
        what: "buyer (/)",
    },
];

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
            tx.commit().await?;
            id
        }
    };
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
    ensure_user(svc, "pembeli@etalase.test", "Andi Pembeli", false).await?;
    Ok(())
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

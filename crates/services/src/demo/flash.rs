//! A flash sale to measure and to crash on purpose: one product in the demo
//! shop with a single SKU of `units`, and `buyers` signed-in buyers, each
//! with a delivery address and one unit of that SKU in the cart. Buyers get
//! a session token each (the HTTP client sends it) and share one password
//! hash, so preparing thousands takes seconds, not an Argon2 run apiece.

use etalase_domain::ErrorCode;
use etalase_domain::account::{Email, NewPassword};
use etalase_domain::catalog::product::{ProductInput, SkuInput};
use etalase_domain::checkout::{AddressForm, DeliveryAddress, Source};
use etalase_domain::id::{ProductId, SellerId, SkuId, UserId};
use etalase_store::accounts::{NewUser, insert_session, insert_user};
use etalase_store::checkout::{self as store, CartOwner};
use etalase_store::{catalog as records, sellers};

use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

pub struct FlashSale {
    pub seller: SellerId,
    pub product: ProductId,
    pub sku: SkuId,
    pub units: i64,
    /// Each buyer's id and session token (`Authorization: Bearer …`).
    pub buyers: Vec<(UserId, String)>,
}

/// Buyers written per transaction.
const CHUNK: usize = 500;

pub async fn prepare(svc: &Services, buyers: usize, units: i64) -> ServiceResult<FlashSale> {
    super::load(svc).await?;
    let seller = sellers::find_seller_by_slug(&svc.store, super::DEMO_SHOP_SLUG)
        .await?
        .ok_or(ErrorCode::NotFound)?
        .id;
    let owner = etalase_store::accounts::find_user_by_email(
        &svc.store,
        &Email::parse("pemilik@etalase.test").map_err(ServiceError::new)?,
    )
    .await?
    .ok_or(ErrorCode::NotFound)?;
    let member = sellers::find_membership(&svc.store, owner.id)
        .await?
        .ok_or(ErrorCode::Internal)?;
    let scope = SellerScope::for_member(&member);
    let stamp = svc.now().unix_millis();
    let input = ProductInput {
        title: format!("Sepatu Lari Flash Sale Edisi {stamp}"),
        description: "Sepatu lari ringan dengan sol karet yang empuk dan tidak licin, bagian \
            atas dari jaring yang sejuk, cocok untuk lari pagi maupun jalan santai setiap hari. \
            Dijual terbatas pada flash sale ini."
            .into(),
        bullets: "Sol karet empuk\nAtas jaring yang sejuk".into(),
        category: "fashion-pria/atasan/kaos-polo".into(),
        attributes: [("bahan".to_string(), "Jaring".to_string())].into(),
        tags: "sepatu lari, flash sale".into(),
        skus: vec![SkuInput {
            code: format!("FLASH-{stamp}"),
            price: "199.000".into(),
            stock: units.to_string(),
            weight_grams: "700".into(),
            length_cm: "32".into(),
            width_cm: "20".into(),
            height_cm: "12".into(),
            ..SkuInput::default()
        }],
        cod_allowed: true,
        ..ProductInput::default()
    };
    let product = crate::catalog::create(
        svc,
        &scope,
        &crate::catalog::ProductForm {
            input,
            base_version: None,
            stock_loaded: Vec::new(),
        },
    )
    .await?;
    crate::catalog::media::upload(
        svc,
        &scope,
        product,
        super::catalog::photo([200, 40, 40], true, 1),
    )
    .await?;
    crate::catalog::publish(svc, &scope, product).await?;
    let sku = records::skus_of(&svc.store, seller, product)
        .await?
        .first()
        .map(|s| s.id)
        .ok_or(ErrorCode::Internal)?;
    let password = NewPassword::parse("flash-sale-pembeli").map_err(ServiceError::new)?;
    let hash = crate::passwords::hash(&password).await?;
    let address = DeliveryAddress::parse(&AddressForm {
        label: "Rumah".into(),
        recipient: "Pembeli Flash".into(),
        phone: "0812-3000-4000".into(),
        street: "Jl. Kamal Raya No. 1, RT 01/RW 01".into(),
        district_code: "317301".into(),
        postal_code: "11730".into(),
    })
    .map_err(|_| ServiceError::new(ErrorCode::Internal))?;
    let mut made = Vec::with_capacity(buyers);
    let now = svc.now();
    for chunk_start in (0..buyers).step_by(CHUNK) {
        let mut tx = svc.store.write().await?;
        for i in chunk_start..(chunk_start + CHUNK).min(buyers) {
            let id = UserId::generate();
            let email = Email::parse(&format!("flash-{stamp}-{i}@etalase.test"))
                .map_err(ServiceError::new)?;
            let user = NewUser {
                id,
                email: &email,
                name: "Pembeli Flash",
                password_hash: &hash,
                is_admin: false,
                lang: None,
            };
            insert_user(&mut tx, user, now).await?;
            store::insert_address(&mut tx, id, &address, true, now).await?;
            let cart = store::ensure_cart(&mut tx, &CartOwner::Buyer(id), now).await?;
            store::add_to_cart(&mut tx, cart, sku, 1, Source::Feed, now).await?;
            let token = crate::tokens::random_token();
            insert_session(
                &mut tx,
                &crate::tokens::hash_token(&token),
                id,
                "etalase-flash",
                "127.0.0.1",
                now,
            )
            .await?;
            made.push((id, token));
        }
        tx.commit().await?;
        // The users, carts and addresses grow many times over: each chunk's
        // look-ups (a cart by buyer, an address count) are planned for the
        // tables' size now, not scanned as when they held a handful.
        svc.store.refresh_statistics().await?;
    }
    crate::sync::catch_up(svc).await?;
    Ok(FlashSale {
        seller,
        product,
        sku,
        units,
        buyers: made,
    })
}

/// Where a flash sale's units are now: still in stock, and in orders that
/// hold them (not cancelled). Every unit is in exactly one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlashState {
    pub stock: i64,
    pub ordered: i64,
    pub orders: i64,
}

pub async fn state(svc: &Services, seller: SellerId, sku: SkuId) -> ServiceResult<FlashState> {
    let stock = records::get_sku(&svc.store, seller, sku).await?.stock;
    let (ordered, orders) = store::units_ordered(&svc.store, sku).await?;
    Ok(FlashState {
        stock,
        ordered,
        orders,
    })
}

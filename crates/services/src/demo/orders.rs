//! The demo buyer's purchases: an address in Jakarta and four orders from
//! the demo shop — one paid by COD (waiting for the seller to ship), one
//! through the payment gateway (waiting for payment; it expires a day
//! later and gives its stock back), one the shop already sent with its
//! own courier (in transit, with a resi and a timeline to follow), and one
//! the shop forgot: placed three days ago and due an hour ago, so the
//! scheduler's first pass cancels it as the seller's fault and the shop's
//! performance page counts it. For visitors of `serve --demo` a fifth
//! arrived (the courier reported it delivered) and the buyer reviewed it:
//! its product shows a rating ([`arrived_and_reviewed`]).

use etalase_domain::checkout::{AddressForm, PaymentMethod, Source};
use etalase_domain::id::{OrderId, SellerId, SkuId, UserId};
use etalase_domain::shipping::{Courier, Service};
use etalase_store::catalog;
use etalase_store::checkout as store;

use crate::checkout::place::{PlaceOutcome, PlaceRequest, place};
use crate::checkout::summary::{CheckoutChoice, summary};
use crate::checkout::{Shopper, addresses, cart};
use crate::reviews::ReviewForm;
use crate::teams::SellerScope;
use crate::{ServiceResult, Services};

pub async fn load(
    svc: &Services,
    buyer: UserId,
    seller: SellerId,
    shop: &SellerScope,
) -> ServiceResult<()> {
    if !store::orders_of_buyer(&svc.store, buyer, None, 1)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    if store::addresses_of(&svc.store, buyer).await?.is_empty() {
        let home = AddressForm {
            label: "Rumah".into(),
            recipient: "Andi Pembeli".into(),
            phone: "0812-7000-1234".into(),
            street: "Jl. Kamal Raya No. 21, RT 05/RW 02".into(),
            district_code: "317301".into(),
            postal_code: "11730".into(),
        };
        addresses::add(svc, buyer, &home, true).await?;
    }
    // The orders need the products in the Shop.
    crate::sync::catch_up(svc).await?;
    let (Some(first), Some(second)) = (
        sku_by_code(svc, seller, "BTK-CS-M").await?,
        sku_by_code(svc, seller, "BTK-CS-L").await?,
    ) else {
        return Ok(());
    };
    buy(svc, buyer, first, Source::Search, PaymentMethod::Cod).await?;
    buy(svc, buyer, second, Source::Feed, PaymentMethod::Gateway).await?;
    if let Some(kaos) = sku_by_code(svc, seller, "KAOS-H-M").await? {
        let sent = buy(svc, buyer, kaos, Source::ShopPage, PaymentMethod::Cod).await?;
        crate::fulfilment::ship::hand_over(svc, shop, sent, Some("sicepat"), "002600112233")
            .await?;
    }
    if let Some(forgotten) = sku_by_code(svc, seller, "BTK-CS-L").await? {
        let order = buy(svc, buyer, forgotten, Source::Search, PaymentMethod::Cod).await?;
        let now = svc.now();
        let mut tx = svc.store.write().await?;
        etalase_store::fulfilment::backdate(
            &mut tx,
            order,
            now.plus_seconds(-3 * 86_400),
            now.plus_seconds(-3 * 86_400),
            now.plus_seconds(-3600),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// A shirt the demo buyer bought with COD, the shop sent with SiCepat and
/// the courier reported delivered, reviewed with 5 stars. Only where the
/// couriers' secrets are known (demo mode), and once.
pub(crate) async fn arrived_and_reviewed(
    svc: &Services,
    buyer: UserId,
    seller: SellerId,
    shop: &SellerScope,
) -> ServiceResult<()> {
    let courier = Courier::Sicepat;
    if !svc.config.couriers.secrets.contains_key(&courier)
        || store::orders_of_buyer(&svc.store, buyer, None, 50)
            .await?
            .iter()
            .any(|o| o.fulfilment.delivered_at.is_some())
    {
        return Ok(());
    }
    if let Some(shirt) = sku_by_code(svc, seller, "BTK-BI-M").await? {
        let arrived = buy(svc, buyer, shirt, Source::Feed, PaymentMethod::Cod).await?;
        let resi = "002600112299";
        crate::fulfilment::ship::hand_over(svc, shop, arrived, Some("sicepat"), resi).await?;
        if delivered(svc, courier, resi).await? {
            let review = ReviewForm {
                stars: "5".into(),
                body: "Bahannya adem dan jahitannya rapi, ukurannya pas. Pengiriman cepat, \
                    dibungkus rapi."
                    .into(),
            };
            crate::reviews::review(svc, buyer, arrived, 1, &review).await?;
        }
    }
    Ok(())
}

/// The courier reports the package delivered, signed as couriers sign
/// (demo mode has every courier's secret); `false` without a secret.
async fn delivered(svc: &Services, courier: Courier, resi: &str) -> ServiceResult<bool> {
    use crate::fulfilment::tracking::{self, Delivery, ReportBody};
    let Some(secret) = svc.config.couriers.secrets.get(&courier) else {
        return Ok(false);
    };
    let now = svc.now();
    let body = serde_json::to_vec(&ReportBody {
        event_id: format!("demo-{resi}-delivered"),
        resi: resi.to_owned(),
        kind: "delivered".into(),
        happened_at: now.to_rfc3339(),
        location: Some("Jakarta Barat".into()),
    })
    .map_err(crate::ServiceError::internal)?;
    let (id, timestamp) = (
        format!("demo-{resi}"),
        (now.unix_millis() / 1000).to_string(),
    );
    let signature = tracking::sign(secret, &id, &timestamp, &body);
    let delivery = Delivery {
        id: &id,
        timestamp: &timestamp,
        signature: &signature,
        body: &body,
    };
    tracking::receive(svc, courier.code(), &delivery).await?;
    Ok(true)
}

async fn sku_by_code(svc: &Services, seller: SellerId, code: &str) -> ServiceResult<Option<SkuId>> {
    let mut tx = svc.store.write().await?;
    let found = catalog::skus_by_code_in_tx(&mut tx, seller, code).await?;
    drop(tx); // a read only
    Ok(found.map(|s| s.id))
}

async fn buy(
    svc: &Services,
    buyer: UserId,
    sku: SkuId,
    source: Source,
    method: PaymentMethod,
) -> ServiceResult<OrderId> {
    buy_with(svc, buyer, sku, source, method, Vec::new()).await
}

/// One unit of `sku` bought through the checkout, with the shipping
/// `services` chosen per shop (the cheapest where none is).
pub(crate) async fn buy_with(
    svc: &Services,
    buyer: UserId,
    sku: SkuId,
    source: Source,
    method: PaymentMethod,
    services: Vec<(SellerId, Service)>,
) -> ServiceResult<OrderId> {
    cart::add(svc, &Shopper::Buyer(buyer), sku, 1, source).await?;
    let choice = CheckoutChoice {
        method,
        services,
        ..CheckoutChoice::default()
    };
    let shown = summary(svc, buyer, &choice).await?;
    let request = PlaceRequest {
        checkout: crate::checkout::place::CheckoutToken::new(),
        confirmed_version: shown.version,
        choice,
    };
    match place(svc, buyer, &request).await? {
        PlaceOutcome::Placed(placed) => Ok(placed.orders[0].id),
        // Nothing moves between the summary and the order here.
        PlaceOutcome::Changed(_) => Err(etalase_domain::ErrorCode::QuoteChanged.into()),
    }
}

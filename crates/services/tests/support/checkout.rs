//! What the checkout tests share: a shop with one product on sale, buyers
//! with an address, a shop voucher, and a summary confirmed and placed.

use etalase_domain::checkout::AddressForm;
use etalase_domain::id::{ProductId, SkuId, UserId};
use etalase_services::checkout::addresses;
use etalase_services::checkout::place::{
    CheckoutToken, PlaceOutcome, PlaceRequest, PlacedCheckout, place,
};
use etalase_services::checkout::summary::{CheckoutChoice, summary};
use etalase_services::pricing::vouchers::{self, BenefitInput, Owner, VoucherInput};
use etalase_services::teams::SellerScope;
use etalase_services::{Services, accounts, catalog, sync};
use etalase_store::catalog as records;

use super::*;

/// An approved shop (pickup in Kab. Bogor) with one complete product: 6
/// SKUs at Rp150.000, 300 g each, `stock` units each.
pub async fn shop_with_product(w: &World, stock: i64) -> (SellerScope, ProductId, Vec<SkuId>) {
    let admin = verification::reviewer(&w.svc).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let mut input = complete();
    input.cod_allowed = true;
    for s in &mut input.skus {
        s.stock = stock.to_string();
    }
    let id = catalog::create(&w.svc, &scope, &form(input, None))
        .await
        .unwrap();
    catalog::media::upload(&w.svc, &scope, id, photo(800))
        .await
        .unwrap();
    catalog::publish(&w.svc, &scope, id).await.unwrap();
    verification::approve(&w.svc, &scope, &admin).await;
    sync::catch_up(&w.svc).await.unwrap();
    let skus = records::skus_of(&w.svc.store, scope.seller_id, id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    (scope, id, skus)
}

/// A buyer with a default address in Cengkareng, Jakarta Barat.
pub async fn buyer(svc: &Services, n: usize) -> UserId {
    let user = accounts::create_user(
        svc,
        &format!("pembeli{n}@contoh.id"),
        "Pembeli",
        "kopi susu gula aren",
        false,
    )
    .await
    .unwrap();
    let form = AddressForm {
        label: "Rumah".into(),
        recipient: format!("Pembeli {n}"),
        phone: "0813-1111-2222".into(),
        street: "Jl. Kamal Raya No. 5, RT 01/RW 04".into(),
        district_code: "317301".into(),
        postal_code: "11730".into(),
    };
    addresses::add(svc, user.id, &form, false).await.unwrap();
    user.id
}

/// A running shop voucher, `amount` off, one use per buyer.
pub async fn shop_voucher(
    w: &World,
    scope: &SellerScope,
    code: &str,
    amount: i64,
    min_spend: i64,
    quota: i64,
) {
    let input = VoucherInput {
        name: "Voucher Toko".into(),
        code: code.into(),
        benefit: BenefitInput::Amount(amount),
        min_spend,
        starts_at: w.svc.now(),
        ends_at: w.svc.now().plus_seconds(7 * 86_400),
        products: None,
        quota,
        per_buyer_limit: 1,
        public: true,
    };
    vouchers::create(&w.svc, Owner::Seller(scope), &input, true, true)
        .await
        .unwrap();
}

pub async fn stock_of(w: &World, scope: &SellerScope, product: ProductId, sku: SkuId) -> i64 {
    records::skus_of(&w.svc.store, scope.seller_id, product)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == sku)
        .unwrap()
        .stock
}

/// Confirms the summary as shown and places it.
pub async fn confirm(
    svc: &Services,
    buyer: UserId,
    choice: &CheckoutChoice,
) -> Result<PlaceOutcome, etalase_services::ServiceError> {
    let shown = summary(svc, buyer, choice).await?;
    let request = PlaceRequest {
        checkout: CheckoutToken::new(),
        confirmed_version: shown.version.clone(),
        choice: choice.clone(),
    };
    place(svc, buyer, &request).await
}

pub fn placed(outcome: PlaceOutcome) -> PlacedCheckout {
    match outcome {
        PlaceOutcome::Placed(p) => p,
        PlaceOutcome::Changed(s) => panic!("changed: {:?}", s.quote.breakdown.total),
    }
}

//! Checkouts placed at the same moment, which the batch writer commits
//! together: stock and voucher quotas hold, form and API checkouts mixed in
//! one batch all stand, and one buyer placing several times at once gets
//! one order per cart.

mod support;

use std::sync::Arc;

use etalase_domain::ErrorCode;
use etalase_domain::checkout::{AddressForm, Source};
use etalase_domain::id::{CheckoutId, PromotionId, SkuId};
use etalase_services::checkout::buyer_reads::BuyerReads;
use etalase_services::checkout::place::{CheckoutToken, PlaceOutcome, PlaceRequest, place};
use etalase_services::checkout::summary::{CheckoutChoice, summary};
use etalase_services::checkout::{Shopper, addresses, cart};
use etalase_services::pricing::promotions::{
    self, ItemInput, PromotionInput, RuleInput, SaveOptions, Target,
};
use etalase_services::teams::SellerScope;
use etalase_store::pricing::PromotionType;
use etalase_testkit::{Backend, on_both_backends};
use support::checkout::*;
use support::*;

async fn stock_never_goes_below_zero_under_concurrent_checkouts(backend: Backend) {
    let w = world(backend).await;
    let (scope, product, skus) = shop_with_product(&w, 3).await;
    let sku = skus[0];
    let mut people = Vec::new();
    for n in 0..12 {
        let b = buyer(&w.svc, n).await;
        cart::add(&w.svc, &Shopper::Buyer(b), sku, 1, Source::Feed)
            .await
            .unwrap();
        people.push(b);
    }
    let svc = Arc::new(w.svc.clone());
    let mut tasks = Vec::new();
    for b in people {
        let svc = svc.clone();
        tasks.push(tokio::spawn(async move {
            confirm(&svc, b, &CheckoutChoice::default()).await
        }));
    }
    let mut orders = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(PlaceOutcome::Placed(_)) => orders += 1,
            Ok(PlaceOutcome::Changed(_)) => {}
            Err(e) => assert!(
                matches!(e.code, ErrorCode::OutOfStock | ErrorCode::StockShort)
                    || e.fields
                        .iter()
                        .any(|f| matches!(f.code, ErrorCode::OutOfStock | ErrorCode::StockShort)),
                "{e:?}"
            ),
        }
    }
    assert_eq!(orders, 3, "exactly the stock");
    assert_eq!(stock_of(&w, &scope, product, sku).await, 0);
}

/// Form checkouts (a carried token, inserted at once) and API checkouts (a
/// new token, collected with the batch's rows) placed at the same moment
/// share batches: every one stands, with its orders under its checkout.
async fn form_and_api_checkouts_placed_together_all_stand(backend: Backend) {
    let w = world(backend).await;
    let (scope, product, skus) = shop_with_product(&w, 50).await;
    let sku = skus[0];
    let mut requests = Vec::new();
    for n in 0..16 {
        let b = buyer(&w.svc, n).await;
        cart::add(&w.svc, &Shopper::Buyer(b), sku, 1, Source::Feed)
            .await
            .unwrap();
        let shown = summary(&w.svc, b, &CheckoutChoice::default())
            .await
            .unwrap();
        // A form's token first in every other pair, so batches begin with
        // either kind.
        let checkout = if n % 4 < 2 {
            CheckoutToken::Carried(CheckoutId::generate())
        } else {
            CheckoutToken::new()
        };
        requests.push((
            b,
            PlaceRequest {
                checkout,
                confirmed_version: shown.version,
                choice: CheckoutChoice::default(),
            },
        ));
    }
    let svc = Arc::new(w.svc.clone());
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(b, request)| {
            let svc = svc.clone();
            tokio::spawn(async move {
                let outcome = place(&svc, b, &request).await.unwrap();
                (request.checkout.id(), placed(outcome))
            })
        })
        .collect();
    for task in tasks {
        let (id, placed) = task.await.unwrap();
        let stored = etalase_store::checkout::checkout_by_id(&w.svc.store, id)
            .await
            .unwrap()
            .expect("the checkout is stored");
        assert_eq!(stored.total, placed.checkout.total);
        let orders = etalase_store::checkout::orders_of_checkout(&w.svc.store, id)
            .await
            .unwrap();
        assert_eq!(orders.len(), 1);
        assert_eq!(orders[0].id, placed.orders[0].id);
    }
    assert_eq!(stock_of(&w, &scope, product, sku).await, 50 - 16);
}

async fn a_voucher_is_used_within_its_quota_under_concurrency(backend: Backend) {
    let w = world(backend).await;
    let (scope, _, skus) = shop_with_product(&w, 50).await;
    shop_voucher(&w, &scope, "HEMAT10", 10_000, 100_000, 3).await;
    let choice = CheckoutChoice {
        voucher_codes: vec!["HEMAT10".into()],
        ..CheckoutChoice::default()
    };
    let mut people = Vec::new();
    for n in 0..8 {
        let b = buyer(&w.svc, n).await;
        cart::add(&w.svc, &Shopper::Buyer(b), skus[n % 6], 1, Source::Feed)
            .await
            .unwrap();
        people.push(b);
    }
    let svc = Arc::new(w.svc.clone());
    let mut tasks = Vec::new();
    for b in people {
        let (svc, choice) = (svc.clone(), choice.clone());
        tasks.push(tokio::spawn(async move { confirm(&svc, b, &choice).await }));
    }
    let mut discounted = 0;
    for task in tasks {
        if let PlaceOutcome::Placed(p) = task.await.unwrap().unwrap()
            && p.orders[0].discount == 10_000
        {
            discounted += 1;
        }
    }
    assert_eq!(discounted, 3, "exactly the quota got the discount");
    let stored = etalase_store::pricing::voucher_by_code(
        &w.svc.store,
        &etalase_domain::pricing::VoucherCode::parse("HEMAT10").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!((stored.claimed, stored.used), (3, 3));
}

/// A buyer who submits the same cart several times at once (double taps,
/// two tabs) gets one order: the first placing takes the cart's lines, and
/// a later one — in the same batch or the next — reads the cart afresh
/// and finds it empty, never the cart the batch read as it began.
async fn one_buyer_placing_many_times_at_once_gets_one_order(backend: Backend) {
    let w = world(backend).await;
    let (scope, product, skus) = shop_with_product(&w, 50).await;
    let b = buyer(&w.svc, 1).await;
    cart::add(&w.svc, &Shopper::Buyer(b), skus[0], 2, Source::Feed)
        .await
        .unwrap();
    let shown = summary(&w.svc, b, &CheckoutChoice::default())
        .await
        .unwrap();
    let svc = Arc::new(w.svc.clone());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (svc, version) = (svc.clone(), shown.version.clone());
            tokio::spawn(async move {
                let request = PlaceRequest {
                    checkout: CheckoutToken::new(),
                    confirmed_version: version,
                    choice: CheckoutChoice::default(),
                };
                place(&svc, b, &request).await
            })
        })
        .collect();
    let mut placed_count = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(outcome) => {
                placed(outcome);
                placed_count += 1;
            }
            Err(e) => assert_eq!(e.code, ErrorCode::CartEmpty, "{e:?}"),
        }
    }
    assert_eq!(placed_count, 1);
    assert_eq!(stock_of(&w, &scope, product, skus[0]).await, 48);
    let orders = etalase_store::checkout::orders_of_buyer(&w.svc.store, b, None, 50)
        .await
        .unwrap();
    assert_eq!(orders.len(), 1);
}

/// The address a placing uses is the one the buyer chose, read with the
/// batch's other buyers: another of their own addresses is used as chosen;
/// someone else's is refused and places nothing.
async fn a_chosen_address_is_the_buyers_own(backend: Backend) {
    let w = world(backend).await;
    let (scope, product, skus) = shop_with_product(&w, 50).await;
    let (alice, bob) = (buyer(&w.svc, 1).await, buyer(&w.svc, 2).await);
    let office = AddressForm {
        label: "Kantor".into(),
        recipient: "Alice di Kantor".into(),
        phone: "0813-3333-4444".into(),
        street: "Jl. Daan Mogot No. 88".into(),
        district_code: "317301".into(),
        postal_code: "11730".into(),
    };
    addresses::add(&w.svc, alice, &office, false).await.unwrap();
    let alices = etalase_store::checkout::addresses_of(&w.svc.store, alice)
        .await
        .unwrap();
    let office_id = alices.iter().find(|a| !a.is_default).unwrap().id;
    let bobs_home = etalase_store::checkout::addresses_of(&w.svc.store, bob)
        .await
        .unwrap()[0]
        .id;
    for b in [alice, bob] {
        cart::add(&w.svc, &Shopper::Buyer(b), skus[0], 1, Source::Feed)
            .await
            .unwrap();
    }
    let to_office = CheckoutChoice {
        address: Some(office_id),
        ..CheckoutChoice::default()
    };
    let order = placed(confirm(&w.svc, alice, &to_office).await.unwrap()).orders[0].clone();
    assert!(
        order.address.contains("Alice di Kantor"),
        "{}",
        order.address
    );

    // Bob sends to Alice's office: confirmed with his own home, placed with
    // hers.
    let shown = summary(&w.svc, bob, &CheckoutChoice::default())
        .await
        .unwrap();
    let mut request = PlaceRequest {
        checkout: CheckoutToken::new(),
        confirmed_version: shown.version,
        choice: CheckoutChoice {
            address: Some(office_id),
            ..CheckoutChoice::default()
        },
    };
    let refused = place(&w.svc, bob, &request).await.unwrap_err();
    assert_eq!(
        fields(&refused),
        vec![("address".to_string(), ErrorCode::NotFound)]
    );
    assert_eq!(stock_of(&w, &scope, product, skus[0]).await, 49);
    // His own, chosen by id, goes.
    request.choice.address = Some(bobs_home);
    placed(place(&w.svc, bob, &request).await.unwrap());
    assert_eq!(stock_of(&w, &scope, product, skus[0]).await, 48);
}

/// A flash sale's per-buyer limit counts what the buyer bought in earlier
/// orders (read with the batch's other buyers): past the limit the summary
/// shows the normal price, and placing charges exactly that.
async fn a_flash_limit_counts_the_buyers_earlier_orders(backend: Backend) {
    let w = world(backend).await;
    let (scope, _, skus) = shop_with_product(&w, 50).await;
    flash_sale(&w, &scope, skus[0], 2).await;
    let b = buyer(&w.svc, 1).await;
    let mut items = Vec::new();
    for _ in 0..2 {
        cart::add(&w.svc, &Shopper::Buyer(b), skus[0], 1, Source::Feed)
            .await
            .unwrap();
        let order = placed(
            confirm(&w.svc, b, &CheckoutChoice::default())
                .await
                .unwrap(),
        )
        .orders[0]
            .clone();
        items.push(order.items_subtotal);
    }
    assert_eq!(items, vec![99_000, 99_000]);
    cart::add(&w.svc, &Shopper::Buyer(b), skus[0], 1, Source::Feed)
        .await
        .unwrap();
    let third = placed(
        confirm(&w.svc, b, &CheckoutChoice::default())
            .await
            .unwrap(),
    );
    assert_eq!(third.orders[0].items_subtotal, 150_000, "past the limit");
}

/// A shown summary reads its buyer in one read (`buyer_at_checkout`): the
/// same cart (lines newest first, unselected ones too), addresses (the
/// default first, none removed) and flash counts as a batch reads for each
/// of its buyers, and nothing of another buyer.
async fn a_summary_reads_its_buyer_as_a_batch_does(backend: Backend) {
    let w = world(backend).await;
    let (scope, _, skus) = shop_with_product(&w, 50).await;
    let sale = flash_sale(&w, &scope, skus[0], 3).await;
    let (ana, budi, citra) = (
        buyer(&w.svc, 1).await,
        buyer(&w.svc, 2).await,
        buyer(&w.svc, 3).await,
    );
    let ana_shops = Shopper::Buyer(ana);
    cart::add(&w.svc, &ana_shops, skus[0], 2, Source::Feed)
        .await
        .unwrap();
    placed(
        confirm(&w.svc, ana, &CheckoutChoice::default())
            .await
            .unwrap(),
    );
    for (n, sku) in skus.iter().enumerate() {
        w.clock.advance_secs(60);
        cart::add(&w.svc, &ana_shops, *sku, 1, Source::Search)
            .await
            .unwrap();
        if n == 0 {
            cart::update(&w.svc, &ana_shops, *sku, 1, false)
                .await
                .unwrap();
        }
    }
    let form = |label: &str| AddressForm {
        label: label.into(),
        recipient: "Ana".into(),
        phone: "0813-1111-3333".into(),
        street: "Jl. Kebon Jeruk No. 7".into(),
        district_code: "317301".into(),
        postal_code: "11730".into(),
    };
    let office = addresses::add(&w.svc, ana, &form("Kantor"), false)
        .await
        .unwrap();
    let gone = addresses::add(&w.svc, ana, &form("Kos lama"), false)
        .await
        .unwrap();
    addresses::remove(&w.svc, ana, gone).await.unwrap();
    addresses::make_default(&w.svc, ana, office).await.unwrap();
    cart::add(&w.svc, &Shopper::Buyer(budi), skus[1], 3, Source::Feed)
        .await
        .unwrap();

    let read = |who| etalase_store::checkout::buyer_at_checkout(&w.svc.store, who);
    let ana_read = read(ana).await.unwrap();
    let (_, lines) = ana_read.cart.as_ref().expect("her cart");
    let newest_first: Vec<_> = lines.iter().map(|l| (l.sku, l.selected)).collect();
    let mut expected: Vec<_> = skus.iter().map(|s| (*s, *s != skus[0])).collect();
    expected.reverse();
    assert_eq!(newest_first, expected);
    let labels: Vec<_> = ana_read
        .addresses
        .iter()
        .map(|a| (a.address.label.as_str(), a.is_default))
        .collect();
    assert_eq!(labels, vec![("Kantor", true), ("Rumah", false)]);
    assert_eq!(ana_read.flash_bought, vec![(sale, 2)]);
    let budi_read = read(budi).await.unwrap();
    assert_eq!(budi_read.cart.as_ref().unwrap().1.len(), 1);
    assert_eq!(budi_read.addresses.len(), 1);
    assert!(budi_read.flash_bought.is_empty());
    let citra_read = read(citra).await.unwrap();
    assert_eq!(citra_read.cart, None, "no cart yet");

    let mut tx = w.svc.store.write().await.unwrap();
    let mut batch = BuyerReads::read(&mut tx, &[ana, budi, citra])
        .await
        .unwrap();
    drop(tx);
    assert_eq!(batch.take(ana), Some(ana_read));
    assert_eq!(batch.take(budi), Some(budi_read));
    assert_eq!(batch.take(citra), Some(citra_read));
}

/// A flash sale running from now for an hour: `sku` at Rp99.000, ten
/// units, `per_buyer` each.
async fn flash_sale(w: &World, scope: &SellerScope, sku: SkuId, per_buyer: i64) -> PromotionId {
    let flash = PromotionInput {
        kind: PromotionType::FlashSale,
        name: "Flash Sale 12.12".into(),
        starts_at: w.svc.now(),
        ends_at: w.svc.now().plus_seconds(3600),
        per_buyer_limit: Some(per_buyer),
        items: vec![ItemInput {
            target: Target::Sku(sku),
            rule: RuleInput::Price(99_000),
            flash_quota: Some(10),
        }],
    };
    let activate = SaveOptions {
        activate: true,
        confirm_warnings: true,
    };
    promotions::create(&w.svc, scope, &flash, activate)
        .await
        .unwrap()
        .promotion
        .promotion
        .id
}

on_both_backends!(
    stock_never_goes_below_zero_under_concurrent_checkouts,
    form_and_api_checkouts_placed_together_all_stand,
    a_voucher_is_used_within_its_quota_under_concurrency,
    one_buyer_placing_many_times_at_once_gets_one_order,
    a_chosen_address_is_the_buyers_own,
    a_flash_limit_counts_the_buyers_earlier_orders,
    a_summary_reads_its_buyer_as_a_batch_does,
);

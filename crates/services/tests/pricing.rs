//! Pricing on both backends: promotions are guarded, scheduled and shown
//! in the Shop on time; bad input saves nothing; flash quotas, per-buyer
//! limits and voucher quotas hold under concurrency; a quote prices a cart
//! exactly as the product page does.

mod support;

use std::sync::Arc;

use etalase_domain::id::{ProductId, SkuId, UserId};
use etalase_domain::pricing::guard::Finding;
use etalase_domain::pricing::{
    BuyerContext, Channel, DiscountSource, OfferKind, PromotionState, VoucherProblem,
};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_services::catalog::{self, media};
use etalase_services::pricing::promotions::{
    self, ItemInput, PromotionInput, RuleInput, SaveOptions, Target,
};
use etalase_services::pricing::quote::{self, QuoteLine, QuoteRequest};
use etalase_services::pricing::vouchers::{self, BenefitInput, Owner, VoucherInput};
use etalase_services::pricing::{self, PROMOTION_CHANGED};
use etalase_services::teams::SellerScope;
use etalase_services::{accounts, storefront, sync};
use etalase_store::pricing::{FlashTake, PromotionType};
use etalase_store::{audit, catalog as records, outbox};
use etalase_testkit::{Backend, on_both_backends};
use support::*;

const HOUR: i64 = 3600;

/// An approved shop with one complete product (6 SKUs at Rp150.000, 5
/// each) in the Shop.
async fn shop_with_product(w: &World, email: &str, slug: &str) -> (SellerScope, ProductId) {
    let email_of_reviewer = etalase_domain::account::Email::parse("reviewer@etalase.test").unwrap();
    let admin = match etalase_store::accounts::find_user_by_email(&w.svc.store, &email_of_reviewer)
        .await
        .unwrap()
    {
        Some(user) => user,
        None => verification::reviewer(&w.svc).await,
    };
    let scope = shop(&w.svc, email, slug).await;
    let id = catalog::create(&w.svc, &scope, &form(complete(), None))
        .await
        .unwrap();
    media::upload(&w.svc, &scope, id, photo(800)).await.unwrap();
    catalog::publish(&w.svc, &scope, id).await.unwrap();
    verification::approve(&w.svc, &scope, &admin).await;
    sync::catch_up(&w.svc).await.unwrap();
    (scope, id)
}

async fn skus_of(w: &World, scope: &SellerScope, id: ProductId) -> Vec<SkuId> {
    records::skus_of(&w.svc.store, scope.seller_id, id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect()
}

fn at(w: &World, from_now_secs: i64) -> Timestamp {
    w.svc.now().plus_seconds(from_now_secs)
}

fn discount(w: &World, product: ProductId, percent: i64, from: i64, to: i64) -> PromotionInput {
    PromotionInput {
        kind: PromotionType::Discount,
        name: "Promo Gajian".into(),
        starts_at: at(w, from),
        ends_at: at(w, to),
        per_buyer_limit: None,
        items: vec![ItemInput {
            target: Target::Product(product),
            rule: RuleInput::Percent(percent),
            flash_quota: None,
        }],
    }
}

fn flash(w: &World, sku: SkuId, price: i64, quota: i64, from: i64, to: i64) -> PromotionInput {
    PromotionInput {
        kind: PromotionType::FlashSale,
        name: "Flash Sale 12.12".into(),
        starts_at: at(w, from),
        ends_at: at(w, to),
        per_buyer_limit: Some(2),
        items: vec![ItemInput {
            target: Target::Sku(sku),
            rule: RuleInput::Price(price),
            flash_quota: Some(quota),
        }],
    }
}

const ACTIVATE: SaveOptions = SaveOptions {
    activate: true,
    confirm_warnings: true,
};

/// The product page's price of each SKU now.
async fn shop_prices(w: &World, id: ProductId) -> Vec<(SkuId, i64)> {
    sync::catch_up(&w.svc).await.unwrap();
    let found = storefront::product(&w.svc, id).await.unwrap().unwrap();
    found
        .prices(
            &w.svc.config.pricer,
            &BuyerContext::anonymous(),
            Channel::Shop,
            w.svc.now(),
        )
        .into_iter()
        .map(|p| (p.sku, p.unit))
        .collect()
}

async fn a_scheduled_discount_reaches_the_shop_and_starts_and_ends_on_time(backend: Backend) {
    let w = world(backend).await;
    let (scope, id) = shop_with_product(&w, "sari@contoh.id", "batik-sari").await;
    let before = outbox::read_after(&w.svc.store, 0, 10_000)
        .await
        .unwrap()
        .len();

    let saved = promotions::create(
        &w.svc,
        &scope,
        &discount(&w, id, 20, HOUR, 3 * HOUR),
        ACTIVATE,
    )
    .await
    .unwrap();
    assert_eq!(saved.promotion.state, PromotionState::Scheduled);
    assert_eq!(
        saved.promotion.promotion.items.len(),
        6,
        "every SKU of the product"
    );
    assert!(saved.review.refusals().next().is_none());
    assert!(
        saved
            .review
            .changes
            .iter()
            .all(|c| (c.now, c.during) == (150_000, 120_000)),
        "{:?}",
        saved.review.changes
    );

    let events = outbox::read_after(&w.svc.store, 0, 10_000).await.unwrap();
    let ours: Vec<_> = events[before..]
        .iter()
        .filter(|e| e.topic == PROMOTION_CHANGED)
        .collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].aggregate_id, id.to_string());
    let audited = audit::list_for_seller(&w.svc.store, scope.seller_id, 50)
        .await
        .unwrap();
    assert!(
        audited
            .iter()
            .any(|a| a.action == "pricing.promotion_scheduled")
    );

    // Before its start the Shop charges the base price; once it starts, the
    // discount — without any further event; after its end, the base again.
    assert!(shop_prices(&w, id).await.iter().all(|(_, p)| *p == 150_000));
    w.clock.advance_secs(HOUR);
    assert!(shop_prices(&w, id).await.iter().all(|(_, p)| *p == 120_000));
    w.clock.advance_secs(2 * HOUR);
    assert!(shop_prices(&w, id).await.iter().all(|(_, p)| *p == 150_000));
    let listed = promotions::list(&w.svc, &scope).await.unwrap();
    assert_eq!(listed[0].state, PromotionState::Ended);
}

async fn guards_refuse_hard_limits_and_warn_until_confirmed(backend: Backend) {
    let w = world(backend).await;
    let (scope, id) = shop_with_product(&w, "sari@contoh.id", "batik-sari").await;
    let skus = skus_of(&w, &scope, id).await;

    // Under the platform floor: refused, per SKU, nothing saved.
    let mut low = discount(&w, id, 20, HOUR, 2 * HOUR);
    low.items[0] = ItemInput {
        target: Target::Sku(skus[0]),
        rule: RuleInput::Price(1_500),
        flash_quota: None,
    };
    let refused = promotions::create(&w.svc, &scope, &low, ACTIVATE)
        .await
        .unwrap_err();
    assert_eq!(
        fields(&refused),
        vec![(format!("items.{}", skus[0]), ErrorCode::PromotionBelowFloor)]
    );
    assert!(promotions::list(&w.svc, &scope).await.unwrap().is_empty());

    // The seller lowered the price last week and raised it again: a
    // "discount" to Rp120.000 is above the recent lowest Rp100.000. And the
    // recorded cost Rp130.000 is above the promotional price.
    pricing::set_price(&w.svc, &scope, skus[0], 100_000, None)
        .await
        .unwrap();
    w.clock.advance_secs(7 * 24 * HOUR);
    pricing::set_price(&w.svc, &scope, skus[0], 150_000, Some(Some(130_000)))
        .await
        .unwrap();
    let history = pricing::history(&w.svc, &scope, skus[0]).await.unwrap();
    assert_eq!(
        history.iter().map(|p| p.price).collect::<Vec<_>>(),
        vec![150_000, 100_000, 150_000]
    );
    let mut input = discount(&w, id, 20, HOUR, 2 * HOUR);
    input.items[0].target = Target::Sku(skus[0]);
    let review = promotions::review(&w.svc, &scope, None, &input)
        .await
        .unwrap();
    let found: Vec<Finding> = review.findings.iter().map(|f| f.finding).collect();
    assert_eq!(
        found,
        vec![
            Finding::BelowCost {
                price: 120_000,
                cost: 130_000
            },
            Finding::AboveRecentLowest {
                price: 120_000,
                lowest: 100_000
            },
        ]
    );
    let unconfirmed = SaveOptions {
        activate: true,
        confirm_warnings: false,
    };
    let refused = promotions::create(&w.svc, &scope, &input, unconfirmed)
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::PromotionNeedsConfirmation);
    assert!(promotions::list(&w.svc, &scope).await.unwrap().is_empty());

    // Saved as a draft, then scheduled once confirmed.
    let draft = promotions::create(&w.svc, &scope, &input, SaveOptions::default())
        .await
        .unwrap();
    assert_eq!(draft.promotion.state, PromotionState::Draft);
    let draft_id = draft.promotion.promotion.id;
    let refused = promotions::activate(&w.svc, &scope, draft_id, false)
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::PromotionNeedsConfirmation);
    let scheduled = promotions::activate(&w.svc, &scope, draft_id, true)
        .await
        .unwrap();
    assert_eq!(scheduled.promotion.state, PromotionState::Scheduled);

    // A second promotion on the same SKU at the same time is named, with the
    // one that would set the price.
    let mut other = discount(&w, id, 30, HOUR + 60, 3 * HOUR);
    other.items[0].target = Target::Sku(skus[0]);
    let review = promotions::review(&w.svc, &scope, None, &other)
        .await
        .unwrap();
    let overlap = review
        .findings
        .iter()
        .find_map(|f| match f.finding {
            Finding::Overlaps { other, winner } => Some((other, winner)),
            _ => None,
        })
        .expect("the overlap is named");
    assert_eq!(overlap.0, draft_id);
    assert_ne!(overlap.1, draft_id, "the deeper discount sets the price");
}

async fn bad_input_is_refused_and_nothing_is_half_saved(backend: Backend) {
    let w = world(backend).await;
    let (scope, id) = shop_with_product(&w, "sari@contoh.id", "batik-sari").await;
    let skus = skus_of(&w, &scope, id).await;
    let code = |r: Result<promotions::Saved, etalase_services::ServiceError>| {
        fields(&r.unwrap_err())
            .into_iter()
            .map(|(_, c)| c)
            .collect::<Vec<_>>()
    };
    for percent in [0, 100, -5, 150] {
        let r = promotions::create(
            &w.svc,
            &scope,
            &discount(&w, id, percent, 0, HOUR),
            ACTIVATE,
        )
        .await;
        assert_eq!(code(r), vec![ErrorCode::PercentOutOfRange], "{percent}");
    }
    let r = promotions::create(&w.svc, &scope, &discount(&w, id, 10, HOUR, 0), ACTIVATE).await;
    assert_eq!(code(r), vec![ErrorCode::EndsBeforeStart]);
    let r = promotions::create(
        &w.svc,
        &scope,
        &flash(&w, skus[0], 160_000, 2, 0, HOUR),
        ACTIVATE,
    )
    .await;
    assert_eq!(code(r), vec![ErrorCode::PromotionNotBelowBase]);
    let r = promotions::create(
        &w.svc,
        &scope,
        &flash(&w, skus[0], 90_000, 0, 0, HOUR),
        ACTIVATE,
    )
    .await;
    assert_eq!(code(r), vec![ErrorCode::FlashQuotaOutOfRange]);
    let r = promotions::create(
        &w.svc,
        &scope,
        &flash(&w, skus[0], 90_000, 6, 0, HOUR),
        ACTIVATE,
    )
    .await;
    assert_eq!(
        code(r),
        vec![ErrorCode::FlashQuotaOutOfRange],
        "more than the stock"
    );
    let mut no_name = flash(&w, skus[0], 90_000, 2, 0, HOUR);
    no_name.name = " ".into();
    no_name.per_buyer_limit = Some(0);
    let r = promotions::create(&w.svc, &scope, &no_name, ACTIVATE).await;
    assert_eq!(
        code(r),
        vec![
            ErrorCode::PromotionNameRequired,
            ErrorCode::BuyerLimitOutOfRange
        ]
    );
    assert!(promotions::list(&w.svc, &scope).await.unwrap().is_empty());

    // Two flash slots of one shop may not overlap.
    promotions::create(
        &w.svc,
        &scope,
        &flash(&w, skus[0], 90_000, 2, HOUR, 2 * HOUR),
        ACTIVATE,
    )
    .await
    .unwrap();
    let clash = promotions::create(
        &w.svc,
        &scope,
        &flash(&w, skus[1], 90_000, 2, HOUR + 1800, 3 * HOUR),
        ACTIVATE,
    )
    .await
    .unwrap_err();
    assert_eq!(clash.fields[0].code, ErrorCode::FlashSlotsOverlap);
    assert_eq!(promotions::list(&w.svc, &scope).await.unwrap().len(), 1);

    // Voucher input: quota 0, percentage 100, a code with spaces (kept,
    // normalised) and a code already taken.
    let mut v = voucher_input(&w, "hemat 10", 10);
    v.quota = 0;
    v.benefit = BenefitInput::Percent {
        percent: 100,
        cap: None,
    };
    let refused = vouchers::create(&w.svc, Owner::Seller(&scope), &v, true, true)
        .await
        .unwrap_err();
    assert_eq!(
        fields(&refused),
        vec![
            ("percent".into(), ErrorCode::PercentOutOfRange),
            ("quota".into(), ErrorCode::VoucherQuotaOutOfRange)
        ]
    );
    let saved = vouchers::create(
        &w.svc,
        Owner::Seller(&scope),
        &voucher_input(&w, "hemat 10", 10),
        true,
        true,
    )
    .await
    .unwrap();
    assert_eq!(saved.voucher.voucher.code.as_str(), "HEMAT10");
    let taken = vouchers::create(
        &w.svc,
        Owner::Seller(&scope),
        &voucher_input(&w, "Hemat-10", 10),
        true,
        true,
    )
    .await
    .unwrap_err();
    assert_eq!(
        fields(&taken),
        vec![("code".into(), ErrorCode::VoucherCodeTaken)]
    );
    assert_eq!(
        vouchers::list(&w.svc, Owner::Seller(&scope))
            .await
            .unwrap()
            .len(),
        1
    );
}

fn voucher_input(w: &World, code: &str, quota: i64) -> VoucherInput {
    VoucherInput {
        name: "Voucher Toko".into(),
        code: code.into(),
        benefit: BenefitInput::Amount(10_000),
        min_spend: 100_000,
        starts_at: w.svc.now(),
        ends_at: at(w, 24 * HOUR),
        products: None,
        quota,
        per_buyer_limit: 2,
        public: true,
    }
}

async fn buyers(w: &World, n: usize) -> Vec<UserId> {
    let mut out = Vec::new();
    for i in 0..n {
        let user = accounts::create_user(
            &w.svc,
            &format!("pembeli{i}@contoh.id"),
            "Pembeli",
            "kopi susu gula aren",
            false,
        )
        .await
        .unwrap();
        out.push(user.id);
    }
    out
}

async fn voucher_claims_never_pass_the_quota_or_a_buyers_limit(backend: Backend) {
    let w = world(backend).await;
    let (scope, _) = shop_with_product(&w, "sari@contoh.id", "batik-sari").await;
    let saved = vouchers::create(
        &w.svc,
        Owner::Seller(&scope),
        &voucher_input(&w, "RAMAI25", 25),
        true,
        true,
    )
    .await
    .unwrap();
    let voucher = saved.voucher.voucher.id;
    let people = buyers(&w, 20).await;
    let svc = Arc::new(w.svc.clone());
    let mut tasks = Vec::new();
    for buyer in &people {
        for _ in 0..3 {
            let (svc, buyer) = (svc.clone(), *buyer);
            tasks.push(tokio::spawn(async move {
                vouchers::claim(&svc, buyer, voucher).await
            }));
        }
    }
    let mut claimed = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => claimed += 1,
            Err(e) => assert!(
                matches!(
                    e.code,
                    ErrorCode::VoucherUsedUp | ErrorCode::VoucherLimitReached
                ),
                "{e:?}"
            ),
        }
    }
    assert_eq!(claimed, 25, "exactly the quota");
    let stored = vouchers::get(&w.svc, Owner::Seller(&scope), voucher)
        .await
        .unwrap();
    assert_eq!(stored.voucher.claimed, 25);
    let held = etalase_store::pricing::holdings(&w.svc.store, people[0], &[voucher])
        .await
        .unwrap();
    assert!(held.iter().all(|(_, h)| h.claimed <= 2));
    let mut total = 0;
    for buyer in &people {
        for (_, h) in etalase_store::pricing::holdings(&w.svc.store, *buyer, &[voucher])
            .await
            .unwrap()
        {
            assert!(h.claimed <= 2, "a buyer over the limit");
            total += h.claimed;
        }
    }
    assert_eq!(total, 25);
}

async fn a_flash_quota_and_buyer_limit_hold_under_concurrency(backend: Backend) {
    let w = world(backend).await;
    let (scope, id) = shop_with_product(&w, "sari@contoh.id", "batik-sari").await;
    let sku = skus_of(&w, &scope, id).await[0];
    let saved = promotions::create(
        &w.svc,
        &scope,
        &flash(&w, sku, 99_000, 5, 0, HOUR),
        ACTIVATE,
    )
    .await
    .unwrap();
    let promotion = saved.promotion.promotion.id;
    let svc = Arc::new(w.svc.clone());
    let mut tasks = Vec::new();
    for buyer in 0..8 {
        for _ in 0..4 {
            let svc = svc.clone();
            tasks.push(tokio::spawn(async move {
                let buyer = format!("usr_buyer{buyer}");
                let mut tx = svc.store.write().await.unwrap();
                let now = svc.now();
                let took =
                    promotions::take_flash_units(&mut tx, promotion, sku, &buyer, 1, Some(2), now)
                        .await
                        .unwrap();
                let taken = matches!(took, FlashTake::Taken { .. });
                if taken {
                    tx.commit().await.unwrap();
                }
                (buyer, taken)
            }));
        }
    }
    let mut taken: std::collections::HashMap<String, i64> = Default::default();
    for task in tasks {
        let (buyer, took) = task.await.unwrap();
        if took {
            *taken.entry(buyer).or_default() += 1;
        }
    }
    assert_eq!(taken.values().sum::<i64>(), 5, "exactly the flash quota");
    assert!(taken.values().all(|n| *n <= 2), "{taken:?}");
    let stored = promotions::get(&w.svc, &scope, promotion).await.unwrap();
    assert_eq!(stored.promotion.items[0].flash_sold, 5);
    // Sold out at the flash price: the Shop shows the normal price again.
    let prices = shop_prices(&w, id).await;
    assert!(prices.iter().all(|(_, p)| *p == 150_000), "{prices:?}");
}

async fn a_quote_prices_a_cart_like_the_product_page(backend: Backend) {
    let w = world(backend).await;
    let (scope, id) = shop_with_product(&w, "sari@contoh.id", "batik-sari").await;
    let (other_shop, _) = shop_with_product(&w, "dewi@contoh.id", "tenun-dewi").await;
    let skus = skus_of(&w, &scope, id).await;
    promotions::create(&w.svc, &scope, &discount(&w, id, 10, 0, 2 * HOUR), ACTIVATE)
        .await
        .unwrap();
    promotions::create(
        &w.svc,
        &scope,
        &flash(&w, skus[0], 99_000, 3, 0, HOUR),
        ACTIVATE,
    )
    .await
    .unwrap();
    vouchers::create(
        &w.svc,
        Owner::Seller(&scope),
        &voucher_input(&w, "SARI10", 10),
        true,
        true,
    )
    .await
    .unwrap();
    vouchers::create(
        &w.svc,
        Owner::Seller(&other_shop),
        &voucher_input(&w, "DEWI10", 10),
        true,
        true,
    )
    .await
    .unwrap();
    let page = shop_prices(&w, id).await;
    assert_eq!(page[0], (skus[0], 99_000));
    assert!(page[1..].iter().all(|(_, p)| *p == 135_000));

    let request = QuoteRequest {
        lines: vec![
            QuoteLine {
                sku: skus[0],
                quantity: 4,
                channel: Channel::Shop,
            },
            QuoteLine {
                sku: skus[1],
                quantity: 1,
                channel: Channel::Shop,
            },
        ],
        voucher_codes: vec!["sari 10".into(), "DEWI10".into(), "TIDAKADA".into()],
        shipping: vec![(scope.seller_id, 18_000)],
    };
    let q = quote::quote(&w.svc, None, &request).await.unwrap();
    let line = &q.breakdown.shops[0].lines[0];
    // 2 units at the flash price (its per-buyer limit), the rest at the
    // discount.
    assert_eq!(
        line.segments
            .iter()
            .map(|s| (s.quantity, s.price.unit))
            .collect::<Vec<_>>(),
        vec![(2, 99_000), (2, 135_000)]
    );
    assert!(matches!(
        line.segments[0].price.applied.as_ref().unwrap().kind,
        OfferKind::FlashSale { .. }
    ));
    assert_eq!(
        q.breakdown.shops[0].lines[1].segments[0].price.unit,
        page[1].1
    );
    assert_eq!(q.breakdown.items_subtotal, 2 * 99_000 + 3 * 135_000);
    assert_eq!(q.breakdown.discounts.len(), 1);
    assert_eq!(q.breakdown.discounts[0].source, DiscountSource::ShopVoucher);
    assert_eq!(q.breakdown.discounts[0].code, "SARI10");
    assert_eq!(q.breakdown.total, 603_000 - 10_000 + 18_000);
    assert_eq!(q.unknown_codes, vec!["TIDAKADA".to_string()]);
    let dewi = q
        .breakdown
        .refused
        .iter()
        .find(|(_, p)| *p == VoucherProblem::NothingCovered);
    assert!(
        dewi.is_some(),
        "another shop's voucher: {:?}",
        q.breakdown.refused
    );

    // Once the voucher's window is over it is refused with that reason.
    w.clock.advance_secs(25 * HOUR);
    let q = quote::quote(&w.svc, None, &request).await.unwrap();
    assert!(
        q.breakdown
            .refused
            .iter()
            .any(|(_, p)| *p == VoucherProblem::Expired)
    );
    assert!(q.breakdown.discounts.is_empty());
}

on_both_backends!(
    a_scheduled_discount_reaches_the_shop_and_starts_and_ends_on_time,
    guards_refuse_hard_limits_and_warn_until_confirmed,
    bad_input_is_refused_and_nothing_is_half_saved,
    voucher_claims_never_pass_the_quota_or_a_buyers_limit,
    a_flash_quota_and_buyer_limit_hold_under_concurrency,
    a_quote_prices_a_cart_like_the_product_page,
);

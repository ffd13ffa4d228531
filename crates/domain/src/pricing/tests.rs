//! Examples and properties of the pricing function and of cart totals.

use proptest::prelude::*;

use super::*;
use crate::Timestamp;
use crate::id::{LiveId, ProductId, PromotionId, SellerId, SkuId, VoucherId};

fn at(s: i64) -> Timestamp {
    Timestamp::from_unix_millis(s * 1000)
}

fn window(from: i64, to: i64) -> Window {
    Window::new(at(from), at(to)).unwrap()
}

fn offer(kind: OfferKind, rule: OfferRule, from: i64, to: i64) -> Offer {
    Offer {
        promotion: PromotionId::generate(),
        kind,
        rule,
        window: window(from, to),
    }
}

fn fixed(price: i64) -> OfferRule {
    OfferRule::Fixed { price }
}

fn flash(quota_left: i64, per_buyer_limit: Option<i64>) -> OfferKind {
    OfferKind::FlashSale {
        quota_left,
        per_buyer_limit,
    }
}

fn sku(base: i64, offers: Vec<Offer>) -> SkuPricing {
    SkuPricing {
        sku: SkuId::generate(),
        base,
        compare_at: None,
        offers,
    }
}

fn anyone() -> BuyerContext {
    BuyerContext::anonymous()
}

#[test]
fn without_offers_the_base_price_holds_and_the_compare_at_price_is_struck() {
    let mut s = sku(150_000, vec![]);
    s.compare_at = Some(200_000);
    let p = Pricer::default().price(&s, &anyone(), Channel::Shop, at(0));
    assert_eq!(p.unit, 150_000);
    assert_eq!(p.strike, Some(200_000));
    assert_eq!(p.applied, None);
    assert_eq!(p.percent_off(), Some(25));
}

#[test]
fn a_live_price_beats_a_flash_sale_which_beats_a_discount() {
    let live = LiveId::generate();
    let discount = offer(OfferKind::Discount, fixed(70_000), 0, 100);
    let sale = offer(flash(10, None), fixed(80_000), 0, 100);
    let live_price = offer(OfferKind::Live { live }, fixed(90_000), 0, 100);
    let s = sku(100_000, vec![discount, sale, live_price]);
    let pricer = Pricer::default();

    let shop = pricer.price(&s, &anyone(), Channel::Shop, at(10));
    let applied = shop.applied.unwrap();
    assert_eq!((shop.unit, applied.promotion), (80_000, sale.promotion));
    assert_eq!(applied.reason, WinReason::Precedence);
    assert_eq!(applied.beaten, vec![discount.promotion]);
    assert_eq!(applied.ends_at, Some(at(100)));

    let on_live = pricer.price(&s, &anyone(), Channel::Live(live), at(10));
    assert_eq!(on_live.unit, 90_000);
    let elsewhere = pricer.price(&s, &anyone(), Channel::Live(LiveId::generate()), at(10));
    assert_eq!(elsewhere.unit, 80_000, "a live price is for that live only");
}

#[test]
fn a_flash_sale_without_quota_or_over_the_buyers_limit_gives_way() {
    let discount = offer(OfferKind::Discount, fixed(90_000), 0, 100);
    let sold_out = offer(flash(0, None), fixed(50_000), 0, 100);
    let s = sku(100_000, vec![discount, sold_out]);
    let p = Pricer::default().price(&s, &anyone(), Channel::Shop, at(1));
    assert_eq!(p.unit, 90_000);

    let limited = offer(flash(10, Some(2)), fixed(50_000), 0, 100);
    let s = sku(100_000, vec![discount, limited]);
    let mut buyer = anyone();
    buyer.flash_bought.insert(limited.promotion, 2);
    assert_eq!(
        Pricer::default()
            .price(&s, &buyer, Channel::Shop, at(1))
            .unit,
        90_000
    );
    assert_eq!(
        Pricer::default()
            .price(&s, &anyone(), Channel::Shop, at(1))
            .unit,
        50_000
    );
}

#[test]
fn the_floor_holds_and_a_base_under_it_is_left_alone() {
    let deep = offer(OfferKind::Discount, fixed(500), 0, 100);
    let p = Pricer::default().price(&sku(10_000, vec![deep]), &anyone(), Channel::Shop, at(1));
    assert_eq!(p.unit, 2_000);
    assert!(p.applied.unwrap().floored);
    let cheap = Pricer::default().price(&sku(1_500, vec![deep]), &anyone(), Channel::Shop, at(1));
    assert_eq!(cheap.unit, 1_500);
    assert_eq!(cheap.applied, None);
}

#[test]
fn of_two_discounts_the_lower_price_wins_and_a_tie_goes_to_the_first_started() {
    let a = offer(OfferKind::Discount, fixed(80_000), 5, 100);
    let b = offer(OfferKind::Discount, fixed(75_000), 0, 100);
    let p = Pricer::default().price(&sku(100_000, vec![a, b]), &anyone(), Channel::Shop, at(10));
    let applied = p.applied.unwrap();
    assert_eq!(applied.promotion, b.promotion);
    assert_eq!(applied.reason, WinReason::LowestPrice);

    let c = offer(OfferKind::Discount, fixed(75_000), 1, 100);
    let p = Pricer::default().price(&sku(100_000, vec![c, b]), &anyone(), Channel::Shop, at(10));
    let applied = p.applied.unwrap();
    assert_eq!(applied.promotion, b.promotion);
    assert_eq!(applied.reason, WinReason::StartedFirst);
}

#[test]
fn the_breakdown_says_when_it_next_changes() {
    let discount = offer(OfferKind::Discount, fixed(90_000), 0, 100);
    let sale = offer(flash(5, None), fixed(60_000), 40, 50);
    let s = sku(100_000, vec![discount, sale]);
    let pricer = Pricer::default();
    assert_eq!(
        pricer
            .price(&s, &anyone(), Channel::Shop, at(10))
            .changes_at,
        Some(at(40))
    );
    let during = pricer.price(&s, &anyone(), Channel::Shop, at(45));
    assert_eq!((during.unit, during.changes_at), (60_000, Some(at(50))));
    assert_eq!(
        pricer.price(&s, &anyone(), Channel::Shop, at(100)).unit,
        100_000
    );
}

fn voucher(issuer: Issuer, benefit: Benefit, min_spend: i64) -> Voucher {
    Voucher {
        id: VoucherId::generate(),
        code: VoucherCode::parse("HEMAT10").unwrap(),
        issuer,
        benefit,
        min_spend,
        window: window(0, 1_000),
        products: None,
        quota_left: 100,
        buyer_uses_left: 1,
        deactivated: false,
    }
}

fn percent(p: i64, cap: Option<i64>) -> Benefit {
    Benefit::PercentOff {
        percent: Percent::new(p).unwrap(),
        cap,
    }
}

#[test]
fn a_flash_line_past_its_quota_is_split_and_vouchers_are_named() {
    let seller = SellerId::generate();
    let sale = offer(flash(2, Some(5)), fixed(50_000), 0, 100);
    let s = sku(80_000, vec![sale]);
    let shop_voucher = voucher(
        Issuer::Seller(seller),
        Benefit::AmountOff { amount: 10_000 },
        100_000,
    );
    let platform = voucher(Issuer::Platform, percent(10, Some(5_000)), 0);
    let shipping = voucher(
        Issuer::Platform,
        Benefit::FreeShipping { cap: Some(10_000) },
        0,
    );
    let cart = Cart {
        shops: vec![ShopCart {
            seller,
            lines: vec![CartLine {
                product: ProductId::generate(),
                sku: &s,
                quantity: 3,
                channel: Channel::Shop,
            }],
            shipping: 18_000,
            voucher: Some(&shop_voucher),
        }],
        platform_voucher: Some(&platform),
        shipping_voucher: Some(&shipping),
    };
    let b = Pricer::default().price_cart(&cart, &anyone(), at(10));
    let line = &b.shops[0].lines[0];
    assert_eq!(
        line.segments
            .iter()
            .map(|s| (s.quantity, s.price.unit))
            .collect::<Vec<_>>(),
        vec![(2, 50_000), (1, 80_000)]
    );
    assert_eq!(b.items_subtotal, 180_000);
    assert_eq!(b.promotion_savings, 60_000);
    let amounts: Vec<(DiscountSource, i64)> =
        b.discounts.iter().map(|d| (d.source, d.amount)).collect();
    assert_eq!(
        amounts,
        vec![
            (DiscountSource::ShopVoucher, 10_000),
            (DiscountSource::PlatformVoucher, 5_000),
            (DiscountSource::ShippingVoucher, 10_000),
        ]
    );
    assert_eq!(b.total, 180_000 - 10_000 - 5_000 + 18_000 - 10_000);
    assert!(b.refused.is_empty());
}

#[test]
fn vouchers_that_cannot_apply_are_refused_with_the_reason() {
    let seller = SellerId::generate();
    let s = sku(50_000, vec![]);
    let foreign = voucher(Issuer::Seller(SellerId::generate()), percent(10, None), 0);
    let mut expired = voucher(Issuer::Platform, percent(10, None), 0);
    expired.window = window(0, 5);
    let shipping_as_platform = voucher(Issuer::Platform, Benefit::FreeShipping { cap: None }, 0);
    let cart = Cart {
        shops: vec![ShopCart {
            seller,
            lines: vec![CartLine {
                product: ProductId::generate(),
                sku: &s,
                quantity: 1,
                channel: Channel::Shop,
            }],
            shipping: 9_000,
            voucher: Some(&foreign),
        }],
        platform_voucher: Some(&expired),
        shipping_voucher: None,
    };
    let b = Pricer::default().price_cart(&cart, &anyone(), at(10));
    assert_eq!(
        b.refused,
        vec![
            (foreign.id, VoucherProblem::NothingCovered),
            (expired.id, VoucherProblem::Expired)
        ]
    );
    assert_eq!(b.total, 59_000);
    let cart = Cart {
        platform_voucher: Some(&shipping_as_platform),
        ..cart
    };
    let b = Pricer::default().price_cart(&cart, &anyone(), at(10));
    assert!(
        b.refused
            .contains(&(shipping_as_platform.id, VoucherProblem::WrongSlot))
    );
}

#[test]
fn a_minimum_spend_says_how_much_is_missing() {
    let seller = SellerId::generate();
    let s = sku(40_000, vec![]);
    let v = voucher(
        Issuer::Seller(seller),
        Benefit::AmountOff { amount: 5_000 },
        100_000,
    );
    let cart = Cart {
        shops: vec![ShopCart {
            seller,
            lines: vec![CartLine {
                product: ProductId::generate(),
                sku: &s,
                quantity: 2,
                channel: Channel::Shop,
            }],
            shipping: 0,
            voucher: Some(&v),
        }],
        platform_voucher: None,
        shipping_voucher: None,
    };
    let b = Pricer::default().price_cart(&cart, &anyone(), at(1));
    assert_eq!(
        b.refused,
        vec![(v.id, VoucherProblem::MinSpendNotMet { short_by: 20_000 })]
    );
}

// ---- properties ----

fn arb_offer() -> impl Strategy<Value = Offer> {
    (
        0u8..3,
        prop_oneof![
            (100i64..2_000_000).prop_map(|price| OfferRule::Fixed { price }),
            (1i64..100).prop_map(|p| OfferRule::PercentOff {
                percent: Percent::new(p).unwrap()
            }),
        ],
        0i64..100,
        1i64..100,
        0i64..20,
        prop::option::of(1i64..5),
    )
        .prop_map(|(kind, rule, from, len, quota, limit)| Offer {
            promotion: PromotionId::generate(),
            kind: match kind {
                0 => OfferKind::Discount,
                1 => OfferKind::FlashSale {
                    quota_left: quota,
                    per_buyer_limit: limit,
                },
                _ => OfferKind::Live {
                    live: LIVE.with(|l| *l),
                },
            },
            rule,
            window: window(from, from + len),
        })
}

thread_local! {
    static LIVE: LiveId = LiveId::generate();
}

fn arb_sku() -> impl Strategy<Value = SkuPricing> {
    (
        100i64..2_000_000,
        prop::collection::vec(arb_offer(), 0..5),
        prop::option::of(100i64..3_000_000),
    )
        .prop_map(|(base, offers, compare_at)| SkuPricing {
            sku: SkuId::generate(),
            base,
            compare_at,
            offers,
        })
}

fn arb_benefit() -> impl Strategy<Value = Benefit> {
    prop_oneof![
        (1i64..100, prop::option::of(1i64..100_000)).prop_map(|(p, cap)| percent(p, cap)),
        (1i64..200_000).prop_map(|amount| Benefit::AmountOff { amount }),
    ]
}

proptest! {
    #[test]
    fn a_unit_price_stays_between_the_floor_and_the_base(
        s in arb_sku(), t in 0i64..200, on_live in any::<bool>()
    ) {
        let pricer = Pricer::default();
        let channel = if on_live { Channel::Live(LIVE.with(|l| *l)) } else { Channel::Shop };
        let p = pricer.price(&s, &anyone(), channel, at(t));
        prop_assert!(p.unit <= s.base);
        prop_assert!(p.unit >= s.base.min(pricer.floor));
        if let Some(strike) = p.strike {
            prop_assert!(strike > p.unit);
        }
        prop_assert_eq!(p.applied.is_some(), p.unit < s.base);
        if let Some(changes) = p.changes_at {
            prop_assert!(changes > at(t));
        }
    }

    #[test]
    fn the_same_offers_in_any_order_give_the_same_breakdown(
        s in arb_sku(), t in 0i64..200, seed in any::<u64>()
    ) {
        let pricer = Pricer::default();
        let first = pricer.price(&s, &anyone(), Channel::Shop, at(t));
        let mut shuffled = s.clone();
        let n = shuffled.offers.len();
        if n > 1 {
            shuffled.offers.rotate_left((seed as usize) % n);
            shuffled.offers.reverse();
        }
        prop_assert_eq!(&first, &pricer.price(&shuffled, &anyone(), Channel::Shop, at(t)));
        prop_assert_eq!(first, pricer.price(&s, &anyone(), Channel::Shop, at(t)));
    }

    #[test]
    fn cart_totals_are_the_sum_of_their_lines_and_no_discount_breaks_its_bounds(
        skus in prop::collection::vec(arb_sku(), 1..8),
        quantities in prop::collection::vec(1i64..6, 8),
        shop_of in prop::collection::vec(0usize..3, 8),
        shipping in prop::collection::vec(0i64..60_000, 3),
        shop_benefit in prop::option::of(arb_benefit()),
        platform_benefit in prop::option::of(arb_benefit()),
        shipping_cap in prop::option::of(prop::option::of(1i64..30_000)),
        min_spend in 0i64..300_000,
        t in 0i64..200,
    ) {
        let sellers = [SellerId::generate(), SellerId::generate(), SellerId::generate()];
        let products: Vec<ProductId> = skus.iter().map(|_| ProductId::generate()).collect();
        let shop_voucher = shop_benefit.map(|b| voucher(Issuer::Seller(sellers[0]), b, min_spend));
        let platform = platform_benefit.map(|b| voucher(Issuer::Platform, b, min_spend / 2));
        let free = shipping_cap.map(|cap| voucher(Issuer::Platform, Benefit::FreeShipping { cap }, 0));
        let shops: Vec<ShopCart> = (0..3)
            .map(|i| ShopCart {
                seller: sellers[i],
                lines: skus
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| shop_of[*j] == i)
                    .map(|(j, s)| CartLine {
                        product: products[j],
                        sku: s,
                        quantity: quantities[j],
                        channel: Channel::Shop,
                    })
                    .collect(),
                shipping: shipping[i],
                voucher: if i == 0 { shop_voucher.as_ref() } else { None },
            })
            .collect();
        let cart = Cart {
            shops,
            platform_voucher: platform.as_ref(),
            shipping_voucher: free.as_ref(),
        };
        let pricer = Pricer::default();
        let b = pricer.price_cart(&cart, &anyone(), at(t));
        prop_assert_eq!(&b, &pricer.price_cart(&cart, &anyone(), at(t)), "deterministic");

        let mut total = 0;
        for shop in &b.shops {
            let mut items = 0;
            let mut net = 0;
            for line in &shop.lines {
                let segments: i64 = line.segments.iter().map(|s| s.quantity * s.price.unit).sum();
                prop_assert_eq!(line.subtotal, segments);
                prop_assert_eq!(line.segments.iter().map(|s| s.quantity).sum::<i64>(), line.quantity);
                let shares: i64 = line.voucher_shares.iter().map(|(_, s)| s).sum();
                prop_assert_eq!(line.net, line.subtotal - shares);
                prop_assert!(line.net >= 0, "a discount made a line negative");
                items += line.subtotal;
                net += line.net;
            }
            prop_assert_eq!(shop.items_subtotal, items);
            let shop_discounts: i64 = shop.discounts.iter().map(|d| d.amount).sum();
            prop_assert_eq!(net, items - shop_discounts);
            prop_assert!(shop.shipping_discount <= shop.shipping);
            prop_assert_eq!(shop.total, net + shop.shipping - shop.shipping_discount);
            total += shop.total;
        }
        prop_assert_eq!(b.total, total);
        prop_assert_eq!(b.items_subtotal, b.shops.iter().map(|s| s.items_subtotal).sum::<i64>());
        let voucher_total: i64 = b.discounts.iter().filter(|d| d.source != DiscountSource::ShippingVoucher).map(|d| d.amount).sum();
        let shares_total: i64 = b.shops.iter().flat_map(|s| &s.lines).flat_map(|l| &l.voucher_shares).map(|(_, s)| s).sum();
        prop_assert_eq!(voucher_total, shares_total);
        prop_assert_eq!(b.total, b.items_subtotal - voucher_total + b.shipping - b.shipping_discount);
        for d in &b.discounts {
            let given = [&shop_voucher, &platform, &free]
                .into_iter()
                .flatten()
                .find(|v| v.id == d.voucher)
                .unwrap();
            if let Some(cap) = given.benefit.max_per_use() {
                prop_assert!(d.amount <= cap, "{:?} over its cap", d);
            }
            prop_assert!(d.amount > 0);
        }
    }
}

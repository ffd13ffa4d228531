//! The pricing function on a checkout-sized cart: 20 items over 4 shops,
//! each SKU with a discount, half with a flash sale, a seller voucher, a
//! platform voucher and a shipping voucher (the bound: ≤ 50 µs).
//!
//! Run: `cargo bench -p etalase-domain --bench pricing`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use etalase_domain::Timestamp;
use etalase_domain::id::{ProductId, PromotionId, SellerId, SkuId, VoucherId};
use etalase_domain::pricing::{
    Benefit, BuyerContext, Cart, CartLine, Channel, Issuer, Offer, OfferKind, OfferRule, Percent,
    Pricer, ShopCart, SkuPricing, Voucher, VoucherCode, Window,
};

fn at(s: i64) -> Timestamp {
    Timestamp::from_unix_millis(s * 1000)
}

fn window() -> Window {
    Window::new(at(0), at(1_000)).expect("a window")
}

fn skus() -> Vec<SkuPricing> {
    (0..20)
        .map(|i| {
            let base = 50_000 + i * 7_500;
            let mut offers = vec![Offer {
                promotion: PromotionId::generate(),
                kind: OfferKind::Discount,
                rule: OfferRule::PercentOff {
                    percent: Percent::new(10 + i % 20).expect("a percentage"),
                },
                window: window(),
            }];
            if i % 2 == 0 {
                offers.push(Offer {
                    promotion: PromotionId::generate(),
                    kind: OfferKind::FlashSale {
                        quota_left: 3,
                        per_buyer_limit: Some(2),
                    },
                    rule: OfferRule::Fixed { price: base / 2 },
                    window: window(),
                });
            }
            SkuPricing {
                sku: SkuId::generate(),
                base,
                compare_at: None,
                offers,
            }
        })
        .collect()
}

fn voucher(issuer: Issuer, benefit: Benefit) -> Voucher {
    Voucher {
        id: VoucherId::generate(),
        code: VoucherCode::parse("HEMAT10").expect("a code"),
        issuer,
        benefit,
        min_spend: 50_000,
        window: window(),
        products: None,
        quota_left: 100,
        buyer_uses_left: 1,
        deactivated: false,
    }
}

fn bench(c: &mut Criterion) {
    let skus = skus();
    let sellers: Vec<SellerId> = (0..4).map(|_| SellerId::generate()).collect();
    let shop_voucher = voucher(
        Issuer::Seller(sellers[0]),
        Benefit::AmountOff { amount: 15_000 },
    );
    let platform = voucher(
        Issuer::Platform,
        Benefit::PercentOff {
            percent: Percent::new(10).expect("a percentage"),
            cap: Some(25_000),
        },
    );
    let shipping = voucher(
        Issuer::Platform,
        Benefit::FreeShipping { cap: Some(20_000) },
    );
    let products: Vec<ProductId> = skus.iter().map(|_| ProductId::generate()).collect();
    let cart = Cart {
        shops: sellers
            .iter()
            .enumerate()
            .map(|(shop, seller)| ShopCart {
                seller: *seller,
                lines: (shop * 5..shop * 5 + 5)
                    .map(|i| CartLine {
                        product: products[i],
                        sku: &skus[i],
                        quantity: 1 + (i as i64 % 3),
                        channel: Channel::Shop,
                    })
                    .collect(),
                shipping: 18_000,
                voucher: (shop == 0).then_some(&shop_voucher),
            })
            .collect(),
        platform_voucher: Some(&platform),
        shipping_voucher: Some(&shipping),
    };
    let pricer = Pricer::default();
    let buyer = BuyerContext::anonymous();
    let breakdown = pricer.price_cart(&cart, &buyer, at(500));
    assert!(breakdown.refused.is_empty(), "{:?}", breakdown.refused);
    assert_eq!(breakdown.discounts.len(), 3);
    c.bench_function("price_cart/20 items, 3 vouchers, promotions", |b| {
        b.iter(|| pricer.price_cart(black_box(&cart), black_box(&buyer), black_box(at(500))))
    });
    c.bench_function("price/one SKU with a discount and a flash sale", |b| {
        b.iter(|| pricer.price(black_box(&skus[0]), &buyer, Channel::Shop, at(500)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Demo promotions and vouchers: a discount running on the batik shirt, a
//! flash sale running on a black T-shirt and another scheduled for
//! tomorrow, a public shop voucher, and two platform vouchers (one of them
//! free shipping, by code).

use etalase_domain::id::{ProductId, SellerId};
use etalase_store::accounts::User;
use etalase_store::catalog;
use etalase_store::pricing::{self as store, PromotionType};

use crate::pricing::promotions::{self, ItemInput, PromotionInput, RuleInput, SaveOptions, Target};
use crate::pricing::vouchers::{self, BenefitInput, Owner, VoucherInput};
use crate::teams::SellerScope;
use crate::{ServiceResult, Services};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

const GO: SaveOptions = SaveOptions {
    activate: true,
    confirm_warnings: true,
};

pub async fn load(
    svc: &Services,
    scope: &SellerScope,
    seller: SellerId,
    admin: &User,
) -> ServiceResult<()> {
    if !store::list_promotions(&svc.store, seller, 1)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let now = svc.now();
    let products =
        catalog::list_products(&svc.store, seller, &Default::default(), None, 50).await?;
    let titled = |prefix: &str| -> Option<ProductId> {
        products
            .iter()
            .find(|p| p.title.starts_with(prefix))
            .map(|p| p.id)
    };
    let (Some(kemeja), Some(kaos)) = (titled("Batik Sari Kemeja"), titled("Kaos Polos")) else {
        return Ok(());
    };
    promotions::create(
        svc,
        scope,
        &PromotionInput {
            kind: PromotionType::Discount,
            name: "Promo Akhir Tahun Batik".into(),
            starts_at: now.plus_seconds(-HOUR),
            ends_at: now.plus_seconds(30 * DAY),
            per_buyer_limit: None,
            items: vec![ItemInput {
                target: Target::Product(kemeja),
                rule: RuleInput::Percent(15),
                flash_quota: None,
            }],
        },
        GO,
    )
    .await?;
    let kaos_skus = catalog::skus_of(&svc.store, seller, kaos).await?;
    let sku = |code: &str| {
        kaos_skus
            .iter()
            .find(|s| s.code.as_deref() == Some(code))
            .map(|s| s.id)
    };
    if let (Some(black_m), Some(black_l)) = (sku("KAOS-H-M"), sku("KAOS-H-L")) {
        let flash = |name: &str, from: i64, to: i64, sku, price| PromotionInput {
            kind: PromotionType::FlashSale,
            name: name.into(),
            starts_at: now.plus_seconds(from),
            ends_at: now.plus_seconds(to),
            per_buyer_limit: Some(2),
            items: vec![ItemInput {
                target: Target::Sku(sku),
                rule: RuleInput::Price(price),
                flash_quota: Some(10),
            }],
        };
        promotions::create(
            svc,
            scope,
            &flash("Flash Sale Kaos Hitam", 0, 6 * HOUR, black_m, 39_000),
            GO,
        )
        .await?;
        promotions::create(
            svc,
            scope,
            &flash(
                "Flash Sale Besok Malam",
                DAY,
                DAY + 2 * HOUR,
                black_l,
                45_000,
            ),
            GO,
        )
        .await?;
    }
    let voucher = |name: &str, code: &str, benefit, min_spend, quota, public| VoucherInput {
        name: name.into(),
        code: code.into(),
        benefit,
        min_spend,
        starts_at: now,
        ends_at: now.plus_seconds(30 * DAY),
        products: None,
        quota,
        per_buyer_limit: 1,
        public,
    };
    vouchers::create(
        svc,
        Owner::Seller(scope),
        &voucher(
            "Voucher Toko Batik Sari",
            "BATIKSARI10",
            BenefitInput::Percent {
                percent: 10,
                cap: Some(30_000),
            },
            200_000,
            50,
            true,
        ),
        true,
        true,
    )
    .await?;
    if vouchers::list(svc, Owner::Platform(admin))
        .await?
        .is_empty()
    {
        vouchers::create(
            svc,
            Owner::Platform(admin),
            &voucher(
                "Hemat Etalase",
                "ETALASE5",
                BenefitInput::Percent {
                    percent: 5,
                    cap: Some(15_000),
                },
                100_000,
                1_000,
                true,
            ),
            true,
            true,
        )
        .await?;
        vouchers::create(
            svc,
            Owner::Platform(admin),
            &voucher(
                "Gratis Ongkir",
                "ONGKIR10",
                BenefitInput::FreeShipping { cap: Some(10_000) },
                50_000,
                1_000,
                // Public: the Shop's "Gratis ongkir" filter shows what it covers.
                true,
            ),
            true,
            true,
        )
        .await?;
    }
    Ok(())
}

//! A cart's price: each line at the one unit price, then the vouchers — one
//! per shop, one from the platform, one for shipping — then shipping, with
//! totals per shop and overall and every discount named.
//!
//! Rounding: all amounts are whole Rupiah. A percentage discount is rounded
//! down. A voucher's discount is split over the lines (and a platform or
//! shipping voucher over the shops) by largest remainder, so the shares add
//! up to the discount exactly and none takes a line below zero.

use serde::{Deserialize, Serialize};

use super::allocate::proportional;
use super::offer::OfferKind;
use super::unit::{BuyerContext, Channel, Pricer, SkuPricing, UnitPrice};
use super::voucher::{Slot, Voucher, VoucherProblem};
use crate::Timestamp;
use crate::id::{ProductId, PromotionId, SellerId, SkuId, VoucherId};

/// One line of a cart.
#[derive(Debug, Clone, Copy)]
pub struct CartLine<'a> {
    pub product: ProductId,
    pub sku: &'a SkuPricing,
    pub quantity: i64,
    /// Where the buyer added it from (a live's price holds only from it).
    pub channel: Channel,
}

/// One shop's part of a cart: one package.
#[derive(Debug, Clone)]
pub struct ShopCart<'a> {
    pub seller: SellerId,
    pub lines: Vec<CartLine<'a>>,
    /// The package's shipping cost (0 until one is chosen).
    pub shipping: i64,
    pub voucher: Option<&'a Voucher>,
}

#[derive(Debug, Clone)]
pub struct Cart<'a> {
    pub shops: Vec<ShopCart<'a>>,
    pub platform_voucher: Option<&'a Voucher>,
    pub shipping_voucher: Option<&'a Voucher>,
}

/// Units of a line at one unit price (a flash sale's price holds for its
/// quota and the buyer's limit; the rest of the line is priced without it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub quantity: i64,
    pub price: UnitPrice,
}

/// Where a discount comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscountSource {
    ShopVoucher,
    PlatformVoucher,
    ShippingVoucher,
}

/// One named discount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountLine {
    pub source: DiscountSource,
    pub voucher: VoucherId,
    pub code: String,
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineBreakdown {
    pub product: ProductId,
    pub sku: SkuId,
    pub quantity: i64,
    pub channel: Channel,
    pub segments: Vec<Segment>,
    /// The units at their prices.
    pub subtotal: i64,
    /// What promotions took off the base prices.
    pub promotion_savings: i64,
    /// This line's shares of the shop and platform vouchers.
    pub voucher_shares: Vec<(VoucherId, i64)>,
    /// The subtotal less the voucher shares: never below zero.
    pub net: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopBreakdown {
    pub seller: SellerId,
    pub lines: Vec<LineBreakdown>,
    pub items_subtotal: i64,
    /// The shop voucher and this shop's share of the platform voucher.
    pub discounts: Vec<DiscountLine>,
    pub shipping: i64,
    /// This shop's share of the shipping voucher.
    pub shipping_discount: i64,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartBreakdown {
    pub shops: Vec<ShopBreakdown>,
    pub items_subtotal: i64,
    pub promotion_savings: i64,
    /// Each voucher used, with its whole discount.
    pub discounts: Vec<DiscountLine>,
    pub shipping: i64,
    pub shipping_discount: i64,
    pub total: i64,
    /// Vouchers given that did not apply, and why.
    pub refused: Vec<(VoucherId, VoucherProblem)>,
    /// The next moment any price in it may change.
    pub changes_at: Option<Timestamp>,
}

impl Pricer {
    /// Prices a whole cart for `buyer` at `at`.
    pub fn price_cart(
        &self,
        cart: &Cart<'_>,
        buyer: &BuyerContext,
        at: Timestamp,
    ) -> CartBreakdown {
        let mut refused = Vec::new();
        let mut flash_used: Vec<(PromotionId, i64)> = Vec::new();
        let mut shops: Vec<ShopBreakdown> = cart
            .shops
            .iter()
            .map(|shop| {
                let lines = shop
                    .lines
                    .iter()
                    .map(|l| self.price_line(l, buyer, at, &mut flash_used))
                    .collect();
                ShopBreakdown {
                    seller: shop.seller,
                    lines,
                    items_subtotal: 0,
                    discounts: Vec::new(),
                    shipping: shop.shipping.max(0),
                    shipping_discount: 0,
                    total: 0,
                }
            })
            .collect();
        for (shop, input) in shops.iter_mut().zip(&cart.shops) {
            shop.items_subtotal = shop.lines.iter().map(|l| l.subtotal).sum();
            if let Some(voucher) = input.voucher {
                let covered = |l: &LineBreakdown| voucher.covers(shop.seller, l.product);
                match check(voucher, Slot::Shop, at) {
                    Err(problem) => refused.push((voucher.id, problem)),
                    Ok(()) => {
                        let mut targets: Vec<&mut LineBreakdown> =
                            shop.lines.iter_mut().filter(|l| covered(l)).collect();
                        match apply_to_lines(voucher, DiscountSource::ShopVoucher, &mut targets) {
                            Ok(line) => shop.discounts.push(line),
                            Err(problem) => refused.push((voucher.id, problem)),
                        }
                    }
                }
            }
        }
        let mut discounts: Vec<DiscountLine> =
            shops.iter().flat_map(|s| s.discounts.clone()).collect();
        if let Some(voucher) = cart.platform_voucher {
            match check(voucher, Slot::Platform, at) {
                Err(problem) => refused.push((voucher.id, problem)),
                Ok(()) => {
                    let mut targets: Vec<&mut LineBreakdown> = shops
                        .iter_mut()
                        .flat_map(|s| {
                            let seller = s.seller;
                            s.lines
                                .iter_mut()
                                .filter(move |l| voucher.covers(seller, l.product))
                        })
                        .collect();
                    match apply_to_lines(voucher, DiscountSource::PlatformVoucher, &mut targets) {
                        Ok(line) => {
                            for shop in shops.iter_mut() {
                                let share = shop_share(shop, voucher.id);
                                if share > 0 {
                                    shop.discounts.push(DiscountLine {
                                        amount: share,
                                        ..line.clone()
                                    });
                                }
                            }
                            discounts.push(line);
                        }
                        Err(problem) => refused.push((voucher.id, problem)),
                    }
                }
            }
        }
        let shipping: i64 = shops.iter().map(|s| s.shipping).sum();
        if let Some(voucher) = cart.shipping_voucher {
            let outcome = check(voucher, Slot::Shipping, at).and_then(|()| {
                let items: i64 = shops.iter().map(net_of).sum();
                meets_min_spend(voucher, items)?;
                let off = voucher.benefit.discount_on(shipping);
                (off > 0)
                    .then_some(off)
                    .ok_or(VoucherProblem::NothingCovered)
            });
            match outcome {
                Err(problem) => refused.push((voucher.id, problem)),
                Ok(off) => {
                    let weights: Vec<i64> = shops.iter().map(|s| s.shipping).collect();
                    for (shop, share) in shops.iter_mut().zip(proportional(off, &weights)) {
                        shop.shipping_discount = share;
                    }
                    discounts.push(DiscountLine {
                        source: DiscountSource::ShippingVoucher,
                        voucher: voucher.id,
                        code: voucher.code.to_string(),
                        amount: off,
                    });
                }
            }
        }
        for shop in shops.iter_mut() {
            shop.total = net_of(shop) + shop.shipping - shop.shipping_discount;
        }
        let changes_at = shops
            .iter()
            .flat_map(|s| &s.lines)
            .flat_map(|l| &l.segments)
            .filter_map(|s| s.price.changes_at)
            .chain(
                [cart.platform_voucher, cart.shipping_voucher]
                    .into_iter()
                    .chain(cart.shops.iter().map(|s| s.voucher))
                    .flatten()
                    .flat_map(|v| [Some(v.window.starts_at), v.window.ends_at])
                    .flatten()
                    .filter(|t| *t > at),
            )
            .min();
        CartBreakdown {
            items_subtotal: shops.iter().map(|s| s.items_subtotal).sum(),
            promotion_savings: shops
                .iter()
                .flat_map(|s| &s.lines)
                .map(|l| l.promotion_savings)
                .sum(),
            shipping,
            shipping_discount: shops.iter().map(|s| s.shipping_discount).sum(),
            total: shops.iter().map(|s| s.total).sum(),
            discounts,
            refused,
            changes_at,
            shops,
        }
    }

    /// A line at the unit price; when a flash sale's quota or the buyer's
    /// limit covers only part of it (counting earlier lines of the same
    /// sale), the rest is priced without that sale.
    fn price_line(
        &self,
        line: &CartLine<'_>,
        buyer: &BuyerContext,
        at: Timestamp,
        flash_used: &mut Vec<(PromotionId, i64)>,
    ) -> LineBreakdown {
        let quantity = line.quantity.max(0);
        let mut in_cart = buyer.clone();
        for (promotion, units) in flash_used.iter() {
            *in_cart.flash_bought.entry(*promotion).or_default() += units;
        }
        let first = self.price(line.sku, &in_cart, line.channel, at);
        let flash = first.applied.as_ref().and_then(|a| match a.kind {
            OfferKind::FlashSale {
                quota_left,
                per_buyer_limit,
            } => {
                let used_here = flash_used
                    .iter()
                    .filter(|(p, _)| *p == a.promotion)
                    .map(|(_, u)| u)
                    .sum::<i64>();
                let by_quota = quota_left - used_here;
                let by_buyer =
                    per_buyer_limit.map_or(i64::MAX, |limit| limit - in_cart.bought(a.promotion));
                Some((a.promotion, by_quota.min(by_buyer).max(0)))
            }
            _ => None,
        });
        let segments = match flash {
            Some((promotion, allowed)) if allowed < quantity => {
                flash_used.push((promotion, allowed));
                let rest = self.price_where(line.sku, &in_cart, line.channel, at, |o| {
                    o.promotion != promotion
                });
                [
                    Segment {
                        quantity: allowed,
                        price: first,
                    },
                    Segment {
                        quantity: quantity - allowed,
                        price: rest,
                    },
                ]
                .into_iter()
                .filter(|s| s.quantity > 0)
                .collect()
            }
            Some((promotion, _)) => {
                flash_used.push((promotion, quantity));
                vec![Segment {
                    quantity,
                    price: first,
                }]
            }
            None => vec![Segment {
                quantity,
                price: first,
            }],
        };
        let subtotal = segments.iter().map(|s| s.quantity * s.price.unit).sum();
        let promotion_savings = segments
            .iter()
            .map(|s| s.quantity * (s.price.base - s.price.unit))
            .sum();
        LineBreakdown {
            product: line.product,
            sku: line.sku.sku,
            quantity,
            channel: line.channel,
            segments,
            subtotal,
            promotion_savings,
            voucher_shares: Vec::new(),
            net: subtotal,
        }
    }
}

/// Whether a voucher may be used now, in this place.
fn check(voucher: &Voucher, slot: Slot, at: Timestamp) -> Result<(), VoucherProblem> {
    if voucher.slot() != slot {
        return Err(VoucherProblem::WrongSlot);
    }
    voucher.unusable(at).map_or(Ok(()), Err)
}

fn meets_min_spend(voucher: &Voucher, eligible: i64) -> Result<(), VoucherProblem> {
    if eligible < voucher.min_spend {
        return Err(VoucherProblem::MinSpendNotMet {
            short_by: voucher.min_spend - eligible,
        });
    }
    Ok(())
}

/// Takes a voucher's discount off the lines it covers (split by what is
/// left of each line), and names it.
fn apply_to_lines(
    voucher: &Voucher,
    source: DiscountSource,
    lines: &mut [&mut LineBreakdown],
) -> Result<DiscountLine, VoucherProblem> {
    if lines.is_empty() {
        return Err(VoucherProblem::NothingCovered);
    }
    let eligible: i64 = lines.iter().map(|l| l.net).sum();
    meets_min_spend(voucher, eligible)?;
    let off = voucher.benefit.discount_on(eligible);
    if off == 0 {
        return Err(VoucherProblem::NothingCovered);
    }
    let weights: Vec<i64> = lines.iter().map(|l| l.net).collect();
    for (line, share) in lines.iter_mut().zip(proportional(off, &weights)) {
        if share > 0 {
            line.voucher_shares.push((voucher.id, share));
            line.net -= share;
        }
    }
    Ok(DiscountLine {
        source,
        voucher: voucher.id,
        code: voucher.code.to_string(),
        amount: off,
    })
}

fn shop_share(shop: &ShopBreakdown, voucher: VoucherId) -> i64 {
    shop.lines
        .iter()
        .flat_map(|l| &l.voucher_shares)
        .filter(|(v, _)| *v == voucher)
        .map(|(_, s)| s)
        .sum()
}

fn net_of(shop: &ShopBreakdown) -> i64 {
    shop.lines.iter().map(|l| l.net).sum()
}

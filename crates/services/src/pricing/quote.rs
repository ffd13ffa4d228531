//! "What would this cart cost now": the pricing function over the system
//! of record — SKU prices, the offers that hold, vouchers with their
//! counters and what the buyer holds of them. Checkout prices the same way
//! inside its transaction, so a quote and an order agree.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use etalase_domain::id::{ProductId, PromotionId, SellerId, SkuId, UserId, VoucherId};
use etalase_domain::pricing::{
    BuyerContext, Cart, CartBreakdown, CartLine, Channel, Issuer, ShopCart, SkuPricing, Slot,
    Voucher, VoucherCode, VoucherProblem,
};
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::Reader;
use etalase_store::catalog::{self, Sku};
use etalase_store::checkout::{self, Sellable};
use etalase_store::pricing::{self as store, Holding, StoredVoucher};

use super::kept::{KeptSkuReads, SkuReads};
use crate::{FieldError, ServiceError, ServiceResult, Services};

/// A line asked for.
#[derive(Debug, Clone, Copy)]
pub struct QuoteLine {
    pub sku: SkuId,
    pub quantity: i64,
    pub channel: Channel,
}

#[derive(Debug, Clone, Default)]
pub struct QuoteRequest {
    pub lines: Vec<QuoteLine>,
    /// Voucher codes typed or picked, at most one per place (a shop's, the
    /// platform's, shipping); their places follow from the vouchers.
    pub voucher_codes: Vec<String>,
    /// Shipping per shop, when chosen (the checkout's shipping quotes).
    pub shipping: Vec<(SellerId, i64)>,
}

/// A SKU as a quote names it, with what checkout needs of it.
#[derive(Debug, Clone)]
pub struct QuotedSku {
    pub title: String,
    pub label: String,
    pub seller: SellerId,
    pub shop_name: String,
    pub product: ProductId,
    /// Units in stock as the quote read them.
    pub stock: i64,
    pub cod_allowed: bool,
    /// Where the shop's packages leave from.
    pub origin_district: Option<String>,
    /// Days the seller needs to make it (a pre-order), if any.
    pub preorder_days: Option<i32>,
    pub weight_grams: Option<i32>,
    pub dimensions: Option<(i32, i32, i32)>,
}

#[derive(Debug, Clone)]
pub struct Quote {
    pub at: Timestamp,
    pub breakdown: CartBreakdown,
    pub skus: BTreeMap<SkuId, QuotedSku>,
    /// Codes that matched no voucher.
    pub unknown_codes: Vec<String>,
}

/// The quantity one line may ask for.
const MAX_QUANTITY: i64 = 999;

/// Prices a cart now for `buyer` (none for a guest), to show it: the SKU
/// reads may be those this node keeps ([`kept`](super::kept)).
pub async fn quote(
    svc: &Services,
    buyer: Option<UserId>,
    request: &QuoteRequest,
) -> ServiceResult<Quote> {
    let mut reader = Reader::from(&svc.store);
    let source = SkuSource::Kept(&svc.kept_sku_reads);
    let inputs = gather(&mut reader, buyer, request, svc.now(), source, None).await?;
    Ok(inputs.price(svc, &request.shipping))
}

/// Everything a price depends on, read once: checkout reads it, works out
/// the shipping from the SKUs' weights, then prices.
pub struct QuoteInputs {
    pub at: Timestamp,
    pub lines: Vec<QuoteLine>,
    pub skus: BTreeMap<SkuId, QuotedSku>,
    pricing: HashMap<SkuId, SkuPricing>,
    buyer: BuyerContext,
    /// The vouchers given, as pricing sees them for this buyer.
    pub vouchers: Vec<Voucher>,
    /// The same vouchers as stored (their limits, for using them).
    pub stored_vouchers: Vec<StoredVoucher>,
    pub unknown_codes: Vec<String>,
}

/// The SKU reads that the orders of one batch share, by set of SKUs (a
/// flash sale's thousand orders of one SKU read it once). Only for a batch
/// whose orders all price at one instant. The stock and flash units read
/// here go stale as the batch's orders take them: an order's own
/// conditional writes refuse what is no longer there, whatever the quote
/// read.
#[derive(Default)]
pub struct SharedReads(HashMap<Vec<SkuId>, Arc<SkuReads>>);

/// Where a quote's SKU reads come from.
pub enum SkuSource<'s> {
    /// From the reads this node keeps, for a quote or summary shown and
    /// never charged (placing prices again in its transaction).
    Kept(&'s KeptSkuReads),
    /// Shared by the orders of one batch, all priced at one instant.
    Batch(&'s mut SharedReads),
}

async fn read_skus(
    reader: &mut Reader<'_>,
    ids: &[SkuId],
    now: Timestamp,
) -> ServiceResult<SkuReads> {
    let found: HashMap<SkuId, (SellerId, Sku)> = catalog::skus_by_ids(reader.reborrow(), ids)
        .await?
        .into_iter()
        .map(|(seller, sku)| (sku.id, (seller, sku)))
        .collect();
    let products: Vec<ProductId> = found.values().map(|(_, sku)| sku.product_id).collect();
    let sellable: HashMap<ProductId, Sellable> =
        checkout::sellable_products(reader.reborrow(), &products)
            .await?
            .into_iter()
            .map(|s| (s.product, s))
            .collect();
    let mut offers = store::live_offers_of_skus(reader.reborrow(), ids, now).await?;
    // Lives' own prices hold only on their live (the pricing function
    // checks the line's channel), only while the live is on air.
    offers.extend(etalase_store::lives::prices::offers_of_skus(reader.reborrow(), ids, now).await?);
    Ok(SkuReads {
        found,
        sellable,
        offers,
    })
}

/// Reads the inputs of a quote, the SKU reads from `source`, and the
/// buyer's flash-sale counts from `flash_bought` when the caller read them
/// already (all of the buyer's sales); a line whose SKU cannot be bought is
/// a field error naming the line.
pub async fn gather(
    reader: &mut Reader<'_>,
    buyer: Option<UserId>,
    request: &QuoteRequest,
    now: Timestamp,
    source: SkuSource<'_>,
    flash_bought: Option<Vec<(PromotionId, i64)>>,
) -> ServiceResult<QuoteInputs> {
    validate(request)?;
    let ids: Vec<SkuId> = request.lines.iter().map(|l| l.sku).collect();
    let mut key = ids.clone();
    key.sort();
    key.dedup();
    let reads = match source {
        SkuSource::Kept(kept) => {
            kept.get_or_read(key, || read_skus(&mut *reader, &ids, now))
                .await?
        }
        SkuSource::Batch(shared) => match shared.0.get(&key) {
            Some(reads) => reads.clone(),
            None => {
                let reads = Arc::new(read_skus(reader, &ids, now).await?);
                shared.0.insert(key, reads.clone());
                reads
            }
        },
    };
    let SkuReads {
        found,
        sellable,
        offers,
    } = &*reads;
    let mut skus = BTreeMap::new();
    let mut problems = Vec::new();
    for (n, line) in request.lines.iter().enumerate() {
        let product = match found.get(&line.sku) {
            Some((_, sku)) if sku.price.is_some() => sellable.get(&sku.product_id),
            _ => None,
        };
        match (found.get(&line.sku), product) {
            (Some((seller, sku)), Some(product)) => {
                skus.insert(
                    sku.id,
                    QuotedSku {
                        title: product.title.clone(),
                        label: super::sku_label(&product.title, &sku.combination),
                        seller: *seller,
                        shop_name: product.shop_name.clone(),
                        product: sku.product_id,
                        stock: sku.stock,
                        cod_allowed: product.cod_allowed,
                        origin_district: product.origin_district.clone(),
                        preorder_days: product.preorder_days,
                        weight_grams: sku.weight_grams,
                        dimensions: sku.dimensions,
                    },
                );
            }
            _ => problems.push(FieldError::new(
                format!("lines[{n}].sku"),
                ErrorCode::SkuUnavailable,
            )),
        }
    }
    if !problems.is_empty() {
        return Err(ServiceError::fields(problems));
    }
    let pricing: HashMap<SkuId, SkuPricing> = found
        .values()
        .map(|(_, sku)| {
            let pricing = SkuPricing {
                sku: sku.id,
                base: sku.price.unwrap_or_default(),
                compare_at: sku.original_price,
                offers: offers
                    .iter()
                    .filter(|o| o.sku_id == sku.id)
                    .map(|o| o.offer)
                    .collect(),
            };
            (sku.id, pricing)
        })
        .collect();
    let buyer_context = match buyer {
        Some(buyer) => {
            let promotions: Vec<PromotionId> = offers.iter().map(|o| o.offer.promotion).collect();
            let bought = match flash_bought {
                Some(known) => known
                    .into_iter()
                    .filter(|(p, _)| promotions.contains(p))
                    .collect(),
                None => {
                    store::flash_units_bought(reader.reborrow(), &buyer.to_string(), &promotions)
                        .await?
                }
            };
            BuyerContext {
                flash_bought: bought.into_iter().collect(),
            }
        }
        None => BuyerContext::anonymous(),
    };
    let (vouchers, stored_vouchers, unknown_codes) =
        vouchers_for(reader, buyer, &request.voucher_codes).await?;
    Ok(QuoteInputs {
        at: now,
        lines: request.lines.clone(),
        skus,
        pricing,
        buyer: buyer_context,
        vouchers,
        stored_vouchers,
        unknown_codes,
    })
}

impl QuoteInputs {
    /// The one pricing function over these inputs, with `shipping` per shop.
    pub fn price(&self, svc: &Services, shipping: &[(SellerId, i64)]) -> Quote {
        let mut shops: Vec<ShopCart<'_>> = Vec::new();
        for line in &self.lines {
            let sku = &self.skus[&line.sku];
            let cart_line = CartLine {
                product: sku.product,
                sku: &self.pricing[&line.sku],
                quantity: line.quantity,
                channel: line.channel,
            };
            match shops.iter_mut().find(|s| s.seller == sku.seller) {
                Some(shop) => shop.lines.push(cart_line),
                None => shops.push(ShopCart {
                    seller: sku.seller,
                    lines: vec![cart_line],
                    shipping: shipping
                        .iter()
                        .find(|(s, _)| *s == sku.seller)
                        .map_or(0, |(_, cost)| *cost),
                    voucher: None,
                }),
            }
        }
        let mut cart = Cart {
            shops,
            platform_voucher: None,
            shipping_voucher: None,
        };
        let mut refused: Vec<(VoucherId, VoucherProblem)> = Vec::new();
        for voucher in &self.vouchers {
            let taken = match (voucher.slot(), voucher.issuer) {
                (Slot::Shop, Issuer::Seller(seller)) => {
                    match cart.shops.iter_mut().find(|s| s.seller == seller) {
                        Some(shop) if shop.voucher.is_none() => {
                            shop.voucher = Some(voucher);
                            false
                        }
                        Some(_) => true,
                        None => {
                            refused.push((voucher.id, VoucherProblem::NothingCovered));
                            continue;
                        }
                    }
                }
                (Slot::Platform, _) => !place(&mut cart.platform_voucher, voucher),
                (Slot::Shipping, _) => !place(&mut cart.shipping_voucher, voucher),
                (Slot::Shop, Issuer::Platform) => true,
            };
            if taken {
                // One voucher per place: the first one given stays.
                refused.push((voucher.id, VoucherProblem::SlotTaken));
            }
        }
        let mut breakdown = svc.config.pricer.price_cart(&cart, &self.buyer, self.at);
        refused.append(&mut breakdown.refused);
        breakdown.refused = refused;
        Quote {
            at: self.at,
            breakdown,
            skus: self.skus.clone(),
            unknown_codes: self.unknown_codes.clone(),
        }
    }
}

/// Puts a voucher in an empty place; false when the place is taken.
fn place<'a>(slot: &mut Option<&'a Voucher>, voucher: &'a Voucher) -> bool {
    if slot.is_some() {
        return false;
    }
    *slot = Some(voucher);
    true
}

fn validate(request: &QuoteRequest) -> ServiceResult<()> {
    if request.lines.is_empty() {
        return Err(ServiceError::field("lines", ErrorCode::NothingSelected));
    }
    let problems: Vec<FieldError> = request
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !(1..=MAX_QUANTITY).contains(&l.quantity))
        .map(|(n, _)| {
            FieldError::new(
                format!("lines[{n}].quantity"),
                ErrorCode::QuantityOutOfRange,
            )
        })
        .chain(
            request
                .shipping
                .iter()
                .enumerate()
                .filter(|(_, (_, cost))| !(0..=100_000_000).contains(cost))
                .map(|(n, _)| {
                    FieldError::new(format!("shipping[{n}]"), ErrorCode::VoucherAmountOutOfRange)
                }),
        )
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::fields(problems))
    }
}

/// The vouchers behind the codes, as pricing sees them for this buyer.
async fn vouchers_for(
    reader: &mut Reader<'_>,
    buyer: Option<UserId>,
    codes: &[String],
) -> ServiceResult<(Vec<Voucher>, Vec<StoredVoucher>, Vec<String>)> {
    let mut stored: Vec<StoredVoucher> = Vec::new();
    let mut unknown = Vec::new();
    for (n, text) in codes.iter().enumerate() {
        let code = VoucherCode::parse(text)
            .map_err(|c| ServiceError::field(format!("vouchers[{n}]"), c))?;
        match store::voucher_by_code(reader.reborrow(), &code).await? {
            Some(v) if v.activated_at.is_some() => {
                if !stored.iter().any(|s| s.id == v.id) {
                    stored.push(v);
                }
            }
            _ => unknown.push(code.to_string()),
        }
    }
    let ids: Vec<VoucherId> = stored.iter().map(|v| v.id).collect();
    let held: HashMap<VoucherId, Holding> = match buyer {
        Some(buyer) => store::holdings(reader.reborrow(), buyer, &ids)
            .await?
            .into_iter()
            .collect(),
        None => HashMap::new(),
    };
    let vouchers = stored
        .iter()
        .map(|v| {
            let holding = held.get(&v.id).copied().unwrap_or_default();
            for_buyer(v, holding)
        })
        .collect();
    Ok((vouchers, stored, unknown))
}

/// A stored voucher as pricing sees it for a buyer holding `holding`: a
/// claim not yet used keeps its place in the quota.
pub fn for_buyer(v: &StoredVoucher, holding: Holding) -> Voucher {
    let unused_claims = holding.claimed - holding.used;
    Voucher {
        id: v.id,
        code: v.code.clone(),
        issuer: v.issuer,
        benefit: v.benefit,
        min_spend: v.min_spend,
        window: v.window,
        products: v.products.clone(),
        quota_left: if unused_claims > 0 {
            unused_claims
        } else {
            v.quota - v.claimed
        },
        buyer_uses_left: v.per_buyer_limit - holding.used,
        deactivated: v.deactivated_at.is_some(),
    }
}

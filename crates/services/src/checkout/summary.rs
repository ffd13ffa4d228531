//! The checkout summary: the cart's selected lines priced by the one
//! pricing function, one package per shop with its shipping options and
//! the one chosen, the delivery address, the payment method — and a version
//! naming all of it that matters to what the buyer pays. Placing an order
//! recomputes the summary inside its transaction and compares versions.

use etalase_domain::ErrorCode;
use etalase_domain::Timestamp;
use etalase_domain::catalog::sku::{Dimensions, WeightGrams};
use etalase_domain::checkout::{PaymentMethod, Source};
use etalase_domain::id::{AddressId, CartId, SellerId, SkuId, UserId, VoucherId};
use etalase_domain::shipping::{Parcel, ParcelItem, Service, ShippingOption};
use etalase_store::Reader;
use etalase_store::checkout::{
    self as store, BuyerAtCheckout, CartOwner, StoredAddress, StoredCartLine,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::batch::Shared;
use crate::pricing::quote::{self, Quote, QuoteInputs, QuoteLine, QuoteRequest, SkuSource};
use crate::{ServiceError, ServiceResult, Services};

/// What the buyer chose on the checkout page.
#[derive(Debug, Clone)]
pub struct CheckoutChoice {
    /// The delivery address; the default one when none is given.
    pub address: Option<AddressId>,
    /// A shipping service per shop; the cheapest when none is given.
    pub services: Vec<(SellerId, Service)>,
    pub voucher_codes: Vec<String>,
    pub method: PaymentMethod,
}

impl Default for CheckoutChoice {
    fn default() -> Self {
        CheckoutChoice {
            address: None,
            services: Vec::new(),
            voucher_codes: Vec::new(),
            method: PaymentMethod::Gateway,
        }
    }
}

/// One shop's package.
#[derive(Debug, Clone)]
pub struct Package {
    pub seller: SellerId,
    pub shop_name: String,
    /// Where it ships from (a regency code), when the shop has said.
    pub origin: Option<String>,
    pub options: Vec<ShippingOption>,
    pub chosen: Option<ShippingOption>,
    /// Every product in it allows COD.
    pub products_allow_cod: bool,
    /// The longest pre-order time of its products, in working days.
    pub preorder_days: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct CheckoutSummary {
    /// The buyer's cart the lines come from.
    pub cart: CartId,
    pub lines: Vec<(StoredCartLine, QuoteLine)>,
    pub quote: Quote,
    pub packages: Vec<Package>,
    pub address: Option<StoredAddress>,
    pub method: PaymentMethod,
    /// Why COD cannot pay this checkout, if it cannot.
    pub cod_refusal: Option<ErrorCode>,
    /// Why it cannot be placed as it is (no address, a shop that cannot
    /// ship, a line short of stock…), named by field.
    pub problems: Vec<(String, ErrorCode)>,
    /// Names everything the buyer pays for; equal versions, equal charges.
    pub version: String,
    /// The vouchers read, with their per-buyer limits (for using them).
    pub vouchers: Vec<(VoucherId, i64)>,
}

impl CheckoutSummary {
    pub fn total(&self) -> i64 {
        self.quote.breakdown.total
    }
}

/// What a summary is for, which decides where its reads come from.
pub enum Purpose<'s> {
    /// Shown to the buyer, with what was read of them
    /// ([`store::buyer_at_checkout`]): its SKU reads may be those this node
    /// keeps ([`kept`](crate::pricing::kept)); placing prices everything
    /// again.
    Shown(BuyerAtCheckout),
    /// Priced again by a placing, inside its batch's transaction, with
    /// what the batch shares: the SKU reads, and what it read of this buyer
    /// as it began.
    Placing(&'s mut Shared),
}

/// The summary of a buyer's selected cart lines now, to show them.
pub async fn summary(
    svc: &Services,
    buyer: UserId,
    choice: &CheckoutChoice,
) -> ServiceResult<CheckoutSummary> {
    let known = store::buyer_at_checkout(&svc.store, buyer).await?;
    let mut reader = Reader::from(&svc.store);
    let purpose = Purpose::Shown(known);
    summary_with(svc, &mut reader, buyer, choice, svc.now(), purpose).await
}

/// The summary over what `reader` sees at `now` (the placing transaction
/// passes itself).
pub async fn summary_with(
    svc: &Services,
    reader: &mut Reader<'_>,
    buyer: UserId,
    choice: &CheckoutChoice,
    now: Timestamp,
    purpose: Purpose<'_>,
) -> ServiceResult<CheckoutSummary> {
    let (sku_source, known) = match purpose {
        Purpose::Placing(shared) => (
            SkuSource::Batch(&mut shared.reads),
            shared.buyers.take(buyer),
        ),
        Purpose::Shown(known) => (SkuSource::Kept(&svc.kept_sku_reads), Some(known)),
    };
    let (cart, addresses, flash_bought) = match known {
        Some(known) => (known.cart, Some(known.addresses), Some(known.flash_bought)),
        None => (
            store::cart_with_lines(reader.reborrow(), &CartOwner::Buyer(buyer)).await?,
            None,
            None,
        ),
    };
    let (cart, cart_lines) = cart.ok_or(ErrorCode::CartEmpty)?;
    let cart_lines: Vec<StoredCartLine> = cart_lines.into_iter().filter(|l| l.selected).collect();
    if cart_lines.is_empty() {
        return Err(ErrorCode::CartEmpty.into());
    }
    let lines: Vec<(StoredCartLine, QuoteLine)> = cart_lines
        .into_iter()
        .map(|l| {
            let q = QuoteLine {
                sku: l.sku,
                quantity: l.quantity,
                channel: l.source.channel(),
            };
            (l, q)
        })
        .collect();
    let request = QuoteRequest {
        lines: lines.iter().map(|(_, q)| *q).collect(),
        voucher_codes: choice.voucher_codes.clone(),
        shipping: Vec::new(),
    };
    let inputs =
        quote::gather(reader, Some(buyer), &request, now, sku_source, flash_bought).await?;
    let address = match choice.address {
        Some(id) => {
            let chosen = match addresses {
                Some(known) => known.into_iter().find(|a| a.id == id),
                None => store::address_of(reader.reborrow(), buyer, id).await?,
            };
            Some(chosen.ok_or_else(|| ServiceError::field("address", ErrorCode::NotFound))?)
        }
        None => {
            let all = match addresses {
                Some(known) => known,
                None => store::addresses_of(reader.reborrow(), buyer).await?,
            };
            all.into_iter().find(|a| a.is_default)
        }
    };
    let packages = packages(svc, &inputs, address.as_ref(), &choice.services);
    let shipping: Vec<(SellerId, i64)> = packages
        .iter()
        .filter_map(|p| p.chosen.as_ref().map(|o| (p.seller, o.cost)))
        .collect();
    let quote = inputs.price(svc, &shipping);
    let mut problems = Vec::new();
    if address.is_none() {
        problems.push(("address".to_string(), ErrorCode::AddressRequired));
    }
    for p in &packages {
        if address.is_some() && p.chosen.is_none() {
            let code = if p.origin.is_none() {
                ErrorCode::ShopCannotShip
            } else {
                ErrorCode::ShippingUnavailable
            };
            problems.push((format!("shipping.{}", p.seller), code));
        }
    }
    for (n, (_, line)) in lines.iter().enumerate() {
        let stock = inputs.skus[&line.sku].stock;
        if stock < line.quantity {
            let code = if stock == 0 {
                ErrorCode::OutOfStock
            } else {
                ErrorCode::StockShort
            };
            problems.push((format!("lines[{n}]"), code));
        }
    }
    let cod_refusal = cod_refusal(svc, &packages, quote.breakdown.total);
    if choice.method == PaymentMethod::Cod
        && let Some(code) = cod_refusal
    {
        problems.push(("method".to_string(), code));
    }
    let version = version_of(&lines, &quote, &packages, address.as_ref(), choice.method);
    Ok(CheckoutSummary {
        cart,
        lines,
        quote,
        packages,
        address,
        method: choice.method,
        cod_refusal,
        problems,
        version,
        vouchers: inputs
            .stored_vouchers
            .iter()
            .map(|v| (v.id, v.per_buyer_limit))
            .collect(),
    })
}

/// One package per shop, in the order the shops first appear in the cart.
fn packages(
    svc: &Services,
    inputs: &QuoteInputs,
    address: Option<&StoredAddress>,
    chosen: &[(SellerId, Service)],
) -> Vec<Package> {
    let mut sellers: Vec<SellerId> = Vec::new();
    for line in &inputs.lines {
        let seller = inputs.skus[&line.sku].seller;
        if !sellers.contains(&seller) {
            sellers.push(seller);
        }
    }
    sellers
        .into_iter()
        .map(|seller| {
            let lines: Vec<&QuoteLine> = inputs
                .lines
                .iter()
                .filter(|l| inputs.skus[&l.sku].seller == seller)
                .collect();
            let first = &inputs.skus[&lines[0].sku];
            let origin = first
                .origin_district
                .as_deref()
                .filter(|d| d.len() >= 4)
                .map(|d| d[..4].to_string());
            let parcel = parcel_of(inputs, &lines);
            let options = match (&origin, address, parcel) {
                (Some(origin), Some(address), Some(parcel)) => svc
                    .config
                    .shipping_rates
                    .quote(origin, address.address.regency_code(), &parcel)
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            let wanted = chosen.iter().find(|(s, _)| *s == seller).map(|(_, s)| *s);
            let pick = match wanted {
                Some(service) => options.iter().find(|o| o.service == service),
                None => options.first(),
            }
            .cloned();
            Package {
                seller,
                shop_name: first.shop_name.clone(),
                origin,
                products_allow_cod: lines.iter().all(|l| inputs.skus[&l.sku].cod_allowed),
                preorder_days: lines
                    .iter()
                    .filter_map(|l| inputs.skus[&l.sku].preorder_days)
                    .max(),
                options,
                chosen: pick,
            }
        })
        .collect()
}

/// A shop's lines as one parcel; none while a SKU has no weight.
fn parcel_of(inputs: &QuoteInputs, lines: &[&QuoteLine]) -> Option<Parcel> {
    let items = lines
        .iter()
        .map(|l| {
            let sku = &inputs.skus[&l.sku];
            let weight = WeightGrams::new(i64::from(sku.weight_grams?)).ok()?;
            let dimensions = sku.dimensions.and_then(|(a, b, c)| {
                Dimensions::new(i64::from(a), i64::from(b), i64::from(c)).ok()
            });
            ParcelItem::new(weight, dimensions, l.quantity).ok()
        })
        .collect::<Option<Vec<_>>>()?;
    Parcel::new(items).ok()
}

fn cod_refusal(svc: &Services, packages: &[Package], total: i64) -> Option<ErrorCode> {
    let every_package_allows = packages
        .iter()
        .all(|p| p.products_allow_cod && p.chosen.as_ref().is_some_and(|o| o.cod_available));
    if !every_package_allows {
        Some(ErrorCode::CodNotAllowed)
    } else if total > svc.config.payments.cod_max_total {
        Some(ErrorCode::CodAmountTooHigh)
    } else {
        None
    }
}

/// What a version names: the units and their prices, every discount,
/// each package's service and cost, where it goes and how it is paid.
/// Flash quotas left and promotion end times are left out: they move with
/// other buyers' orders without changing this buyer's charge.
#[derive(Serialize)]
struct Fingerprint<'a> {
    lines: Vec<FingerprintLine>,
    discounts: Vec<(String, i64)>,
    shops: Vec<(SellerId, i64, i64, i64)>,
    shipping: Vec<(SellerId, Option<&'a str>, Option<i64>)>,
    address: Option<(&'a str, &'a etalase_domain::checkout::DeliveryAddress)>,
    method: &'a str,
    total: i64,
}

#[derive(Serialize)]
struct FingerprintLine {
    sku: SkuId,
    quantity: i64,
    source: Source,
    /// Units at each unit price.
    segments: Vec<(i64, i64)>,
}

fn version_of(
    lines: &[(StoredCartLine, QuoteLine)],
    quote: &Quote,
    packages: &[Package],
    address: Option<&StoredAddress>,
    method: PaymentMethod,
) -> String {
    let breakdown = &quote.breakdown;
    let priced = breakdown.shops.iter().flat_map(|s| s.lines.iter());
    let address_id = address.map(|a| a.id.to_string());
    let fingerprint = Fingerprint {
        lines: priced
            .map(|line| {
                let source = lines
                    .iter()
                    .find(|(cart, _)| cart.sku == line.sku)
                    .map_or(Source::ProductPage, |(cart, _)| cart.source);
                FingerprintLine {
                    sku: line.sku,
                    quantity: line.quantity,
                    source,
                    segments: line
                        .segments
                        .iter()
                        .map(|s| (s.quantity, s.price.unit))
                        .collect(),
                }
            })
            .collect(),
        discounts: breakdown
            .discounts
            .iter()
            .map(|d| (d.voucher.to_string(), d.amount))
            .collect(),
        shops: breakdown
            .shops
            .iter()
            .map(|s| (s.seller, s.shipping, s.shipping_discount, s.total))
            .collect(),
        shipping: packages
            .iter()
            .map(|p| {
                (
                    p.seller,
                    p.chosen.as_ref().map(|o| o.service.code()),
                    p.chosen.as_ref().map(|o| o.cost),
                )
            })
            .collect(),
        address: address_id.as_deref().zip(address.map(|a| &a.address)),
        method: method.as_str(),
        total: breakdown.total,
    };
    let text = serde_json::to_string(&fingerprint).unwrap_or_default();
    let digest = Sha256::digest(text.as_bytes());
    crate::payments::signature::hex(&digest[..12])
}

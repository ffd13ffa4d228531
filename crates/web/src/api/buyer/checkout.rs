//! The checkout summary and placing orders over the API. Placing takes an
//! `Idempotency-Key` (the first answer is replayed to retries); without
//! one every request places anew. A summary that changed since the
//! version sent is answered 409 with the new summary to confirm.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use etalase_domain::ErrorCode;
use etalase_domain::checkout::PaymentMethod;
use etalase_domain::id::{AddressId, SellerId};
use etalase_domain::shipping::Service;
use etalase_services::ServiceError;
use etalase_services::checkout::place::{
    self, CheckoutToken, KeyedPlacing, PlaceOutcome, PlaceRequest,
};
use etalase_services::checkout::summary::{self, CheckoutChoice, CheckoutSummary};
use etalase_services::idempotency;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::BuyerAuth;
use super::orders::{OrderBody, order_body};
use crate::api::idempotent::{kept_answer, key_of, replay_kept};
use crate::api::{body, to_json};
use crate::errors::{AppError, AppResult, Problem};
use crate::state::AppState;

#[derive(Deserialize, Serialize, ToSchema, Clone)]
pub struct ShippingChoice {
    pub seller_id: String,
    /// A service code: `jne_reg`, `jne_yes`, `jne_jtr`, `jnt_ez`, `sicepat_reg`, `sicepat_best`, `anteraja_reg`, `pos_kilat`.
    pub service: String,
}

#[derive(Deserialize, Serialize, ToSchema, Clone, Default)]
pub struct CheckoutBody {
    /// The default address when left out.
    #[serde(default)]
    pub address_id: Option<String>,
    /// The cheapest service of each shop when left out.
    #[serde(default)]
    pub shipping: Vec<ShippingChoice>,
    #[serde(default)]
    pub voucher_codes: Vec<String>,
    /// `gateway` (VA, QRIS, e-wallet; the default) or `cod`.
    #[serde(default)]
    pub payment_method: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct PlaceBody {
    /// The `version` of the summary the buyer confirmed.
    pub version: String,
    #[serde(flatten)]
    pub choice: CheckoutBody,
}

fn choice(b: &CheckoutBody) -> AppResult<CheckoutChoice> {
    let bad = |field: &str, code| AppError::from(ServiceError::field(field.to_owned(), code));
    let address = b
        .address_id
        .as_deref()
        .map(|a| {
            a.parse::<AddressId>()
                .map_err(|_| bad("address_id", ErrorCode::NotFound))
        })
        .transpose()?;
    let mut services = Vec::new();
    for (n, s) in b.shipping.iter().enumerate() {
        let seller: SellerId = s
            .seller_id
            .parse()
            .map_err(|_| bad(&format!("shipping[{n}].seller_id"), ErrorCode::NotFound))?;
        let service = Service::parse(&s.service).ok_or_else(|| {
            bad(
                &format!("shipping[{n}].service"),
                ErrorCode::ShippingUnavailable,
            )
        })?;
        services.push((seller, service));
    }
    let method = match b.payment_method.as_deref() {
        None => PaymentMethod::Gateway,
        Some(m) => PaymentMethod::parse(m)
            .ok_or_else(|| bad("payment_method", ErrorCode::MalformedRequest))?,
    };
    Ok(CheckoutChoice {
        address,
        services,
        voucher_codes: b.voucher_codes.clone(),
        method,
    })
}

#[derive(Serialize, ToSchema)]
pub struct OptionBody {
    pub service: String,
    pub name: String,
    pub cost: i64,
    pub chargeable_kg: u64,
    pub eta_min_days: u16,
    pub eta_max_days: u16,
    pub cod_available: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ItemBody {
    pub sku_id: String,
    pub label: String,
    pub quantity: i64,
    /// Each unit price with how many units are at it (a flash sale's quota may cover only some).
    pub unit_prices: Vec<(i64, i64)>,
    pub subtotal: i64,
}

#[derive(Serialize, ToSchema)]
pub struct DiscountBody {
    pub voucher_id: String,
    pub code: String,
    /// `shop_voucher`, `platform_voucher` or `shipping_voucher`.
    pub source: String,
    pub amount: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PackageBody {
    pub seller_id: String,
    pub shop_name: String,
    pub items: Vec<ItemBody>,
    pub options: Vec<OptionBody>,
    pub chosen_service: Option<String>,
    pub shipping: i64,
    pub total: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ProblemAt {
    pub field: String,
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct SummaryBody {
    /// Send back as `version` to place exactly this.
    pub version: String,
    pub address_id: Option<String>,
    pub packages: Vec<PackageBody>,
    pub discounts: Vec<DiscountBody>,
    /// Vouchers given that did not apply, with the reason's code.
    pub refused_vouchers: Vec<ProblemAt>,
    pub unknown_codes: Vec<String>,
    pub items_subtotal: i64,
    pub promotion_savings: i64,
    pub shipping: i64,
    pub shipping_discount: i64,
    pub total: i64,
    pub payment_method: String,
    /// Why COD cannot pay this (`cod_not_allowed`, `cod_amount_too_high`), if it cannot.
    pub cod_refusal: Option<String>,
    /// What stops placing it as it is.
    pub problems: Vec<ProblemAt>,
}

fn discount_source(s: etalase_domain::pricing::DiscountSource) -> &'static str {
    use etalase_domain::pricing::DiscountSource as D;
    match s {
        D::ShopVoucher => "shop_voucher",
        D::PlatformVoucher => "platform_voucher",
        D::ShippingVoucher => "shipping_voucher",
    }
}

pub fn summary_body(s: &CheckoutSummary) -> SummaryBody {
    let b = &s.quote.breakdown;
    SummaryBody {
        version: s.version.clone(),
        address_id: s.address.as_ref().map(|a| a.id.to_string()),
        packages: s
            .packages
            .iter()
            .map(|p| {
                let shop = b.shops.iter().find(|x| x.seller == p.seller);
                PackageBody {
                    seller_id: p.seller.to_string(),
                    shop_name: p.shop_name.clone(),
                    items: shop
                        .map(|x| {
                            x.lines
                                .iter()
                                .map(|l| ItemBody {
                                    sku_id: l.sku.to_string(),
                                    label: s.quote.skus[&l.sku].label.clone(),
                                    quantity: l.quantity,
                                    unit_prices: l
                                        .segments
                                        .iter()
                                        .map(|g| (g.price.unit, g.quantity))
                                        .collect(),
                                    subtotal: l.subtotal,
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    options: p
                        .options
                        .iter()
                        .map(|o| OptionBody {
                            service: o.service.code().to_owned(),
                            name: o.service.name().to_owned(),
                            cost: o.cost,
                            chargeable_kg: o.chargeable_kg,
                            eta_min_days: o.eta_min_days,
                            eta_max_days: o.eta_max_days,
                            cod_available: o.cod_available,
                        })
                        .collect(),
                    chosen_service: p.chosen.as_ref().map(|o| o.service.code().to_owned()),
                    shipping: shop.map_or(0, |x| x.shipping),
                    total: shop.map_or(0, |x| x.total),
                }
            })
            .collect(),
        discounts: b
            .discounts
            .iter()
            .map(|d| DiscountBody {
                voucher_id: d.voucher.to_string(),
                code: d.code.clone(),
                source: discount_source(d.source).to_owned(),
                amount: d.amount,
            })
            .collect(),
        refused_vouchers: b
            .refused
            .iter()
            .map(|(v, p)| ProblemAt {
                field: v.to_string(),
                code: p.code().code().to_owned(),
            })
            .collect(),
        unknown_codes: s.quote.unknown_codes.clone(),
        items_subtotal: b.items_subtotal,
        promotion_savings: b.promotion_savings,
        shipping: b.shipping,
        shipping_discount: b.shipping_discount,
        total: b.total,
        payment_method: s.method.as_str().to_owned(),
        cod_refusal: s.cod_refusal.map(|c| c.code().to_owned()),
        problems: s
            .problems
            .iter()
            .map(|(f, c)| ProblemAt {
                field: f.clone(),
                code: c.code().to_owned(),
            })
            .collect(),
    }
}

#[utoipa::path(post, path = "/api/v1/buyer/checkout/summary", tag = "buyer",
    security(("buyer_session" = [])),
    request_body = CheckoutBody,
    responses(
        (status = 200, body = SummaryBody),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`cart_empty`, a line no longer in the Shop"),
    ))]
pub async fn get_summary(
    BuyerAuth(buyer): BuyerAuth,
    State(state): State<AppState>,
    bytes: Bytes,
) -> AppResult<Json<SummaryBody>> {
    let b: CheckoutBody = if bytes.is_empty() {
        CheckoutBody::default()
    } else {
        body(&bytes)?
    };
    let s = summary::summary(&state.services, buyer, &choice(&b)?).await?;
    Ok(Json(summary_body(&s)))
}

#[derive(Serialize, ToSchema)]
pub struct PlacedBody {
    pub checkout_id: String,
    pub payment_method: String,
    pub total: i64,
    /// Gateway orders are cancelled unless paid by then (RFC 3339).
    pub pay_by: Option<String>,
    /// Where the buyer pays (gateway orders).
    pub pay_url: Option<String>,
    pub orders: Vec<OrderBody>,
}

#[derive(Serialize, ToSchema)]
pub struct ChangedBody {
    /// `quote_changed`.
    pub code: String,
    pub message: String,
    /// The new summary to show and confirm (its `version`).
    pub summary: SummaryBody,
}

#[utoipa::path(post, path = "/api/v1/buyer/orders", tag = "buyer",
    security(("buyer_session" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Up to 255 characters; a retry with the same key gets the first answer")),
    request_body = PlaceBody,
    responses(
        (status = 201, body = PlacedBody, description = "One order per shop, all charged exactly the confirmed total"),
        (status = 409, body = ChangedBody, description = "Something changed since the summary of `version`: nothing was placed"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "No address, a shop that cannot ship, stock short, COD not allowed…"),
    ))]
pub async fn place_orders(
    BuyerAuth(buyer): BuyerAuth,
    State(state): State<AppState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let request = match place_request(&bytes) {
        Ok(request) => request,
        Err(e) => return e.into_response(),
    };
    let svc = &state.services;
    let Some(key) = key_of(&headers) else {
        return match place::place(svc, buyer, &request).await {
            Ok(outcome) => sent(respond(&state, &outcome)),
            Err(e) => AppError::from(e).into_response(),
        };
    };
    // The key's answer is kept in the transaction that places the orders
    // (no write of its own: in a flash sale every durable commit counts).
    let principal = format!("buyer:{buyer}");
    let hash = idempotency::fingerprint("POST", "/api/v1/buyer/orders", &bytes);
    let keyed = match idempotency::hold(svc, &principal, &key, &hash) {
        Ok(keyed) => keyed,
        Err(e) => return AppError::from(e).into_response(),
    };
    let render_state = state.clone();
    let render: place::Render = Arc::new(move |outcome| match outcome {
        Ok(outcome) => {
            let (status, body) = respond(&render_state, outcome).ok()?;
            kept_answer(Ok((status, &body)))
        }
        Err(e) => kept_answer(Err(e)),
    });
    match place::place_keyed(svc, buyer, &request, place::KeptAnswer { keyed, render }).await {
        Ok(KeyedPlacing::Ran(Ok(outcome))) => sent(respond(&state, &outcome)),
        Ok(KeyedPlacing::Ran(Err(e))) | Err(e) => AppError::from(e).into_response(),
        Ok(KeyedPlacing::Replay { body, .. }) => replay_kept(&body),
    }
}

fn sent(answer: AppResult<(StatusCode, Value)>) -> Response {
    match answer {
        Ok((status, body)) => (status, Json(body)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn place_request(bytes: &[u8]) -> AppResult<PlaceRequest> {
    let b: PlaceBody = body(bytes)?;
    Ok(PlaceRequest {
        checkout: CheckoutToken::new(),
        confirmed_version: b.version.clone(),
        choice: choice(&b.choice)?,
    })
}

/// The answer to a placing: 201 with the orders, or 409 with the summary
/// to confirm again.
fn respond(state: &AppState, outcome: &PlaceOutcome) -> AppResult<(StatusCode, Value)> {
    match outcome {
        PlaceOutcome::Placed(p) => {
            let base = state.services.config.public_url.trim_end_matches('/');
            let placed = PlacedBody {
                checkout_id: p.checkout.id.to_string(),
                payment_method: p.checkout.method.as_str().to_owned(),
                total: p.checkout.total,
                pay_by: p.checkout.pay_by.map(|t| t.to_rfc3339()),
                pay_url: (p.checkout.method == PaymentMethod::Gateway)
                    .then(|| format!("{base}/checkout/{}/pay", p.checkout.id)),
                orders: p.orders.iter().map(order_body).collect(),
            };
            Ok((StatusCode::CREATED, to_json(placed)?))
        }
        PlaceOutcome::Changed(fresh) => {
            let t = state.translator(etalase_domain::Lang::Id);
            let changed = ChangedBody {
                code: ErrorCode::QuoteChanged.code().to_owned(),
                message: t.error(ErrorCode::QuoteChanged),
                summary: summary_body(fresh),
            };
            Ok((StatusCode::CONFLICT, to_json(changed)?))
        }
    }
}

//! `/checkout`: the summary the buyer confirms — address, a shipping
//! service per shop, vouchers, payment method, every line and discount and
//! the total — and placing it. The form carries a one-time token (a second
//! submit gets the first result) and the summary's version (a change since
//! the page was shown is shown again, old total beside new, and nothing is
//! placed until the buyer confirms).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use etalase_domain::ErrorCode;
use etalase_domain::checkout::PaymentMethod;
use etalase_domain::id::{AddressId, CheckoutId, SellerId};
use etalase_domain::shipping::Service;
use etalase_services::ServiceError;
use etalase_services::checkout::addresses;
use etalase_services::checkout::place::{self, CheckoutToken, PlaceOutcome, PlaceRequest};
use etalase_services::checkout::summary::{self, CheckoutChoice, CheckoutSummary};
use serde::Deserialize;

use crate::ctx::UserCtx;
use crate::errors::AppResult;
use crate::i18n::T;
use crate::pages::{Chrome, FormErrors, html};

pub struct AddressRow {
    pub id: String,
    pub label: String,
    pub recipient: String,
    pub phone: String,
    pub street: String,
    pub area: String,
    pub chosen: bool,
}

pub struct OptionRow {
    pub value: String,
    pub text: String,
    pub chosen: bool,
}

pub struct ItemRow {
    pub variant: String,
    pub quantity: i64,
    pub unit: String,
    pub subtotal: String,
}

pub struct PackageRow {
    pub seller: String,
    pub shop_name: String,
    pub items: Vec<ItemRow>,
    pub options: Vec<OptionRow>,
    pub problem: Option<String>,
    pub shipping: String,
    pub discounts: Vec<(String, String)>,
    pub total: String,
}

#[derive(Template)]
#[template(path = "buy/checkout.html")]
struct CheckoutPage {
    c: Chrome,
    addresses: Vec<AddressRow>,
    packages: Vec<PackageRow>,
    vouchers: String,
    voucher_notes: Vec<String>,
    discounts: Vec<(String, String)>,
    items_subtotal: String,
    savings: Option<String>,
    shipping: String,
    shipping_discount: Option<String>,
    total: String,
    total_amount: i64,
    cod_chosen: bool,
    cod_refusal: Option<String>,
    problems: Vec<String>,
    token: String,
    version: String,
    /// Set when the summary changed after the buyer confirmed it.
    changed_from: Option<String>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct CheckoutForm {
    #[serde(default)]
    address: Option<String>,
    /// `<seller>:<service>`, one per shop.
    #[serde(default)]
    ship: Vec<String>,
    #[serde(default)]
    vouchers: String,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    version: Option<String>,
    /// The total the page showed (to show beside a changed one).
    #[serde(default)]
    shown_total: Option<i64>,
    /// `update` recomputes the summary; anything else places it.
    #[serde(default)]
    action: Option<String>,
}

fn choice_of(form: &CheckoutForm) -> CheckoutChoice {
    CheckoutChoice {
        address: form
            .address
            .as_deref()
            .and_then(|a| a.parse::<AddressId>().ok()),
        services: form
            .ship
            .iter()
            .filter_map(|pair| {
                let (seller, service) = pair.split_once(':')?;
                Some((seller.parse::<SellerId>().ok()?, Service::parse(service)?))
            })
            .collect(),
        voucher_codes: form
            .vouchers
            .split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .take(3)
            .map(str::to_uppercase)
            .collect(),
        method: form
            .method
            .as_deref()
            .and_then(PaymentMethod::parse)
            .unwrap_or(PaymentMethod::Gateway),
    }
}

fn eta(t: &T, min: u16, max: u16) -> String {
    if min == max {
        t.tf1("checkout.eta_one", &min.to_string())
    } else {
        t.tf2("checkout.eta_range", &min.to_string(), &max.to_string())
    }
}

async fn page(
    u: &UserCtx,
    summary: &CheckoutSummary,
    choice: &CheckoutChoice,
    token: CheckoutId,
    changed_from: Option<i64>,
    errors: FormErrors,
) -> AppResult<CheckoutPage> {
    let t = &u.ctx.t;
    let saved = addresses::list(&u.ctx.state.services, u.session.user.id).await?;
    let chosen_address = summary.address.as_ref().map(|a| a.id);
    let b = &summary.quote.breakdown;
    let packages = summary
        .packages
        .iter()
        .map(|p| {
            let shop = b.shops.iter().find(|s| s.seller == p.seller);
            PackageRow {
                seller: p.seller.to_string(),
                shop_name: p.shop_name.clone(),
                items: shop
                    .map(|s| {
                        s.lines
                            .iter()
                            .map(|l| {
                                let named = &summary.quote.skus[&l.sku];
                                let unit = l.segments.first().map_or(0, |s| s.price.unit);
                                ItemRow {
                                    variant: named.label.clone(),
                                    quantity: l.quantity,
                                    unit: t.rupiah(unit),
                                    subtotal: t.rupiah(l.subtotal),
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                options: p
                    .options
                    .iter()
                    .map(|o| OptionRow {
                        value: format!("{}:{}", p.seller, o.service.code()),
                        text: format!(
                            "{} · {} · {}{}",
                            o.service.name(),
                            t.rupiah(o.cost),
                            eta(t, o.eta_min_days, o.eta_max_days),
                            if o.cod_available {
                                format!(" · {}", t.t("checkout.cod_short"))
                            } else {
                                String::new()
                            }
                        ),
                        chosen: p.chosen.as_ref().is_some_and(|c| c.service == o.service),
                    })
                    .collect(),
                problem: summary
                    .problems
                    .iter()
                    .find(|(f, _)| f == &format!("shipping.{}", p.seller))
                    .map(|(_, code)| t.error(*code)),
                shipping: t.rupiah(shop.map_or(0, |s| s.shipping)),
                discounts: shop
                    .map(|s| {
                        s.discounts
                            .iter()
                            .map(|d| (d.code.clone(), t.rupiah(d.amount)))
                            .collect()
                    })
                    .unwrap_or_default(),
                total: t.rupiah(shop.map_or(0, |s| s.total)),
            }
        })
        .collect();
    let mut voucher_notes: Vec<String> = b
        .refused
        .iter()
        .map(|(_, problem)| t.error(problem.code()))
        .collect();
    voucher_notes.extend(
        summary
            .quote
            .unknown_codes
            .iter()
            .map(|code| format!("{code}: {}", t.error(ErrorCode::VoucherNotApplicable))),
    );
    let problems = summary
        .problems
        .iter()
        .filter(|(f, _)| !f.starts_with("shipping.") && f != "method")
        .map(|(_, code)| t.error(*code))
        .collect();
    let c = Chrome::new(&u.ctx);
    Ok(CheckoutPage {
        addresses: saved
            .iter()
            .map(|a| AddressRow {
                id: a.id.to_string(),
                label: a.address.label.clone(),
                recipient: a.address.recipient.clone(),
                phone: a.address.phone.as_str().to_owned(),
                street: a.address.street.clone(),
                area: a.address.area_line(),
                chosen: Some(a.id) == chosen_address,
            })
            .collect(),
        packages,
        vouchers: choice.voucher_codes.join(", "),
        voucher_notes,
        discounts: b
            .discounts
            .iter()
            .map(|d| (d.code.clone(), t.rupiah(d.amount)))
            .collect(),
        items_subtotal: t.rupiah(b.items_subtotal),
        savings: (b.promotion_savings > 0).then(|| t.rupiah(b.promotion_savings)),
        shipping: t.rupiah(b.shipping),
        shipping_discount: (b.shipping_discount > 0).then(|| t.rupiah(b.shipping_discount)),
        total: t.rupiah(b.total),
        total_amount: b.total,
        cod_chosen: summary.method == PaymentMethod::Cod,
        cod_refusal: summary.cod_refusal.map(|code| t.error(code)),
        problems,
        token: token.to_string(),
        version: summary.version.clone(),
        changed_from: changed_from.map(|old| t.rupiah(old)),
        errors,
        c,
    })
}

/// Where a summary cannot be made at all (an empty cart).
fn no_summary(error: ServiceError) -> AppResult<Response> {
    if error.code == ErrorCode::CartEmpty {
        return Ok(Redirect::to("/cart?error=cart_empty").into_response());
    }
    Err(error.into())
}

pub async fn show(u: UserCtx) -> AppResult<Response> {
    let choice = CheckoutChoice::default();
    let summary = match summary::summary(&u.ctx.state.services, u.session.user.id, &choice).await {
        Ok(s) => s,
        Err(e) => return no_summary(e),
    };
    let page = page(
        &u,
        &summary,
        &choice,
        CheckoutId::generate(),
        None,
        FormErrors::default(),
    )
    .await?;
    Ok(html(&page))
}

pub async fn submit(u: UserCtx, Form(form): Form<CheckoutForm>) -> AppResult<Response> {
    let svc = &u.ctx.state.services;
    let buyer = u.session.user.id;
    let choice = choice_of(&form);
    let token = form
        .token
        .as_deref()
        .and_then(|t| t.parse::<CheckoutId>().ok())
        .unwrap_or_else(CheckoutId::generate);
    if form.action.as_deref() == Some("update") {
        let summary = match summary::summary(svc, buyer, &choice).await {
            Ok(s) => s,
            Err(e) => return no_summary(e),
        };
        return Ok(html(
            &page(&u, &summary, &choice, token, None, FormErrors::default()).await?,
        ));
    }
    let request = PlaceRequest {
        checkout: CheckoutToken::Carried(token),
        confirmed_version: form.version.clone().unwrap_or_default(),
        choice: choice.clone(),
    };
    match place::place(svc, buyer, &request).await {
        Ok(PlaceOutcome::Placed(placed)) => {
            let to = match placed.checkout.method {
                PaymentMethod::Gateway => format!("/checkout/{}/pay", placed.checkout.id),
                PaymentMethod::Cod => format!(
                    "/orders?checkout={}&notice=order_placed",
                    placed.checkout.id
                ),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Ok(PlaceOutcome::Changed(fresh)) => {
            // The total the page showed, beside the new one (display only:
            // the version, not this number, decided that it changed).
            let errors = FormErrors::summary_only(&u.ctx.t, ErrorCode::QuoteChanged);
            let body = page(&u, &fresh, &choice, token, form.shown_total, errors).await?;
            Ok((StatusCode::CONFLICT, html(&body)).into_response())
        }
        Err(e) if e.code == ErrorCode::CartEmpty => no_summary(e),
        Err(e) if e.code.status() < 500 => {
            let status = crate::errors::status_of(e.code);
            let errors = FormErrors::from_service(&u.ctx.t, &e);
            let summary = match summary::summary(svc, buyer, &choice).await {
                Ok(s) => s,
                Err(e) => return no_summary(e),
            };
            let body = page(&u, &summary, &choice, CheckoutId::generate(), None, errors).await?;
            Ok((status, html(&body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

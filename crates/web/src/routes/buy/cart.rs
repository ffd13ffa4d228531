//! `/cart`: the lines by shop, each with its price now, its problem if it
//! cannot be bought as it is, and the totals of the selected lines.

use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use axum_extra::extract::cookie::CookieJar;
use etalase_domain::ErrorCode;
use etalase_domain::attribution::{AttributionEvent, EventKind};
use etalase_domain::checkout::Source;
use etalase_domain::id::SkuId;
use etalase_services::checkout::cart::{self, CartView};
use serde::Deserialize;

use super::{shopper, shopper_or_new_guest};
use crate::ctx::Ctx;
use crate::errors::{AppError, AppResult};
use crate::i18n::T;
use crate::pages::{Chrome, html};
use crate::routes::price_tag::PriceTag;

pub struct LineRow {
    pub sku: String,
    pub href: String,
    pub title: String,
    pub variant: String,
    pub image: Option<String>,
    pub quantity: i64,
    pub selected: bool,
    pub tag: Option<PriceTag>,
    pub subtotal: Option<String>,
    pub problem: Option<String>,
    pub stock_hint: Option<String>,
    pub max: i64,
}

pub struct ShopRows {
    pub name: String,
    pub href: Option<String>,
    pub lines: Vec<LineRow>,
}

#[derive(Template)]
#[template(path = "buy/cart.html")]
struct CartPage {
    c: Chrome,
    shops: Vec<ShopRows>,
    items_subtotal: Option<String>,
    savings: Option<String>,
    ready: usize,
    signed_in: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct CartQuery {
    pub notice: Option<String>,
    pub error: Option<String>,
}

fn rows(t: &T, view: &CartView) -> Vec<ShopRows> {
    view.shops
        .iter()
        .map(|shop| ShopRows {
            name: if shop.shop_name.is_empty() {
                t.t("cart.unavailable_group").to_owned()
            } else {
                shop.shop_name.clone()
            },
            href: (!shop.shop_slug.is_empty()).then(|| format!("/s/{}", shop.shop_slug)),
            lines: shop
                .lines
                .iter()
                .map(|l| LineRow {
                    sku: l.line.sku.to_string(),
                    href: l
                        .product
                        .filter(|_| !l.slug.is_empty())
                        .map(|p| format!("/p/{}-{p}", l.slug))
                        .unwrap_or_default(),
                    title: if l.title.is_empty() {
                        t.t("cart.unavailable_item").to_owned()
                    } else {
                        l.title.clone()
                    },
                    variant: l.variant.clone(),
                    image: l
                        .product
                        .zip(l.image)
                        .map(|(p, i)| format!("/p/{p}/images/{i}/480")),
                    quantity: l.line.quantity,
                    selected: l.line.selected,
                    tag: l.price.as_ref().map(|p| PriceTag::new(t, p, None)),
                    subtotal: l.price.as_ref().map(|p| t.rupiah(p.unit * l.line.quantity)),
                    problem: l.problem.map(|code| match code {
                        ErrorCode::StockShort => t.tf1("cart.stock_short", &l.stock.to_string()),
                        other => t.error(other),
                    }),
                    stock_hint: (l.problem.is_none() && l.stock <= 5)
                        .then(|| t.tf1("shop.product.stock_left", &l.stock.to_string())),
                    max: l.stock.clamp(1, cart::MAX_LINE_QUANTITY),
                })
                .collect(),
        })
        .collect()
}

pub async fn show(ctx: Ctx, Query(q): Query<CartQuery>) -> AppResult<Response> {
    let view = match shopper(&ctx) {
        Some(s) => cart::view(&ctx.state.services, &s).await?,
        None => CartView {
            shops: Vec::new(),
            quote: None,
        },
    };
    let t = &ctx.t;
    let breakdown = view.quote.as_ref().map(|q| &q.breakdown);
    let mut c = Chrome::new(&ctx);
    c.notice = q.notice.as_deref().and_then(|n| t.notice(n));
    let error = q
        .error
        .as_deref()
        .and_then(|e| ErrorCode::ALL.iter().find(|c| c.code() == e))
        .map(|code| t.error(*code));
    let page = CartPage {
        shops: rows(t, &view),
        items_subtotal: breakdown.map(|b| t.rupiah(b.items_subtotal)),
        savings: breakdown
            .filter(|b| b.promotion_savings > 0)
            .map(|b| t.rupiah(b.promotion_savings)),
        ready: view.ready_lines().count(),
        signed_in: ctx.session.is_some(),
        error,
        c,
    };
    Ok(html(&page))
}

#[derive(Deserialize)]
pub struct AddForm {
    sku: String,
    #[serde(default = "one")]
    quantity: i64,
    #[serde(default)]
    source: String,
    /// "Beli sekarang": straight to checkout.
    #[serde(default)]
    buy_now: Option<String>,
}

fn one() -> i64 {
    1
}

fn sku_of(text: &str) -> AppResult<SkuId> {
    text.parse()
        .map_err(|_| AppError::from(ErrorCode::SkuUnavailable))
}

pub async fn add(ctx: Ctx, jar: CookieJar, Form(form): Form<AddForm>) -> AppResult<Response> {
    let sku = match sku_of(&form.sku) {
        Ok(sku) => sku,
        Err(_) => return Ok(Redirect::to("/cart?error=sku_unavailable").into_response()),
    };
    let (shopper, jar) = shopper_or_new_guest(&ctx, jar);
    let source = Source::from_param(&form.source);
    let added = cart::add(&ctx.state.services, &shopper, sku, form.quantity, source).await;
    if added.is_ok() {
        ctx.state.services.attribution.record(AttributionEvent {
            sku: Some(sku),
            quantity: form.quantity,
            ..ctx.event(EventKind::AddToCart, source)
        });
    }
    let to = match added {
        Ok(_) if form.buy_now.is_some() => "/checkout".to_owned(),
        Ok(_) => "/cart?notice=cart_added".to_owned(),
        Err(e) if e.code.status() < 500 => {
            let code = e.fields.first().map_or(e.code, |f| f.code);
            format!("/cart?error={}", code.code())
        }
        Err(e) => return Err(e.into()),
    };
    Ok((jar, Redirect::to(&to)).into_response())
}

#[derive(Deserialize)]
pub struct UpdateForm {
    sku: String,
    quantity: i64,
    #[serde(default)]
    selected: Option<String>,
}

pub async fn update(ctx: Ctx, Form(form): Form<UpdateForm>) -> AppResult<Response> {
    let Some(shopper) = shopper(&ctx) else {
        return Ok(Redirect::to("/cart").into_response());
    };
    let sku = sku_of(&form.sku)?;
    let to = match cart::update(
        &ctx.state.services,
        &shopper,
        sku,
        form.quantity,
        form.selected.is_some(),
    )
    .await
    {
        Ok(()) => "/cart".to_owned(),
        Err(e) if e.code.status() < 500 => {
            let code = e.fields.first().map_or(e.code, |f| f.code);
            format!("/cart?error={}", code.code())
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Deserialize)]
pub struct RemoveForm {
    sku: String,
}

pub async fn remove(ctx: Ctx, Form(form): Form<RemoveForm>) -> AppResult<Response> {
    if let Some(shopper) = shopper(&ctx) {
        let sku = sku_of(&form.sku)?;
        cart::remove(&ctx.state.services, &shopper, &[sku]).await?;
    }
    Ok(Redirect::to("/cart?notice=cart_removed").into_response())
}

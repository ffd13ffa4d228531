//! The Shop, buyers' side (phone first).

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use etalase_domain::ErrorCode;
use etalase_domain::id::{ImageId, ProductId};
use etalase_domain::listing::Visibility;
use etalase_domain::seller::SellerStatus;
use etalase_services::storefront;
use etalase_store::sellers;

use super::NoticeQuery;
use super::price_tag::PriceTag;
use crate::ctx::Ctx;
use crate::ctx::UserCtx;
use crate::errors::{AppError, AppResult};
use crate::pages::{Chrome, html};
use axum::Form;
use etalase_domain::id::VoucherId;
use etalase_domain::pricing::{BuyerContext, Channel};
use etalase_services::pricing::vouchers;

pub struct ShopCard {
    pub name: String,
    pub slug: String,
    pub initial: char,
}

#[derive(Template)]
#[template(path = "shop/home.html")]
struct HomePage {
    c: Chrome,
    shops: Vec<ShopCard>,
}

/// The home page. Until the catalog and its projection land, it shows the
/// approved shops; products and videos will fill the feed.
pub async fn home(ctx: Ctx, Query(query): Query<NoticeQuery>) -> AppResult<Response> {
    let store = &ctx.state.services.store;
    let shops = sellers::list_sellers_with_status(store, SellerStatus::Approved, 24)
        .await?
        .into_iter()
        .map(|s| ShopCard {
            initial: s.name.chars().next().unwrap_or('?').to_ascii_uppercase(),
            name: s.name,
            slug: s.slug,
        })
        .collect();
    let mut c = Chrome::new(&ctx);
    c.notice = query.notice.as_deref().and_then(|n| ctx.t.notice(n));
    Ok(html(&HomePage { c, shops }))
}

pub struct VariantRow {
    pub label: String,
    pub tag: PriceTag,
    pub sold_out: bool,
}

/// A product page as the Shop shows it.
pub struct ProductView {
    pub id: String,
    pub title: String,
    pub shop_name: String,
    pub shop_slug: String,
    /// The headline price: the cheapest SKU's now, with the range.
    pub tag: PriceTag,
    pub sold_out: bool,
    pub stock_hint: Option<String>,
    pub images: Vec<String>,
    pub description_html: String,
    pub bullets: Vec<String>,
    pub attributes: Vec<(String, String)>,
    pub variants: Vec<VariantRow>,
    pub cod: bool,
    pub canonical: String,
    /// Public vouchers of the shop (and the platform's) that cover it.
    pub vouchers: Vec<VoucherChip>,
}

/// A voucher buyers can claim from a product page.
pub struct VoucherChip {
    pub id: String,
    pub code: String,
    pub benefit: String,
    pub min_spend: Option<String>,
}

#[derive(Template)]
#[template(path = "shop/product.html")]
struct ProductPage {
    c: Chrome,
    p: ProductView,
    signed_in: bool,
    /// Where sign-in brings the buyer back to.
    here: String,
}

#[derive(serde::Deserialize, Default)]
pub struct ProductQuery {
    pub notice: Option<String>,
    /// The error code of a claim that failed.
    pub voucher_error: Option<String>,
}

/// `/p/<slug>-<id>`: the product, from the Shop's read model only. An old
/// slug (the product was renamed) redirects to the current one.
pub async fn product(
    ctx: Ctx,
    Path(handle): Path<String>,
    Query(query): Query<ProductQuery>,
) -> AppResult<Response> {
    let at = handle.rfind("prd_").ok_or(ErrorCode::NotFound)?;
    let id: ProductId = handle[at..]
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    let slug = handle[..at].trim_end_matches('-');
    let found = storefront::product(&ctx.state.services, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let l = &found.listing;
    let canonical = format!("/p/{}-{}", l.slug, l.product_id);
    if slug != l.slug {
        // A renamed product keeps its old links working (301 for search engines).
        return Ok((
            axum::http::StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, canonical)],
        )
            .into_response());
    }
    let t = &ctx.t;
    let d = &found.document;
    let sold_out = l.visibility == Visibility::SoldOut;
    let svc = &ctx.state.services;
    let prices = found.prices(
        &svc.config.pricer,
        &BuyerContext::anonymous(),
        Channel::Shop,
        svc.now(),
    );
    let headline = found.headline(&prices).ok_or(ErrorCode::NotFound)?;
    let vouchers = vouchers::claimable(svc, l.seller_id)
        .await?
        .into_iter()
        .filter(|v| {
            v.products
                .as_ref()
                .is_none_or(|p| p.contains(&l.product_id))
        })
        .map(|v| VoucherChip {
            id: v.id.to_string(),
            code: v.code.to_string(),
            benefit: super::promotions::vouchers::benefit_text(t, v.benefit),
            min_spend: (v.min_spend > 0)
                .then(|| t.tf1("vouchers.min_spend_of", &t.rupiah(v.min_spend))),
        })
        .collect();
    let tree = etalase_domain::catalog::category::tree();
    let view = ProductView {
        id: l.product_id.to_string(),
        title: l.title.clone(),
        shop_name: l.shop_name.clone(),
        shop_slug: l.shop_slug.clone(),
        tag: PriceTag::new(t, &headline.cheapest, Some(headline.highest)),
        sold_out,
        stock_hint: (!sold_out && l.total_stock <= 5)
            .then(|| t.tf1("shop.product.stock_left", &l.total_stock.to_string())),
        images: d
            .images
            .iter()
            .map(|i| format!("/p/{}/images/{i}/960", l.product_id))
            .collect(),
        description_html: d.description_html.clone(),
        bullets: d.bullets.clone(),
        attributes: d
            .attributes
            .iter()
            .map(|(k, v)| {
                let name = tree
                    .attribute_name(k, t.lang)
                    .map(str::to_owned)
                    .unwrap_or_else(|| k.replace('_', " "));
                (name, v.clone())
            })
            .collect(),
        variants: d
            .skus
            .iter()
            .zip(&prices)
            .filter(|(s, _)| !s.combination.is_empty())
            .map(|(s, price)| VariantRow {
                label: s.combination.join(" / "),
                tag: PriceTag::new(t, price, None),
                sold_out: s.stock == 0,
            })
            .collect(),
        cod: l.cod_allowed,
        canonical,
        vouchers,
    };
    let mut c = Chrome::new(&ctx);
    c.notice = query.notice.as_deref().and_then(|n| ctx.t.notice(n));
    if let Some(code) = query
        .voucher_error
        .as_deref()
        .and_then(|e| ErrorCode::ALL.iter().find(|c| c.code() == e))
    {
        c.notice = Some(ctx.t.error(*code));
    }
    Ok(html(&ProductPage {
        signed_in: ctx.session.is_some(),
        here: view.canonical.clone(),
        c,
        p: view,
    }))
}

#[derive(serde::Deserialize)]
pub struct ClaimForm {
    /// The product page to come back to.
    pub back: String,
}

/// A buyer claims a public voucher from a product page.
pub async fn claim_voucher(
    u: UserCtx,
    Path(id): Path<String>,
    Form(form): Form<ClaimForm>,
) -> AppResult<Response> {
    let back = if form.back.starts_with("/p/") && !form.back.contains("//") {
        form.back
    } else {
        "/".to_owned()
    };
    let id: VoucherId = id
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    let to = match vouchers::claim(&u.ctx.state.services, u.session.user.id, id).await {
        Ok(_) => format!("{back}?notice=voucher_claimed"),
        Err(e) if e.code.status() < 500 => format!("{back}?voucher_error={}", e.code.code()),
        Err(e) => return Err(e.into()),
    };
    Ok(axum::response::Redirect::to(&to).into_response())
}

/// A photo of a product buyers can open.
pub async fn product_image(
    ctx: Ctx,
    Path((id, image, size)): Path<(String, String, u32)>,
) -> AppResult<Response> {
    let id: ProductId = id
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    let image: ImageId = image
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    let bytes = storefront::image(&ctx.state.services, id, image, Some(size)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        bytes,
    )
        .into_response())
}

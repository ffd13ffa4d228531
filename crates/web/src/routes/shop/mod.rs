//! The Shop, buyers' side (phone first): feeds (home, shop, category
//! pages) here, search and the product page in their own files.

mod product_page;
mod search;
mod shipping;

pub use product_page::{claim_voucher, product, product_image};
pub(crate) use search::{Asked, SearchParams};
pub use search::{search, suggest};
pub use shipping::estimate as shipping_estimate;

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use etalase_domain::ErrorCode;
use etalase_domain::id::ProductId;
use etalase_domain::seller::SellerStatus;
use etalase_services::pricing::vouchers;
use etalase_services::storefront;
use etalase_store::sellers;
use etalase_store::shop::FeedOrder;

use crate::ctx::Ctx;
use crate::errors::AppResult;
use crate::pages::{Chrome, html};
use crate::routes::cards::{CardView, Pager, card_view};

#[derive(Template)]
#[template(path = "shop/home.html")]
struct HomePage {
    c: Chrome,
    cards: Vec<CardView>,
    /// The most sold products ("Terlaris"), on the first page.
    best_selling: Vec<CardView>,
    newest: Vec<CardView>,
    /// The short sections (most sold, newest) come without page links.
    section_pager: Pager,
    pager: Pager,
    /// The newest videos, on the first page (the feed's video cards).
    videos: Vec<crate::routes::videos::shop::VideoLink>,
}

#[derive(serde::Deserialize, Default)]
pub struct FeedParams {
    pub notice: Option<String>,
    /// Page numbers past the last allowed one are clamped; text is page 1.
    pub page: Option<String>,
    pub q: Option<String>,
}

fn page_of(p: &FeedParams) -> i64 {
    p.page
        .as_deref()
        .and_then(|n| n.trim().parse::<i64>().ok())
        .unwrap_or(1)
}

/// The home page: the discovery feed (ranked, paged without JavaScript)
/// and, on its first page, the newest products.
pub async fn home(ctx: Ctx, Query(params): Query<FeedParams>) -> AppResult<Response> {
    let svc = &ctx.state.services;
    let t = &ctx.t;
    let feed = storefront::Feed {
        order: FeedOrder::Ranked,
        seller: None,
        category: None,
        query: "",
        page: page_of(&params),
        per_page: storefront::PAGE_SIZE,
    };
    let ranked = storefront::cards(svc, &feed).await?;
    let (best_selling, newest) = if ranked.page == 1 {
        let best_selling = storefront::Feed {
            order: FeedOrder::BestSelling,
            page: 1,
            per_page: 8,
            ..feed
        };
        let newest = storefront::Feed {
            order: FeedOrder::Newest,
            ..best_selling
        };
        (
            storefront::cards(svc, &best_selling).await?.cards,
            storefront::cards(svc, &newest).await?.cards,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let videos = if ranked.page == 1 {
        let latest = etalase_services::content::shop::latest(svc).await?;
        let shown = latest
            .len()
            .min(etalase_services::content::shop::FEED_PAGE as usize);
        crate::routes::videos::shop::links(&latest[..shown])
    } else {
        Vec::new()
    };
    let mut c = Chrome::new(&ctx);
    c.notice = params.notice.as_deref().and_then(|n| ctx.t.notice(n));
    Ok(html(&HomePage {
        videos,
        pager: Pager::new("/", &ranked),
        cards: ranked.cards.iter().map(|card| card_view(t, card)).collect(),
        best_selling: best_selling.iter().map(|card| card_view(t, card)).collect(),
        newest: newest.iter().map(|card| card_view(t, card)).collect(),
        section_pager: Pager::none(),
        c,
    }))
}

#[derive(Template)]
#[template(path = "shop/shop.html")]
struct ShopPage {
    c: Chrome,
    name: String,
    slug: String,
    initial: char,
    joined: String,
    /// The shop's rating over its products' reviews, and how many.
    rating: Option<(String, i64)>,
    /// How reliably it answers chats ("Chat dibalas 95%").
    response: Option<String>,
    vouchers: Vec<VoucherChip>,
    query: String,
    cards: Vec<CardView>,
    pager: Pager,
    signed_in: bool,
    here: String,
    videos: Vec<crate::routes::videos::shop::VideoLink>,
}

/// `/s/<shop-slug>`: a shop's own products (its "etalase"), with a search
/// inside the shop and the vouchers buyers can claim there.
pub async fn shop_page(
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(params): Query<FeedParams>,
) -> AppResult<Response> {
    let svc = &ctx.state.services;
    let t = &ctx.t;
    let seller = sellers::find_seller_by_slug(&svc.store, &slug)
        .await?
        .filter(|s| s.status == SellerStatus::Approved)
        .ok_or(ErrorCode::NotFound)?;
    let query: String = params
        .q
        .clone()
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect();
    let feed = storefront::Feed {
        order: FeedOrder::Ranked,
        seller: Some(seller.id),
        category: None,
        query: &query,
        page: page_of(&params),
        per_page: storefront::PAGE_SIZE,
    };
    let page = storefront::cards(svc, &feed).await?;
    let base = if query.trim().is_empty() {
        format!("/s/{}", seller.slug)
    } else {
        let q = serde_urlencoded::to_string([("q", query.trim())]).unwrap_or_default();
        format!("/s/{}?{q}", seller.slug)
    };
    let mut c = Chrome::new(&ctx);
    c.notice = params.notice.as_deref().and_then(|n| ctx.t.notice(n));
    let videos = crate::routes::videos::shop::links(
        &etalase_services::content::shop::of_shop(svc, seller.id).await?,
    );
    let standing = storefront::standing(svc, seller.id).await?;
    Ok(html(&ShopPage {
        rating: crate::routes::cards::rating_label(t, standing.rating)
            .map(|label| (label, standing.rating.count)),
        response: crate::routes::chat::rate_label(t, standing.response),
        videos,
        signed_in: ctx.session.is_some(),
        here: format!("/s/{}", seller.slug),
        vouchers: voucher_chips(t, svc, seller.id, None).await?,
        initial: seller
            .name
            .chars()
            .next()
            .unwrap_or('?')
            .to_ascii_uppercase(),
        joined: t.tf1("shop.shop.joined", &seller.created_at.format_date(t.lang)),
        name: seller.name,
        slug: seller.slug,
        pager: Pager::new(&base, &page),
        cards: page.cards.iter().map(|card| card_view(t, card)).collect(),
        query,
        c,
    }))
}

#[derive(Template)]
#[template(path = "shop/category.html")]
struct CategoryPage {
    c: Chrome,
    name: String,
    id: String,
    crumbs: Vec<(String, String)>,
    children: Vec<(String, String)>,
    cards: Vec<CardView>,
    pager: Pager,
}

/// `/c/<category>`: the listed products of a category and everything under
/// it, with its path and sub-categories.
pub async fn category_page(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<FeedParams>,
) -> AppResult<Response> {
    let svc = &ctx.state.services;
    let t = &ctx.t;
    let tree = etalase_domain::catalog::category::tree();
    let category = tree.get(&id).ok_or(ErrorCode::NotFound)?;
    let feed = storefront::Feed {
        order: FeedOrder::Ranked,
        seller: None,
        category: Some(category.id),
        query: "",
        page: page_of(&params),
        per_page: storefront::PAGE_SIZE,
    };
    let page = storefront::cards(svc, &feed).await?;
    let link = |c: &etalase_domain::catalog::category::Category| {
        (format!("/c/{}", c.id), c.name(t.lang).to_owned())
    };
    Ok(html(&CategoryPage {
        c: Chrome::new(&ctx),
        name: category.name(t.lang).to_owned(),
        id: category.id.to_owned(),
        crumbs: tree.path(category.id).into_iter().map(link).collect(),
        children: tree
            .all()
            .iter()
            .filter(|c| c.parent == Some(category.id))
            .map(link)
            .collect(),
        pager: Pager::new(&format!("/c/{}", category.id), &page),
        cards: page.cards.iter().map(|card| card_view(t, card)).collect(),
    }))
}

/// A voucher buyers can claim from a product page.
pub struct VoucherChip {
    pub id: String,
    pub code: String,
    pub benefit: String,
    pub min_spend: Option<String>,
}

/// Public vouchers of a shop (and the platform's) buyers can claim now;
/// on a product page, those that cover it.
pub(super) async fn voucher_chips(
    t: &crate::i18n::T,
    svc: &etalase_services::Services,
    seller: etalase_domain::id::SellerId,
    product: Option<ProductId>,
) -> AppResult<Vec<VoucherChip>> {
    Ok(vouchers::claimable(svc, seller)
        .await?
        .iter()
        .filter(|v| match (product, v.products.as_ref()) {
            (Some(p), Some(list)) => list.contains(&p),
            _ => true,
        })
        .map(|v| VoucherChip {
            id: v.id.to_string(),
            code: v.code.to_string(),
            benefit: super::promotions::vouchers::benefit_text(t, v.benefit),
            min_spend: (v.min_spend > 0)
                .then(|| t.tf1("vouchers.min_spend_of", &t.rupiah(v.min_spend))),
        })
        .collect())
}

//! `/p/<slug>-<id>`: the product page, its SEO, voucher claims and photos.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use etalase_domain::ErrorCode;
use etalase_domain::id::{ImageId, ProductId, VoucherId};
use etalase_domain::listing::Visibility;
use etalase_domain::reviews::reviewer_shown_as;
use etalase_services::pricing::vouchers;
use etalase_services::storefront;

use crate::ctx::{Ctx, UserCtx};
use crate::errors::{AppError, AppResult};
use crate::pages::{Chrome, html};
use crate::routes::cards::{CardView, card_view, rating_label};
use crate::routes::price_tag::PriceTag;

use super::{VoucherChip, voucher_chips};

pub struct VariantRow {
    pub label: String,
    pub tag: PriceTag,
    pub sold_out: bool,
}

/// One option of the variant picker ("Warna") and its values.
pub struct OptionGroup {
    /// Its place in each SKU's combination.
    pub index: usize,
    pub name: String,
    /// Each value, and whether every SKU with it is sold out (then it is
    /// disabled, with or without JavaScript).
    pub values: Vec<(String, bool)>,
}

/// The picker's options, from the product's options and its SKUs' stock.
fn option_groups(d: &etalase_services::sync::ListingDocument) -> Vec<OptionGroup> {
    d.options
        .iter()
        .enumerate()
        .map(|(n, (name, values))| OptionGroup {
            index: n,
            name: name.clone(),
            values: values
                .iter()
                .map(|value| {
                    let sold_out = d
                        .skus
                        .iter()
                        .filter(|s| s.combination.get(n) == Some(value))
                        .all(|s| s.stock == 0);
                    (value.clone(), sold_out)
                })
                .collect(),
        })
        .collect()
}

/// What the picker script needs of each SKU: its combination, stock and
/// the price the page shows for it (from the pricing function).
fn variants_json(skus: &[etalase_services::sync::ListingSku], tags: &[PriceTag]) -> String {
    let list: Vec<serde_json::Value> = skus
        .iter()
        .zip(tags)
        .map(|(s, tag)| {
            serde_json::json!({
                "id": s.id,
                "combination": s.combination,
                "stock": s.stock,
                "unit": tag.unit,
                "price": tag.price,
                "strike": tag.strike,
                "badge": tag.badge,
                "ends_at": tag.ends_at,
                "ends_text": tag.ends_text,
                "flash_left": tag.flash_left,
            })
        })
        .collect();
    serde_json::Value::Array(list)
        .to_string()
        .replace("</", "<\\/")
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
    /// "127 terjual"; none before the first sale.
    pub sold: Option<String>,
    /// The buyers' average ("4,8") and how many reviewed; none before the
    /// first review.
    pub rating: Option<(String, i64)>,
    /// The newest reviews.
    pub reviews: Vec<ReviewView>,
    /// The shop's average over all its products, and how many reviews.
    pub shop_rating: Option<(String, i64)>,
    pub images: Vec<String>,
    pub description_html: String,
    pub bullets: Vec<String>,
    pub attributes: Vec<(String, String)>,
    pub variants: Vec<VariantRow>,
    pub options: Vec<OptionGroup>,
    /// JSON for the picker script (safe inside `<script>`).
    pub variants_json: String,
    pub cod: bool,
    pub canonical: String,
    /// Public vouchers of the shop (and the platform's) that cover it.
    pub vouchers: Vec<VoucherChip>,
    pub seo: Seo,
    /// "Bergabung sejak …" of the seller's card.
    pub shop_joined: String,
    /// How reliably the shop answers chats ("Chat dibalas 95%").
    pub shop_response: Option<String>,
    /// Where the shop ships from ("Kota Bandung, Jawa Barat"), once known.
    pub shop_city: Option<String>,
    /// The category path, each step a link to its page.
    pub crumbs: Vec<(String, String)>,
    /// Other listed products of its category.
    pub related: Vec<CardView>,
    /// The SKUs in stock, for the buy box: id, variant, price.
    pub buyable: Vec<(String, String, String)>,
    /// Where the buyer came from (kept on the cart line).
    pub source: String,
    /// Published videos that tag it.
    pub videos: Vec<crate::routes::videos::shop::VideoLink>,
    /// Its own video, first in the gallery: the file's address and its
    /// size in pixels.
    pub video: Option<(String, i32, i32)>,
}

/// A review as the product page shows it.
pub struct ReviewView {
    pub stars: u8,
    /// The buyer's name, masked ("S***i").
    pub by: String,
    pub variant: String,
    pub body: Option<String>,
    pub date: String,
}

/// What search engines and link previews read from a product page.
pub struct Seo {
    pub description: String,
    /// Absolute addresses (previews fetch them from elsewhere).
    pub url: String,
    pub image: Option<String>,
    /// schema.org Product with its Offer, as JSON safe inside `<script>`.
    pub json_ld: String,
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

#[derive(Template)]
#[template(path = "shop/unavailable.html")]
struct UnavailablePage {
    c: Chrome,
}

#[derive(serde::Deserialize, Default)]
pub struct ProductQuery {
    pub notice: Option<String>,
    /// The error code of a claim that failed.
    pub voucher_error: Option<String>,
    /// Where the buyer came from (`live:liv_…`, `search`), for the cart.
    pub src: Option<String>,
}

/// The product id and slug of a product address's last part
/// (`kaos-polos-prd_…`); anything else is a 404.
pub(super) fn product_of_handle(handle: &str) -> AppResult<(ProductId, &str)> {
    let at = handle.rfind("prd_").ok_or(ErrorCode::NotFound)?;
    let id: ProductId = handle[at..]
        .parse()
        .map_err(|_| AppError::from(ErrorCode::NotFound))?;
    Ok((id, handle[..at].trim_end_matches('-')))
}

/// `/p/<slug>-<id>`: the product, from the Shop's read model only. An old
/// slug (the product was renamed) redirects to the current one.
pub async fn product(
    ctx: Ctx,
    Path(handle): Path<String>,
    Query(query): Query<ProductQuery>,
) -> AppResult<Response> {
    let (id, slug) = product_of_handle(&handle)?;
    let Some(found) = storefront::product(&ctx.state.services, id).await? else {
        // Left the Shop (or never there): say so, with ways to go on.
        let page = UnavailablePage {
            c: Chrome::new(&ctx),
        };
        return Ok((axum::http::StatusCode::NOT_FOUND, html(&page)).into_response());
    };
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
    let came_from =
        etalase_domain::checkout::Source::from_param(query.src.as_deref().unwrap_or(""));
    svc.attribution
        .record(etalase_domain::attribution::AttributionEvent {
            seller: Some(l.seller_id),
            product: Some(l.product_id),
            ..ctx.event(
                etalase_domain::attribution::EventKind::of_product_open(came_from),
                came_from,
            )
        });
    let prices = found.prices_now(svc);
    let headline = found.headline(&prices).ok_or(ErrorCode::NotFound)?;
    let vouchers = voucher_chips(t, svc, l.seller_id, Some(l.product_id)).await?;
    let tags: Vec<PriceTag> = prices.iter().map(|p| PriceTag::new(t, p, None)).collect();
    let tree = etalase_domain::catalog::category::tree();
    let shop_joined = storefront::shop_joined(svc, l.seller_id)
        .await
        .map(|at| t.tf1("shop.shop.joined", &at.format_date(t.lang)))
        .unwrap_or_default();
    let media = etalase_services::content::shop::of_product(svc, l.product_id).await?;
    let videos = crate::routes::videos::shop::links(&media.tagging);
    let video = media.own.as_ref().map(|v| {
        (
            format!("/p/{}/video/{}", l.product_id, v.id),
            v.width,
            v.height,
        )
    });
    let reviews = if l.rating.count > 0 {
        storefront::reviews(svc, l.product_id).await?
    } else {
        Default::default()
    };
    let standing = storefront::standing(svc, l.seller_id).await?;
    let shop_rating = standing.rating;
    let related = storefront::related(svc, l, 6)
        .await?
        .iter()
        .map(|c| card_view(t, c))
        .collect();
    let crumbs = l
        .category
        .as_deref()
        .map(|c| {
            tree.path(c)
                .into_iter()
                .map(|step| (format!("/c/{}", step.id), step.name(t.lang).to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let view = ProductView {
        id: l.product_id.to_string(),
        title: l.title.clone(),
        shop_name: l.shop_name.clone(),
        shop_slug: l.shop_slug.clone(),
        tag: PriceTag::new(t, &headline.cheapest, Some(headline.highest)),
        sold_out,
        stock_hint: (!sold_out && l.total_stock <= 5)
            .then(|| t.tf1("shop.product.stock_left", &l.total_stock.to_string())),
        sold: (l.sold_count > 0).then(|| crate::routes::cards::sold_label(t, l.sold_count)),
        rating: rating_label(t, l.rating).map(|label| (label, l.rating.count)),
        reviews: reviews
            .iter()
            .map(|r| ReviewView {
                stars: r.stars,
                by: reviewer_shown_as(&r.buyer_name),
                variant: r.variant.clone(),
                body: r.body.clone(),
                date: r.updated_at.format_date(t.lang),
            })
            .collect(),
        shop_rating: rating_label(t, shop_rating).map(|label| (label, shop_rating.count)),
        shop_response: crate::routes::chat::rate_label(t, standing.response),
        images: d
            .images
            .iter()
            .map(|i| format!("/p/{}/images/{i}", l.product_id))
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
            .zip(&tags)
            .filter(|(s, _)| !s.combination.is_empty())
            .map(|(s, tag)| VariantRow {
                label: s.combination.join(" / "),
                tag: tag.clone(),
                sold_out: s.stock == 0,
            })
            .collect(),
        options: option_groups(d),
        buyable: d
            .skus
            .iter()
            .zip(&tags)
            .filter(|(s, _)| s.stock > 0)
            .map(|(s, tag)| {
                (
                    s.id.to_string(),
                    s.combination.join(" / "),
                    tag.price.clone(),
                )
            })
            .collect(),
        source: came_from.to_param(),
        variants_json: variants_json(&d.skus, &tags),
        cod: l.cod_allowed,
        seo: seo(svc, &found, &headline, sold_out, &reviews),
        canonical,
        vouchers,
        shop_joined,
        shop_city: l
            .shop_regency
            .as_deref()
            .and_then(|r| etalase_domain::regions::regions().regency_label(r)),
        crumbs,
        related,
        videos,
        video,
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

/// The description's first sentences, at most 155 characters, cut at a word.
fn meta_description(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 155 {
        return flat;
    }
    let cut: String = flat.chars().take(155).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', '.', ';', ':']))
}

fn seo(
    svc: &etalase_services::Services,
    found: &storefront::ShopProduct,
    headline: &storefront::Headline,
    sold_out: bool,
    reviews: &[etalase_store::reviews::StoredReview],
) -> Seo {
    let l = &found.listing;
    let base = svc.config.public_url.trim_end_matches('/');
    let url = format!("{base}/p/{}-{}", l.slug, l.product_id);
    let image = found
        .document
        .images
        .first()
        .map(|i| format!("{base}/p/{}/images/{i}/960", l.product_id));
    let price = &headline.cheapest;
    let mut offer = serde_json::json!({
        "@type": "Offer",
        "url": url,
        "priceCurrency": "IDR",
        "price": price.unit,
        "availability": if sold_out { "https://schema.org/OutOfStock" } else { "https://schema.org/InStock" },
        "itemCondition": if found.document.condition == "used" { "https://schema.org/UsedCondition" } else { "https://schema.org/NewCondition" },
        "seller": { "@type": "Organization", "name": l.shop_name },
    });
    if let Some(end) = price.applied.as_ref().and_then(|a| a.ends_at) {
        offer["priceValidUntil"] = serde_json::json!(end.to_rfc3339());
    }
    let mut product = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": l.title,
        "description": meta_description(&found.document.description_text),
        "sku": l.product_id.to_string(),
        "url": url,
        "offers": offer,
    });
    if let Some(brand) = &l.brand {
        product["brand"] = serde_json::json!({ "@type": "Brand", "name": brand });
    }
    if let Some(image) = &image {
        product["image"] = serde_json::json!([image]);
    }
    if let Some(average) = l.rating.average() {
        product["aggregateRating"] = serde_json::json!({
            "@type": "AggregateRating",
            "ratingValue": average,
            "reviewCount": l.rating.count,
            "bestRating": 5,
            "worstRating": 1,
        });
        let shown: Vec<_> = reviews
            .iter()
            .map(|r| {
                let published = r.updated_at.to_rfc3339();
                let mut review = serde_json::json!({
                    "@type": "Review",
                    "author": { "@type": "Person", "name": reviewer_shown_as(&r.buyer_name) },
                    "datePublished": published.get(..10).unwrap_or(&published),
                    "reviewRating": { "@type": "Rating", "ratingValue": r.stars, "bestRating": 5, "worstRating": 1 },
                });
                if let Some(body) = &r.body {
                    review["reviewBody"] = serde_json::json!(body);
                }
                review
            })
            .collect();
        if !shown.is_empty() {
            product["review"] = serde_json::json!(shown);
        }
    }
    // JSON inside <script> must not close it: `</` is written `<\/`.
    let json_ld = product.to_string().replace("</", "<\\/");
    Seo {
        description: meta_description(&found.document.description_text),
        url,
        image,
        json_ld,
    }
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
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        bytes,
    )
        .into_response())
}

//! What crawlers read: `robots.txt` and the sitemaps (an index, pages of
//! 10,000 product addresses each, and the shops), all from the Shop's read
//! model.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use etalase_domain::ErrorCode;
use etalase_domain::listing::Visibility;
use etalase_domain::seller::SellerStatus;
use etalase_store::{sellers, shop};

use crate::errors::AppResult;
use crate::state::AppState;

/// Product addresses per sitemap file (the protocol allows 50,000).
const PER_SITEMAP: i64 = 10_000;

fn base(state: &AppState) -> String {
    state
        .services
        .config
        .public_url
        .trim_end_matches('/')
        .to_owned()
}

fn xml(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// Text safe inside XML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /seller\nDisallow: /admin\nDisallow: /api/\n\
         Disallow: /account\nDisallow: /vouchers/\nDisallow: /chat\n\nSitemap: {}/sitemap.xml\n",
        base(&state)
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// The sitemap index: the shops' sitemap and one per 10,000 products.
pub async fn index(State(state): State<AppState>) -> AppResult<Response> {
    let listed = shop::count(&state.services.store, Visibility::Listed).await?;
    let pages = ((listed + PER_SITEMAP - 1) / PER_SITEMAP).max(1);
    let base = base(&state);
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    body.push_str(&format!(
        "  <sitemap><loc>{base}/sitemaps/shops.xml</loc></sitemap>\n"
    ));
    for n in 1..=pages {
        body.push_str(&format!(
            "  <sitemap><loc>{base}/sitemaps/products-{n}.xml</loc></sitemap>\n"
        ));
    }
    body.push_str("</sitemapindex>\n");
    Ok(xml(body))
}

/// `/sitemaps/products-<n>.xml` (or `shops.xml`).
pub async fn page(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let base = base(&state);
    let store = &state.services.store;
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    if file == "shops.xml" {
        body.push_str(&format!("  <url><loc>{base}/</loc></url>\n"));
        for seller in
            sellers::list_sellers_with_status(store, SellerStatus::Approved, 50_000).await?
        {
            body.push_str(&format!(
                "  <url><loc>{base}/s/{}</loc></url>\n",
                escape(&seller.slug)
            ));
        }
    } else {
        let n: i64 = file
            .strip_prefix("products-")
            .and_then(|f| f.strip_suffix(".xml"))
            .and_then(|n| n.parse().ok())
            .filter(|n| (1..=10_000).contains(n))
            .ok_or(ErrorCode::NotFound)?;
        let entries = shop::sitemap_page(store, (n - 1) * PER_SITEMAP, PER_SITEMAP).await?;
        if entries.is_empty() && n > 1 {
            return Err(ErrorCode::NotFound.into());
        }
        for (id, slug, changed) in entries {
            body.push_str(&format!(
                "  <url><loc>{base}/p/{}-{id}</loc><lastmod>{}</lastmod></url>\n",
                escape(&slug),
                changed.to_rfc3339()
            ));
        }
    }
    body.push_str("</urlset>\n");
    Ok(xml(body))
}

//! `/api/v1/shop/search` and `/api/v1/shop/suggestions`: the Shop's search
//! for integrators, the same index, filters and "did you mean" as the
//! search page, public and rate-limited like the other Shop reads.

use axum::extract::{Query, State};
use axum::response::Json;
use etalase_domain::regions::regions;
use etalase_services::storefront;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::storefront::{ProductCard, card};
use crate::errors::{AppResult, Problem};
use crate::routes::shop::{Asked, SearchParams};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct SearchApiParams {
    /// Words (at most 200 characters are read; no query syntax).
    q: Option<String>,
    /// A category id, e.g. `fashion-pria` (its sub-categories included).
    category: Option<String>,
    /// In Rupiah; the cheapest SKU's base price is compared.
    min_price: Option<String>,
    max_price: Option<String>,
    /// `true`: products that allow cash on delivery only.
    cod: Option<bool>,
    /// 1–5: products whose buyers rate them at least this many stars on
    /// average (other values are ignored).
    min_rating: Option<String>,
    /// `true`: products a running public free-shipping voucher covers.
    free_shipping: Option<bool>,
    /// A province code (`32` Jawa Barat): shops shipping from there only.
    province: Option<String>,
    /// `relevance` (default), `newest`, `price_asc`, `price_desc` or `best_selling`.
    sort: Option<String>,
    /// 1–500 (clamped), default 1.
    page: Option<i64>,
    /// 1–60 (clamped), default 24.
    per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct FacetCount {
    pub id: String,
    pub name: String,
    pub count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResult {
    pub items: Vec<ProductCard>,
    /// Products found in all.
    pub total: usize,
    pub page: i64,
    pub next_page: Option<i64>,
    /// Hits per top-level category, most first.
    pub categories: Vec<FacetCount>,
    /// Hits per province the shops ship from, most first.
    pub provinces: Vec<FacetCount>,
    /// Hits its buyers rate 4 stars and up (what `min_rating=4` keeps).
    pub rated_four_up: u64,
    /// The words corrected, when some word is in no product title.
    pub did_you_mean: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/shop/search", tag = "shop-public",
    security(()),
    params(SearchApiParams),
    responses(
        (status = 200, body = SearchResult, description = "Listed products matching every word (longer words also with a typo), filtered; unknown filter values are ignored"),
        (status = 429, body = Problem, content_type = "application/problem+json", description = "Over the per-address limit; see `Retry-After`"),
    ))]
pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchApiParams>,
) -> AppResult<Json<SearchResult>> {
    let asked = Asked::read(&SearchParams {
        q: p.q,
        category: p.category,
        min: p.min_price,
        max: p.max_price,
        cod: p.cod.filter(|on| *on).map(|_| "1".into()),
        rating: p.min_rating,
        ongkir: p.free_shipping.filter(|on| *on).map(|_| "1".into()),
        province: p.province,
        sort: p.sort,
        page: None,
    });
    let per_page = p.per_page.unwrap_or(storefront::PAGE_SIZE).clamp(1, 60) as usize;
    let query = asked.query(&state.services, per_page).await?;
    let found = storefront::search(&state.services, &query, p.page.unwrap_or(1)).await?;
    let tree = etalase_domain::catalog::category::tree();
    let named = |counts: Vec<(String, u64)>, name_of: &dyn Fn(&str) -> Option<String>| {
        counts
            .into_iter()
            .map(|(id, count)| FacetCount {
                name: name_of(&id).unwrap_or_else(|| id.clone()),
                id,
                count,
            })
            .collect()
    };
    Ok(Json(SearchResult {
        items: found.page.cards.iter().map(card).collect(),
        total: found.total,
        page: found.page.page,
        next_page: found.page.has_next.then_some(found.page.page + 1),
        categories: named(found.categories, &|id| {
            tree.get(id).map(|c| c.name_id.to_owned())
        }),
        provinces: named(found.provinces, &|code| {
            regions().province(code).map(|r| r.name.to_owned())
        }),
        rated_four_up: found.rated_four_up,
        did_you_mean: found.did_you_mean.map(|s| s.text),
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct SuggestApiParams {
    /// What the buyer has typed so far.
    q: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionItem {
    /// A phrase to search for.
    pub text: String,
    /// Listed products it finds.
    pub hits: usize,
}

#[derive(Serialize, ToSchema)]
pub struct Suggestions {
    pub suggestions: Vec<SuggestionItem>,
}

#[utoipa::path(get, path = "/api/v1/shop/suggestions", tag = "shop-public",
    security(()),
    params(SuggestApiParams),
    responses(
        (status = 200, body = Suggestions, description = "Up to 8 phrases completing the last word typed that find products, most products first"),
        (status = 429, body = Problem, content_type = "application/problem+json", description = "Over the per-address limit; see `Retry-After`"),
    ))]
pub async fn suggestions(
    State(state): State<AppState>,
    Query(p): Query<SuggestApiParams>,
) -> AppResult<Json<Suggestions>> {
    let found = storefront::suggest(&state.services, &p.q.unwrap_or_default(), 8).await?;
    Ok(Json(Suggestions {
        suggestions: found
            .into_iter()
            .map(|s| SuggestionItem {
                text: s.text,
                hits: s.hits,
            })
            .collect(),
    }))
}

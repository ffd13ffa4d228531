//! `/search`: the Shop's search page over the search index.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use etalase_services::storefront;

use crate::ctx::Ctx;
use crate::errors::AppResult;
use crate::pages::{Chrome, html};
use crate::routes::cards::{CardView, Pager, card_view};

#[derive(Template)]
#[template(path = "shop/search.html")]
struct SearchPage {
    c: Chrome,
    q: String,
    category: String,
    min: String,
    max: String,
    cod: bool,
    sort: &'static str,
    total: usize,
    /// Top-level categories of the hits: (id, name, count).
    facets: Vec<(String, String, u64)>,
    cards: Vec<CardView>,
    pager: Pager,
    /// Categories to try when nothing matched.
    suggestions: Vec<(String, String)>,
}

#[derive(serde::Deserialize, Default)]
pub struct SearchParams {
    pub q: Option<String>,
    pub category: Option<String>,
    pub min: Option<String>,
    pub max: Option<String>,
    pub cod: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
}

/// `/search`: words, filters (category, price range, COD) with counts per
/// category, and the orders buyers expect. Odd input is read leniently:
/// prices that are not amounts are ignored, an unknown category too, and
/// at most 200 characters of words are used.
pub async fn search(ctx: Ctx, Query(p): Query<SearchParams>) -> AppResult<Response> {
    use etalase_services::search::{SearchQuery, Sort};
    let svc = &ctx.state.services;
    let t = &ctx.t;
    let tree = etalase_domain::catalog::category::tree();
    let q: String = p.q.clone().unwrap_or_default().chars().take(200).collect();
    let category = p
        .category
        .as_deref()
        .and_then(|c| tree.get(c))
        .map(|c| c.id.to_owned());
    let amount = |text: &Option<String>| {
        text.as_deref()
            .filter(|v| !v.trim().is_empty())
            .and_then(etalase_domain::catalog::sku::parse_rupiah)
            .filter(|v| (0..=1_000_000_000).contains(v))
    };
    let (min, max) = (amount(&p.min), amount(&p.max));
    let cod = p.cod.is_some();
    let sort = Sort::parse(p.sort.as_deref().unwrap_or(""));
    let query = SearchQuery {
        text: q.clone(),
        category: category.clone(),
        min_price: min,
        max_price: max,
        cod_only: cod,
        sort,
        offset: 0,
        limit: storefront::PAGE_SIZE as usize,
    };
    let page = p
        .page
        .as_deref()
        .and_then(|n| n.trim().parse::<i64>().ok())
        .unwrap_or(1);
    let found = storefront::search(svc, &query, page).await?;
    let mut params: Vec<(&str, String)> = vec![("q", q.clone())];
    if let Some(c) = &category {
        params.push(("category", c.clone()));
    }
    if let Some(v) = min {
        params.push(("min", v.to_string()));
    }
    if let Some(v) = max {
        params.push(("max", v.to_string()));
    }
    if cod {
        params.push(("cod", "1".into()));
    }
    if sort != Sort::Relevance {
        params.push(("sort", sort.as_str().into()));
    }
    let base = format!(
        "/search?{}",
        serde_urlencoded::to_string(&params).unwrap_or_default()
    );
    let name_of = |id: &str| {
        tree.get(id)
            .map(|c| c.name(t.lang).to_owned())
            .unwrap_or_else(|| id.to_owned())
    };
    let suggestions = if found.total == 0 {
        tree.all()
            .iter()
            .filter(|c| c.parent.is_none())
            .map(|c| (c.id.to_owned(), c.name(t.lang).to_owned()))
            .collect()
    } else {
        Vec::new()
    };
    Ok(html(&SearchPage {
        c: Chrome::new(&ctx),
        facets: found
            .categories
            .iter()
            .map(|(id, n)| (id.clone(), name_of(id), *n))
            .collect(),
        pager: Pager::new(&base, &found.page),
        cards: found
            .page
            .cards
            .iter()
            .map(|card| card_view(t, card))
            .collect(),
        total: found.total,
        q,
        category: category.unwrap_or_default(),
        min: min.map(|v| v.to_string()).unwrap_or_default(),
        max: max.map(|v| v.to_string()).unwrap_or_default(),
        cod,
        sort: sort.as_str(),
        suggestions,
    }))
}

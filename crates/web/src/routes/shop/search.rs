//! `/search`: the Shop's search page over the search index.

use askama::Template;
use axum::Json;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use etalase_domain::regions::regions;
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
    free_shipping: bool,
    /// "4": rated 4 stars and up; empty: any.
    rating: String,
    /// Hits rated 4 stars and up (the rating filter's count).
    rated_four_up: u64,
    province: String,
    sort: &'static str,
    total: usize,
    /// Top-level categories of the hits: (link, name, count, chosen).
    facets: Vec<Facet>,
    /// Provinces the hits ship from, the same way.
    places: Vec<Facet>,
    /// Every province, for the filter's list: (code, name).
    provinces: Vec<(&'static str, &'static str)>,
    /// The words corrected, and the link to search for them.
    did_you_mean: Option<(String, String)>,
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
    /// Rated at least this many stars (1–5).
    pub rating: Option<String>,
    /// "Gratis ongkir" only.
    pub ongkir: Option<String>,
    /// A province code (`32`).
    pub province: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
}

/// A facet chip: where it leads (the same search narrowed to it, or back
/// out of it when chosen), its name, its count.
struct Facet {
    id: String,
    href: String,
    name: String,
    count: u64,
    chosen: bool,
}

/// A search as a buyer (or an integrator) asked it, read leniently: words
/// cut to 200 characters; an unknown category or province, or a price that
/// is not an amount from 0 to Rp1.000.000.000, is ignored.
pub(crate) struct Asked {
    pub q: String,
    pub category: Option<String>,
    pub province: Option<String>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub cod: bool,
    pub free_shipping: bool,
    /// At least this many stars, 1 to 5.
    pub rating: Option<i64>,
    pub sort: etalase_services::search::Sort,
}

impl Asked {
    pub fn read(p: &SearchParams) -> Asked {
        let tree = etalase_domain::catalog::category::tree();
        let amount = |text: &Option<String>| {
            text.as_deref()
                .filter(|v| !v.trim().is_empty())
                .and_then(etalase_domain::catalog::sku::parse_rupiah)
                .filter(|v| (0..=1_000_000_000).contains(v))
        };
        Asked {
            q: p.q.clone().unwrap_or_default().chars().take(200).collect(),
            category: p
                .category
                .as_deref()
                .and_then(|c| tree.get(c))
                .map(|c| c.id.to_owned()),
            province: p
                .province
                .as_deref()
                .and_then(|code| regions().province(code.trim()))
                .map(|r| r.code.to_owned()),
            min: amount(&p.min),
            max: amount(&p.max),
            cod: p.cod.is_some(),
            free_shipping: p.ongkir.is_some(),
            rating: p
                .rating
                .as_deref()
                .and_then(|r| r.trim().parse::<i64>().ok())
                .filter(|r| (1..=5).contains(r)),
            sort: etalase_services::search::Sort::parse(p.sort.as_deref().unwrap_or("")),
        }
    }

    /// The index query (the free-shipping filter reads the vouchers
    /// running now).
    pub async fn query(
        &self,
        svc: &etalase_services::Services,
        limit: usize,
    ) -> AppResult<etalase_services::search::SearchQuery> {
        Ok(etalase_services::search::SearchQuery {
            text: self.q.clone(),
            category: self.category.clone(),
            min_price: self.min,
            max_price: self.max,
            cod_only: self.cod,
            min_rating: self.rating.map(|stars| stars * 10),
            province: self.province.clone(),
            free_shipping: if self.free_shipping {
                Some(storefront::free_shipping_covers(svc).await?)
            } else {
                None
            },
            sort: self.sort,
            offset: 0,
            limit,
            facets: true,
        })
    }
}

/// `/search`: words, filters (category, price range, COD, free shipping,
/// the shop's province) with counts per category and province, the orders
/// buyers expect, and a "did you mean" for words no title has. Odd input
/// is read leniently: prices that are not amounts are ignored, an unknown
/// category or province too, and at most 200 characters of words are used.
pub async fn search(ctx: Ctx, Query(p): Query<SearchParams>) -> AppResult<Response> {
    use etalase_services::search::Sort;
    let svc = &ctx.state.services;
    let t = &ctx.t;
    let tree = etalase_domain::catalog::category::tree();
    let asked = Asked::read(&p);
    let query = asked.query(svc, storefront::PAGE_SIZE as usize).await?;
    let Asked {
        q,
        category,
        province,
        min,
        max,
        cod,
        free_shipping,
        rating,
        sort,
    } = asked;
    let page = p
        .page
        .as_deref()
        .and_then(|n| n.trim().parse::<i64>().ok())
        .unwrap_or(1);
    let found = storefront::search(svc, &query, page).await?;
    // The search as asked, as link parameters; facets swap one of them.
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
    if free_shipping {
        params.push(("ongkir", "1".into()));
    }
    if let Some(stars) = rating {
        params.push(("rating", stars.to_string()));
    }
    if let Some(code) = &province {
        params.push(("province", code.clone()));
    }
    if sort != Sort::Relevance {
        params.push(("sort", sort.as_str().into()));
    }
    let link = |params: &[(&str, String)]| {
        format!(
            "/search?{}",
            serde_urlencoded::to_string(params).unwrap_or_default()
        )
    };
    let swapped = |key: &str, value: Option<&str>| {
        let mut next: Vec<(&str, String)> =
            params.iter().filter(|(k, _)| *k != key).cloned().collect();
        if let Some(v) = value {
            next.push((key, v.to_owned()));
        }
        link(&next)
    };
    let base = link(&params);
    let facet = |key: &str, id: &str, name: String, count: u64, chosen: bool| Facet {
        id: id.to_owned(),
        href: swapped(key, (!chosen).then_some(id)),
        name,
        count,
        chosen,
    };
    let facets = found
        .categories
        .iter()
        .map(|(id, n)| {
            let name = tree
                .get(id)
                .map(|c| c.name(t.lang).to_owned())
                .unwrap_or_else(|| id.clone());
            facet("category", id, name, *n, category.as_deref() == Some(id))
        })
        .collect();
    let places = found
        .provinces
        .iter()
        .filter_map(|(code, n)| {
            let name = regions().province(code)?.name.to_owned();
            Some(facet(
                "province",
                code,
                name,
                *n,
                province.as_deref() == Some(code),
            ))
        })
        .collect();
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
        facets,
        places,
        provinces: regions()
            .provinces()
            .iter()
            .map(|r| (r.code, r.name))
            .collect(),
        did_you_mean: found
            .did_you_mean
            .map(|better| (swapped("q", Some(&better.text)), better.text)),
        pager: Pager::new(&base, &found.page),
        cards: found
            .page
            .cards
            .iter()
            .map(|card| card_view(t, card))
            .collect(),
        total: found.total,
        rated_four_up: found.rated_four_up,
        q,
        category: category.unwrap_or_default(),
        min: min.map(|v| v.to_string()).unwrap_or_default(),
        max: max.map(|v| v.to_string()).unwrap_or_default(),
        cod,
        free_shipping,
        rating: rating.map(|r| r.to_string()).unwrap_or_default(),
        province: province.unwrap_or_default(),
        sort: sort.as_str(),
        suggestions,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct SuggestParams {
    pub q: Option<String>,
}

#[derive(serde::Serialize)]
struct SuggestBody {
    suggestions: Vec<SuggestItem>,
}

#[derive(serde::Serialize)]
struct SuggestItem {
    text: String,
    hits: usize,
}

/// `/search/suggest?q=`: phrases completing what is typed, as JSON for
/// the search boxes' suggestion lists.
pub async fn suggest(ctx: Ctx, Query(p): Query<SuggestParams>) -> AppResult<Response> {
    let typed = p.q.unwrap_or_default();
    let found = storefront::suggest(&ctx.state.services, &typed, 8).await?;
    let body = SuggestBody {
        suggestions: found
            .into_iter()
            .map(|s| SuggestItem {
                text: s.text,
                hits: s.hits,
            })
            .collect(),
    };
    Ok(Json(body).into_response())
}

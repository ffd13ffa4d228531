//! `/p/<slug>-<id>/ongkir`: the product page's shipping estimate. The buyer
//! picks a province, then a regency (plain forms, no JavaScript); a signed-in
//! buyer starts at their default address.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use etalase_domain::ErrorCode;
use etalase_domain::id::SkuId;
use etalase_domain::regions::regions;
use etalase_services::storefront::{self, shipping};

use crate::ctx::Ctx;
use crate::errors::AppResult;
use crate::pages::{Chrome, html};

#[derive(serde::Deserialize, Default)]
pub struct EstimateQuery {
    /// A province code, to list its regencies.
    provinsi: Option<String>,
    /// A regency code: where to send.
    ke: Option<String>,
    /// A SKU of the product.
    varian: Option<String>,
}

pub struct Choice {
    pub code: &'static str,
    pub name: String,
    pub selected: bool,
}

pub struct OptionRow {
    pub service: &'static str,
    pub eta: String,
    pub cost: String,
    pub cod: bool,
}

#[derive(Template)]
#[template(path = "shop/shipping.html")]
struct EstimatePage {
    c: Chrome,
    title: String,
    product_href: String,
    here: String,
    from: Option<String>,
    variant: Option<String>,
    variant_label: Option<String>,
    provinces: Vec<Choice>,
    regencies: Vec<Choice>,
    destination: Option<String>,
    chargeable_kg: Option<u64>,
    rows: Vec<OptionRow>,
    problem: Option<String>,
}

pub async fn estimate(
    ctx: Ctx,
    Path(handle): Path<String>,
    Query(q): Query<EstimateQuery>,
) -> AppResult<Response> {
    let svc = &ctx.state.services;
    let t = &ctx.t;
    let (id, _) = super::product_page::product_of_handle(&handle)?;
    let product = storefront::product(svc, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let l = &product.listing;
    let product_href = format!("/p/{}-{}", l.slug, l.product_id);
    let asked_province = q
        .provinsi
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    // A regency of another province than the one just chosen is the old
    // answer of the form: the buyer changed province, so ask again.
    let asked =
        q.ke.as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .filter(|k| match (asked_province, regions().regency(k)) {
                (Some(province), Some(regency)) => regency.parent == province,
                _ => true,
            });
    let destination = match asked {
        Some(code) => Some(code.to_owned()),
        // The buyer's own address only until they choose somewhere.
        None if asked_province.is_none() => default_regency(&ctx).await?,
        None => None,
    };
    let province = destination
        .as_deref()
        .and_then(|d| regions().regency(d))
        .map(|r| r.parent)
        .or_else(|| {
            asked_province
                .and_then(|p| regions().province(p))
                .map(|p| p.code)
        });
    let sku: Option<SkuId> = q.varian.as_deref().and_then(|v| v.parse().ok());
    let (mut rows, mut problem, mut chargeable_kg, mut variant) = (Vec::new(), None, None, None);
    if let Some(to) = destination.as_deref() {
        match shipping::estimate(svc, &product, sku, to) {
            Ok(found) => {
                chargeable_kg = found.options.first().map(|o| o.chargeable_kg);
                variant = Some(found.sku);
                if found.options.is_empty() {
                    problem = Some(t.error(ErrorCode::ShippingUnavailable));
                }
                rows = found
                    .options
                    .iter()
                    .map(|o| OptionRow {
                        service: o.service.name(),
                        eta: eta(t, o.eta_min_days, o.eta_max_days),
                        cost: t.rupiah(o.cost),
                        cod: o.cod_available && l.cod_allowed,
                    })
                    .collect();
            }
            Err(e) => problem = Some(t.error(e.code)),
        }
    }
    let variant_label = variant.and_then(|v| {
        product
            .document
            .skus
            .iter()
            .find(|s| s.id == v)
            .map(|s| s.combination.join(" · "))
            .filter(|label| !label.is_empty())
    });
    let page = EstimatePage {
        c: Chrome::new(&ctx),
        title: l.title.clone(),
        here: format!("{product_href}/ongkir"),
        product_href,
        from: l
            .shop_regency
            .as_deref()
            .and_then(|r| regions().regency_label(r)),
        variant: variant.map(|v| v.to_string()),
        variant_label,
        provinces: regions()
            .provinces()
            .iter()
            .map(|p| Choice {
                code: p.code,
                name: p.name.to_owned(),
                selected: Some(p.code) == province,
            })
            .collect(),
        regencies: province
            .map(|p| {
                regions()
                    .regencies_of(p)
                    .map(|r| Choice {
                        code: r.code,
                        name: regions().regency_label(r.code).unwrap_or_default(),
                        selected: destination.as_deref() == Some(r.code),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        destination: destination
            .as_deref()
            .and_then(|d| regions().regency_label(d)),
        chargeable_kg,
        rows,
        problem,
    };
    Ok(html(&page).into_response())
}

/// "2–3 hari", "1 hari".
fn eta(t: &crate::i18n::T, min: u16, max: u16) -> String {
    if min == max {
        t.tf1("shop.shipping.eta_days", &min.to_string())
    } else {
        t.tf1("shop.shipping.eta_days", &format!("{min}–{max}"))
    }
}

/// The signed-in buyer's default delivery regency, if any.
async fn default_regency(ctx: &Ctx) -> AppResult<Option<String>> {
    let Some(session) = &ctx.session else {
        return Ok(None);
    };
    let addresses =
        etalase_services::checkout::addresses::list(&ctx.state.services, session.user.id).await?;
    Ok(addresses
        .iter()
        .find(|a| a.is_default)
        .or(addresses.first())
        .map(|a| a.address.regency_code().to_owned()))
}

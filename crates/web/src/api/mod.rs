//! The JSON API under `/api/v1` for integrators. Authenticated by API keys
//! (`Authorization: Bearer etk_…`), never by cookies, so it needs no CSRF
//! token. Its OpenAPI document is derived from the router itself.

pub mod buyer;
pub mod catalog;
pub mod couriers;
mod extract;
mod idempotent;
pub mod imports;
pub mod listing;
pub mod orders;
pub mod payments;
pub mod pricing;
pub mod shop;
pub mod shop_search;
pub mod storefront;
pub mod team;
pub mod verification;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use etalase_domain::{ErrorCode, Lang};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use extract::{ApiAuth, ApiJson};

use crate::errors::AppError;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "etalase API",
        description = "The integration API of etalase. Every request is authenticated with an API key made in Seller Center (API & webhook, `/seller/api-keys`) and acts for that key's shop only. Errors are RFC 9457 problem documents whose `type` names a stable error code.",
        license(name = "AGPL-3.0-or-later"),
    ),
    modifiers(&BearerAuth),
    components(schemas(crate::errors::Problem, crate::errors::ProblemField)),
    tags(
        (name = "shop", description = "The shop behind the API key"),
        (name = "team", description = "The shop's team members"),
        (name = "catalog", description = "Products, their SKUs and stock"),
        (name = "shop-public", description = "The Shop's public reads: listed products, a product with its prices now, a shop. No API key; limited per address"),
        (name = "orders", description = "The shop's orders: the list with Seller Center's filters and search, the changes since an instant to reconcile (`updated_since`), one order with its timeline, shipping (platform logistics or the seller's own courier) and cancelling with `Idempotency-Key`, and the shipping label as PDF. Another shop's order is a 404"),
        (name = "pricing", description = "Base prices, promotions, vouchers and price quotes: one pricing function behind every price shown or charged"),
        (name = "payments", description = "The payment gateway's notifications: signed by the gateway, no API key"),
        (name = "couriers", description = "Couriers' tracking reports: signed with the courier's secret (Standard Webhooks), no API key"),
        (name = "buyer", description = "A buyer's app: session, cart, addresses, the checkout summary, placing orders (with `Idempotency-Key`) and the buyer's orders. Authenticated with the buyer's session token, not an API key"),
    ),
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key made in Seller Center, `etk_…`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "buyer_session",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A buyer's session token from `POST /api/v1/buyer/sessions`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The API's routes and the OpenAPI document describing exactly them.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(shop::me))
        .routes(routes!(shop::get_shop, shop::update_shop))
        .routes(routes!(verification::status))
        .routes(routes!(team::list_members))
        .routes(routes!(team::get_member))
        .routes(routes!(catalog::list, catalog::create))
        .routes(routes!(catalog::get, catalog::update))
        .routes(routes!(catalog::publish))
        .routes(routes!(catalog::deactivate))
        .routes(routes!(listing::listing))
        .routes(routes!(catalog::change_stock))
        .routes(routes!(imports::import))
        .routes(routes!(imports::import_status))
        .routes(routes!(orders::list_shop_orders))
        .routes(routes!(orders::get_shop_order))
        .routes(routes!(orders::ship_order))
        .routes(routes!(orders::cancel_order))
        .routes(routes!(orders::order_label))
        .routes(routes!(pricing::list_promotions, pricing::create_promotion))
        .routes(routes!(pricing::get_promotion, pricing::update_promotion))
        .routes(routes!(pricing::activate_promotion))
        .routes(routes!(pricing::deactivate_promotion))
        .routes(routes!(pricing::list_vouchers, pricing::create_voucher))
        .routes(routes!(pricing::get_voucher, pricing::update_voucher))
        .routes(routes!(pricing::activate_voucher))
        .routes(routes!(pricing::deactivate_voucher))
        .routes(routes!(pricing::set_price))
        .routes(routes!(pricing::price_quote))
        .routes(routes!(storefront::products))
        .routes(routes!(storefront::product))
        .routes(routes!(storefront::shop))
        .routes(routes!(shop_search::search))
        .routes(routes!(shop_search::suggestions))
        .routes(routes!(payments::notification))
        .routes(routes!(couriers::report))
        .routes(routes!(buyer::sign_in))
        .routes(routes!(buyer::list_addresses, buyer::add_address))
        .routes(routes!(buyer::cart::get_cart))
        .routes(routes!(buyer::cart::add_line))
        .routes(routes!(buyer::cart::update_line, buyer::cart::remove_line))
        .routes(routes!(buyer::checkout::get_summary))
        .routes(routes!(
            buyer::orders::list_orders,
            buyer::checkout::place_orders
        ))
        .routes(routes!(buyer::orders::get_order))
        .split_for_parts()
}

/// A JSON request body, or `malformed_json`.
pub(crate) fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> crate::errors::AppResult<T> {
    serde_json::from_slice(bytes).map_err(|_| AppError::from(ErrorCode::MalformedJson))
}

/// A response body kept as JSON (idempotent replays store it).
pub(crate) fn to_json<T: serde::Serialize>(
    value: T,
) -> crate::errors::AppResult<serde_json::Value> {
    serde_json::to_value(value)
        .map_err(|e| AppError::from(etalase_services::ServiceError::internal(e)))
}

pub async fn openapi_json(State(state): State<AppState>) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        state.openapi.as_str().to_owned(),
    )
        .into_response()
}

pub async fn docs_page() -> Html<&'static str> {
    Html(include_str!("../../templates/api_docs.html"))
}

#[derive(serde::Serialize)]
pub struct ProblemType {
    code: &'static str,
    status: u16,
    title_id: String,
    title_en: String,
}

/// `/api/problems/{code}`: what a problem `type` means, in both languages.
pub async fn problem_type(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    match ErrorCode::ALL.iter().find(|c| c.code() == code) {
        Some(code) => Json(ProblemType {
            code: code.code(),
            status: code.status(),
            title_id: state.translator(Lang::Id).error(*code),
            title_en: state.translator(Lang::En).error(*code),
        })
        .into_response(),
        None => AppError::from(ErrorCode::NotFound).into_response(),
    }
}

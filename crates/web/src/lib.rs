//! The HTTP face of etalase: the Shop (`/`), the Seller Center (`/seller`),
//! the Admin (`/admin`) and the JSON API (`/api/v1`), in one axum app.
//!
//! [`Application::build`] binds a listener and exposes its port, so tests
//! start the real application on port 0.

pub mod api;
mod csrf;
pub mod ctx;
pub mod errors;
mod etag;
pub mod i18n;
mod limit;
pub mod listener;
mod metrics;
pub mod pages;
mod ranged;
mod routes;
pub mod state;
mod throttle;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::response::Redirect;
use axum::routing::{get, post};
use etalase_domain::ErrorCode;
use etalase_services::Services;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

pub use state::{AppState, Secret, ServeRole, WebConfig};

use crate::errors::AppError;
use crate::routes::{
    account, admin, admin_catalog, admin_sync, admin_verification, auth, buy, catalog, chat, live,
    notifications, ops, orders, promotions, seller, seo, shop, verification, videos,
};

/// How long a video upload may take to arrive (a 100 MB file over a slow
/// mobile connection); every other request has the configured timeout.
const UPLOAD_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Answers 503 when a request takes longer than its deadline.
async fn deadline(
    axum::extract::State(timeout): axum::extract::State<std::time::Duration>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let limit = if request.method() == axum::http::Method::POST
        && csrf::is_streamed_upload(request.uri().path())
    {
        UPLOAD_DEADLINE
    } else {
        timeout
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// The app as a router, for tests that do not need a socket.
///
/// Pages that answer a form by rendering (to show a secret once) keep their
/// POST address in the browser; a GET there — a reload, a language switch —
/// goes back to the page the form was on.
/// Answers 404 for another role's surface (a Shop process has no Seller
/// Center, and the other way round).
async fn role_guard(
    axum::extract::State(role): axum::extract::State<ServeRole>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if role.serves(request.uri().path()) {
        next.run(request).await
    } else {
        AppError::from(ErrorCode::NotFound).into_response()
    }
}

pub fn router(services: Services, config: WebConfig) -> Router {
    app(services, config).1
}

/// The app's state and its router.
fn app(services: Services, config: WebConfig) -> (AppState, Router) {
    let (api_routes, openapi) = api::router();
    let openapi = openapi
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    let state = AppState::new(state::Shared {
        services,
        catalog: Arc::new(i18n::Catalog::load()),
        metrics: Arc::new(metrics::Metrics::default()),
        config: Arc::new(config),
        openapi: Arc::new(openapi),
        limiter: Arc::new(limit::PublicLimiter::default()),
        chat_limiter: Arc::new(limit::PublicLimiter::default()),
        stopping: Arc::new(tokio::sync::watch::channel(false).0),
    });
    (state.clone(), routes(state, api_routes))
}

fn routes(state: AppState, api_routes: Router<AppState>) -> Router {
    let pages = Router::new()
        // Shop
        .route("/", get(shop::home))
        .route("/p/{handle}", get(shop::product))
        .route("/p/{handle}/ongkir", get(shop::shipping_estimate))
        .route("/s/{slug}", get(shop::shop_page))
        .route("/v", get(videos::shop::feed))
        .route("/v/{id}", get(videos::shop::page))
        .route("/v/{id}/file", get(videos::shop::file))
        .route("/v/{id}/cover", get(videos::shop::cover))
        .route("/live", get(live::shop::list))
        .route("/live/{id}", get(live::shop::page))
        .route("/live/{id}/events", get(live::stream::events))
        .route("/live/{id}/comments", post(live::shop::comment))
        .route("/live/{id}/recording", get(live::shop::recording))
        .route("/live/{id}/cover", get(live::shop::cover))
        .route("/c/{*category}", get(shop::category_page))
        .route("/search", get(shop::search))
        .route("/search/suggest", get(shop::suggest))
        .route("/robots.txt", get(seo::robots))
        .route("/sitemap.xml", get(seo::index))
        .route("/sitemaps/{file}", get(seo::page))
        .route("/vouchers/{id}/claim", post(shop::claim_voucher))
        .route("/p/{id}/images/{image}/{size}", get(shop::product_image))
        .route(
            "/p/{id}/video/{video}",
            get(videos::shop::product_video_file),
        )
        .route(
            "/signin",
            get(auth::shop_sign_in_page).post(auth::shop_sign_in),
        )
        .route(
            "/signup",
            get(auth::buyer_sign_up_page).post(auth::buyer_sign_up),
        )
        .route("/cart", get(buy::cart::show))
        .route("/cart/add", post(buy::cart::add))
        .route("/cart/update", post(buy::cart::update))
        .route("/cart/remove", post(buy::cart::remove))
        .route(
            "/checkout",
            get(buy::checkout::show).post(buy::checkout::submit),
        )
        .route("/orders", get(buy::orders::list))
        .route("/orders/{id}", get(buy::orders::show))
        .route("/orders/{id}/cancel", post(buy::orders::cancel))
        .route("/orders/{id}/received", post(buy::orders::received))
        .route(
            "/orders/{id}/lines/{line}/review",
            post(buy::orders::review),
        )
        .route(
            "/account/addresses",
            get(buy::addresses::show).post(buy::addresses::add),
        )
        .route(
            "/account/addresses/{id}/default",
            post(buy::addresses::make_default),
        )
        .route(
            "/account/addresses/{id}/remove",
            post(buy::addresses::remove),
        )
        .route("/chat", get(chat::buyer::inbox))
        .route(
            "/chat/new",
            get(chat::buyer::new_page).post(chat::buyer::begin),
        )
        .route(
            "/chat/{id}",
            get(chat::buyer::thread).post(chat::buyer::send),
        )
        .route("/signout", post(auth::sign_out))
        .route("/lang", post(auth::switch_language))
        .route("/account", get(account::show))
        .route(
            "/account/password",
            get(|| async { Redirect::to("/account") }).post(account::change_password),
        )
        // Seller Center
        .route("/seller", get(seller::dashboard))
        .route(
            "/seller/signin",
            get(auth::seller_sign_in_page).post(auth::seller_sign_in),
        )
        .route(
            "/seller/signup",
            get(auth::seller_sign_up_page).post(auth::seller_sign_up),
        )
        .route("/seller/team", get(seller::team))
        .route(
            "/seller/team/invite",
            get(|| async { Redirect::to("/seller/team") }).post(seller::invite),
        )
        .route("/seller/team/{id}", get(seller::member))
        .route("/seller/team/{id}/role", post(seller::change_role))
        .route("/seller/team/{id}/remove", post(seller::remove_member))
        .route(
            "/seller/team/invitations/{id}/revoke",
            post(seller::revoke_invitation),
        )
        .route(
            "/seller/invitations/{token}",
            get(seller::show_invitation).post(seller::accept_invitation),
        )
        .route(
            "/seller/api-keys",
            get(seller::list_keys).post(seller::create_key),
        )
        .route("/seller/api-keys/{id}/revoke", post(seller::revoke_key))
        .route("/seller/shop", get(seller::shop).post(seller::rename_shop))
        .route("/seller/products", get(catalog::list))
        .route("/seller/products/sync-events", get(catalog::sync::watch))
        .route("/seller/sync", get(catalog::sync::health))
        .route(
            csrf::IMPORT_PATH,
            get(catalog::import::page)
                .post(catalog::import::upload)
                .layer(DefaultBodyLimit::max(csrf::IMPORT_LIMIT)),
        )
        .route(
            "/seller/products/import/template.csv",
            get(catalog::import::template_file),
        )
        .route("/seller/products/import/{id}", get(catalog::import::job))
        .route(
            "/seller/products/import/{id}/progress",
            get(catalog::import::progress),
        )
        .route(
            "/seller/products/export.csv",
            get(catalog::import::export_file),
        )
        .route(
            "/seller/products/new",
            get(catalog::editor::new_page).post(catalog::editor::create),
        )
        .route(
            "/seller/products/{id}",
            get(catalog::editor::edit_page).post(catalog::editor::save),
        )
        .route(
            "/seller/products/{id}/images",
            post(catalog::images::upload).layer(DefaultBodyLimit::max(csrf::UPLOAD_LIMIT)),
        )
        .route(
            "/seller/products/{id}/images/{image}/move/{direction}",
            post(catalog::images::move_image),
        )
        .route(
            "/seller/products/{id}/images/{image}/delete",
            post(catalog::images::remove),
        )
        .route(
            "/seller/products/{id}/images/{image}/{size}",
            get(catalog::images::bytes),
        )
        .route("/seller/products/{id}/skus/{sku}", get(catalog::stock::sku))
        .route(
            "/seller/products/{id}/skus/{sku}/stock",
            post(catalog::stock::change),
        )
        .route(
            "/seller/products/{id}/skus/{sku}/image",
            post(catalog::stock::image),
        )
        .route(
            "/seller/products/{id}/skus/{sku}/threshold",
            post(catalog::stock::threshold),
        )
        .route(
            "/seller/products/{id}/skus/{sku}/price",
            post(catalog::stock::price),
        )
        .route(
            "/seller/products/{id}/video",
            get(catalog::video::file)
                .post(catalog::video::upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/seller/products/{id}/video/delete",
            post(catalog::video::remove),
        )
        .route("/seller/products/{id}/{action}", post(catalog::editor::act))
        .route(
            "/seller/stock",
            get(catalog::stock::overview).post(catalog::stock::bulk),
        )
        .route("/seller/chat", get(chat::seller::inbox))
        .route(
            "/seller/chat/{id}",
            get(chat::seller::thread).post(chat::seller::reply),
        )
        .route("/seller/orders", get(orders::list))
        .route("/seller/performance", get(orders::performance::show))
        .route("/seller/orders/{id}", get(orders::detail::show))
        .route("/seller/orders/{id}/arrange", post(orders::detail::arrange))
        .route("/seller/orders/{id}/label.pdf", get(orders::labels::one))
        .route("/seller/orders/labels.pdf", post(orders::labels::batch))
        .route("/seller/orders/arrange", post(orders::bulk::arrange_ticked))
        .route("/seller/orders/export.csv", get(orders::bulk::export))
        .route("/seller/orders/{id}/ship", post(orders::detail::hand_over))
        .route("/seller/orders/{id}/cancel", post(orders::detail::cancel))
        .route("/seller/promotions", get(promotions::list))
        .route(
            "/seller/promotions/new",
            get(promotions::form::new_page).post(promotions::form::create),
        )
        .route("/seller/promotions/{id}", get(promotions::show))
        .route(
            "/seller/promotions/{id}/edit",
            get(promotions::form::edit_page).post(promotions::form::save),
        )
        .route("/seller/promotions/{id}/{action}", post(promotions::switch))
        .route(
            "/seller/vouchers/new",
            get(promotions::vouchers::seller_new).post(promotions::vouchers::seller_create),
        )
        .route(
            "/seller/vouchers/{id}",
            get(promotions::vouchers::seller_show),
        )
        .route(
            "/seller/vouchers/{id}/edit",
            get(promotions::vouchers::seller_edit_page).post(promotions::vouchers::seller_save),
        )
        .route(
            "/seller/vouchers/{id}/{action}",
            post(promotions::vouchers::seller_switch),
        )
        .route(
            csrf::VIDEO_UPLOAD_PATH,
            get(videos::seller::list)
                .post(videos::seller::upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/seller/videos/{id}",
            get(videos::seller::show).post(videos::seller::save),
        )
        .route("/seller/videos/{id}/file", get(videos::seller::file))
        .route(
            "/seller/videos/{id}/cover",
            get(videos::seller::cover).post(videos::seller::upload_cover),
        )
        .route("/seller/videos/{id}/{action}", post(videos::seller::act))
        .route(
            "/seller/live",
            get(live::seller::list).post(live::seller::schedule),
        )
        .route("/seller/live/{id}", get(live::seller::console))
        .route("/seller/live/{id}/stats", get(live::seller::stats))
        .route("/seller/live/{id}/cover", post(live::seller::upload_cover))
        .route("/seller/live/{id}/plan", post(live::seller::replan))
        .route("/seller/live/{id}/{action}", post(live::seller::act))
        .route("/seller/notifications", get(notifications::list))
        .route(
            "/seller/notifications/read-all",
            post(notifications::mark_all_read),
        )
        .route("/seller/notifications/{id}", get(notifications::open))
        .route("/seller/verification", get(verification::overview))
        .route("/seller/verification/submit", post(verification::submit))
        .route(
            "/seller/verification/documents",
            get(verification::documents_page)
                .post(verification::upload)
                .layer(DefaultBodyLimit::max(csrf::UPLOAD_LIMIT)),
        )
        .route(
            "/seller/verification/documents/{slot}",
            get(verification::document),
        )
        .route(
            "/seller/verification/reveal/{field}",
            get(verification::reveal),
        )
        .route(
            "/seller/verification/{step}",
            get(verification::show_step).post(verification::save_step),
        )
        .route("/regions/{code}", get(verification::region_children))
        // Admin
        .route("/admin", get(admin::dashboard))
        .route("/admin/products", get(admin_catalog::list))
        .route("/admin/sync", get(admin_sync::health))
        .route(
            "/admin/vouchers",
            get(promotions::admin_vouchers::admin_list),
        )
        .route(
            "/admin/vouchers/new",
            get(promotions::admin_vouchers::admin_new)
                .post(promotions::admin_vouchers::admin_create),
        )
        .route(
            "/admin/vouchers/{id}",
            get(promotions::admin_vouchers::admin_show),
        )
        .route(
            "/admin/vouchers/{id}/edit",
            get(promotions::admin_vouchers::admin_edit_page)
                .post(promotions::admin_vouchers::admin_save),
        )
        .route(
            "/admin/vouchers/{id}/{action}",
            post(promotions::admin_vouchers::admin_switch),
        )
        .route("/admin/products/{id}", get(admin_catalog::show))
        .route(
            "/admin/products/{id}/images/{image}/{size}",
            get(admin_catalog::image),
        )
        .route("/admin/products/{id}/{action}", post(admin_catalog::decide))
        .route("/admin/verifications", get(admin_verification::queue))
        .route("/admin/verifications/{id}", get(admin_verification::case))
        .route(
            "/admin/verifications/{id}/decision",
            post(admin_verification::decide),
        )
        .route(
            "/admin/verifications/{id}/documents/{slot}",
            get(admin_verification::document),
        )
        .route(
            "/admin/verifications/{id}/reveal/{field}",
            get(admin_verification::reveal),
        )
        .route(
            "/admin/signin",
            get(auth::admin_sign_in_page).post(auth::admin_sign_in),
        )
        // API documents
        .route("/api/openapi.json", get(api::openapi_json))
        .route("/api/docs", get(api::docs_page))
        .route("/api/problems/{code}", get(api::problem_type))
        // Only routes that exist check CSRF: an unknown address answers 404.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::guard,
        ))
        // Payments: the buyer's pay and finish pages, and the sandbox
        // gateway (mounted only when enabled). Each brings its own CSRF
        // guard: the sandbox's API is called by servers, not browsers.
        .merge(routes::payments::router(&state))
        .merge(routes::sandbox_gateway::router(&state))
        .merge(routes::sandbox_courier::router(&state))
        // Operations and assets: no forms, no cookies.
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/static/{*path}", get(ops::static_file));

    let body_limit = state.config.body_limit;
    let timeout = state.config.request_timeout;
    let request_id = HeaderName::from_static("x-request-id");
    pages
        .merge(api_routes)
        .fallback(|| async { AppError::from(ErrorCode::NotFound) })
        .layer(axum::middleware::from_fn(etag::shop_pages))
        .layer(axum::middleware::from_fn_with_state(state.clone(), throttle::public_api))
        .layer(axum::middleware::from_fn_with_state(state.config.role, role_guard))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(timeout, deadline))
        // Videos are compressed already, and a compressed body would break
        // the byte ranges a player seeks with.
        // The fastest gzip level: on two cores, compressing a page at the
        // default level cost more than rendering it (measured on the video
        // feed), for pages a few percent smaller.
        .layer(
            CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest)
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("video/"))),
        )
        .layer(axum::middleware::from_fn_with_state(state.clone(), errors::render_errors))
        .layer(axum::middleware::from_fn_with_state(state.metrics.clone(), metrics::track))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let id = request
                    .extensions()
                    .get::<RequestId>()
                    .and_then(|id| id.header_value().to_str().ok())
                    .unwrap_or_default();
                let path = loggable_path(request.uri().path());
                tracing::info_span!("request", method = %request.method(), path = %path, request_id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, UlidRequestId))
        .with_state(state)
}

/// Paths that carry a secret (invitation links) are logged without it.
fn loggable_path(path: &str) -> &str {
    const SECRET_BEARING: [&str; 1] = ["/seller/invitations/"];
    SECRET_BEARING
        .iter()
        .find(|prefix| path.starts_with(*prefix))
        .map(|prefix| &prefix[..prefix.len() - 1])
        .unwrap_or(path)
}

#[derive(Clone)]
struct UlidRequestId;

impl MakeRequestId for UlidRequestId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let id = format!("req_{}", ulid::Ulid::new().to_string().to_lowercase());
        id.parse().ok().map(RequestId::new)
    }
}

/// A bound, not yet serving, application.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    router: Router,
}

impl Application {
    /// Binds `address` (`127.0.0.1:0` picks a free port).
    pub async fn build(
        services: Services,
        config: WebConfig,
        address: &str,
    ) -> std::io::Result<Application> {
        let listener = listener::bind(address).await?;
        Ok(Application::with_listener(services, config, listener))
    }

    /// Serves on a listener bound already (the caller needed its port
    /// first, e.g. for links when it asked for port 0).
    pub fn with_listener(
        services: Services,
        config: WebConfig,
        listener: TcpListener,
    ) -> Application {
        let (state, router) = app(services, config);
        Application {
            listener,
            state,
            router,
        }
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then finishes the requests in
    /// flight; event streams end (their viewers reconnect to another node).
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        let stopping = self.state.stopping.clone();
        let mut stopped = stopping.subscribe();
        tokio::spawn(async move {
            shutdown.await;
            stopping.send_replace(true);
        });
        let router = self.router;
        let connections = listener::sort_connections(self.listener, self.state)?;
        axum::serve(
            // Tapped only for the peer address axum's `ConnectInfo` reads.
            connections.tap_io(|_| {}),
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move { state::stopped(&mut stopped).await })
        .await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn invitation_tokens_stay_out_of_the_logs() {
        assert_eq!(
            super::loggable_path("/seller/invitations/abc123"),
            "/seller/invitations"
        );
        assert_eq!(super::loggable_path("/seller/team"), "/seller/team");
    }
}

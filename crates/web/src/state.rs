use std::sync::Arc;
use std::time::Duration;

use etalase_services::Services;

use crate::i18n::{Catalog, T};
use crate::metrics::Metrics;

/// A secret that never shows in `Debug` output or logs.
#[derive(Clone)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(value: impl Into<Arc<str>>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Signs CSRF tokens. Must stay the same across restarts and nodes.
    pub secret_key: Secret,
    /// Marks cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    pub request_timeout: Duration,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Behind a reverse proxy: take the client's address from the last
    /// `X-Forwarded-For` entry (the one our proxy added). Off, the header is
    /// ignored, so nobody can dodge the sign-in throttle by sending one.
    pub behind_proxy: bool,
    /// Which surfaces this process serves.
    pub role: ServeRole,
    /// Requests per minute one address may make to the public Shop API.
    pub public_api_per_minute: u32,
}

/// Which surfaces a process serves: everything, or — scaled out, the
/// processes sharing one database and the NATS stream — the Seller Center
/// side (Seller Center, Admin, API) or the Shop side (the buyers' pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServeRole {
    #[default]
    All,
    SellerCenter,
    Shop,
}

impl ServeRole {
    pub fn parse(text: &str) -> Option<ServeRole> {
        match text {
            "all" => Some(ServeRole::All),
            "seller-center" => Some(ServeRole::SellerCenter),
            "shop" => Some(ServeRole::Shop),
            _ => None,
        }
    }

    /// Whether this process answers `path` (the rest is another role's).
    pub fn serves(self, path: &str) -> bool {
        let shop = path == "/"
            || [
                "/p/",
                "/s/",
                "/c/",
                "/sitemaps/",
                "/vouchers/",
                "/api/v1/shop/",
                "/v/",
                "/live/",
            ]
            .iter()
            .any(|p| path.starts_with(p))
            || path == "/v"
            || path == "/live"
            || path == "/robots.txt"
            || path == "/search"
            || path == "/search/suggest"
            || path == "/sitemap.xml";
        let seller_center = !shop
            && ["/seller", "/admin", "/api"]
                .iter()
                .any(|p| path == *p || path.starts_with(&format!("{p}/")));
        // A live's event stream is also the seller's console's: its chat
        // and counts reach the Seller Center process (over the event bus).
        let live_events = path.starts_with("/live/") && path.ends_with("/events");
        match self {
            ServeRole::All => true,
            ServeRole::SellerCenter => !shop || live_events,
            ServeRole::Shop => !seller_center,
        }
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secret_key: Secret::new("change-me"),
            secure_cookies: false,
            request_timeout: Duration::from_secs(30),
            body_limit: 1024 * 1024,
            behind_proxy: false,
            role: ServeRole::All,
            public_api_per_minute: 300,
        }
    }
}

/// What every request shares. Each extractor and middleware of a request
/// takes its own copy, so a copy is one pointer: copying the services and
/// the rest field by field cost ~6% of a product page's CPU.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The contents of [`AppState`].
pub struct Shared {
    pub services: Services,
    pub catalog: Arc<Catalog>,
    pub metrics: Arc<Metrics>,
    pub config: Arc<WebConfig>,
    /// The OpenAPI document of the JSON API, rendered once at start.
    pub openapi: Arc<String>,
    /// Counts requests to the public Shop API per address.
    pub limiter: Arc<crate::limit::PublicLimiter>,
    /// Counts each buyer's chat messages, so no one floods a shop's inbox.
    pub chat_limiter: Arc<crate::limit::PublicLimiter>,
    /// Becomes `true` when the server stops: what never ends by itself (a
    /// live's event streams) ends then.
    pub stopping: Arc<tokio::sync::watch::Sender<bool>>,
}

/// Completes when the server stops (see [`AppState::stopping`]).
pub async fn stopped(stopping: &mut tokio::sync::watch::Receiver<bool>) {
    // An error is the sender gone: the app is gone, so stopped too.
    let _ = stopping.wait_for(|stopping| *stopping).await;
}

impl AppState {
    pub fn translator(&self, lang: etalase_domain::Lang) -> T {
        T::new(lang, self.catalog.clone())
    }
}

//! The use cases of etalase. Each command runs in one transaction that also
//! writes its audit line and outbox events; the web layer (HTML pages and
//! JSON API alike) calls these functions and nothing below them.

pub mod accounts;
pub mod api_keys;
pub mod attribution;
pub mod batch;
pub mod catalog;
pub mod checkout;
pub mod clock;
pub mod content;
pub mod demo;
pub mod documents;
mod error;
pub mod fetch;
pub mod fulfilment;
pub mod idempotency;
pub mod inventory;
pub mod kept_sessions;
pub mod kyc;
pub mod listing_document;
pub mod mail;
pub mod messaging;
pub mod notifications;
mod own_thread;
mod passwords;
pub mod payments;
pub mod pricing;
mod redact;
pub mod reviews;
pub mod search;
pub mod session_touches;
pub mod statistics;
pub mod storefront;
pub mod sync;
pub mod teams;
mod tokens;
pub mod vault;

use std::sync::Arc;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{FieldError, ServiceError, ServiceResult};
pub use etalase_store::Store;
pub use mail::{Mailer, OutgoingMail};
pub use redact::redact_url;

/// How long a signed-in session lives.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Signed out after this long without a request.
    pub idle_timeout_secs: i64,
    /// Signed out this long after signing in, however active.
    pub absolute_timeout_secs: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle_timeout_secs: 8 * 3600,
            absolute_timeout_secs: 7 * 24 * 3600,
        }
    }
}

/// Limits on failed sign-ins, per account and per client address.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub window_secs: i64,
    pub max_failures_per_account: i32,
    pub max_failures_per_ip: i32,
    pub lockout_secs: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window_secs: 15 * 60,
            max_failures_per_account: 5,
            max_failures_per_ip: 30,
            lockout_secs: 15 * 60,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub sessions: SessionPolicy,
    pub throttle: ThrottlePolicy,
    /// Where links in e-mails point (`http://127.0.0.1:8080`).
    pub public_url: String,
    pub invitation_ttl_secs: i64,
    /// How many shops one person (one NIK) may verify.
    pub max_shops_per_nik: i64,
    /// Working days a reviewer has to decide on a verification.
    pub verification_sla_working_days: u32,
    /// Indonesian working days: the built-in holidays plus any the operator added.
    pub calendar: Arc<etalase_domain::calendar::WorkingCalendar>,
    /// Address ranges besides the public internet that photo downloads
    /// may reach (an image server on the office network; 127.0.0.1 in
    /// tests). Empty: public addresses only.
    pub fetch_allow: Vec<ipnet::IpNet>,
    /// The platform's pricing rules (the floor no promotion goes under).
    pub pricer: etalase_domain::pricing::Pricer,
    /// Bytes of listings the Shop keeps in memory (0: none).
    pub shop_cache_bytes: u64,
    /// Payment deadlines and the COD limit.
    pub payments: etalase_domain::checkout::PaymentPolicy,
    /// Couriers' rates by route (the built-in table unless an admin
    /// replaced it).
    pub shipping_rates: Arc<etalase_domain::shipping::RateTable>,
    /// The payment gateway (or the built-in sandbox gateway).
    pub gateway: payments::GatewayConfig,
    /// How large and long a short video may be.
    pub video_limits: etalase_domain::content::video::VideoLimits,
    /// How large and long a product's own video may be.
    pub product_video_limits: etalase_domain::content::video::VideoLimits,
    /// ffmpeg, when the platform has it: a new video gets a frame of itself
    /// as its cover until the seller chooses one. Optional.
    pub ffmpeg: Option<std::path::PathBuf>,
    /// Ship-by, collect-by, delivery and return windows.
    pub fulfilment: etalase_domain::orders::FulfilmentPolicy,
    /// The couriers whose tracking webhooks the platform accepts.
    pub couriers: fulfilment::tracking::CourierConfig,
    /// The logistics aggregator that books pickups and issues resis.
    pub logistics: fulfilment::logistics::LogisticsConfig,
    /// What the platform does as a shop's metrics slip.
    pub performance: etalase_domain::orders::performance::PerformancePolicy,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            sessions: SessionPolicy::default(),
            throttle: ThrottlePolicy::default(),
            public_url: "http://127.0.0.1:8080".into(),
            invitation_ttl_secs: 7 * 24 * 3600,
            max_shops_per_nik: 2,
            verification_sla_working_days: 5,
            calendar: Arc::new(etalase_domain::calendar::indonesia().clone()),
            fetch_allow: Vec::new(),
            pricer: etalase_domain::pricing::Pricer::default(),
            shop_cache_bytes: 64 << 20,
            payments: etalase_domain::checkout::PaymentPolicy::default(),
            shipping_rates: Arc::new(etalase_domain::shipping::RateTable::default_table().clone()),
            gateway: payments::GatewayConfig::default(),
            video_limits: etalase_domain::content::video::VideoLimits::default(),
            product_video_limits: etalase_domain::content::video::VideoLimits::PRODUCT,
            ffmpeg: None,
            fulfilment: etalase_domain::orders::FulfilmentPolicy::default(),
            couriers: fulfilment::tracking::CourierConfig::default(),
            logistics: fulfilment::logistics::LogisticsConfig::default(),
            performance: etalase_domain::orders::performance::PerformancePolicy::default(),
        }
    }
}

/// Everything a use case needs. Cheap to clone; no globals, so tests can run
/// differently configured instances side by side.
#[derive(Clone)]
pub struct Services {
    pub store: Store,
    /// Seals personal data at rest.
    pub vault: Arc<vault::Vault>,
    /// Uploaded files (KYC documents, later product media).
    pub objects: etalase_store::objects::ObjectStore,
    pub clock: Arc<dyn Clock>,
    pub mailer: Arc<dyn Mailer>,
    /// Wakes the background mail dispatcher when one runs
    /// ([`mail::spawn_dispatcher`]); without one, mail is delivered inline.
    pub mail_wake: Option<Arc<tokio::sync::Notify>>,
    pub config: Arc<ServiceConfig>,
    /// Which products the sync just projected, for pages that watch.
    pub sync_notices: Arc<sync::SyncNotices>,
    /// What the Shop's pages read most, kept while the sync says it holds.
    pub shop_cache: Arc<storefront::ShopCache>,
    /// What quotes and summaries read of their SKUs, kept for the next
    /// buyer asking for the same SKUs until something changes.
    pub kept_sku_reads: Arc<pricing::kept::KeptSkuReads>,
    /// Orders placed at the same moment commit together (group commit).
    pub orders: Arc<batch::BatchCommitter>,
    /// Where buyers came from, recorded off the request path.
    pub attribution: Arc<attribution::Recorder>,
    /// Live events fanned out to viewers on this node (and, with an event
    /// bus, on every node).
    pub lives: Arc<content::live::hub::LiveHub>,
    /// The pace and word list of lives' chats.
    pub live_chat: Arc<content::live::viewers::Chat>,
    /// The Shop's search index: none until [`Services::with_search`] (a
    /// folder) or [`Services::with_memory_search`] gives it one. Commands
    /// that serve no Shop keep none and leave it to the server, which
    /// checks it against the read model at start.
    pub search: Option<Arc<search::SearchIndex>>,
    /// Idempotency keys whose requests run on this node now.
    pub keys_in_flight: Arc<idempotency::InFlight>,
    /// Sessions seen on this node, for their idle clock's writer.
    pub session_touches: Arc<session_touches::SessionTouches>,
    /// Sessions read a moment ago, given again without a read.
    pub kept_sessions: Arc<kept_sessions::KeptSessions>,
}

impl Services {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        mailer: Arc<dyn Mailer>,
        vault: Arc<vault::Vault>,
        objects: etalase_store::objects::ObjectStore,
        config: ServiceConfig,
    ) -> Self {
        let cache_bytes = config.shop_cache_bytes;
        let kept_sku_reads = Arc::new(pricing::kept::KeptSkuReads::new(&store));
        let orders = Arc::new(batch::BatchCommitter::new(
            store.clone(),
            clock.clone(),
            checkout::place::before_orders(),
            checkout::place::after_orders(),
        ));
        Self {
            store,
            vault,
            objects,
            clock,
            mailer,
            mail_wake: None,
            config: Arc::new(config),
            sync_notices: Arc::default(),
            shop_cache: Arc::new(storefront::ShopCache::new(cache_bytes)),
            kept_sku_reads,
            orders,
            attribution: Arc::default(),
            lives: Arc::default(),
            live_chat: Arc::default(),
            search: None,
            keys_in_flight: Arc::default(),
            session_touches: Arc::default(),
            kept_sessions: Arc::default(),
        }
    }

    /// Keeps the search index in `dir`, so it survives restarts.
    pub fn with_search(mut self, dir: &std::path::Path) -> ServiceResult<Self> {
        self.search = Some(Arc::new(search::SearchIndex::open(dir)?));
        Ok(self)
    }

    /// A search index in memory (tests; a Shop that keeps none on disk).
    pub fn with_memory_search(mut self) -> Self {
        self.search = Some(Arc::new(search::SearchIndex::in_memory()));
        self
    }

    pub fn now(&self) -> etalase_domain::Timestamp {
        self.clock.now()
    }
}

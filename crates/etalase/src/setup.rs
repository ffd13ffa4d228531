//! What every command starts from: its settings (flags, environment and
//! the config file), the store, the personal-data vault and the services.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use etalase_domain::calendar::WorkingCalendar;
use etalase_domain::content::video::VideoLimits;
use etalase_services::mail::{self, FileMailer, Mailer, SmtpMailer};
use etalase_services::payments::{GatewayConfig, ServerKey};
use etalase_services::vault::Vault;
use etalase_services::{ServiceConfig, Services, SessionPolicy, SystemClock};
use etalase_store::objects::ObjectStore;
use etalase_store::{Store, StoreOptions};

use crate::config::{self, FileConfig};
use crate::{Cli, default_public_url};

/// The platform's pricing rules from the config file.
fn pricer(file: &FileConfig) -> anyhow::Result<etalase_domain::pricing::Pricer> {
    let floor = file
        .price_floor
        .unwrap_or(etalase_domain::pricing::Pricer::DEFAULT_FLOOR);
    if !(100..=100_000_000).contains(&floor) {
        anyhow::bail!("price_floor must be from 100 to 100000000 Rupiah, not {floor}");
    }
    Ok(etalase_domain::pricing::Pricer { floor })
}

pub(crate) struct Settings {
    pub(crate) data_dir: PathBuf,
    pub(crate) database_url: String,
    pub(crate) pii_key_file: Option<PathBuf>,
    pub(crate) production: bool,
    pub(crate) holidays_file: Option<PathBuf>,
    pub(crate) fetch_allow: Vec<ipnet::IpNet>,
    pub(crate) smtp_url: Option<String>,
    pub(crate) mail_from: String,
    pub(crate) gateway_url: Option<String>,
    pub(crate) gateway_api_url: Option<String>,
    pub(crate) gateway_server_key: Option<String>,
    /// Serve and use the built-in sandbox gateway (`serve --demo` turns
    /// it on).
    pub(crate) payment_sandbox: bool,
    pub(crate) file: FileConfig,
}

pub(crate) fn settings(cli: &Cli) -> anyhow::Result<Settings> {
    let file = FileConfig::load(cli.config.as_deref())?;
    let data_dir = cli
        .storage
        .data_dir
        .clone()
        .or_else(|| file.data_dir.clone())
        .unwrap_or_else(|| PathBuf::from("data"));
    let database_url = config::database_url(
        cli.storage
            .database_url
            .clone()
            .or_else(|| file.database_url.clone()),
        &data_dir,
    );
    Ok(Settings {
        data_dir,
        database_url,
        pii_key_file: cli
            .storage
            .pii_key_file
            .clone()
            .or_else(|| file.pii_key_file.clone()),
        production: cli.storage.production || file.production.unwrap_or(false),
        holidays_file: cli
            .storage
            .holidays_file
            .clone()
            .or_else(|| file.holidays_file.clone()),
        fetch_allow: address_ranges(if cli.storage.fetch_allow.is_empty() {
            file.fetch_allow.as_deref().unwrap_or_default()
        } else {
            &cli.storage.fetch_allow
        })?,
        smtp_url: cli
            .mail
            .smtp_url
            .clone()
            .or_else(|| file.smtp_url.clone())
            .filter(|u| !u.is_empty()),
        mail_from: cli
            .mail
            .mail_from
            .clone()
            .or_else(|| file.mail_from.clone())
            .unwrap_or_else(|| "etalase <noreply@etalase.local>".to_owned()),
        gateway_url: given(cli.payments.gateway_url.clone(), file.gateway_url.clone()),
        gateway_api_url: given(
            cli.payments.gateway_api_url.clone(),
            file.gateway_api_url.clone(),
        ),
        gateway_server_key: given(
            cli.payments.gateway_server_key.clone(),
            file.gateway_server_key.clone(),
        ),
        payment_sandbox: cli.payments.payment_sandbox || file.payment_sandbox.unwrap_or(false),
        file,
    })
}

/// A flag's (or the environment's) value, else the file's; empty is none.
fn given(flag: Option<String>, file: Option<String>) -> Option<String> {
    flag.or(file).filter(|v| !v.trim().is_empty())
}

pub(crate) async fn open_store(
    settings: &Settings,
    max_connections: Option<u32>,
) -> anyhow::Result<Store> {
    if settings.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create data directory {}",
                settings.data_dir.display()
            )
        })?;
    }
    let options = StoreOptions {
        max_connections: max_connections
            .or(settings.file.max_connections)
            .unwrap_or(8),
        ..StoreOptions::default()
    };
    Store::connect_and_migrate(&settings.database_url, &options)
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                config::redact_url(&settings.database_url)
            )
        })
}

/// The keys that seal personal data: the configured key file; in production
/// nothing else will do; otherwise one generated into the data directory.
fn vault(settings: &Settings) -> anyhow::Result<Vault> {
    if let Some(path) = &settings.pii_key_file {
        return Vault::from_key_file(path).map_err(|e| anyhow::anyhow!("{e}"));
    }
    if settings.production {
        bail!(
            "production mode needs the key file that encrypts personal data: create one with \
             `etalase keys new /secure/place/pii.keys` and pass it as --pii-key-file \
             (ETALASE_PII_KEY_FILE); keep it secret and backed up"
        );
    }
    let path = settings.data_dir.join("keys").join("pii.keys");
    Vault::open_or_create(&path).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The store and the services, for commands run beside the server.
pub(crate) async fn offline(settings: &Settings) -> anyhow::Result<(Store, Services)> {
    let store = open_store(settings, None).await?;
    let svc = services(
        store.clone(),
        settings,
        default_public_url("127.0.0.1:8080"),
    )?;
    Ok((store, svc))
}

pub(crate) fn services(
    store: Store,
    settings: &Settings,
    public_url: String,
) -> anyhow::Result<Services> {
    let defaults = SessionPolicy::default();
    let defaults_service = ServiceConfig::default();
    let config = ServiceConfig {
        sessions: SessionPolicy {
            idle_timeout_secs: settings
                .file
                .session_idle_timeout_secs
                .unwrap_or(defaults.idle_timeout_secs),
            absolute_timeout_secs: settings
                .file
                .session_absolute_timeout_secs
                .unwrap_or(defaults.absolute_timeout_secs),
        },
        public_url: public_url.clone(),
        max_shops_per_nik: settings
            .file
            .max_shops_per_nik
            .unwrap_or(defaults_service.max_shops_per_nik),
        verification_sla_working_days: settings
            .file
            .verification_sla_working_days
            .unwrap_or(defaults_service.verification_sla_working_days),
        calendar: Arc::new(calendar(settings)?),
        fetch_allow: settings.fetch_allow.clone(),
        pricer: pricer(&settings.file)?,
        shop_cache_bytes: settings
            .file
            .shop_cache_mb
            .map_or(defaults_service.shop_cache_bytes, |mb| mb << 20),
        gateway: gateway(settings, &public_url)?,
        video_limits: video_limits(
            "video",
            settings.file.video_max_mb,
            settings.file.video_max_seconds,
            VideoLimits::SHORT,
        )?,
        product_video_limits: video_limits(
            "product_video",
            settings.file.product_video_max_mb,
            settings.file.product_video_max_seconds,
            VideoLimits::PRODUCT,
        )?,
        ffmpeg: settings
            .file
            .ffmpeg
            .clone()
            .or_else(etalase_services::content::frame::find_ffmpeg),
        couriers: couriers(settings)?,
        logistics: logistics(settings, &public_url)?,
        ..ServiceConfig::default()
    };
    let mailer = mailer(settings)?;
    let vault = vault(settings)?;
    let objects = ObjectStore::local(settings.data_dir.join("files"));
    // Only `serve` keeps a search index (see commands/serve.rs).
    Ok(Services::new(
        store,
        Arc::new(SystemClock),
        mailer,
        Arc::new(vault),
        objects,
        config,
    ))
}

/// The couriers whose tracking reports are accepted, with their secrets.
fn couriers(
    settings: &Settings,
) -> anyhow::Result<etalase_services::fulfilment::tracking::CourierConfig> {
    use etalase_services::fulfilment::tracking::CourierConfig;
    let mut config = if settings.payment_sandbox && !settings.production {
        CourierConfig::generated()
    } else {
        CourierConfig::default()
    };
    for (code, secret) in settings.file.courier_secrets.iter().flatten() {
        let courier = etalase_domain::shipping::Courier::parse(code).ok_or_else(|| {
            anyhow::anyhow!(
                "courier_secrets: unknown courier `{code}` (jne, jnt, sicepat, anteraja or pos)"
            )
        })?;
        config
            .secrets
            .insert(courier, ServerKey::new(secret.as_str()));
    }
    Ok(config)
}

/// The logistics aggregator: the built-in sandbox courier (demo and test
/// only, with the sandbox gateway), the configured one, or none (sellers
/// then send with their own courier and enter the resi).
fn logistics(
    settings: &Settings,
    public_url: &str,
) -> anyhow::Result<etalase_services::fulfilment::logistics::LogisticsConfig> {
    use etalase_services::fulfilment::logistics::LogisticsConfig;
    if settings.payment_sandbox && !settings.production {
        return Ok(LogisticsConfig::sandbox(public_url, ServerKey::generate()));
    }
    let key = std::env::var("ETALASE_LOGISTICS_API_KEY").unwrap_or_default();
    match settings.file.logistics_url.as_deref() {
        Some(url) if !key.is_empty() => {
            if settings.production && !url.starts_with("https://") {
                bail!("in production logistics_url must be https://");
            }
            Ok(LogisticsConfig {
                api_url: url.trim_end_matches('/').to_owned(),
                api_key: ServerKey::new(key),
                ..LogisticsConfig::default()
            })
        }
        Some(_) => bail!("logistics_url needs the aggregator's key in ETALASE_LOGISTICS_API_KEY"),
        None => Ok(LogisticsConfig::default()),
    }
}

/// The payment gateway: the built-in sandbox (demo and test only), the
/// configured gateway, or none (paying by gateway then answers
/// `gateway_unavailable`, COD still works).
fn gateway(settings: &Settings, public_url: &str) -> anyhow::Result<GatewayConfig> {
    let key = settings.gateway_server_key.clone().map(ServerKey::new);
    if settings.payment_sandbox {
        if settings.production {
            bail!(
                "the sandbox payment gateway is for demos and tests: in production give \
                 --gateway-url, --gateway-api-url and ETALASE_GATEWAY_SERVER_KEY instead of \
                 --payment-sandbox"
            );
        }
        if settings.gateway_url.is_some() {
            tracing::warn!("--gateway-url ignored: the sandbox payment gateway is on");
        }
        // A key made at start unless one is given: the sandbox and the
        // platform are the same process, so they always agree on it.
        return Ok(GatewayConfig::sandbox(
            public_url,
            key.unwrap_or_else(ServerKey::generate),
        ));
    }
    match (&settings.gateway_url, key) {
        (Some(url), Some(server_key)) => {
            let url = url.trim_end_matches('/').to_owned();
            let api_url = settings
                .gateway_api_url
                .as_deref()
                .map(|u| u.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| url.clone());
            if settings.production
                && !(url.starts_with("https://") && api_url.starts_with("https://"))
            {
                bail!("in production the payment gateway's URLs must be https://");
            }
            Ok(GatewayConfig {
                snap_url: url,
                api_url,
                server_key,
                sandbox_enabled: false,
                ..GatewayConfig::default()
            })
        }
        (Some(_), None) => bail!(
            "--gateway-url needs the gateway's server key: give ETALASE_GATEWAY_SERVER_KEY \
             (or --gateway-server-key)"
        ),
        (None, Some(_)) => {
            bail!("a gateway server key is given without --gateway-url (ETALASE_GATEWAY_URL)")
        }
        (None, None) => Ok(GatewayConfig::default()),
    }
}

/// `10.0.0.0/8` or a single address such as `192.168.1.5`.
fn address_ranges(texts: &[String]) -> anyhow::Result<Vec<ipnet::IpNet>> {
    texts
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<ipnet::IpNet>()
                .or_else(|_| t.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    anyhow::anyhow!(
                        "--fetch-allow: {t} is not an address or a range such as 10.0.0.0/8"
                    )
                })
        })
        .collect()
}

/// The built-in holidays, plus the operator's file when one is given.
fn calendar(settings: &Settings) -> anyhow::Result<WorkingCalendar> {
    let builtin = etalase_domain::calendar::indonesia().clone();
    let Some(path) = &settings.holidays_file else {
        return Ok(builtin);
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the holidays file {}", path.display()))?;
    builtin
        .with_rows(&text)
        .map_err(|e| anyhow::anyhow!("holidays file {}: {e}", path.display()))
}

/// The SMTP relay when one is configured, else `.eml` files in the data dir.
fn mailer(settings: &Settings) -> anyhow::Result<Arc<dyn Mailer>> {
    let from = mail::sender(&settings.mail_from).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(match &settings.smtp_url {
        Some(url) => Arc::new(SmtpMailer::from_url(url, from).map_err(|e| anyhow::anyhow!("{e}"))?),
        None => Arc::new(FileMailer::new(settings.data_dir.join("mail"), from)),
    })
}

/// A video limit setting (`name`: `video` or `product_video`): at most
/// what a buyer's phone can reasonably stream (1 GB, 10 minutes).
fn video_limits(
    name: &str,
    mb: Option<u64>,
    seconds: Option<u64>,
    defaults: etalase_domain::content::video::VideoLimits,
) -> anyhow::Result<etalase_domain::content::video::VideoLimits> {
    let mb = mb.unwrap_or(defaults.max_bytes / (1024 * 1024));
    let seconds = seconds.unwrap_or(defaults.max_duration_ms / 1000);
    if !(1..=1024).contains(&mb) {
        anyhow::bail!("{name}_max_mb must be from 1 to 1024, not {mb}");
    }
    if !(5..=600).contains(&seconds) {
        anyhow::bail!("{name}_max_seconds must be from 5 to 600, not {seconds}");
    }
    Ok(etalase_domain::content::video::VideoLimits {
        max_bytes: mb * 1024 * 1024,
        max_duration_ms: seconds * 1000,
    })
}

//! Settings: command-line flags, else `ETALASE_*` environment variables, else
//! the TOML config file, else defaults. Secrets are wrapped so they never show
//! in `Debug` output or logs.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rand::RngCore;
use serde::Deserialize;

/// The optional TOML config file (`--config`, `ETALASE_CONFIG`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub public_url: Option<String>,
    pub secret_key: Option<String>,
    pub max_connections: Option<u32>,
    pub session_idle_timeout_secs: Option<i64>,
    pub session_absolute_timeout_secs: Option<i64>,
    pub request_timeout_secs: Option<u64>,
    pub body_limit_bytes: Option<usize>,
    pub log_format: Option<String>,
    pub behind_proxy: Option<bool>,
    pub pii_key_file: Option<PathBuf>,
    /// How many shops one person (one NIK) may verify [default: 2].
    pub max_shops_per_nik: Option<i64>,
    /// Working days reviewers have for a verification decision [default: 5].
    pub verification_sla_working_days: Option<u32>,
    /// Requests per minute one address may make to the public Shop API
    /// (`/api/v1/shop/…`) [default: 300].
    pub public_api_per_minute: Option<u32>,
    /// No promotion takes a price below this, in Rupiah [default: 2000].
    pub price_floor: Option<i64>,
    /// Megabytes of product listings the Shop keeps in memory [default: 64].
    pub shop_cache_mb: Option<u64>,
    /// The largest short video a seller may upload, in megabytes [default: 100].
    pub video_max_mb: Option<u64>,
    /// The longest short video, in seconds [default: 180].
    pub video_max_seconds: Option<u64>,
    /// The largest video of a product's own page, in megabytes [default: 20].
    pub product_video_max_mb: Option<u64>,
    /// The longest video of a product's own page, in seconds [default: 60].
    pub product_video_max_seconds: Option<u64>,
    /// ffmpeg, to take a frame of a new video as its cover [default: the
    /// `ffmpeg` on PATH, if any; none is fine].
    pub ffmpeg: Option<PathBuf>,
    pub production: Option<bool>,
    /// Holidays added to the built-in ones (see `--holidays-file`).
    pub holidays_file: Option<PathBuf>,
    /// Address ranges photo downloads may reach besides the internet (see
    /// `--fetch-allow`).
    pub fetch_allow: Option<Vec<String>>,
    /// The SMTP relay URL (see `--smtp-url`); without it mail goes to files.
    pub smtp_url: Option<String>,
    /// The sender address of outgoing e-mail.
    pub mail_from: Option<String>,
    /// The payment gateway's Snap API (see `--gateway-url`).
    pub gateway_url: Option<String>,
    /// The gateway's status and refund API (see `--gateway-api-url`).
    pub gateway_api_url: Option<String>,
    /// The gateway's server key; better given as ETALASE_GATEWAY_SERVER_KEY.
    pub gateway_server_key: Option<String>,
    /// Serve the built-in sandbox payment gateway (demo and test only).
    pub payment_sandbox: Option<bool>,
    /// Each courier's webhook secret, by courier code (`jne = "…"`): the
    /// couriers sign their tracking reports with it. In demo and test mode
    /// (the sandbox payment gateway on) every courier gets a fresh one.
    pub courier_secrets: Option<std::collections::BTreeMap<String, String>>,
    /// The logistics aggregator's API that books pickups and issues resis
    /// (its key in `ETALASE_LOGISTICS_API_KEY`). In demo and test mode the
    /// built-in sandbox courier plays it.
    pub logistics_url: Option<String>,
}

/// Where payments go: the gateway's addresses and key, or the sandbox.
#[derive(clap::Args)]
pub(crate) struct PaymentArgs {
    /// The payment gateway's Snap API, where payments are created:
    /// `https://app.midtrans.com` (Midtrans production) or
    /// `https://app.sandbox.midtrans.com` (Midtrans's sandbox).
    #[arg(long, global = true, env = "ETALASE_GATEWAY_URL", value_name = "URL")]
    pub(crate) gateway_url: Option<String>,

    /// The gateway's status and refund API: `https://api.midtrans.com`
    /// (production) or `https://api.sandbox.midtrans.com` [default: the
    /// gateway URL].
    #[arg(
        long,
        global = true,
        env = "ETALASE_GATEWAY_API_URL",
        value_name = "URL"
    )]
    pub(crate) gateway_api_url: Option<String>,

    /// The gateway's server key: it authenticates the platform to the
    /// gateway and signs the gateway's notifications.
    #[arg(
        long,
        global = true,
        env = "ETALASE_GATEWAY_SERVER_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    pub(crate) gateway_server_key: Option<String>,

    /// Serve the built-in sandbox payment gateway at /sandbox-gateway and
    /// pay through it (VA, QRIS, GoPay; pay, fail, expire by hand). For
    /// demos and tests: refused in production. `serve --demo` turns it on.
    #[arg(long, global = true, env = "ETALASE_PAYMENT_SANDBOX")]
    pub(crate) payment_sandbox: bool,
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
        let Some(path) = path else {
            return Ok(FileConfig::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("config file {} is invalid", path.display()))
    }
}

/// The database URL: given, else a SQLite file in the data directory.
pub fn database_url(given: Option<String>, data_dir: &Path) -> String {
    given.unwrap_or_else(|| format!("sqlite://{}", data_dir.join("etalase.db").display()))
}

/// The key that signs CSRF tokens: given, else kept in `<data-dir>/secret.key`
/// (created on first start, readable by the owner only).
pub fn secret_key(given: Option<String>, data_dir: &Path) -> anyhow::Result<String> {
    if let Some(key) = given.filter(|k| !k.is_empty()) {
        return Ok(key);
    }
    let path = data_dir.join("secret.key");
    if let Ok(key) = std::fs::read_to_string(&path) {
        let key = key.trim().to_owned();
        if !key.is_empty() {
            return Ok(key);
        }
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    etalase_services::vault::write_private(&path, &key)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(key)
}

pub use etalase_services::redact_url;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_config_keys_are_refused() {
        assert!(toml::from_str::<FileConfig>("lisen = \"x\"").is_err());
        let config: FileConfig = toml::from_str("listen = \"0.0.0.0:80\"").unwrap();
        assert_eq!(config.listen.as_deref(), Some("0.0.0.0:80"));
    }
}

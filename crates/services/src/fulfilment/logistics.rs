//! Platform logistics: the platform books a courier pickup for a package
//! through a logistics aggregator's API (one API for every courier, the
//! way Indonesian marketplaces and aggregators such as Biteship or Shipper
//! work) and gets the resi back. `POST {api_url}/v1/shipments` with
//! `Authorization: Bearer <key>`; booking the same `reference` (the order
//! id) again answers the same shipment, so a retried booking never books
//! two pickups. The couriers then report the package's way through the
//! signed tracking webhook ([`super::tracking`]).
//!
//! Every call has a time limit, and no write transaction is open while
//! one waits.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::payments::ServerKey;
use crate::payments::gateway::CLIENT;

/// Where the sandbox courier's API is served on the platform's own address.
pub const SANDBOX_PATH: &str = "/sandbox-courier";

/// Where the logistics aggregator is and how the platform proves who it is.
#[derive(Debug, Clone)]
pub struct LogisticsConfig {
    pub api_url: String,
    pub api_key: ServerKey,
    /// Serve the built-in sandbox courier under [`SANDBOX_PATH`] (demo and
    /// test mode only).
    pub sandbox_enabled: bool,
    pub timeout: Duration,
}

impl Default for LogisticsConfig {
    /// No platform logistics: arranging a pickup answers
    /// `logistics_unavailable`; sellers still send with their own courier.
    fn default() -> Self {
        LogisticsConfig {
            api_url: String::new(),
            api_key: ServerKey::default(),
            sandbox_enabled: false,
            timeout: Duration::from_secs(15),
        }
    }
}

impl LogisticsConfig {
    /// The built-in sandbox courier on the platform's own address.
    pub fn sandbox(public_url: &str, api_key: ServerKey) -> LogisticsConfig {
        LogisticsConfig {
            api_url: format!("{}{SANDBOX_PATH}", public_url.trim_end_matches('/')),
            api_key,
            sandbox_enabled: true,
            ..LogisticsConfig::default()
        }
    }
}

/// An end of a shipment, as the aggregator takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub name: String,
    pub phone: String,
    pub address: String,
    pub district_code: String,
    pub postal_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookedItem {
    pub name: String,
    pub quantity: i64,
}

/// A pickup booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// The platform's order id: the same reference books once.
    pub reference: String,
    /// `jne`, `jnt`, `sicepat`, `anteraja`, `pos`.
    pub courier: String,
    /// The service code, e.g. `REG`.
    pub service: String,
    pub origin: Endpoint,
    pub destination: Endpoint,
    pub items: Vec<BookedItem>,
    pub weight_grams: u64,
    /// Whole Rupiah to collect on delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cod_amount: Option<i64>,
}

/// The aggregator's answer to a booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booked {
    pub id: String,
    pub reference: String,
    pub courier: String,
    pub service: String,
    pub resi: String,
    pub status: String,
}

/// Why a booking did not give a resi.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogisticsError {
    /// Not configured, no answer in time, a 5xx or an answer that is not
    /// the aggregator's JSON: try again later.
    Unavailable(String),
    /// The aggregator answered and said no.
    Refused(String),
}

impl std::fmt::Display for LogisticsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LogisticsError::Unavailable(why) => write!(f, "logistics unavailable: {why}"),
            LogisticsError::Refused(why) => write!(f, "logistics refused: {why}"),
        }
    }
}

impl std::error::Error for LogisticsError {}

/// Books a pickup; the same reference answers the same shipment.
pub(crate) async fn book(
    config: &LogisticsConfig,
    booking: &Booking,
) -> Result<Booked, LogisticsError> {
    if config.api_key.is_empty() || config.api_url.is_empty() {
        return Err(LogisticsError::Unavailable(
            "no logistics API is configured".into(),
        ));
    }
    let url = format!("{}/v1/shipments", config.api_url.trim_end_matches('/'));
    let response = CLIENT
        .post(url)
        .bearer_auth(config.api_key.expose())
        .header(reqwest::header::ACCEPT, "application/json")
        .json(booking)
        .timeout(config.timeout)
        .send()
        .await
        .map_err(|e| LogisticsError::Unavailable(e.without_url().to_string()))?;
    let status = response.status().as_u16();
    if status >= 500 {
        return Err(LogisticsError::Unavailable(format!("HTTP {status}")));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| LogisticsError::Unavailable(e.without_url().to_string()))?;
    if !(200..300).contains(&status) {
        let why = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or_else(|| format!("HTTP {status}"));
        return Err(LogisticsError::Refused(why));
    }
    let booked: Booked = serde_json::from_slice(&body)
        .map_err(|_| LogisticsError::Unavailable(format!("HTTP {status}, not a shipment")))?;
    if booked.reference != booking.reference {
        return Err(LogisticsError::Unavailable(
            "the answer is for another reference".into(),
        ));
    }
    Ok(booked)
}

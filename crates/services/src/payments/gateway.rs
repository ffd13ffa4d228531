//! The gateway's HTTP API as the platform calls it: Snap's
//! `POST /snap/v1/transactions`, and `GET /v2/{order_id}/status` and
//! `POST /v2/{order_id}/refund`, authenticated with HTTP Basic
//! (`server_key:`). Every call has a time limit; no write transaction is
//! ever open while one waits.

use std::sync::LazyLock;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Map, Value};

use super::GatewayConfig;

pub(crate) static CLIENT: LazyLock<reqwest::Client> = LazyLock::new(|| {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("etalase/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
});

/// Why a call to the gateway did not give an answer to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GatewayError {
    /// No answer in time, a broken connection, a 5xx, or an answer that
    /// is not the gateway's JSON: try again later.
    Unavailable(String),
    /// The gateway answered and said no (bad key, bad request, a refund
    /// it cannot make).
    Refused {
        status_code: String,
        message: String,
    },
}

impl std::fmt::Display for GatewayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GatewayError::Unavailable(why) => write!(f, "gateway unavailable: {why}"),
            GatewayError::Refused {
                status_code,
                message,
            } => write!(f, "gateway refused ({status_code}): {message}"),
        }
    }
}

impl std::error::Error for GatewayError {}

#[derive(Debug, Serialize)]
pub(crate) struct SnapRequest {
    pub transaction_details: TransactionDetails,
    pub item_details: Vec<ItemDetail>,
    pub customer_details: CustomerDetails,
    pub callbacks: Callbacks,
    pub expiry: Expiry,
}

#[derive(Debug, Serialize)]
pub(crate) struct TransactionDetails {
    pub order_id: String,
    pub gross_amount: i64,
}

#[derive(Debug, Serialize)]
pub(crate) struct ItemDetail {
    pub id: String,
    pub price: i64,
    pub quantity: i64,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct CustomerDetails {
    pub first_name: String,
    pub email: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Callbacks {
    pub finish: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Expiry {
    /// `yyyy-MM-dd HH:mm:ss +0700`.
    pub start_time: String,
    pub unit: &'static str,
    pub duration: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct SnapCreated {
    pub token: String,
    pub redirect_url: String,
}

/// A transaction as the gateway reports it, in a notification or from the
/// status API (the same fields). Values are kept as the gateway wrote them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Report {
    pub order_id: Option<String>,
    pub status_code: Option<String>,
    pub gross_amount: Option<String>,
    pub transaction_status: Option<String>,
    pub fraud_status: Option<String>,
    pub signature_key: Option<String>,
    pub transaction_id: Option<String>,
    pub payment_type: Option<String>,
    /// The bank and number of a virtual account.
    pub va: Option<(String, String)>,
    pub qr_string: Option<String>,
    pub status_message: Option<String>,
}

impl Report {
    /// Reads the gateway's JSON; `None` when it is not a JSON object.
    pub fn parse(body: &[u8]) -> Option<Report> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let map = value.as_object()?;
        let va = map
            .get("va_numbers")
            .and_then(Value::as_array)
            .and_then(|list| list.first())
            .and_then(Value::as_object)
            .and_then(|v| Some((text(v, "bank")?, text(v, "va_number")?)))
            .or_else(|| text(map, "permata_va_number").map(|n| ("permata".to_owned(), n)));
        Some(Report {
            order_id: text(map, "order_id"),
            status_code: text(map, "status_code"),
            gross_amount: text(map, "gross_amount"),
            transaction_status: text(map, "transaction_status"),
            fraud_status: text(map, "fraud_status"),
            signature_key: text(map, "signature_key"),
            transaction_id: text(map, "transaction_id"),
            payment_type: text(map, "payment_type"),
            va,
            qr_string: text(map, "qr_string"),
            status_message: text(map, "status_message"),
        })
    }

    /// The channel in the platform's words: `bca_va`, `qris`, `gopay`, …
    pub fn channel(&self) -> Option<String> {
        match (self.payment_type.as_deref()?, &self.va) {
            ("bank_transfer", Some((bank, _))) => Some(format!("{}_va", bank.to_lowercase())),
            ("echannel", _) => Some("mandiri_bill".to_owned()),
            (other, _) => Some(other.to_owned()),
        }
    }
}

/// A field as text, whether the gateway wrote it as a string or a number.
fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// What the status API says about a transaction.
#[derive(Debug, Clone)]
pub(crate) enum StatusReply {
    Found(Box<Report>),
    /// The gateway knows no such transaction (yet: Snap creates it when
    /// the buyer picks a way to pay).
    NotFound,
}

pub(crate) struct Gateway<'a> {
    config: &'a GatewayConfig,
}

impl<'a> Gateway<'a> {
    pub fn new(config: &'a GatewayConfig) -> Gateway<'a> {
        Gateway { config }
    }

    fn authorization(&self) -> String {
        let key = self.config.server_key.expose();
        format!("Basic {}", STANDARD.encode(format!("{key}:")))
    }

    fn ready(&self) -> Result<(), GatewayError> {
        if self.config.server_key.is_empty() {
            return Err(GatewayError::Unavailable(
                "no gateway server key is configured".into(),
            ));
        }
        Ok(())
    }

    /// Sends a request and reads its JSON answer (with the HTTP status).
    async fn call(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(u16, Map<String, Value>), GatewayError> {
        self.ready()?;
        let response = request
            .header(reqwest::header::AUTHORIZATION, self.authorization())
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(self.config.timeout)
            .send()
            .await
            .map_err(|e| GatewayError::Unavailable(without_url(&e)))?;
        let status = response.status().as_u16();
        if status >= 500 {
            return Err(GatewayError::Unavailable(format!("HTTP {status}")));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| GatewayError::Unavailable(without_url(&e)))?;
        let value: Value = serde_json::from_slice(&body)
            .map_err(|_| GatewayError::Unavailable(format!("HTTP {status}, not JSON")))?;
        match value {
            Value::Object(map) => Ok((status, map)),
            _ => Err(GatewayError::Unavailable(format!(
                "HTTP {status}, not an object"
            ))),
        }
    }

    /// Snap: a transaction and the hosted page to pay it on.
    pub async fn create(
        &self,
        request: &SnapRequest,
        notification_url: &str,
    ) -> Result<SnapCreated, GatewayError> {
        let url = format!(
            "{}/snap/v1/transactions",
            self.config.snap_url.trim_end_matches('/')
        );
        let (status, map) = self
            .call(
                CLIENT
                    .post(url)
                    .header("X-Override-Notification", notification_url)
                    .json(request),
            )
            .await?;
        match (text(&map, "token"), text(&map, "redirect_url")) {
            (Some(token), Some(redirect_url)) if status < 300 => Ok(SnapCreated {
                token,
                redirect_url,
            }),
            _ => Err(GatewayError::Refused {
                status_code: status.to_string(),
                message: error_messages(&map),
            }),
        }
    }

    /// The status API: the gateway's own word on a transaction.
    pub async fn status(&self, order_id: &str) -> Result<StatusReply, GatewayError> {
        let url = format!(
            "{}/v2/{}/status",
            self.config.api_url.trim_end_matches('/'),
            path_segment(order_id)
        );
        let (_, map) = self.call(CLIENT.get(url)).await?;
        let body = serde_json::to_vec(&map).unwrap_or_default();
        let report = Report::parse(&body).unwrap_or_default();
        match report.status_code.as_deref() {
            Some("404") => Ok(StatusReply::NotFound),
            Some(code) if code.starts_with('5') => {
                Err(GatewayError::Unavailable(format!("status_code {code}")))
            }
            _ if report.transaction_status.is_some() => Ok(StatusReply::Found(Box::new(report))),
            code => Err(GatewayError::Refused {
                status_code: code.unwrap_or_default().to_owned(),
                message: report.status_message.unwrap_or_default(),
            }),
        }
    }

    /// The refund API; the same `refund_key` again is the same refund.
    pub async fn refund(
        &self,
        order_id: &str,
        refund_key: &str,
        amount: i64,
        reason: &str,
    ) -> Result<(), GatewayError> {
        let url = format!(
            "{}/v2/{}/refund",
            self.config.api_url.trim_end_matches('/'),
            path_segment(order_id)
        );
        let body = serde_json::json!({
            "refund_key": refund_key,
            "amount": amount,
            "reason": reason,
        });
        let (_, map) = self.call(CLIENT.post(url).json(&body)).await?;
        match text(&map, "status_code").as_deref() {
            Some("200") => Ok(()),
            Some(code) if code.starts_with('5') => {
                Err(GatewayError::Unavailable(format!("status_code {code}")))
            }
            code => Err(GatewayError::Refused {
                status_code: code.unwrap_or_default().to_owned(),
                message: text(&map, "status_message").unwrap_or_default(),
            }),
        }
    }
}

/// A time as the gateway writes it: `2026-05-01 14:30:00 +0700` (WIB).
pub(crate) fn gateway_time(at: etalase_domain::Timestamp) -> String {
    let l = at.to_datetime().to_offset(etalase_domain::time::WIB);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} +0700",
        l.year(),
        l.month() as u8,
        l.day(),
        l.hour(),
        l.minute(),
        l.second()
    )
}

/// Order ids are ours (`pay_…`): letters, digits and `_` only; anything
/// else is dropped rather than let into a URL.
fn path_segment(order_id: &str) -> String {
    order_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

fn error_messages(map: &Map<String, Value>) -> String {
    match map.get("error_messages") {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("; "),
        _ => text(map, "status_message").unwrap_or_default(),
    }
}

/// A transport error without the URL (which is ours, but long).
fn without_url(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    match std::error::Error::source(error) {
        Some(cause) => format!("{kind}: {cause}"),
        None => kind.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_reads_strings_and_numbers_and_finds_the_channel() {
        let body = br#"{"order_id":"pay_1","status_code":"201","gross_amount":"150000.00",
            "transaction_status":"pending","payment_type":"bank_transfer",
            "va_numbers":[{"bank":"bca","va_number":"70012123456"}],"transaction_id":7}"#;
        let report = Report::parse(body).unwrap();
        assert_eq!(report.gross_amount.as_deref(), Some("150000.00"));
        assert_eq!(report.transaction_id.as_deref(), Some("7"));
        assert_eq!(
            report.va,
            Some(("bca".to_owned(), "70012123456".to_owned()))
        );
        assert_eq!(report.channel().as_deref(), Some("bca_va"));
        let qris = Report::parse(br#"{"payment_type":"qris"}"#).unwrap();
        assert_eq!(qris.channel().as_deref(), Some("qris"));
        assert_eq!(Report::parse(b"[1,2]"), None);
        assert_eq!(Report::parse(b"not json"), None);
    }

    #[test]
    fn gateway_times_are_wib() {
        // 2026-01-01 00:00:00 UTC is 07:00 in Jakarta.
        let at = etalase_domain::Timestamp::from_unix_millis(1_767_225_600_000);
        assert_eq!(gateway_time(at), "2026-01-01 07:00:00 +0700");
    }

    #[test]
    fn order_ids_cannot_escape_their_path_segment() {
        assert_eq!(path_segment("pay_01ABC"), "pay_01ABC");
        assert_eq!(path_segment("../admin?x=1"), "adminx1");
    }
}

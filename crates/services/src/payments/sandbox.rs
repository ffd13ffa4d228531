//! The built-in sandbox gateway (demo and test mode only): the same API as
//! the real one — Snap's `POST /snap/v1/transactions`, a hosted payment
//! page, `GET /v2/{order_id}/status`, `POST /v2/{order_id}/refund`, HTTP
//! Basic with the server key, signed notifications — served by the
//! platform itself on its own address. The buyer picks a virtual account
//! (BCA, BNI), QRIS or GoPay on its page, sees the number or QR string, and
//! then says what happens: paid, failed or expired. The sandbox sends the
//! signed notification over HTTP to the platform, exactly as the real
//! gateway would, and the platform's real code handles it.
//!
//! Refunds of virtual-account payments are refused, as the real gateway
//! refuses them (banks cannot take money back from a VA).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::payments::sandbox::{self as store, SandboxTransaction};
use rand::Rng;
use serde_json::{Value, json};

use super::gateway::gateway_time;
use super::signature::{format_gross_amount, same_secret, sign};
use super::status::status_code;
use super::{NOTIFICATION_PATH, SANDBOX_PATH};
use crate::{ServiceError, ServiceResult, Services};

/// An answer of the sandbox's API: an HTTP status and the gateway's JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiAnswer {
    pub status: u16,
    pub body: Value,
}

impl ApiAnswer {
    fn new(status: u16, body: Value) -> ApiAnswer {
        ApiAnswer { status, body }
    }

    /// A Core API answer: the HTTP status repeats the body's `status_code`.
    fn core(status: u16, message: &str) -> ApiAnswer {
        ApiAnswer::new(
            status,
            json!({ "status_code": status.to_string(), "status_message": message }),
        )
    }
}

/// The ways to pay the sandbox offers.
pub const CHANNELS: [&str; 4] = ["bca_va", "bni_va", "qris", "gopay"];

/// What the buyer makes happen on the hosted page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pay,
    Fail,
    Expire,
}

impl Outcome {
    pub fn parse(text: &str) -> Option<Outcome> {
        match text {
            "pay" => Some(Outcome::Pay),
            "fail" => Some(Outcome::Fail),
            "expire" => Some(Outcome::Expire),
            _ => None,
        }
    }

    fn transaction_status(self) -> &'static str {
        match self {
            Outcome::Pay => "settlement",
            Outcome::Fail => "deny",
            Outcome::Expire => "expire",
        }
    }
}

/// A transaction as its hosted page shows it.
#[derive(Debug, Clone)]
pub struct HostedPage {
    pub transaction: SandboxTransaction,
    /// Name, price, quantity of each item the merchant sent.
    pub items: Vec<(String, i64, i64)>,
    pub customer: Option<String>,
}

/// What simulating an outcome did.
#[derive(Debug, Clone)]
pub struct Simulated {
    /// Where the buyer goes back to (the merchant's finish page, with the
    /// gateway's query parameters).
    pub finish_url: Option<String>,
    /// The platform acknowledged the notification.
    pub notified: bool,
}

fn enabled(svc: &Services) -> ServiceResult<()> {
    if svc.config.gateway.sandbox_enabled {
        Ok(())
    } else {
        Err(ErrorCode::NotFound.into())
    }
}

/// Whether an `Authorization` header carries the server key, like the real
/// gateway checks it (`Basic base64(server_key + ":")`).
fn authorized(svc: &Services, authorization: Option<&str>) -> bool {
    let key = svc.config.gateway.server_key.expose();
    let Some(encoded) = authorization.and_then(|a| a.strip_prefix("Basic ")) else {
        return false;
    };
    let Ok(decoded) = STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let presented = String::from_utf8_lossy(&decoded);
    !key.is_empty() && same_secret(&presented, &format!("{key}:"))
}

const ACCESS_DENIED: &str =
    "Access denied due to unauthorized transaction, please check client or server key";

/// Snap: creates a transaction and answers its token and hosted page.
pub async fn create_transaction(
    svc: &Services,
    authorization: Option<&str>,
    override_notification: Option<&str>,
    body: &[u8],
) -> ServiceResult<ApiAnswer> {
    enabled(svc)?;
    let snap_error =
        |status: u16, message: &str| ApiAnswer::new(status, json!({ "error_messages": [message] }));
    if !authorized(svc, authorization) {
        return Ok(snap_error(401, ACCESS_DENIED));
    }
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return Ok(snap_error(400, "request body is not valid JSON"));
    };
    let details = &request["transaction_details"];
    let order_id = details["order_id"].as_str().unwrap_or_default();
    if order_id.is_empty() || order_id.len() > 50 {
        return Ok(snap_error(
            400,
            "transaction_details.order_id is required, up to 50 characters",
        ));
    }
    let Some(gross) = whole_number(&details["gross_amount"]).filter(|g| *g > 0) else {
        return Ok(snap_error(
            400,
            "transaction_details.gross_amount must be a whole number above 0",
        ));
    };
    let items: Vec<(String, i64, i64)> = request["item_details"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|i| {
                    (
                        i["name"].as_str().unwrap_or_default().to_owned(),
                        whole_number(&i["price"]).unwrap_or(0),
                        whole_number(&i["quantity"]).unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if !items.is_empty() && items.iter().map(|(_, p, q)| p * q).sum::<i64>() != gross {
        return Ok(snap_error(
            400,
            "transaction_details.gross_amount is not equal to the sum of item_details",
        ));
    }
    let now = svc.now();
    let minutes = expiry_minutes(&request["expiry"]).unwrap_or(24 * 60);
    let public = svc.config.public_url.trim_end_matches('/');
    let token = crate::tokens::random_token();
    let customer = &request["customer_details"];
    let transaction = SandboxTransaction {
        order_id: order_id.to_owned(),
        gross_amount: gross,
        status: "created".into(),
        channel: None,
        va_number: None,
        qr_string: None,
        token: token.clone(),
        transaction_id: ulid::Ulid::new().to_string().to_lowercase(),
        notification_url: override_notification
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{public}{NOTIFICATION_PATH}")),
        finish_url: request["callbacks"]["finish"].as_str().map(str::to_owned),
        details: json!({
            "items": items,
            "customer": customer["first_name"].as_str().or(customer["email"].as_str()),
        })
        .to_string(),
        refunded_amount: 0,
        expires_at: now.plus_seconds(minutes * 60).unix_millis(),
        created_at: now.unix_millis(),
        updated_at: now.unix_millis(),
    };
    let mut tx = svc.store.write().await?;
    if !store::insert(&mut tx, &transaction).await? {
        return Ok(snap_error(
            400,
            "transaction_details.order_id has already been taken",
        ));
    }
    tx.commit().await?;
    Ok(ApiAnswer::new(
        201,
        json!({
            "token": token,
            "redirect_url": format!("{public}{SANDBOX_PATH}/snap/v2/vtweb/{token}"),
        }),
    ))
}

/// `expiry: {duration, unit}` in minutes.
fn expiry_minutes(expiry: &Value) -> Option<i64> {
    let duration = whole_number(&expiry["duration"]).filter(|d| *d > 0)?;
    let per_unit = match expiry["unit"].as_str()?.trim_end_matches('s') {
        "minute" => 1,
        "hour" => 60,
        "day" => 24 * 60,
        _ => return None,
    };
    Some(duration.saturating_mul(per_unit).min(7 * 24 * 60))
}

fn whole_number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// `GET /v2/{order_id}/status`.
pub async fn transaction_status(
    svc: &Services,
    authorization: Option<&str>,
    order_id: &str,
) -> ServiceResult<ApiAnswer> {
    enabled(svc)?;
    if !authorized(svc, authorization) {
        return Ok(ApiAnswer::core(401, ACCESS_DENIED));
    }
    match store::by_order(&svc.store, order_id).await? {
        Some(t) if t.status != "created" => {
            let mut report = report(svc, &t);
            report["status_message"] = json!("Success, transaction is found");
            Ok(ApiAnswer::new(200, report))
        }
        // Like Snap: no transaction until the buyer picks how to pay.
        _ => Ok(ApiAnswer::core(404, "Transaction doesn't exist.")),
    }
}

/// `POST /v2/{order_id}/refund`.
pub async fn refund(
    svc: &Services,
    authorization: Option<&str>,
    order_id: &str,
    body: &[u8],
) -> ServiceResult<ApiAnswer> {
    enabled(svc)?;
    if !authorized(svc, authorization) {
        return Ok(ApiAnswer::core(401, ACCESS_DENIED));
    }
    let Some(t) = store::by_order(&svc.store, order_id).await? else {
        return Ok(ApiAnswer::core(404, "Transaction doesn't exist."));
    };
    let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let remaining = t.gross_amount - t.refunded_amount;
    let amount = whole_number(&request["amount"]).unwrap_or(remaining);
    let key = request["refund_key"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| ulid::Ulid::new().to_string());
    if let Some(earlier) = store::refund_amount(&svc.store, order_id, &key).await? {
        // The same refund asked again: the same answer, no second refund.
        return Ok(if earlier == amount {
            refund_answer(&t, &key, amount)
        } else {
            ApiAnswer::core(412, "refund_key was used for another amount")
        });
    }
    if !matches!(t.status.as_str(), "settlement" | "partial_refund") {
        return Ok(ApiAnswer::core(
            412,
            "Merchant cannot modify the status of the transaction",
        ));
    }
    if matches!(t.channel.as_deref(), Some("bca_va" | "bni_va")) {
        return Ok(ApiAnswer::core(
            412,
            "Payment type bank_transfer does not support refund",
        ));
    }
    if amount <= 0 || amount > remaining {
        return Ok(ApiAnswer::core(
            412,
            "Refund amount must be above 0 and at most what is left to refund",
        ));
    }
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    store::insert_refund(&mut tx, order_id, &key, amount, now).await?;
    tx.commit().await?;
    let after = store::by_order(&svc.store, order_id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    // The real gateway tells the merchant about a refund too, afterwards.
    let notifier = svc.clone();
    let told = after.clone();
    tokio::spawn(async move {
        notify(&notifier, &told).await;
    });
    Ok(refund_answer(&after, &key, amount))
}

fn refund_answer(t: &SandboxTransaction, key: &str, amount: i64) -> ApiAnswer {
    ApiAnswer::new(
        200,
        json!({
            "status_code": "200",
            "status_message": "Success, refund request is approved",
            "order_id": t.order_id,
            "transaction_id": t.transaction_id,
            "gross_amount": format_gross_amount(t.gross_amount),
            "currency": "IDR",
            "transaction_status": t.status,
            "refund_amount": format_gross_amount(amount),
            "refund_key": key,
        }),
    )
}

/// The hosted page of a token.
pub async fn hosted_page(svc: &Services, token: &str) -> ServiceResult<HostedPage> {
    enabled(svc)?;
    let transaction = store::by_token(&svc.store, token)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let details: Value = serde_json::from_str(&transaction.details).unwrap_or(Value::Null);
    let items = details["items"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|i| Some((i[0].as_str()?.to_owned(), i[1].as_i64()?, i[2].as_i64()?)))
                .collect()
        })
        .unwrap_or_default();
    let customer = details["customer"].as_str().map(str::to_owned);
    Ok(HostedPage {
        transaction,
        items,
        customer,
    })
}

/// The buyer picked how to pay: the transaction gets its VA number or QR
/// string and becomes pending, and the platform is told (as the real
/// gateway tells it). Picking again changes nothing.
pub async fn choose(svc: &Services, token: &str, channel: &str) -> ServiceResult<()> {
    enabled(svc)?;
    if !CHANNELS.contains(&channel) {
        return Err(ServiceError::field("channel", ErrorCode::ValidationFailed));
    }
    let t = store::by_token(&svc.store, token)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let (va, qr) = match channel {
        "bca_va" => (Some(format!("70012{}", digits(6))), None),
        "bni_va" => (Some(format!("988{}", digits(13))), None),
        _ => (None, Some(qr_string(&t.order_id, t.gross_amount))),
    };
    let now = svc.now();
    let mut tx = svc.store.write().await?;
    let chosen = store::choose_channel(
        &mut tx,
        &t.order_id,
        channel,
        va.as_deref(),
        qr.as_deref(),
        now,
    )
    .await?;
    tx.commit().await?;
    if chosen && let Some(after) = store::by_order(&svc.store, &t.order_id).await? {
        notify(svc, &after).await;
    }
    Ok(())
}

/// Makes a pending transaction paid, failed or expired, and sends the
/// platform the signed notification of it. A transaction already settled
/// one way stays that way.
pub async fn simulate(svc: &Services, token: &str, outcome: Outcome) -> ServiceResult<Simulated> {
    enabled(svc)?;
    let t = store::by_token(&svc.store, token)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    if t.status == "created" {
        return Err(ServiceError::field("channel", ErrorCode::IllegalTransition));
    }
    let to = outcome.transaction_status();
    let mut tx = svc.store.write().await?;
    let moved = store::move_status(&mut tx, &t.order_id, "pending", to, svc.now()).await?;
    tx.commit().await?;
    let after = store::by_order(&svc.store, &t.order_id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    let notified = moved && notify(svc, &after).await;
    Ok(Simulated {
        finish_url: finish_url(&after),
        notified,
    })
}

/// The merchant's finish page with the gateway's query parameters.
fn finish_url(t: &SandboxTransaction) -> Option<String> {
    let base = t.finish_url.as_deref()?;
    let separator = if base.contains('?') { '&' } else { '?' };
    let query = serde_urlencoded_pairs(&[
        ("order_id", &t.order_id),
        ("status_code", status_code(&t.status)),
        ("transaction_status", &t.status),
    ]);
    Some(format!("{base}{separator}{query}"))
}

fn serde_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let v: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The gateway's report of a transaction: the body of its notifications
/// and of its status API, signed with the server key.
fn report(svc: &Services, t: &SandboxTransaction) -> Value {
    let gross = format_gross_amount(t.gross_amount);
    let code = status_code(&t.status);
    let key = svc.config.gateway.server_key.expose();
    let at = |millis: i64| {
        gateway_time(Timestamp::from_unix_millis(millis))
            .trim_end_matches(" +0700")
            .to_owned()
    };
    let channel = t.channel.as_deref().unwrap_or_default();
    let payment_type = match channel {
        "bca_va" | "bni_va" => "bank_transfer",
        other => other,
    };
    let mut report = json!({
        "transaction_time": at(t.created_at),
        "transaction_status": t.status,
        "transaction_id": t.transaction_id,
        "status_message": "midtrans payment notification",
        "status_code": code,
        "signature_key": sign(&t.order_id, code, &gross, key),
        "payment_type": payment_type,
        "order_id": t.order_id,
        "merchant_id": "ETALASE-SANDBOX",
        "gross_amount": gross,
        "fraud_status": "accept",
        "currency": "IDR",
        "expiry_time": at(t.expires_at),
    });
    if let (Some(bank), Some(number)) = (channel.strip_suffix("_va"), &t.va_number) {
        report["va_numbers"] = json!([{ "bank": bank, "va_number": number }]);
    }
    if let Some(qr) = &t.qr_string {
        report["qr_string"] = json!(qr);
        report["acquirer"] = json!("gopay");
    }
    if t.status == "settlement" {
        report["settlement_time"] = json!(at(t.updated_at));
    }
    if t.refunded_amount > 0 {
        report["refund_amount"] = json!(format_gross_amount(t.refunded_amount));
    }
    report
}

/// Sends the transaction's notification to the platform; true when the
/// platform answered 2xx. (The real gateway retries a few times; the
/// sandbox tries once, and the buyer's finish page asks the status API.)
async fn notify(svc: &Services, t: &SandboxTransaction) -> bool {
    let body = report(svc, t);
    let sent = super::gateway::CLIENT
        .post(&t.notification_url)
        .timeout(svc.config.gateway.timeout)
        .json(&body)
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => true,
        Ok(r) => {
            tracing::warn!(order_id = %t.order_id, status = %r.status(), "sandbox gateway: notification refused");
            false
        }
        Err(e) => {
            tracing::warn!(order_id = %t.order_id, error = %e, "sandbox gateway: notification not delivered");
            false
        }
    }
}

fn digits(n: usize) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// A QRIS payload in the EMVCo merchant-presented shape, ending with its
/// CRC — a wallet app would read it; the sandbox only shows it.
fn qr_string(order_id: &str, amount: i64) -> String {
    let field = |id: &str, value: &str| format!("{id}{:02}{value}", value.len());
    let merchant = format!(
        "{}{}",
        field("00", "ID.CO.ETALASE.SANDBOX"),
        field("01", order_id)
    );
    let mut payload = [
        field("00", "01"),
        field("01", "12"),
        field("26", &merchant),
        field("52", "5999"),
        field("53", "360"),
        field("54", &amount.to_string()),
        field("58", "ID"),
        field("59", "etalase sandbox"),
        field("60", "Jakarta"),
    ]
    .concat();
    payload.push_str("6304");
    let crc = crc16_ccitt(payload.as_bytes());
    format!("{payload}{crc:04X}")
}

/// CRC-16/CCITT-FALSE, the checksum QRIS payloads end with.
fn crc16_ccitt(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in bytes {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_strings_carry_the_amount_and_a_valid_crc() {
        // CRC-16/CCITT-FALSE's check value.
        assert_eq!(crc16_ccitt(b"123456789"), 0x29B1);
        let qr = qr_string("pay_01", 150_000);
        assert!(qr.starts_with("000201010212"));
        assert!(qr.contains("5406150000"));
        let (body, crc) = qr.split_at(qr.len() - 4);
        assert_eq!(
            u16::from_str_radix(crc, 16).unwrap(),
            crc16_ccitt(body.as_bytes())
        );
    }

    #[test]
    fn expiry_is_read_in_minutes() {
        assert_eq!(
            expiry_minutes(&json!({"duration": 90, "unit": "minute"})),
            Some(90)
        );
        assert_eq!(
            expiry_minutes(&json!({"duration": 2, "unit": "hours"})),
            Some(120)
        );
        assert_eq!(
            expiry_minutes(&json!({"duration": 30, "unit": "days"})),
            Some(7 * 24 * 60)
        );
        assert_eq!(expiry_minutes(&json!({"duration": 0, "unit": "day"})), None);
        assert_eq!(expiry_minutes(&Value::Null), None);
    }

    #[test]
    fn finish_urls_carry_the_gateway_parameters() {
        let t = SandboxTransaction {
            order_id: "pay_1".into(),
            gross_amount: 1,
            status: "settlement".into(),
            channel: None,
            va_number: None,
            qr_string: None,
            token: "t".into(),
            transaction_id: "x".into(),
            notification_url: String::new(),
            finish_url: Some("http://shop.test/checkout/chk_1/paid".into()),
            details: "{}".into(),
            refunded_amount: 0,
            expires_at: 0,
            created_at: 0,
            updated_at: 0,
        };
        assert_eq!(
            finish_url(&t).as_deref(),
            Some(
                "http://shop.test/checkout/chk_1/paid?order_id=pay_1&status_code=200&transaction_status=settlement"
            )
        );
    }
}

//! Couriers' tracking reports, received on `POST /api/v1/couriers/{courier}/events`.
//!
//! Each delivery is signed the Standard Webhooks way with the courier's
//! secret: `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
//! and a `webhook-timestamp` older than five minutes is refused, so a
//! captured delivery cannot be played again later. Each report is kept
//! once by the courier's event id (couriers retry), and moves its order
//! only forward (reports arrive out of order); a report of a kind this
//! platform does not know is accepted and ignored, never failed.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use etalase_domain::orders::{OrderEvent, Resi, TrackingKind};
use etalase_domain::shipping::Courier;
use etalase_domain::{ErrorCode, Timestamp};
use etalase_store::checkout::StoredOrder;
use etalase_store::fulfilment::{self as store, NewEntry, OrderChange, TrackingReport};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::{Applied, Step, Who, apply};
use crate::payments::ServerKey;
use crate::{ServiceError, ServiceResult, Services};

/// How old a delivery's timestamp may be (and how far ahead of our clock).
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// The couriers the platform hears from, each with the secret it signs
/// its webhook deliveries with.
#[derive(Debug, Clone, Default)]
pub struct CourierConfig {
    pub secrets: BTreeMap<Courier, ServerKey>,
}

impl CourierConfig {
    /// Every courier with a fresh secret (demo and test mode, where the
    /// built-in sandbox courier signs with them).
    pub fn generated() -> CourierConfig {
        CourierConfig {
            secrets: Courier::ALL
                .into_iter()
                .map(|c| (c, ServerKey::generate()))
                .collect(),
        }
    }
}

/// The headers of one delivery.
#[derive(Debug, Clone, Default)]
pub struct Delivery<'a> {
    pub id: &'a str,
    pub timestamp: &'a str,
    pub signature: &'a str,
    pub body: &'a [u8],
}

/// The signature a sender puts on `body` (`v1,<base64>`).
pub fn sign(secret: &ServerKey, id: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Whether the delivery is signed with `secret` and recent.
fn verified(secret: &ServerKey, d: &Delivery<'_>, now: Timestamp) -> bool {
    if secret.is_empty() || d.id.is_empty() {
        return false;
    }
    let Ok(sent) = d.timestamp.trim().parse::<i64>() else {
        return false;
    };
    if (now.unix_millis() / 1000 - sent).abs() > TOLERANCE_SECS {
        return false;
    }
    // A sender may list several signatures (while rotating secrets): any
    // one made with our secret will do.
    d.signature
        .split_whitespace()
        .filter_map(|s| s.strip_prefix("v1,"))
        .filter_map(|b| STANDARD.decode(b).ok())
        .any(|presented| {
            let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
                .expect("HMAC takes a key of any length");
            mac.update(d.id.as_bytes());
            mac.update(b".");
            mac.update(d.timestamp.trim().as_bytes());
            mac.update(b".");
            mac.update(d.body);
            mac.verify_slice(&presented).is_ok()
        })
}

/// A report as couriers send it.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct ReportBody {
    pub event_id: String,
    pub resi: String,
    pub kind: String,
    /// RFC 3339.
    pub happened_at: String,
    #[serde(default)]
    pub location: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// Kept; the order as it is now.
    Applied(Box<StoredOrder>),
    /// This event id was received before: nothing changed.
    Duplicate,
    /// A kind of report this platform does not know: accepted, ignored.
    Ignored,
}

/// Handles one delivery from `courier`.
pub async fn receive(svc: &Services, courier: &str, d: &Delivery<'_>) -> ServiceResult<Received> {
    let courier = Courier::parse(courier).ok_or(ErrorCode::NotFound)?;
    let now = svc.now();
    let secret = svc.config.couriers.secrets.get(&courier);
    if !secret.is_some_and(|s| verified(s, d, now)) {
        return Err(ErrorCode::TrackingSignatureInvalid.into());
    }
    let body: ReportBody = serde_json::from_slice(d.body).map_err(|_| ErrorCode::MalformedJson)?;
    let Some(kind) = TrackingKind::parse(&body.kind) else {
        return Ok(Received::Ignored);
    };
    let resi = Resi::parse(&body.resi).map_err(|e| ServiceError::field("resi", e.code()))?;
    let happened_at = Timestamp::parse_rfc3339(&body.happened_at)
        .ok_or_else(|| ServiceError::field("happened_at", ErrorCode::MalformedRequest))?;
    if body.event_id.is_empty() || body.event_id.len() > 100 {
        return Err(ServiceError::field("event_id", ErrorCode::MalformedRequest));
    }
    let location = body
        .location
        .as_deref()
        .map(|l| l.chars().take(120).collect::<String>())
        .filter(|l| !l.trim().is_empty());
    let mut tx = svc.store.write().await?;
    let Some(order) = store::order_by_resi(&mut tx, courier, &resi).await? else {
        return Err(ServiceError::field("resi", ErrorCode::TrackingResiUnknown));
    };
    let report = TrackingReport {
        courier,
        event_id: body.event_id.clone(),
        resi,
        order: order.id,
        kind,
        happened_at,
        location: location.clone(),
    };
    if !store::record_report(&mut tx, &report, now).await? {
        return Ok(Received::Duplicate);
    }
    let mut current = order;
    let events = kind.events_from(current.status);
    if events.is_empty() {
        // On the way, or a report the order is already past: the timeline
        // keeps it where it belongs, the status stays. The order's row is
        // written first: its lock keeps two reports of one order from
        // numbering their lines alike.
        store::touch_order(&mut tx, current.id, now).await?;
        store::append_entry(
            &mut tx,
            current.id,
            &NewEntry {
                at: happened_at,
                kind: &format!("tracking.{}", kind.as_str()),
                status: current.status,
                actor: &Who::Courier(courier).text(),
                detail: location.as_deref(),
            },
            now,
        )
        .await?;
        current = super::reread(&mut tx, current.id).await?;
    }
    for event in events {
        let step = Step {
            event,
            change: change_for(svc, event, happened_at),
            who: Who::Courier(courier),
            at: happened_at,
            detail: location.clone(),
        };
        current = match apply(&mut tx, &current, step, now).await? {
            Applied::Moved(order) => *order,
            // Moved by someone else since it was read: the courier retries.
            Applied::Raced => return Err(ErrorCode::OrderChanged.into()),
        };
    }
    tx.commit().await?;
    Ok(Received::Applied(Box::new(current)))
}

/// What an event from a courier's report writes besides the status.
fn change_for(svc: &Services, event: OrderEvent, at: Timestamp) -> OrderChange {
    match event {
        OrderEvent::Collected => OrderChange {
            dispatched_at: Some(at),
            ..OrderChange::default()
        },
        OrderEvent::Delivered => OrderChange {
            delivered_at: Some(at),
            complete_by: Some(svc.config.fulfilment.complete_by(at)),
            ..OrderChange::default()
        },
        _ => OrderChange::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_recent_delivery_verifies_and_anything_else_does_not() {
        let secret = ServerKey::new("whsec-test");
        let now = Timestamp::from_unix_millis(1_790_000_000_000);
        let ts = (now.unix_millis() / 1000).to_string();
        let body = br#"{"event_id":"e1"}"#;
        let signature = sign(&secret, "msg_1", &ts, body);
        let good = Delivery {
            id: "msg_1",
            timestamp: &ts,
            signature: &signature,
            body,
        };
        assert!(verified(&secret, &good, now));
        let several = format!("v1,AAAA {signature}");
        assert!(verified(
            &secret,
            &Delivery {
                signature: &several,
                ..good.clone()
            },
            now
        ));
        assert!(!verified(&ServerKey::new("other"), &good, now));
        assert!(!verified(&ServerKey::new(""), &good, now));
        let tampered = Delivery {
            body: br#"{"event_id":"e2"}"#,
            ..good.clone()
        };
        assert!(!verified(&secret, &tampered, now));
        let later = now.plus_seconds(TOLERANCE_SECS + 1);
        assert!(
            !verified(&secret, &good, later),
            "a replay after five minutes"
        );
        assert!(verified(&secret, &good, now.plus_seconds(TOLERANCE_SECS)));
    }
}

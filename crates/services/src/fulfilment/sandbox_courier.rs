//! The built-in sandbox courier (demo and test mode only): a logistics
//! aggregator served by the platform itself on its own address. It books
//! pickups through the same API a real aggregator offers
//! ([`super::logistics`]), issues resis in each courier's usual shape, and
//! on its control page a tester moves a package along — picked up, in
//! transit, out for delivery, delivered, a failed attempt, returned — each
//! step sent to the platform as a signed tracking report over HTTP, to the
//! same `POST /api/v1/couriers/{courier}/events` a real courier calls, so
//! the platform's real code path handles it.

use etalase_domain::ErrorCode;
use etalase_domain::orders::{Resi, TrackingKind};
use etalase_domain::regions::regions;
use etalase_domain::shipping::Courier;
use etalase_store::fulfilment::sandbox_courier::{self as store, SandboxShipment};
use rand::Rng;
use serde_json::json;

use super::logistics::{Booked, Booking};
use super::tracking::{ReportBody, sign};
use crate::payments::gateway::CLIENT;
use crate::payments::sandbox::ApiAnswer;
use crate::payments::signature::same_secret;
use crate::{ServiceError, ServiceResult, Services};

fn enabled(svc: &Services) -> ServiceResult<()> {
    if svc.config.logistics.sandbox_enabled {
        Ok(())
    } else {
        Err(ErrorCode::NotFound.into())
    }
}

fn refused(status: u16, why: &str) -> ApiAnswer {
    ApiAnswer {
        status,
        body: json!({ "error": why }),
    }
}

/// `POST /v1/shipments`: books a pickup, or answers the shipment already
/// booked under the same reference.
pub async fn book(
    svc: &Services,
    authorization: Option<&str>,
    body: &[u8],
) -> ServiceResult<ApiAnswer> {
    enabled(svc)?;
    let key = svc.config.logistics.api_key.expose();
    let presented = authorization
        .and_then(|a| a.strip_prefix("Bearer "))
        .unwrap_or_default();
    if key.is_empty() || !same_secret(presented.trim(), key) {
        return Ok(refused(401, "invalid API key"));
    }
    let Ok(booking) = serde_json::from_slice::<Booking>(body) else {
        return Ok(refused(400, "the body is not a booking"));
    };
    let Some(courier) = Courier::parse(&booking.courier) else {
        return Ok(refused(422, "unknown courier"));
    };
    if booking.reference.is_empty() || booking.reference.len() > 64 {
        return Ok(refused(422, "reference is required, up to 64 characters"));
    }
    for (end, name) in [
        (&booking.origin, "origin"),
        (&booking.destination, "destination"),
    ] {
        if regions().district(&end.district_code).is_none() {
            return Ok(refused(422, &format!("{name}: unknown district_code")));
        }
    }
    if booking.weight_grams == 0 {
        return Ok(refused(422, "weight_grams must be above 0"));
    }
    let now = svc.now();
    let details = serde_json::to_string(&booking).map_err(ServiceError::internal)?;
    // A fresh serial per try: a resi clash (one in a billion) books again.
    for _ in 0..3 {
        let serial: u64 = rand::rng().random();
        let shipment = SandboxShipment {
            id: format!("shp_{}", ulid::Ulid::new().to_string().to_lowercase()),
            reference: booking.reference.clone(),
            courier: courier.code().to_owned(),
            service: booking.service.clone(),
            resi: Resi::issued(courier, serial).to_string(),
            status: "booked".into(),
            webhook_url: webhook_url(svc, courier),
            details: details.clone(),
            reports: 0,
            created_at: now.unix_millis(),
            updated_at: now.unix_millis(),
        };
        let mut tx = svc.store.write().await?;
        if let Some(booked) = store::book(&mut tx, &shipment).await? {
            tx.commit().await?;
            let answer = Booked {
                id: booked.id,
                reference: booked.reference,
                courier: booked.courier,
                service: booked.service,
                resi: booked.resi,
                status: booked.status,
            };
            return Ok(ApiAnswer {
                status: 200,
                body: serde_json::to_value(answer).map_err(ServiceError::internal)?,
            });
        }
    }
    Ok(refused(503, "could not issue a resi, try again"))
}

fn webhook_url(svc: &Services, courier: Courier) -> String {
    format!(
        "{}/api/v1/couriers/{}/events",
        svc.config.public_url.trim_end_matches('/'),
        courier.code()
    )
}

/// The shipments the control page lists, most recently moved first.
pub async fn shipments(svc: &Services) -> ServiceResult<Vec<SandboxShipment>> {
    enabled(svc)?;
    Ok(store::recent(&svc.store, 100).await?)
}

/// The reports a tester may send next for a shipment whose last report
/// was `status`: the usual way forward, and the mishaps.
pub fn next_reports(status: &str) -> &'static [TrackingKind] {
    use TrackingKind as K;
    match status {
        "booked" => &[K::PickedUp, K::ReturnedToSender],
        "picked_up" => &[K::InTransit, K::ReturnedToSender],
        "in_transit" => &[K::OutForDelivery, K::ReturnedToSender],
        "out_for_delivery" => &[K::Delivered, K::FailedAttempt],
        "failed_attempt" => &[K::OutForDelivery, K::ReturnedToSender],
        _ => &[],
    }
}

/// What sending a report did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    pub shipment: SandboxShipment,
    /// The platform acknowledged the report (a 2xx answer).
    pub acknowledged: bool,
}

/// Sends the next report of `kind` for shipment `id` to the platform,
/// signed with the courier's secret, over HTTP.
pub async fn report(svc: &Services, id: &str, kind: TrackingKind) -> ServiceResult<Reported> {
    enabled(svc)?;
    let shipment = store::by_id(&svc.store, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    if !next_reports(&shipment.status).contains(&kind) {
        return Err(ErrorCode::OrderChanged.into());
    }
    let courier = Courier::parse(&shipment.courier).ok_or(ErrorCode::NotFound)?;
    let secret = svc
        .config
        .couriers
        .secrets
        .get(&courier)
        .ok_or(ErrorCode::NotFound)?;
    let now = svc.now();
    let number = shipment.reports + 1;
    let body = ReportBody {
        event_id: format!("{}-{number}", shipment.id),
        resi: shipment.resi.clone(),
        kind: kind.as_str().to_owned(),
        happened_at: now.to_rfc3339(),
        location: Some(location_of(&shipment, kind)),
    };
    let body = serde_json::to_vec(&body).map_err(ServiceError::internal)?;
    let message_id = format!("msg_{}", ulid::Ulid::new().to_string().to_lowercase());
    let timestamp = (now.unix_millis() / 1000).to_string();
    let signature = sign(secret, &message_id, &timestamp, &body);
    let acknowledged = CLIENT
        .post(&shipment.webhook_url)
        .header("content-type", "application/json")
        .header("webhook-id", &message_id)
        .header("webhook-timestamp", &timestamp)
        .header("webhook-signature", signature)
        .body(body)
        .timeout(svc.config.logistics.timeout)
        .send()
        .await
        .is_ok_and(|r| r.status().is_success());
    if !acknowledged {
        // A real courier retries later; the tester can send it again.
        tracing::warn!(shipment = %shipment.id, kind = kind.as_str(), "the platform did not acknowledge a sandbox tracking report");
        return Ok(Reported {
            shipment,
            acknowledged,
        });
    }
    let mut tx = svc.store.write().await?;
    store::note_report(&mut tx, &shipment.id, shipment.reports, kind.as_str(), now).await?;
    tx.commit().await?;
    let shipment = store::by_id(&svc.store, id)
        .await?
        .ok_or(ErrorCode::NotFound)?;
    Ok(Reported {
        shipment,
        acknowledged,
    })
}

/// Where the package is at a report, by the places of its booking: the
/// origin's regency when picked up, the destination's afterwards.
fn location_of(shipment: &SandboxShipment, kind: TrackingKind) -> String {
    let booking: Option<Booking> = serde_json::from_str(&shipment.details).ok();
    let regency_of = |district: &str| {
        regions()
            .district(district)
            .and_then(|d| regions().regency_label(d.parent))
            .unwrap_or_default()
    };
    let (origin, destination) = booking
        .map(|b| {
            (
                regency_of(&b.origin.district_code),
                regency_of(&b.destination.district_code),
            )
        })
        .unwrap_or_default();
    match kind {
        TrackingKind::PickedUp | TrackingKind::ReturnedToSender => origin,
        TrackingKind::InTransit => format!("Hub {destination}"),
        _ => destination,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_moves_forward_until_delivered_or_returned() {
        let mut status = "booked";
        let mut seen = Vec::new();
        while let Some(kind) = next_reports(status).first() {
            seen.push(*kind);
            status = kind.as_str();
        }
        assert_eq!(
            seen,
            [
                TrackingKind::PickedUp,
                TrackingKind::InTransit,
                TrackingKind::OutForDelivery,
                TrackingKind::Delivered
            ]
        );
        assert!(next_reports("delivered").is_empty());
        assert!(next_reports("returned_to_sender").is_empty());
        assert!(next_reports("failed_attempt").contains(&TrackingKind::ReturnedToSender));
    }
}

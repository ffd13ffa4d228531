//! Scale-out: the outbox carried over NATS JetStream, so Seller Center and
//! Shop run as separate processes (DESIGN.md §5).
//!
//! A relay on the Seller Center side reads the outbox in order (the same
//! cursor as the projector's, so PostgreSQL's gaps are minded) and
//! publishes every event with its sequence number as the message id:
//! JetStream drops a message it already has, so a relay that crashed
//! between publishing and storing its position publishes nothing twice.
//! Its position moves only after the server acknowledged the message, so a
//! NATS outage delays the Shop and loses nothing — the outbox keeps it.
//!
//! Shop processes share one durable consumer: each event is delivered until
//! acknowledged, and acknowledged only after its projection committed. An
//! event delivered again (a Shop process died before acknowledging) finds
//! the product already at that sequence and is skipped.

use std::time::Duration;

use async_nats::jetstream::{self, consumer::pull, stream};
use etalase_store::outbox::OutboxEvent;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::cursor::OutboxCursor;
use super::projector::Projector;
use crate::{ServiceError, ServiceResult, Services};

/// The relay's place in the outbox.
pub const RELAY: &str = "nats-relay";
/// Events relayed per read.
const BATCH: i64 = 500;
/// How long JetStream remembers message ids for dropping duplicates.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(2 * 3600);

/// Where events go: a NATS server, and the names under which this
/// installation's stream and consumer live (several installations, or
/// test runs, can share a server).
#[derive(Debug, Clone)]
pub struct BusConfig {
    pub url: String,
    /// Subjects are `<prefix>.outbox.<aggregate>`; the stream is the prefix
    /// in capitals with `_OUTBOX`.
    pub prefix: String,
}

impl BusConfig {
    fn stream(&self) -> String {
        format!(
            "{}_OUTBOX",
            self.prefix.to_uppercase().replace(['.', '-'], "_")
        )
    }

    fn subject(&self, aggregate: &str) -> String {
        format!("{}.outbox.{aggregate}", self.prefix)
    }
}

/// An outbox event as it travels.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Wire {
    seq: i64,
    event_id: String,
    topic: String,
    aggregate_type: String,
    aggregate_id: String,
    seller_id: Option<String>,
    payload: String,
    created_at: i64,
}

impl From<&OutboxEvent> for Wire {
    fn from(e: &OutboxEvent) -> Self {
        Wire {
            seq: e.seq,
            event_id: e.event_id.clone(),
            topic: e.topic.clone(),
            aggregate_type: e.aggregate_type.clone(),
            aggregate_id: e.aggregate_id.clone(),
            seller_id: e.seller_id.clone(),
            payload: e.payload.clone(),
            created_at: e.created_at,
        }
    }
}

impl From<Wire> for OutboxEvent {
    fn from(w: Wire) -> Self {
        OutboxEvent {
            seq: w.seq,
            event_id: w.event_id,
            topic: w.topic,
            aggregate_type: w.aggregate_type,
            aggregate_id: w.aggregate_id,
            seller_id: w.seller_id,
            payload: w.payload,
            created_at: w.created_at,
        }
    }
}

fn bus_error(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::internal(std::io::Error::other(format!("nats: {e}")))
}

/// Connects and makes sure the stream exists.
async fn connect(config: &BusConfig) -> ServiceResult<(jetstream::Context, stream::Stream)> {
    let client = async_nats::connect(&config.url).await.map_err(bus_error)?;
    let js = jetstream::new(client);
    let stream = js
        .get_or_create_stream(stream::Config {
            name: config.stream(),
            subjects: vec![format!("{}.outbox.>", config.prefix)],
            duplicate_window: DUPLICATE_WINDOW,
            max_age: Duration::from_secs(7 * 24 * 3600),
            ..Default::default()
        })
        .await
        .map_err(bus_error)?;
    Ok((js, stream))
}

/// Publishes what waits in the outbox; how many events it published.
async fn relay_once(
    svc: &Services,
    config: &BusConfig,
    js: &jetstream::Context,
    cursor: &mut OutboxCursor,
) -> ServiceResult<usize> {
    let (events, fresh) = cursor.read(svc, BATCH).await?;
    let mut acks = Vec::with_capacity(fresh.len());
    for event in &fresh {
        let body = serde_json::to_vec(&Wire::from(event)).map_err(ServiceError::internal)?;
        let publish = jetstream::context::Publish::build()
            .payload(body.into())
            .message_id(event.seq.to_string());
        let ack = js
            .send_publish(config.subject(&event.aggregate_type), publish)
            .await
            .map_err(bus_error)?;
        acks.push(ack);
    }
    // Every message stored (or known already) before the position moves.
    for ack in acks {
        ack.await.map_err(bus_error)?;
    }
    cursor.advance(svc, &events).await?;
    Ok(fresh.len())
}

/// Runs the relay: woken by every commit that wrote outbox events, and
/// every second besides; while NATS is away it retries, losing nothing.
pub fn spawn_relay(svc: Services, config: BusConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut commits = svc.store.event_commits();
        let mut cursor = loop {
            match OutboxCursor::load(&svc, RELAY).await {
                Ok(c) => break c,
                Err(e) => {
                    tracing::error!(error = %e, "relay: cannot load its position");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        };
        let mut connection = None;
        loop {
            commits.borrow_and_update();
            if connection.is_none() {
                match connect(&config).await {
                    Ok((js, _)) => {
                        tracing::info!(url = %config.url, "relay: connected to NATS");
                        connection = Some(js);
                    }
                    Err(e) => tracing::warn!(error = %e, "relay: NATS unreachable, retrying"),
                }
            }
            if let Some(js) = &connection {
                loop {
                    match relay_once(&svc, &config, js, &mut cursor).await {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "relay: publishing failed, retrying");
                            connection = None;
                            break;
                        }
                    }
                }
            }
            tokio::select! {
                changed = commits.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    })
}

/// Runs this Shop process's share of the durable consumer: every event is
/// projected, then acknowledged.
pub fn spawn_consumer(svc: Services, config: BusConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = consume(&svc, &config).await {
                tracing::warn!(error = %e, "shop consumer: NATS trouble, reconnecting");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
}

async fn consume(svc: &Services, config: &BusConfig) -> ServiceResult<()> {
    let (_, stream) = connect(config).await?;
    let consumer: jetstream::consumer::Consumer<pull::Config> = stream
        .get_or_create_consumer(
            "shop",
            pull::Config {
                durable_name: Some("shop".into()),
                ack_policy: jetstream::consumer::AckPolicy::Explicit,
                ack_wait: Duration::from_secs(30),
                ..Default::default()
            },
        )
        .await
        .map_err(bus_error)?;
    tracing::info!(url = %config.url, "shop consumer: connected to NATS");
    let mut projector = Projector::load(svc).await?;
    loop {
        let mut batch = consumer
            .fetch()
            .max_messages(200)
            .expires(Duration::from_secs(1))
            .messages()
            .await
            .map_err(bus_error)?;
        let mut messages = Vec::new();
        while let Some(message) = batch.next().await {
            messages.push(message.map_err(bus_error)?);
        }
        if messages.is_empty() {
            let retried = projector.retry_due().await?;
            svc.sync_notices.publish(&retried);
            continue;
        }
        let mut events = Vec::with_capacity(messages.len());
        for message in &messages {
            match serde_json::from_slice::<Wire>(&message.payload) {
                Ok(wire) => events.push(OutboxEvent::from(wire)),
                Err(e) => tracing::warn!(error = %e, "shop consumer: unreadable message skipped"),
            }
        }
        events.sort_by_key(|e| e.seq);
        let pass = projector.apply_events(&events).await?;
        svc.sync_notices.publish(&pass);
        for message in messages {
            message.ack().await.map_err(bus_error)?;
        }
    }
}

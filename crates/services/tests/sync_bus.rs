//! The sync through NATS JetStream on both backends: a NATS outage delays the
//! Shop and loses nothing (the outbox keeps every event), a relay that
//! publishes again what it already published adds nothing to the stream,
//! and the Shop's consumer brings the read model to what the events say.

mod support;

use std::time::{Duration, Instant};

use etalase_services::catalog::{self, media};
use etalase_services::sync::{self, bus};
use etalase_store::sync as states;
use etalase_testkit::{Backend, on_both_backends};
use support::*;

fn nats_url() -> String {
    std::env::var("ETALASE_TEST_NATS_URL")
        .expect("ETALASE_TEST_NATS_URL must name a NATS server with JetStream")
}

async fn stream_messages(config: &bus::BusConfig) -> u64 {
    let client = async_nats::connect(&config.url).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let name = format!("{}_OUTBOX", config.prefix.to_uppercase());
    let mut stream = js.get_stream(&name).await.unwrap();
    stream.info().await.unwrap().state.messages
}

async fn until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn an_outage_delays_the_shop_and_loses_nothing(backend: Backend) {
    let w = world(backend).await;
    let admin = verification::reviewer(&w.svc).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    verification::approve(&w.svc, &scope, &admin).await;
    let id = catalog::create(&w.svc, &scope, &form(complete(), None))
        .await
        .unwrap();
    media::upload(&w.svc, &scope, id, photo(800)).await.unwrap();
    catalog::publish(&w.svc, &scope, id).await.unwrap();
    let head = states::head(&w.svc.store).await.unwrap();
    let events = states::count_after(&w.svc.store, 0).await.unwrap();

    // NATS is away (nothing listens there): the relay keeps retrying and
    // its position stays put, so the events wait in the outbox.
    let prefix = format!("bus{}", ulid_like());
    let away = bus::BusConfig {
        url: "nats://127.0.0.1:1".into(),
        prefix: prefix.clone(),
    };
    let relay = bus::spawn_relay(w.svc.clone(), away);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    relay.abort();
    assert_eq!(states::position(&w.svc.store, bus::RELAY).await.unwrap(), 0);

    // NATS is back: every event goes out, in order, and the Shop follows.
    let config = bus::BusConfig {
        url: nats_url(),
        prefix,
    };
    let relay = bus::spawn_relay(w.svc.clone(), config.clone());
    let consumer = bus::spawn_consumer(w.svc.clone(), config.clone());
    let store = w.svc.store.clone();
    until("the relay publishes the outbox", async || {
        states::position(&store, bus::RELAY).await.unwrap() >= head
    })
    .await;
    // The listing appears with the first batch the consumer projects; the
    // product is synced once the batches after it are projected too.
    let svc = w.svc.clone();
    until("the Shop shows the product, synced", async || {
        let shown = etalase_store::shop::get(&store, id)
            .await
            .unwrap()
            .is_some();
        let status = sync::status(&svc, &scope, id).await.unwrap();
        shown && status.status.key() == "synced"
    })
    .await;
    let status = sync::status(&w.svc, &scope, id).await.unwrap();
    assert_eq!(status.status.key(), "synced", "{status:?}");
    relay.abort();

    // A relay that crashed after publishing but before storing its position
    // publishes everything again: JetStream keeps one copy of each.
    let published = stream_messages(&config).await;
    assert_eq!(published, events as u64);
    let mut tx = w.svc.store.write().await.unwrap();
    states::set_position(&mut tx, bus::RELAY, 0, w.svc.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let relay = bus::spawn_relay(w.svc.clone(), config.clone());
    until("the relay publishes again", async || {
        states::position(&store, bus::RELAY).await.unwrap() >= head
    })
    .await;
    assert_eq!(stream_messages(&config).await, published);
    relay.abort();
    consumer.abort();
}

/// A name no other run uses on a shared NATS server.
fn ulid_like() -> String {
    format!(
        "{}{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            % 1_000_000_000
    )
}

on_both_backends!(an_outage_delays_the_shop_and_loses_nothing);

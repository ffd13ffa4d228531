//! Idempotency keys on both backends: one run per key, whatever runs at
//! the same time; replays; reuse for another request; expiry.

use std::sync::Arc;

use etalase_domain::{ErrorCode, Timestamp};
use etalase_services::clock::ManualClock;
use etalase_services::idempotency::{self, Begin};
use etalase_services::mail::MemoryMailer;
use etalase_services::{ServiceConfig, Services};
use etalase_testkit::{Backend, database, on_both_backends};

async fn concurrent_requests_with_one_key_run_once(backend: Backend) {
    let db = database(backend).await;
    let clock = Arc::new(ManualClock::new(Timestamp::from_unix_millis(
        1_795_000_000_000,
    )));
    let svc = Services::new(
        db.store.clone(),
        clock.clone(),
        Arc::new(MemoryMailer::default()),
        Arc::new(etalase_services::vault::Vault::ephemeral()),
        etalase_store::objects::ObjectStore::memory(),
        ServiceConfig::default(),
    );
    let hash = idempotency::fingerprint("POST", "/api/v1/products", b"{}");
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let (svc, hash) = (svc.clone(), hash.clone());
        tasks.push(tokio::spawn(async move {
            idempotency::begin(&svc, "key_1", "buat-1", &hash).await
        }));
    }
    let (mut runs, mut waiting) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(Begin::Run) => runs += 1,
            Err(e) if e.code == ErrorCode::IdempotencyInProgress => waiting += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((runs, waiting), (1, 11));

    idempotency::finish(&svc, "key_1", "buat-1", 201, "{\"id\":1}")
        .await
        .unwrap();
    assert_eq!(
        idempotency::begin(&svc, "key_1", "buat-1", &hash)
            .await
            .unwrap(),
        Begin::Replay {
            status: 201,
            body: "{\"id\":1}".into()
        }
    );
    let other = idempotency::fingerprint("POST", "/api/v1/products", b"{\"x\":1}");
    let reused = idempotency::begin(&svc, "key_1", "buat-1", &other)
        .await
        .unwrap_err();
    assert_eq!(reused.code, ErrorCode::IdempotencyKeyReused);
    // Another API key may use the same key text.
    assert_eq!(
        idempotency::begin(&svc, "key_2", "buat-1", &other)
            .await
            .unwrap(),
        Begin::Run
    );
    // For 24 hours the answer is replayed; after them the key is free again.
    clock.advance_secs(24 * 3600);
    assert_eq!(
        idempotency::begin(&svc, "key_1", "buat-1", &hash)
            .await
            .unwrap(),
        Begin::Replay {
            status: 201,
            body: "{\"id\":1}".into()
        }
    );
    clock.advance_secs(1);
    assert_eq!(
        idempotency::begin(&svc, "key_1", "buat-1", &other)
            .await
            .unwrap(),
        Begin::Run
    );
}

fn node(db: &etalase_testkit::TestDatabase, clock: Arc<ManualClock>) -> Services {
    Services::new(
        db.store.clone(),
        clock,
        Arc::new(MemoryMailer::default()),
        Arc::new(etalase_services::vault::Vault::ephemeral()),
        etalase_store::objects::ObjectStore::memory(),
        ServiceConfig::default(),
    )
}

/// Two nodes on one database and one clock, each holding the same key of
/// a buyer's order for the same request.
struct TwoNodes {
    db: etalase_testkit::TestDatabase,
    clock: Arc<ManualClock>,
    a: Services,
    b: Services,
    hash: String,
    first: idempotency::Keyed,
    second: idempotency::Keyed,
}

async fn two_nodes_holding_one_key(backend: Backend) -> TwoNodes {
    let db = database(backend).await;
    let clock = Arc::new(ManualClock::new(Timestamp::from_unix_millis(
        1_795_000_000_000,
    )));
    let (a, b) = (node(&db, clock.clone()), node(&db, clock.clone()));
    let hash = idempotency::fingerprint("POST", "/api/v1/buyer/orders", b"{}");
    let first = idempotency::hold(&a, "usr_1", "pesan-1", &hash).unwrap();
    let second = idempotency::hold(&b, "usr_1", "pesan-1", &hash).unwrap();
    TwoNodes {
        db,
        clock,
        a,
        b,
        hash,
        first,
        second,
    }
}

/// Keeps the answer as a batch of orders does: the batch reads its keys
/// first (on SQLite a free key's answer is then appended with the batch's
/// rows; a taken one meets the stored key in its own statement).
async fn keep(svc: &Services, keyed: &idempotency::Keyed, body: &str) -> bool {
    let mut tx = svc.store.write().await.unwrap();
    tx.collect_appends();
    let key = (keyed.principal.clone(), keyed.key.clone());
    let mut read = idempotency::read_batch_keys(&mut tx, &[key], svc.now())
        .await
        .unwrap();
    let kept = idempotency::keep_answer(&mut tx, &mut read, keyed, (201, body), svc.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    kept
}

/// A key kept with its work (the order's answer, in the order's own
/// transaction): on two nodes at once only the first answer is kept and
/// the other is told so; after 24 hours the expired key is replaced.
async fn a_kept_answer_replaces_only_an_expired_key(backend: Backend) {
    let TwoNodes {
        db: _db,
        clock,
        a,
        b,
        hash,
        first,
        second,
    } = two_nodes_holding_one_key(backend).await;
    assert!(keep(&a, &first, "{\"node\":\"a\"}").await);
    assert!(!keep(&b, &second, "{\"node\":\"b\"}").await);
    assert_eq!(
        idempotency::answer_of(&b, &second).await.unwrap(),
        (201, "{\"node\":\"a\"}".to_owned())
    );
    drop((first, second));

    clock.advance_secs(24 * 3600 + 1);
    let later = idempotency::hold(&b, "usr_1", "pesan-1", &hash).unwrap();
    assert!(keep(&b, &later, "{\"node\":\"b\"}").await);
    assert_eq!(
        idempotency::answer_of(&a, &later).await.unwrap(),
        (201, "{\"node\":\"b\"}".to_owned())
    );
}

/// Two batches on two nodes holding one key at once: the second cannot
/// read the key until the first's transaction ends (on SQLite it waits for
/// the writer, on PostgreSQL at its claim of the key), then finds it
/// answered. A key a batch claimed but kept no answer for is free once the
/// batch commits.
async fn a_key_held_by_one_batch_is_answered_once(backend: Backend) {
    let TwoNodes {
        db,
        a,
        b,
        first,
        second,
        ..
    } = two_nodes_holding_one_key(backend).await;
    let key = ("usr_1".to_owned(), "pesan-1".to_owned());

    let mut tx = a.store.write().await.unwrap();
    tx.collect_appends();
    let mut read = idempotency::read_batch_keys(&mut tx, std::slice::from_ref(&key), a.now())
        .await
        .unwrap();
    let (read_it, mut has_read) = tokio::sync::oneshot::channel::<()>();
    let other = tokio::spawn(async move {
        let mut tx = b.store.write().await.unwrap();
        tx.collect_appends();
        let mut read = idempotency::read_batch_keys(&mut tx, &[key], b.now())
            .await
            .unwrap();
        let _ = read_it.send(());
        let kept = idempotency::keep_answer(&mut tx, &mut read, &second, (201, "b"), b.now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        kept
    });
    // Time for the second batch to reach the key (whether it does makes no
    // difference to what it must find).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        has_read.try_recv().is_err(),
        "the second batch read the key while the first held it"
    );
    assert!(
        idempotency::keep_answer(&mut tx, &mut read, &first, (201, "a"), a.now())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert!(!other.await.unwrap(), "both batches kept an answer");
    assert_eq!(
        idempotency::answer_of(&a, &first).await.unwrap(),
        (201, "a".to_owned())
    );

    let mut tx = a.store.write().await.unwrap();
    tx.collect_appends();
    let unanswered = ("usr_1".to_owned(), "pesan-2".to_owned());
    idempotency::read_batch_keys(&mut tx, &[unanswered], a.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        etalase_store::idempotency::find(&db.store, "usr_1", "pesan-2")
            .await
            .unwrap(),
        None
    );
}

on_both_backends!(
    concurrent_requests_with_one_key_run_once,
    a_kept_answer_replaces_only_an_expired_key,
    a_key_held_by_one_batch_is_answered_once,
);

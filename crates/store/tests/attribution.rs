//! Attribution events on both backends: appended in large batches (more
//! rows than one statement holds), counted per source, never changed.

use etalase_domain::Timestamp;
use etalase_domain::attribution::{AttributionEvent, EventKind};
use etalase_domain::checkout::Source;
use etalase_domain::id::VideoId;
use etalase_store::attribution::{append, tally};
use etalase_testkit::{Backend, database, on_both_backends};

const NOW: Timestamp = Timestamp::from_unix_millis(1_795_000_000_000);

async fn batches_are_appended_whole_and_never_changed(backend: Backend) {
    let db = database(backend).await;
    let video = Source::Video(VideoId::generate());
    let events: Vec<AttributionEvent> = (0..1_201)
        .map(|i| AttributionEvent {
            visitor: Some(format!("v{}", i % 7)),
            quantity: 1,
            amount: 10,
            ..AttributionEvent::new(EventKind::Impression, video)
        })
        .collect();
    let mut tx = db.store.write().await.unwrap();
    append(&mut tx, &events, NOW).await.unwrap();
    append(
        &mut tx,
        &[AttributionEvent::new(EventKind::AddToCart, Source::Search)],
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let shown = tally(&db.store, video, EventKind::Impression)
        .await
        .unwrap();
    assert_eq!(
        (shown.events, shown.quantity, shown.amount),
        (1_201, 1_201, 12_010)
    );
    let searched = tally(&db.store, Source::Search, EventKind::AddToCart)
        .await
        .unwrap();
    assert_eq!(searched.events, 1);
    assert_eq!(
        tally(&db.store, video, EventKind::Order)
            .await
            .unwrap()
            .events,
        0
    );

    // The record is append-only: the database refuses changes.
    for statement in [
        "UPDATE attribution_events SET amount = 0",
        "DELETE FROM attribution_events",
    ] {
        assert!(
            db.store.execute_admin_statement(statement).await.is_err(),
            "{statement}"
        );
    }
    let still = tally(&db.store, video, EventKind::Impression)
        .await
        .unwrap();
    assert_eq!(still.events, 1_201);
}

on_both_backends!(batches_are_appended_whole_and_never_changed);

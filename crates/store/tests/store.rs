//! The storage layer on both backends.

use etalase_domain::Timestamp;
use etalase_domain::account::Email;
use etalase_domain::audit::Actor;
use etalase_domain::id::{SellerId, UserId};
use etalase_domain::seller::{SellerStatus, ShopName, ShopSlug};
use etalase_store::accounts::{self, NewUser};
use etalase_store::{StoreError, audit, outbox, sellers};
use etalase_testkit::{Backend, database, on_both_backends};

const NOW: Timestamp = Timestamp::from_unix_millis(1_795_000_000_000);

fn new_user<'a>(id: UserId, email: &'a Email) -> NewUser<'a> {
    NewUser {
        id,
        email,
        name: "Sari",
        password_hash: "x",
        is_admin: false,
        lang: None,
    }
}

async fn migrations_apply_and_reapply(backend: Backend) {
    let db = database(backend).await;
    assert_eq!(db.store.backend(), backend);
    db.store
        .migrate()
        .await
        .expect("migrating twice is a no-op");
    db.store.ping().await.unwrap();
}

async fn unique_email_is_a_named_conflict(backend: Backend) {
    let db = database(backend).await;
    let email = Email::parse("sari@contoh.id").unwrap();
    let mut tx = db.store.write().await.unwrap();
    accounts::insert_user(&mut tx, new_user(UserId::generate(), &email), NOW)
        .await
        .unwrap();
    let err = accounts::insert_user(&mut tx, new_user(UserId::generate(), &email), NOW)
        .await
        .unwrap_err();
    assert!(err.is_conflict_on("users_email_key"), "{err:?}");
}

async fn rolled_back_transaction_leaves_nothing(backend: Backend) {
    let db = database(backend).await;
    let email = Email::parse("budi@contoh.id").unwrap();
    {
        let mut tx = db.store.write().await.unwrap();
        accounts::insert_user(&mut tx, new_user(UserId::generate(), &email), NOW)
            .await
            .unwrap();
        outbox::append(
            &mut tx,
            outbox::NewEvent {
                topic: "user.created",
                aggregate_type: "user",
                aggregate_id: "x",
                seller_id: None,
                payload: &serde_json::json!({}),
            },
            NOW,
        )
        .await
        .unwrap();
        // dropped without commit
    }
    assert!(
        accounts::find_user_by_email(&db.store, &email)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        outbox::read_after(&db.store, 0, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn outbox_is_read_in_commit_order(backend: Backend) {
    let db = database(backend).await;
    for n in 0..3 {
        let mut tx = db.store.write().await.unwrap();
        outbox::append(
            &mut tx,
            outbox::NewEvent {
                topic: "test.event",
                aggregate_type: "test",
                aggregate_id: &n.to_string(),
                seller_id: None,
                payload: &serde_json::json!({ "n": n }),
            },
            NOW,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let events = outbox::read_after(&db.store, 0, 10).await.unwrap();
    let ids: Vec<_> = events.iter().map(|e| e.aggregate_id.as_str()).collect();
    assert_eq!(ids, ["0", "1", "2"]);
    let rest = outbox::read_after(&db.store, events[0].seq, 10)
        .await
        .unwrap();
    assert_eq!(rest.len(), 2);
}

async fn audit_log_is_append_only(backend: Backend) {
    let db = database(backend).await;
    let mut tx = db.store.write().await.unwrap();
    audit::record(
        &mut tx,
        audit::AuditEntry {
            actor: Actor::System,
            seller_id: None,
            action: "test.done",
            subject_type: "test",
            subject_id: "t1",
            before: None,
            after: Some("after".into()),
        },
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let lines = audit::list_for_subject(&db.store, "test", "t1")
        .await
        .unwrap();
    assert_eq!(lines.len(), 1);
    let mut tx = db.store.write().await.unwrap();
    let refused = audit::try_erase(&mut tx, &lines[0].id).await;
    assert!(
        matches!(refused, Err(StoreError::Database(_))),
        "{refused:?}"
    );
    drop(tx);
    assert_eq!(
        audit::list_for_subject(&db.store, "test", "t1")
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn seller_data_is_scoped_by_seller(backend: Backend) {
    let db = database(backend).await;
    let mut tx = db.store.write().await.unwrap();
    let (a, b) = (SellerId::generate(), SellerId::generate());
    for (id, slug) in [(a, "toko-a"), (b, "toko-b")] {
        sellers::insert_seller(
            &mut tx,
            id,
            &ShopSlug::parse(slug).unwrap(),
            &ShopName::parse("Toko Contoh").unwrap(),
            SellerStatus::Approved,
            NOW,
        )
        .await
        .unwrap();
    }
    let email = Email::parse("pemilik@contoh.id").unwrap();
    let user = UserId::generate();
    accounts::insert_user(&mut tx, new_user(user, &email), NOW)
        .await
        .unwrap();
    let member = etalase_domain::id::MemberId::generate();
    sellers::insert_member(
        &mut tx,
        member,
        a,
        user,
        etalase_domain::policy::Role::Owner,
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(sellers::get_member(&db.store, a, member).await.is_ok());
    assert!(matches!(
        sellers::get_member(&db.store, b, member).await,
        Err(StoreError::NotFound)
    ));
    let slug_clash = {
        let mut tx = db.store.write().await.unwrap();
        sellers::insert_seller(
            &mut tx,
            SellerId::generate(),
            &ShopSlug::parse("toko-a").unwrap(),
            &ShopName::parse("Lain").unwrap(),
            SellerStatus::Pending,
            NOW,
        )
        .await
        .unwrap_err()
    };
    assert!(
        slug_clash.is_conflict_on("sellers_slug_key"),
        "{slug_clash:?}"
    );
}

async fn concurrent_writers_all_commit(backend: Backend) {
    let db = database(backend).await;
    let mut tasks = Vec::new();
    for n in 0..16 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.write().await.unwrap();
            let email = Email::parse(&format!("u{n}@contoh.id")).unwrap();
            // read-then-write inside one transaction: on SQLite this is where a
            // deferred transaction would fail with SQLITE_BUSY.
            assert!(
                accounts::find_user_by_email_tx(&mut tx, &email)
                    .await
                    .unwrap()
                    .is_none()
            );
            accounts::insert_user(&mut tx, new_user(UserId::generate(), &email), NOW)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(accounts::count_users(&db.store).await.unwrap(), 16);
}

fn event(id: &str) -> outbox::NewEvent<'_, serde_json::Value> {
    static PAYLOAD: std::sync::LazyLock<serde_json::Value> =
        std::sync::LazyLock::new(|| serde_json::json!({}));
    outbox::NewEvent {
        topic: "order.changed",
        aggregate_type: "order",
        aggregate_id: id,
        seller_id: None,
        payload: &PAYLOAD,
    }
}

/// A batch's collected rows: nothing is written until the batch writes
/// them (or commits), a unit rolled back to its savepoint loses exactly the
/// rows it added, and what is written keeps the order it was appended in.
async fn collected_appends_follow_savepoints(backend: Backend) {
    let db = database(backend).await;
    let mut tx = db.store.write().await.unwrap();
    tx.collect_appends();
    tx.savepoint().await.unwrap();
    outbox::append(&mut tx, event("kept-1"), NOW).await.unwrap();
    tx.release_savepoint().await.unwrap();
    tx.savepoint().await.unwrap();
    outbox::append(&mut tx, event("dropped"), NOW)
        .await
        .unwrap();
    tx.rollback_to_savepoint().await.unwrap();
    tx.savepoint().await.unwrap();
    outbox::append(&mut tx, event("undone"), NOW).await.unwrap();
    // A keyed refusal: undone, then something else kept in the same unit.
    tx.undo_to_savepoint().await.unwrap();
    outbox::append(&mut tx, event("kept-2"), NOW).await.unwrap();
    // One unit closed and the next opened in one step: kept, then undone.
    tx.next_savepoint(true).await.unwrap();
    outbox::append(&mut tx, event("dropped-next"), NOW)
        .await
        .unwrap();
    tx.next_savepoint(false).await.unwrap();
    outbox::append(&mut tx, event("kept-next"), NOW)
        .await
        .unwrap();
    tx.release_savepoint().await.unwrap();
    assert!(
        outbox::read_after(&db.store, 0, 10)
            .await
            .unwrap()
            .is_empty(),
        "nothing is visible before the commit"
    );
    tx.write_appends().await.unwrap();
    outbox::append(&mut tx, event("kept-3"), NOW).await.unwrap();
    tx.commit().await.unwrap();
    // Not collecting: the savepoints undo rows in the database.
    let mut tx = db.store.write().await.unwrap();
    tx.savepoint().await.unwrap();
    outbox::append(&mut tx, event("kept-4"), NOW).await.unwrap();
    tx.next_savepoint(true).await.unwrap();
    outbox::append(&mut tx, event("dropped-late"), NOW)
        .await
        .unwrap();
    tx.next_savepoint(false).await.unwrap();
    outbox::append(&mut tx, event("dropped-last"), NOW)
        .await
        .unwrap();
    tx.rollback_to_savepoint().await.unwrap();
    tx.commit().await.unwrap();
    let kept: Vec<String> = outbox::read_after(&db.store, 0, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.aggregate_id)
        .collect();
    assert_eq!(kept, ["kept-1", "kept-2", "kept-next", "kept-3", "kept-4"]);
}

/// Adds `count` users in one transaction: inserts only, nothing the planner
/// had to plan.
async fn add_users(db: &etalase_testkit::TestDatabase, prefix: &str, count: usize) {
    let mut tx = db.store.write().await.unwrap();
    for n in 0..count {
        let email = Email::parse(&format!("{prefix}{n}@contoh.id")).unwrap();
        accounts::insert_user(&mut tx, new_user(UserId::generate(), &email), NOW)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

/// After a bulk load the planner must know the tables' new sizes: plans
/// made for "3 rows" scan a table that now holds thousands.
async fn statistics_follow_a_table_that_grew(backend: Backend) {
    let db = database(backend).await;
    add_users(&db, "awal", 2).await;
    db.store.refresh_statistics().await.unwrap();
    // A bulk load.
    add_users(&db, "pembeli", 400).await;
    db.store.refresh_statistics().await.unwrap();
    let planned = db.store.planned_rows("users").await.unwrap();
    assert!(
        planned.is_some_and(|rows| rows >= 400),
        "the planner believes users holds {planned:?} rows"
    );
}

/// A server that runs on while its tables grow keeps its look-ups planned
/// for their real size: SQLite's statistics are tended on a running store,
/// not only when it opens (PostgreSQL's autovacuum does this itself).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_statistics_are_tended_while_the_store_runs() {
    let db = database(Backend::Sqlite).await;
    add_users(&db, "awal", 2).await;
    db.store.refresh_statistics().await.unwrap();
    // Buyers sign up one by one while the server runs.
    for n in 0..400 {
        add_users(&db, &format!("pembeli{n}-"), 1).await;
    }
    let stale = db.store.planned_rows("users").await.unwrap();
    assert!(
        stale.is_some_and(|rows| rows < 400),
        "nothing was tended yet, but the planner believes users holds {stale:?} rows"
    );
    db.store.tend_statistics().await.unwrap();
    let tended = db.store.planned_rows("users").await.unwrap();
    assert!(
        tended.is_some_and(|rows| rows >= 400),
        "after tending, the planner believes users holds {tended:?} rows"
    );
}

on_both_backends!(
    statistics_follow_a_table_that_grew,
    collected_appends_follow_savepoints,
    migrations_apply_and_reapply,
    unique_email_is_a_named_conflict,
    rolled_back_transaction_leaves_nothing,
    outbox_is_read_in_commit_order,
    audit_log_is_append_only,
    seller_data_is_scoped_by_seller,
    concurrent_writers_all_commit,
);

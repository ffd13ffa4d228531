//! Use cases on both backends: what one command writes, all or nothing.

use std::sync::Arc;
use std::time::Duration;

use etalase_domain::{Lang, Timestamp};
use etalase_services::accounts::{self, ClientInfo, ShopDetails, SignUp};
use etalase_services::clock::ManualClock;
use etalase_services::mail::MemoryMailer;
use etalase_services::{ServiceConfig, Services, demo, session_touches};
use etalase_store::{accounts as users, audit, outbox, sellers};
use etalase_testkit::{Backend, TestDatabase, database, on_both_backends};

async fn services(backend: Backend) -> (Services, TestDatabase) {
    let (svc, db, _) = clocked(backend).await;
    (svc, db)
}

async fn clocked(backend: Backend) -> (Services, TestDatabase, Arc<ManualClock>) {
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
    (svc, db, clock)
}

fn form<'a>(email: &'a str) -> SignUp<'a> {
    SignUp {
        email,
        name: "Sari",
        password: "kopi susu gula aren",
        password_confirmation: "kopi susu gula aren",
        lang: Lang::Id,
    }
}

async fn seller_sign_up_writes_everything_in_one_transaction(backend: Backend) {
    let (svc, db) = services(backend).await;
    let shop = ShopDetails {
        shop_name: "Toko Sari",
        shop_slug: "toko-sari",
    };
    let signed_in =
        accounts::sign_up_seller(&svc, form("sari@contoh.id"), shop, &ClientInfo::default())
            .await
            .unwrap();
    assert!(
        signed_in
            .user
            .password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
    );
    let member = sellers::find_membership(&db.store, signed_in.user.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(member.role.as_str(), "owner");
    let events = outbox::read_after(&db.store, 0, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].topic, "seller.created");
    assert!(events[0].payload.contains("\"slug\":\"toko-sari\""));
    let seller_audit = audit::list_for_subject(&db.store, "seller", &member.seller_id.to_string())
        .await
        .unwrap();
    assert_eq!(seller_audit[0].action, "seller.created");
    assert_eq!(
        seller_audit[0].actor_id.as_deref(),
        Some(signed_in.user.id.to_string().as_str())
    );

    // The same address again: refused, and nothing of the second attempt stays.
    let again = ShopDetails {
        shop_name: "Toko Lain",
        shop_slug: "toko-sari",
    };
    let error =
        accounts::sign_up_seller(&svc, form("lain@contoh.id"), again, &ClientInfo::default())
            .await
            .err()
            .unwrap();
    assert_eq!(error.code.code(), "shop_slug_taken");
    let lain = etalase_domain::account::Email::parse("lain@contoh.id").unwrap();
    assert!(
        users::find_user_by_email(&db.store, &lain)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(outbox::read_after(&db.store, 0, 10).await.unwrap().len(), 1);
}

async fn demo_data_loads_once(backend: Backend) {
    let (svc, db) = services(backend).await;
    demo::load(&svc).await.unwrap();
    demo::load(&svc).await.unwrap();
    assert_eq!(
        users::count_users(&db.store).await.unwrap(),
        demo::DEMO_LOGINS.len() as i64
    );
    let shop = sellers::find_seller_by_slug(&db.store, demo::DEMO_SHOP_SLUG)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shop.status.as_str(), "approved");
    let roles: Vec<_> = sellers::list_members(&db.store, shop.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.role.as_str())
        .collect();
    assert_eq!(roles, ["owner", "marketing", "operations", "finance"]);
    let queue = etalase_store::kyc::review_queue(&db.store, 10)
        .await
        .unwrap();
    assert_eq!(
        queue.len(),
        1,
        "the demo has one verification waiting for review"
    );
    assert_eq!(queue[0].shop_slug, demo::DEMO_REVIEW_SHOP_SLUG);
    for login in demo::DEMO_LOGINS {
        let signed_in = accounts::sign_in(
            &svc,
            login.email,
            demo::DEMO_PASSWORD,
            &ClientInfo::default(),
            None,
        )
        .await;
        assert!(signed_in.is_ok(), "{} signs in", login.email);
    }
}

/// A session's idle clock moves forward without a write per request when
/// the server runs the writer of refreshes: the refresh is noted, counts
/// at once on this node, and is stored in one transaction by the writer;
/// a late older refresh never moves it back; without a writer it is
/// written inline.
async fn a_session_idle_clock_moves_without_a_write_per_request(backend: Backend) {
    let (svc, db, clock) = clocked(backend).await;
    accounts::create_user(&svc, "sari@contoh.id", "Sari", "kopi susu gula aren", false)
        .await
        .unwrap();
    let client = ClientInfo::default();
    let token = accounts::sign_in(&svc, "sari@contoh.id", "kopi susu gula aren", &client, None)
        .await
        .unwrap()
        .token;
    let signed_in_at = svc.now();
    // A writer that waits an hour: only the explicit flushes below store.
    let writer = session_touches::spawn_writer(svc.clone(), Duration::from_secs(3600));
    let stored = |hash: String| {
        let store = db.store.clone();
        async move {
            users::find_session(&store, &hash)
                .await
                .unwrap()
                .unwrap()
                .last_seen_at
        }
    };

    clock.advance_secs(120);
    let first = accounts::current_session(&svc, &token)
        .await
        .unwrap()
        .unwrap();
    let hash = first.token_hash.clone();
    assert_eq!(
        stored(hash.clone()).await,
        signed_in_at,
        "noted, not written"
    );
    assert_eq!(svc.session_touches.seen(&hash), Some(svc.now()));
    assert_eq!(session_touches::flush(&svc).await.unwrap(), 1);
    let refreshed_at = svc.now();
    assert_eq!(stored(hash.clone()).await, refreshed_at);
    assert_eq!(svc.session_touches.seen(&hash), None);

    // A note not yet stored already keeps the session alive on this node.
    clock.advance_secs(120);
    accounts::current_session(&svc, &token)
        .await
        .unwrap()
        .unwrap();
    let noted_at = svc.now();
    let idle = svc.config.sessions.idle_timeout_secs;
    clock.advance_secs(idle - 10);
    assert!(
        svc.now().seconds_since(refreshed_at) > idle,
        "the stored clock alone would have ended it"
    );
    accounts::current_session(&svc, &token)
        .await
        .unwrap()
        .unwrap();
    session_touches::flush(&svc).await.unwrap();
    assert!(stored(hash.clone()).await > noted_at);

    // A late refresh with an older time leaves the newer one alone.
    let newest = stored(hash.clone()).await;
    let mut tx = db.store.write().await.unwrap();
    users::touch_session(&mut tx, &hash, signed_in_at)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(stored(hash.clone()).await, newest);
    writer.abort();

    // Without a writer (another process's services), written inline.
    let mut inline = svc.clone();
    inline.session_touches = Arc::default();
    clock.advance_secs(120);
    accounts::current_session(&inline, &token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored(hash).await, inline.now());
}

/// A session read a moment ago is given again without a read (the buyer's
/// next request), yet every ending on this node shows at once: signing
/// out, a password change (the user's other sessions), and a change of
/// language shows on the next request. What another node ends shows
/// here within the second a read is kept.
async fn a_kept_session_never_outlives_an_ending_on_this_node(backend: Backend) {
    let (svc, db, clock) = clocked(backend).await;
    let password = "kopi susu gula aren";
    accounts::create_user(&svc, "sari@contoh.id", "Sari", password, false)
        .await
        .unwrap();
    let client = ClientInfo::default();
    let mut tokens = Vec::new();
    for _ in 0..4 {
        let signed_in = accounts::sign_in(&svc, "sari@contoh.id", password, &client, None)
            .await
            .unwrap();
        tokens.push(signed_in.token);
    }
    let user = |token: String| {
        let svc = svc.clone();
        async move { accounts::session_user(&svc, &token).await.unwrap() }
    };

    // Ended by another node: this node gives its read again for a moment.
    let (hash, _) = user(tokens[0].clone()).await.unwrap();
    let mut tx = db.store.write().await.unwrap();
    users::delete_session(&mut tx, &hash).await.unwrap();
    tx.commit().await.unwrap();
    assert!(user(tokens[0].clone()).await.is_some(), "not kept");
    clock.advance_secs(1);
    assert!(user(tokens[0].clone()).await.is_none());

    // Signed out here: at once.
    assert!(user(tokens[1].clone()).await.is_some());
    accounts::sign_out(&svc, &tokens[1]).await.unwrap();
    assert!(user(tokens[1].clone()).await.is_none());

    // A password change ends the user's other sessions at once, and the
    // session that changed it carries the new hash.
    assert!(user(tokens[3].clone()).await.is_some());
    let current = accounts::current_session(&svc, &tokens[2])
        .await
        .unwrap()
        .unwrap();
    let new_password = "teh manis es batu";
    accounts::change_password(&svc, &current, password, new_password, new_password)
        .await
        .unwrap();
    assert!(user(tokens[3].clone()).await.is_none());
    let (_, changed) = user(tokens[2].clone()).await.unwrap();
    assert_ne!(changed.password_hash, current.user.password_hash);

    // A new language shows on the next request.
    assert_eq!(changed.lang, Some(Lang::Id));
    accounts::set_language(&svc, changed.id, Lang::En)
        .await
        .unwrap();
    let (_, switched) = user(tokens[2].clone()).await.unwrap();
    assert_eq!(switched.lang, Some(Lang::En));
}

on_both_backends!(
    seller_sign_up_writes_everything_in_one_transaction,
    demo_data_loads_once,
    a_session_idle_clock_moves_without_a_write_per_request,
    a_kept_session_never_outlives_an_ending_on_this_node,
);

//! The sync from Seller Center to Shop on both backends: every listing
//! reason takes a product out of the Shop and its fix brings it back; the
//! projector is idempotent and resumable; a product that cannot be
//! projected fails alone and is retried; a rebuild gives what the events
//! gave.

mod support;

use std::sync::Arc;

use etalase_domain::ErrorCode;
use etalase_domain::id::ProductId;
use etalase_domain::listing::{Reason, Visibility};
use etalase_services::catalog::{self, ProductView, media};
use etalase_services::inventory::{self, StockRequest};
use etalase_services::kyc::review::{self, Decision};
use etalase_services::storefront::{self, ShopCache};
use etalase_services::sync::{self, SyncStatus};
use etalase_services::teams::SellerScope;
use etalase_store::accounts::User;
use etalase_store::inventory::StockReason;
use etalase_store::{outbox, shop};
use etalase_testkit::{Backend, on_both_backends};
use support::*;

async fn reviewer(w: &World) -> User {
    verification::reviewer(&w.svc).await
}

/// A complete product with a photo, published.
async fn live_product(w: &World, scope: &SellerScope) -> ProductId {
    let id = catalog::create(&w.svc, scope, &form(complete(), None))
        .await
        .unwrap();
    media::upload(&w.svc, scope, id, photo(800)).await.unwrap();
    catalog::publish(&w.svc, scope, id).await.unwrap();
    id
}

/// Sets every SKU's stock to 0 (and gives the product as it was).
async fn sell_out(w: &World, scope: &SellerScope, id: ProductId) -> ProductView {
    let view = catalog::view(&w.svc, scope, id).await.unwrap();
    for sku in &view.skus {
        inventory::change(
            &w.svc,
            scope,
            sku.id,
            StockRequest::Set(0),
            StockReason::Manual,
            None,
        )
        .await
        .unwrap();
    }
    view
}

/// Applies what waits, then reads the product's sync.
async fn synced(w: &World, scope: &SellerScope, id: ProductId) -> sync::ProductSync {
    sync::catch_up(&w.svc).await.unwrap();
    let status = sync::status(&w.svc, scope, id).await.unwrap();
    assert!(
        matches!(status.status, SyncStatus::Synced { .. }),
        "{status:?}"
    );
    status
}

async fn in_shop(w: &World, id: ProductId) -> Option<Visibility> {
    shop::get(&w.svc.store, id)
        .await
        .unwrap()
        .map(|l| l.visibility)
}

async fn assert_listed(w: &World, scope: &SellerScope, id: ProductId) {
    let status = synced(w, scope, id).await;
    assert_eq!(status.visibility, Some(Visibility::Listed), "{status:?}");
    assert!(status.reasons.is_empty());
    assert!(status.listed_since.is_some());
    assert_eq!(in_shop(w, id).await, Some(Visibility::Listed));
}

async fn assert_hidden_because(w: &World, scope: &SellerScope, id: ProductId, reason: Reason) {
    let status = synced(w, scope, id).await;
    assert_eq!(status.visibility, Some(Visibility::Hidden), "{status:?}");
    assert_eq!(status.reasons, [reason]);
    assert_eq!(status.listed_since, None);
    assert_eq!(in_shop(w, id).await, None);
}

async fn every_reason_takes_a_product_out_and_its_fix_brings_it_back(backend: Backend) {
    let w = world(backend).await;
    let admin = reviewer(&w).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let id = live_product(&w, &scope).await;

    // A shop not yet verified shows nothing; approval brings it in.
    assert_hidden_because(&w, &scope, id, Reason::SellerNotVerified).await;
    verification::approve(&w.svc, &scope, &admin).await;
    assert_listed(&w, &scope, id).await;
    let since = sync::status(&w.svc, &scope, id).await.unwrap().listed_since;

    // Suspension, and reinstatement.
    for (decision, reason) in [
        (Decision::Suspend, Some(Reason::SellerSuspended)),
        (Decision::Reinstate, None),
    ] {
        review::decide(&w.svc, &admin, scope.seller_id, decision, &[], "")
            .await
            .unwrap();
        match reason {
            Some(r) => assert_hidden_because(&w, &scope, id, r).await,
            None => assert_listed(&w, &scope, id).await,
        }
    }

    // The seller takes it out, and puts it back.
    catalog::deactivate(&w.svc, &scope, id).await.unwrap();
    assert_hidden_because(&w, &scope, id, Reason::ProductInactive).await;
    catalog::publish(&w.svc, &scope, id).await.unwrap();
    assert_listed(&w, &scope, id).await;

    // A moderator takes it down; the seller asks for review; reinstated.
    catalog::moderate(&w.svc, &admin, scope.seller_id, id, "Foto milik toko lain")
        .await
        .unwrap();
    assert_hidden_because(&w, &scope, id, Reason::ProductDeactivated).await;
    catalog::request_review(&w.svc, &scope, id).await.unwrap();
    catalog::reinstate(&w.svc, &admin, scope.seller_id, id)
        .await
        .unwrap();
    assert_listed(&w, &scope, id).await;

    // Sold out: still reachable at its address, out of search and feeds.
    let view = sell_out(&w, &scope, id).await;
    let status = synced(&w, &scope, id).await;
    assert_eq!(status.visibility, Some(Visibility::SoldOut));
    assert_eq!(status.reasons, [Reason::OutOfStock]);
    assert_eq!(in_shop(&w, id).await, Some(Visibility::SoldOut));
    w.clock.advance_secs(60);
    inventory::change(
        &w.svc,
        &scope,
        view.skus[0].id,
        StockRequest::Set(3),
        StockReason::Manual,
        None,
    )
    .await
    .unwrap();
    assert_listed(&w, &scope, id).await;
    let listing = shop::get(&w.svc.store, id).await.unwrap().unwrap();
    assert_eq!(listing.total_stock, 3);
    // Out and back in: listed since the return, not since the first time.
    let again = sync::status(&w.svc, &scope, id).await.unwrap().listed_since;
    assert!(again > since, "{again:?} after {since:?}");

    // A price change reaches the Shop, and its pages: what they kept of the
    // product is dropped when the projection commits.
    let kept = storefront::product(&w.svc, id).await.unwrap().unwrap();
    assert_ne!(kept.listing.min_price, 175_000);
    let mut input = complete();
    for sku in &mut input.skus {
        sku.price = "175.000".into();
    }
    let version = view.product.version;
    catalog::save(&w.svc, &scope, id, &form(input, Some(version)))
        .await
        .unwrap();
    sync::catch_up(&w.svc).await.unwrap();
    let listing = shop::get(&w.svc.store, id).await.unwrap().unwrap();
    assert_eq!((listing.min_price, listing.max_price), (175_000, 175_000));
    let page = storefront::product(&w.svc, id).await.unwrap().unwrap();
    assert_eq!(page.listing.min_price, 175_000);
    assert!(page.document.skus.iter().all(|s| s.price == 175_000));

    // Deleted: gone for good.
    catalog::delete(&w.svc, &scope, id).await.unwrap();
    assert_hidden_because(&w, &scope, id, Reason::ProductDeleted).await;
}

async fn a_draft_lists_everything_it_lacks_until_published(backend: Backend) {
    let w = world(backend).await;
    let admin = reviewer(&w).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    verification::approve(&w.svc, &scope, &admin).await;
    let mut input = complete();
    input.attributes.clear();
    for sku in &mut input.skus {
        sku.price = String::new();
        sku.weight_grams = String::new();
        sku.length_cm = String::new();
        sku.width_cm = String::new();
        sku.height_cm = String::new();
        sku.stock = "0".into();
    }
    let id = catalog::create(&w.svc, &scope, &form(input, None))
        .await
        .unwrap();
    let status = synced(&w, &scope, id).await;
    assert_eq!(status.visibility, Some(Visibility::Hidden));
    let codes: Vec<String> = status
        .reasons
        .iter()
        .map(|r| match r {
            Reason::Incomplete { field, problem } => format!("{field}:{}", problem.code()),
            other => other.code().to_owned(),
        })
        .collect();
    for expected in [
        "product_draft",
        "images:image_required",
        "skus[0].price:price_required",
        "skus[5].weight_grams:weight_required",
        "skus[2].dimensions:dimensions_required",
        "out_of_stock",
    ] {
        assert!(
            codes.contains(&expected.to_string()),
            "{expected} in {codes:?}"
        );
    }
    assert!(
        codes.iter().any(|c| c.starts_with("attributes.")),
        "{codes:?}"
    );

    // Each fix takes its reasons away.
    media::upload(&w.svc, &scope, id, photo(800)).await.unwrap();
    let status = synced(&w, &scope, id).await;
    assert!(!status.reasons.iter().any(|r| matches!(
        r,
        Reason::Incomplete {
            problem: ErrorCode::ImageRequired,
            ..
        }
    )));
    let version = catalog::view(&w.svc, &scope, id)
        .await
        .unwrap()
        .product
        .version;
    catalog::save(&w.svc, &scope, id, &form(complete(), Some(version)))
        .await
        .unwrap();
    let status = synced(&w, &scope, id).await;
    assert_eq!(status.reasons, [Reason::ProductDraft, Reason::OutOfStock]);
    let sku = catalog::view(&w.svc, &scope, id).await.unwrap().skus[0].id;
    inventory::change(
        &w.svc,
        &scope,
        sku,
        StockRequest::Set(2),
        StockReason::Manual,
        None,
    )
    .await
    .unwrap();
    assert_eq!(synced(&w, &scope, id).await.reasons, [Reason::ProductDraft]);
    catalog::publish(&w.svc, &scope, id).await.unwrap();
    assert_listed(&w, &scope, id).await;
}

async fn the_projector_applies_each_event_once_and_resumes_where_it_stopped(backend: Backend) {
    let w = world(backend).await;
    let admin = reviewer(&w).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    verification::approve(&w.svc, &scope, &admin).await;
    let first = live_product(&w, &scope).await;
    let pass = sync::catch_up(&w.svc).await.unwrap();
    assert!(pass.events > 0 && pass.failed.is_empty());
    let before = shop::all(&w.svc.store).await.unwrap();
    // Nothing new: nothing applied.
    assert_eq!(sync::catch_up(&w.svc).await.unwrap().events, 0);

    // A change waits as pending until the projector runs.
    let sku = catalog::view(&w.svc, &scope, first).await.unwrap().skus[0].id;
    inventory::change(
        &w.svc,
        &scope,
        sku,
        StockRequest::Adjust(4),
        StockReason::Manual,
        None,
    )
    .await
    .unwrap();
    let status = sync::status(&w.svc, &scope, first).await.unwrap();
    assert!(
        matches!(status.status, SyncStatus::Pending { .. }),
        "{status:?}"
    );
    let projector = sync::Projector::load(&w.svc).await.unwrap();
    let position = projector.position();
    sync::catch_up(&w.svc).await.unwrap();
    let stored = sync::Projector::load(&w.svc).await.unwrap();
    assert!(stored.position() > position, "the position is stored");
    assert_eq!(
        stored.position(),
        etalase_store::sync::head(&w.svc.store).await.unwrap(),
        "over every event"
    );
    assert!(matches!(
        sync::status(&w.svc, &scope, first).await.unwrap().status,
        SyncStatus::Synced { .. }
    ));

    // Replaying every event from the start changes nothing.
    let after = shop::all(&w.svc.store).await.unwrap();
    assert_ne!(after, before);
    let mut tx = w.svc.store.write().await.unwrap();
    etalase_store::sync::set_position(&mut tx, sync::CONSUMER, 0, w.svc.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let replay = sync::catch_up(&w.svc).await.unwrap();
    assert!(replay.events > 0);
    assert_eq!(shop::all(&w.svc.store).await.unwrap(), after);
}

async fn a_product_that_cannot_be_projected_fails_alone_and_is_retried(backend: Backend) {
    let w = world(backend).await;
    let admin = reviewer(&w).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    verification::approve(&w.svc, &scope, &admin).await;
    let broken = live_product(&w, &scope).await;
    let mut other_input = complete();
    for sku in &mut other_input.skus {
        sku.code = format!("LAIN-{}", sku.code);
    }
    let other = catalog::create(&w.svc, &scope, &form(other_input, None))
        .await
        .unwrap();
    sync::catch_up(&w.svc).await.unwrap();

    // The row no longer reads (as after a bad manual edit of the database).
    w.svc
        .store
        .execute_admin_statement(&format!(
            "UPDATE products SET tags = '{{rusak' WHERE id = '{broken}'"
        ))
        .await
        .unwrap();
    // Both change; only the broken one fails.
    let mut tx = w.svc.store.write().await.unwrap();
    for id in [broken, other] {
        outbox::append(
            &mut tx,
            outbox::NewEvent {
                topic: "catalog.product_changed",
                aggregate_type: "product",
                aggregate_id: &id.to_string(),
                seller_id: Some(scope.seller_id),
                payload: &serde_json::json!({}),
            },
            w.svc.now(),
        )
        .await
        .unwrap();
    }
    // An event about no product at all, and one that names nothing.
    for aggregate in [ProductId::generate().to_string(), "bukan-id".to_string()] {
        outbox::append(
            &mut tx,
            outbox::NewEvent {
                topic: "catalog.product_changed",
                aggregate_type: "product",
                aggregate_id: &aggregate,
                seller_id: None,
                payload: &serde_json::json!({}),
            },
            w.svc.now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let pass = sync::catch_up(&w.svc).await.unwrap();
    assert_eq!(pass.failed, [(broken, scope.seller_id)]);
    // The position moved over all four events and is stored, with the
    // projection that came last or on its own.
    let head = etalase_store::sync::head(&w.svc.store).await.unwrap();
    assert_eq!(
        sync::Projector::load(&w.svc).await.unwrap().position(),
        head
    );
    assert!(pass.projected.iter().any(|p| p.product == other));
    let status = sync::status(&w.svc, &scope, other).await.unwrap();
    assert!(matches!(status.status, SyncStatus::Synced { .. }));
    let failed = sync::statuses(&w.svc, &scope, &[broken]).await.unwrap()[&broken].clone();
    let SyncStatus::Failed {
        error,
        attempts,
        next_retry_at,
    } = failed.status
    else {
        panic!("{failed:?}");
    };
    assert_eq!(attempts, 1);
    assert!(!error.is_empty());
    // The Shop keeps what it had; the health page names the failure.
    assert_eq!(in_shop(&w, broken).await, Some(Visibility::Listed));
    let health = sync::seller_health(&w.svc, &scope).await.unwrap();
    assert_eq!((health.failed, health.backlog), (1, 0));
    assert_eq!(health.failures[0].product_id, broken);
    let platform = sync::platform_health(&w.svc, &admin).await.unwrap();
    assert_eq!(platform.dead_events, 2);

    // Not retried before its time; retried after, and fails again.
    assert!(sync::catch_up(&w.svc).await.unwrap().failed.is_empty());
    let delay = sync::projector::retry_delay_ms(1);
    assert_eq!(
        next_retry_at.unwrap().unix_millis(),
        w.svc.now().unix_millis() + delay
    );
    w.clock.advance_secs(delay / 1000);
    assert_eq!(sync::catch_up(&w.svc).await.unwrap().failed.len(), 1);
    let failed = sync::statuses(&w.svc, &scope, &[broken]).await.unwrap()[&broken].clone();
    assert!(matches!(
        failed.status,
        SyncStatus::Failed { attempts: 2, .. }
    ));

    // Repaired, it is synced at the next attempt.
    w.svc
        .store
        .execute_admin_statement(&format!(
            "UPDATE products SET tags = '[]' WHERE id = '{broken}'"
        ))
        .await
        .unwrap();
    w.clock
        .advance_secs(sync::projector::retry_delay_ms(2) / 1000);
    sync::catch_up(&w.svc).await.unwrap();
    assert_listed(&w, &scope, broken).await;
}

async fn resync_announces_the_product_again(backend: Backend) {
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let id = live_product(&w, &scope).await;
    sync::catch_up(&w.svc).await.unwrap();
    sync::resync(&w.svc, &scope, id).await.unwrap();
    let status = sync::status(&w.svc, &scope, id).await.unwrap();
    assert!(matches!(status.status, SyncStatus::Pending { .. }));
    let pass = sync::catch_up(&w.svc).await.unwrap();
    assert_eq!(pass.projected.len(), 1);
    // Another shop's product is not this shop's to resync.
    let other = shop(&w.svc, "lain@contoh.id", "toko-lain").await;
    assert_eq!(
        sync::resync(&w.svc, &other, id).await.unwrap_err().code,
        ErrorCode::NotFound
    );
}

async fn a_process_that_does_not_project_follows_the_states(backend: Backend) {
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let id = live_product(&w, &scope).await;
    // A Seller Center process of a split setup: its own watchers, no projector.
    let seller_center = other_process(&w.svc);
    let mut notices = seller_center.sync_notices.subscribe();
    let follower = sync::spawn_notice_follower(seller_center);
    w.clock.advance_secs(1);
    // The Shop process projects …
    sync::catch_up(&w.svc).await.unwrap();
    // … and the Seller Center's watchers hear of it.
    let notice = tokio::time::timeout(std::time::Duration::from_secs(5), notices.recv())
        .await
        .expect("a notice within 5 s")
        .unwrap();
    assert_eq!((notice.product, notice.seller), (id, scope.seller_id));
    follower.abort();
}

/// The services of another process on the same database: its own cache,
/// watchers and (empty) search index.
fn other_process(svc: &etalase_services::Services) -> etalase_services::Services {
    let mut other = svc.clone().with_memory_search();
    other.shop_cache = Arc::new(ShopCache::new(1 << 20));
    other.sync_notices = Arc::default();
    other
}

async fn a_shop_node_drops_what_another_node_projected(backend: Backend) {
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let id = live_product(&w, &scope).await;
    let admin = reviewer(&w).await;
    verification::approve(&w.svc, &scope, &admin).await;
    assert_listed(&w, &scope, id).await;
    // Two Shop nodes share the NATS consumer: this one keeps the product …
    let node = other_process(&w.svc);
    let kept = storefront::product(&node, id).await.unwrap().unwrap();
    assert_eq!(kept.listing.visibility, Visibility::Listed);
    // … the other projects its selling out.
    sell_out(&w, &scope, id).await;
    sync::catch_up(&w.svc).await.unwrap();
    assert_eq!(in_shop(&w, id).await, Some(Visibility::SoldOut));
    // Until this node hears of it, its pages show what it kept …
    let still = storefront::product(&node, id).await.unwrap().unwrap();
    assert_eq!(still.listing.visibility, Visibility::Listed);
    // … and it hears of it from the sync's states.
    let follower = sync::spawn_notice_follower(node.clone());
    let mut seen = None;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        seen = storefront::product(&node, id)
            .await
            .unwrap()
            .map(|p| p.listing.visibility);
        if seen == Some(Visibility::SoldOut) {
            break;
        }
    }
    follower.abort();
    assert_eq!(seen, Some(Visibility::SoldOut));
}

/// The projector's passes hold the one writer, so they run on a thread of
/// their own, not on the runtime that spawned them (the HTTP workers, busy
/// in a flash sale). Here that runtime is never driven after the spawn:
/// the product is still projected.
async fn the_projector_runs_on_its_own_thread(backend: Backend) {
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let id = live_product(&w, &scope).await;
    let status = sync::status(&w.svc, &scope, id).await.unwrap();
    assert!(
        matches!(status.status, SyncStatus::Pending { .. }),
        "{status:?}"
    );
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let svc = w.svc.clone();
    let idle_runtime = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let projector = {
            let _context = runtime.enter();
            sync::spawn(svc)
        };
        // The runtime is not driven again until the test ends.
        let _ = stopped.recv();
        runtime.block_on(async move { projector.abort() });
    });
    let mut projected = false;
    for _ in 0..100 {
        let now = sync::status(&w.svc, &scope, id).await.unwrap();
        if matches!(now.status, SyncStatus::Synced { .. }) {
            projected = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    stop.send(()).unwrap();
    tokio::task::spawn_blocking(move || idle_runtime.join().unwrap())
        .await
        .unwrap();
    assert!(projected, "projected within 5 s");
}

on_both_backends!(
    the_projector_runs_on_its_own_thread,
    a_shop_node_drops_what_another_node_projected,
    a_process_that_does_not_project_follows_the_states,
    every_reason_takes_a_product_out_and_its_fix_brings_it_back,
    a_draft_lists_everything_it_lacks_until_published,
    the_projector_applies_each_event_once_and_resumes_where_it_stopped,
    a_product_that_cannot_be_projected_fails_alone_and_is_retried,
    resync_announces_the_product_again,
);

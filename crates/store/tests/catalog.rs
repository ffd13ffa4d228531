//! Catalog and stock storage on both backends: versions, the stock floor
//! under concurrency, the append-only ledger, tenant scoping, the list.

use std::collections::BTreeMap;

use etalase_domain::Timestamp;
use etalase_domain::account::Email;
use etalase_domain::audit::Actor;
use etalase_domain::catalog::lifecycle::ProductStatus;
use etalase_domain::checkout::Source;
use etalase_domain::id::{CartId, ProductId, SellerId, SkuId, UserId};
use etalase_domain::seller::{SellerStatus, ShopName, ShopSlug};
use etalase_store::accounts::{self, NewUser};
use etalase_store::catalog::{
    self, ListingColumns, ProductContent, ProductFilter, SkuContent, VersionCheck,
};
use etalase_store::checkout::{CartOwner, carts};
use etalase_store::inventory::{self, StockChange, StockOutcome, StockReason};
use etalase_store::{Reader, Store, StoreError, sellers};
use etalase_testkit::{Backend, database, on_both_backends};

const NOW: Timestamp = Timestamp::from_unix_millis(1_795_000_000_000);

async fn seller(store: &Store, slug: &str) -> SellerId {
    let id = SellerId::generate();
    let mut tx = store.write().await.unwrap();
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
    tx.commit().await.unwrap();
    id
}

fn content<'a>(title: &'a str, attributes: &'a BTreeMap<String, String>) -> ProductContent<'a> {
    ProductContent {
        title,
        description_html: "<p>Adem</p>",
        description_text: "Adem",
        bullets: &[],
        category: None,
        brand: None,
        attributes,
        condition: "new",
        tags: &[],
        gtin: None,
        cod_allowed: true,
        preorder_days: None,
        options: &[],
    }
}

/// A product with one SKU holding `stock` units.
async fn product_with_sku(
    store: &Store,
    seller: SellerId,
    title: &str,
    code: &str,
    stock: i64,
) -> (ProductId, SkuId) {
    let attributes = BTreeMap::new();
    let (product, sku) = (ProductId::generate(), SkuId::generate());
    let mut tx = store.write().await.unwrap();
    catalog::insert_product(
        &mut tx,
        product,
        seller,
        &content(title, &attributes),
        &ListingColumns::default(),
        Actor::System,
        NOW,
    )
    .await
    .unwrap();
    catalog::insert_sku(
        &mut tx,
        sku,
        seller,
        product,
        &SkuContent {
            position: 0,
            combination: &[],
            code: Some(code),
            price: Some(150_000),
            original_price: None,
            weight_grams: Some(300),
            dimensions: Some((30, 20, 3)),
            barcode: None,
        },
        NOW,
    )
    .await
    .unwrap();
    if stock > 0 {
        let outcome = inventory::change_stock(
            &mut tx,
            seller,
            &StockChange {
                sku,
                delta: stock,
                reason: StockReason::Initial,
                note: None,
                actor: Actor::System,
            },
            NOW,
        )
        .await
        .unwrap();
        assert!(matches!(outcome, StockOutcome::Changed { level, .. } if level == stock));
    }
    catalog::set_listing_columns(
        &mut tx,
        product,
        &ListingColumns {
            sku_count: 1,
            min_price: Some(150_000),
            max_price: Some(150_000),
            total_stock: stock,
            quality_grade: "c".into(),
            needs_attention: stock == 0,
            ..ListingColumns::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (product, sku)
}

async fn a_stale_save_is_refused_and_says_the_current_version(backend: Backend) {
    let db = database(backend).await;
    let s = seller(&db.store, "toko-a").await;
    let (product, _) = product_with_sku(&db.store, s, "Kemeja", "K-1", 0).await;
    let attributes = BTreeMap::new();
    let mut tx = db.store.write().await.unwrap();
    let first = catalog::update_content(
        &mut tx,
        s,
        product,
        1,
        &content("Kemeja Batik", &attributes),
        Actor::System,
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(first, VersionCheck::Written { version: 2 });
    // A second editor who also started from version 1.
    let second = catalog::update_content(
        &mut tx,
        s,
        product,
        1,
        &content("Kemeja Polos", &attributes),
        Actor::System,
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(second, VersionCheck::Stale { current: 2 });
    tx.commit().await.unwrap();
    let stored = catalog::get_product(&db.store, s, product).await.unwrap();
    assert_eq!((stored.title.as_str(), stored.version), ("Kemeja Batik", 2));
}

async fn stock_never_goes_below_zero_under_concurrency(backend: Backend) {
    let db = database(backend).await;
    let s = seller(&db.store, "toko-a").await;
    let (_, sku) = product_with_sku(&db.store, s, "Kaos", "KAOS-1", 10).await;
    let mut tasks = Vec::new();
    for _ in 0..25 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.write().await.unwrap();
            let outcome = inventory::change_stock(
                &mut tx,
                s,
                &StockChange {
                    sku,
                    delta: -1,
                    reason: StockReason::OrderReserved,
                    note: None,
                    actor: Actor::System,
                },
                NOW,
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            matches!(outcome, StockOutcome::Changed { .. })
        }));
    }
    let mut taken = 0;
    for task in tasks {
        taken += usize::from(task.await.unwrap());
    }
    assert_eq!(taken, 10, "exactly the units in stock were taken");
    assert_eq!(catalog::get_sku(&db.store, s, sku).await.unwrap().stock, 0);
    let ledger = inventory::ledger(&db.store, s, sku, 100).await.unwrap();
    assert_eq!(ledger.len(), 11, "the initial level and ten reservations");
    assert!(ledger.iter().all(|l| l.level_after >= 0));
    assert_eq!(ledger[0].level_after, 0);
}

/// In a batch's transaction (one that collects its rows) each take is
/// checked against the level the transaction holds and the SKU's row is
/// written once: a unit rolled back gives its units back, a refusal names
/// the level held, and the ledger's levels follow the takes kept.
async fn a_batch_holds_stock_and_writes_it_once(backend: Backend) {
    let db = database(backend).await;
    let s = seller(&db.store, "toko-a").await;
    let (_, sku) = product_with_sku(&db.store, s, "Kaos", "KAOS-1", 10).await;
    let take = |delta: i64| StockChange {
        sku,
        delta,
        reason: StockReason::OrderReserved,
        note: None,
        actor: Actor::System,
    };
    let mut tx = db.store.write().await.unwrap();
    tx.collect_appends();
    tx.savepoint().await.unwrap();
    let first = inventory::change_stock(&mut tx, s, &take(-3), NOW)
        .await
        .unwrap();
    assert!(matches!(first, StockOutcome::Changed { level: 7, .. }));
    tx.next_savepoint(true).await.unwrap();
    // A unit that took 4 and was rolled back.
    let undone = inventory::change_stock(&mut tx, s, &take(-4), NOW)
        .await
        .unwrap();
    assert!(matches!(undone, StockOutcome::Changed { level: 3, .. }));
    tx.next_savepoint(false).await.unwrap();
    let refused = inventory::change_stock(&mut tx, s, &take(-8), NOW)
        .await
        .unwrap();
    assert_eq!(refused, StockOutcome::Refused { level: 7 });
    tx.next_savepoint(false).await.unwrap();
    let last = inventory::change_stock(&mut tx, s, &take(-7), NOW)
        .await
        .unwrap();
    assert!(matches!(last, StockOutcome::Changed { level: 0, .. }));
    tx.release_savepoint().await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(catalog::get_sku(&db.store, s, sku).await.unwrap().stock, 0);
    let ledger = inventory::ledger(&db.store, s, sku, 100).await.unwrap();
    let mut levels: Vec<i64> = ledger.iter().map(|l| l.level_after).collect();
    levels.sort();
    assert_eq!(
        levels,
        vec![0, 7, 10],
        "the initial level and the two takes kept"
    );
}

/// The cart lines a batch's orders bought are held and removed in one
/// statement as the batch writes its rows: a unit rolled back keeps its
/// lines in the cart, and a read of a cart inside the transaction sees
/// every removal so far — also after a later unit that read it was rolled
/// back with the removals it wrote.
async fn a_batch_removes_bought_cart_lines_together(backend: Backend) {
    let db = database(backend).await;
    let s = seller(&db.store, "toko-a").await;
    let mut skus = Vec::new();
    for code in ["KAOS-1", "KAOS-2", "KAOS-3"] {
        skus.push(product_with_sku(&db.store, s, "Kaos", code, 10).await.1);
    }
    let cart = buyers_cart(&db.store).await;
    let mut tx = db.store.write().await.unwrap();
    for sku in &skus {
        carts::add_to_cart(&mut tx, cart, *sku, 1, Source::Feed, NOW)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let in_cart = async |reader: Reader<'_>| in_cart(reader, cart).await;
    let sorted = |mut v: Vec<SkuId>| {
        v.sort();
        v
    };

    let mut tx = db.store.write().await.unwrap();
    tx.collect_appends();
    tx.savepoint().await.unwrap();
    carts::remove_bought_lines(&mut tx, cart, &skus[..1])
        .await
        .unwrap();
    tx.next_savepoint(true).await.unwrap();
    // A unit that bought the second line, then was rolled back.
    carts::remove_bought_lines(&mut tx, cart, &skus[1..2])
        .await
        .unwrap();
    tx.next_savepoint(false).await.unwrap();
    // A unit that reads the cart (its removals so far are written, inside
    // this unit's savepoint), then is rolled back.
    assert_eq!(
        in_cart(Reader::from(&mut tx)).await,
        sorted(skus[1..].to_vec()),
        "the transaction reads the line it removed as gone"
    );
    tx.next_savepoint(false).await.unwrap();
    assert_eq!(
        in_cart(Reader::from(&db.store)).await.len(),
        3,
        "nothing is removed for others before the commit"
    );
    tx.release_savepoint().await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        in_cart(Reader::from(&db.store)).await,
        sorted(skus[1..].to_vec()),
        "the first unit's line is gone; the rolled-back unit's line stays"
    );
}

/// A buyer's empty cart.
async fn buyers_cart(store: &Store) -> CartId {
    let buyer = UserId::generate();
    let mut tx = store.write().await.unwrap();
    let email = Email::parse("pembeli@contoh.id").unwrap();
    let user = NewUser {
        id: buyer,
        email: &email,
        name: "Sari",
        password_hash: "x",
        is_admin: false,
        lang: None,
    };
    accounts::insert_user(&mut tx, user, NOW).await.unwrap();
    let cart = carts::ensure_cart(&mut tx, &CartOwner::Buyer(buyer), NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    cart
}

/// The SKUs of a cart's lines, sorted.
async fn in_cart(reader: Reader<'_>, cart: CartId) -> Vec<SkuId> {
    let mut lines: Vec<SkuId> = carts::cart_lines(reader, cart)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.sku)
        .collect();
    lines.sort();
    lines
}

/// A unit's savepoint reaches the database only with the unit's first
/// statement (or, after two units in a row that ran statements, with the
/// previous unit's close): units that write nothing directly run none of
/// their own, and those that do are kept or undone as before — after a
/// unit that ran none, after units that ran some, as the last unit, and
/// when a unit undoes its work and goes on.
async fn a_units_savepoint_waits_for_its_first_statement(backend: Backend) {
    let db = database(backend).await;
    let s = seller(&db.store, "toko-a").await;
    let mut skus = Vec::new();
    for code in ["KAOS-1", "KAOS-2", "KAOS-3", "KAOS-4", "KAOS-5"] {
        skus.push(product_with_sku(&db.store, s, "Kaos", code, 10).await.1);
    }
    let cart = buyers_cart(&db.store).await;
    let add = async |tx: &mut etalase_store::Tx, sku: SkuId| {
        carts::add_to_cart(tx, cart, sku, 1, Source::Feed, NOW)
            .await
            .unwrap();
    };
    let mut tx = db.store.write().await.unwrap();
    tx.collect_appends();
    tx.savepoint().await.unwrap();
    // A unit that ran no statement, kept; then one that wrote, undone.
    tx.next_savepoint(true).await.unwrap();
    add(&mut tx, skus[0]).await;
    tx.next_savepoint(false).await.unwrap();
    // One that wrote, kept: the second in a row, so the next savepoint is
    // opened ahead — for one that writes and is undone, and then for one
    // that runs nothing and is undone.
    add(&mut tx, skus[1]).await;
    tx.next_savepoint(true).await.unwrap();
    add(&mut tx, skus[0]).await;
    tx.next_savepoint(false).await.unwrap();
    tx.next_savepoint(false).await.unwrap();
    // One that undoes what it wrote and writes again, kept.
    add(&mut tx, skus[2]).await;
    tx.undo_to_savepoint().await.unwrap();
    add(&mut tx, skus[3]).await;
    tx.next_savepoint(true).await.unwrap();
    // One that runs nothing, kept; then one that undoes before writing
    // anything, then writes, and is the last: undone.
    tx.next_savepoint(true).await.unwrap();
    tx.undo_to_savepoint().await.unwrap();
    add(&mut tx, skus[4]).await;
    tx.rollback_to_savepoint().await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        in_cart(Reader::from(&db.store), cart).await,
        {
            let mut kept = vec![skus[1], skus[3]];
            kept.sort();
            kept
        },
        "the lines of the units kept, and none of those undone"
    );

    // A batch whose one unit writes and is undone as the last.
    let mut tx = db.store.write().await.unwrap();
    tx.savepoint().await.unwrap();
    add(&mut tx, skus[0]).await;
    tx.rollback_to_savepoint().await.unwrap();
    // A write after the units is the transaction's own.
    add(&mut tx, skus[2]).await;
    tx.commit().await.unwrap();
    assert_eq!(in_cart(Reader::from(&db.store), cart).await.len(), 3);
}

async fn the_ledger_cannot_be_rewritten(backend: Backend) {
    let db = database(backend).await;
    let s = seller(&db.store, "toko-a").await;
    let (_, sku) = product_with_sku(&db.store, s, "Kaos", "KAOS-1", 5).await;
    let mut tx = db.store.write().await.unwrap();
    let manual = StockChange {
        sku,
        delta: 0,
        reason: StockReason::Manual,
        note: None,
        actor: Actor::System,
    };
    let refused = inventory::set_stock(&mut tx, s, -3, &manual, NOW)
        .await
        .unwrap();
    assert_eq!(refused, StockOutcome::Refused { level: 5 });
    tx.commit().await.unwrap();
    for statement in [
        "DELETE FROM stock_ledger",
        "UPDATE stock_ledger SET delta = 99",
    ] {
        let refused = db.store.execute_admin_statement(statement).await;
        assert!(refused.is_err(), "{statement} must be refused");
    }
    let rows = db.store.rows_as_text("stock_ledger").await.unwrap();
    assert_eq!(rows.len(), 1);
}

async fn sku_codes_are_unique_per_shop_while_in_use(backend: Backend) {
    let db = database(backend).await;
    let (a, b) = (
        seller(&db.store, "toko-a").await,
        seller(&db.store, "toko-b").await,
    );
    let (_, sku) = product_with_sku(&db.store, a, "Kaos", "KAOS-1", 0).await;
    // Another shop may use the same code.
    product_with_sku(&db.store, b, "Kaos", "KAOS-1", 0).await;
    let attributes = BTreeMap::new();
    let clash = {
        let product = ProductId::generate();
        let mut tx = db.store.write().await.unwrap();
        catalog::insert_product(
            &mut tx,
            product,
            a,
            &content("Lain", &attributes),
            &ListingColumns::default(),
            Actor::System,
            NOW,
        )
        .await
        .unwrap();
        catalog::insert_sku(
            &mut tx,
            SkuId::generate(),
            a,
            product,
            &SkuContent {
                position: 0,
                combination: &[],
                code: Some("KAOS-1"),
                price: None,
                original_price: None,
                weight_grams: None,
                dimensions: None,
                barcode: None,
            },
            NOW,
        )
        .await
        .unwrap_err()
    };
    assert!(
        clash.is_conflict_on("skus_seller_id_skus_code_key"),
        "{clash:?}"
    );
    // A removed SKU frees its code.
    let mut tx = db.store.write().await.unwrap();
    catalog::remove_sku(&mut tx, a, sku, NOW).await.unwrap();
    tx.commit().await.unwrap();
    product_with_sku(&db.store, a, "Kaos Baru", "KAOS-1", 0).await;
}

async fn one_shop_never_reads_another_shops_products(backend: Backend) {
    let db = database(backend).await;
    let (a, b) = (
        seller(&db.store, "toko-a").await,
        seller(&db.store, "toko-b").await,
    );
    let (product, sku) = product_with_sku(&db.store, a, "Kemeja", "K-1", 3).await;
    assert!(matches!(
        catalog::get_product(&db.store, b, product).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        catalog::get_sku(&db.store, b, sku).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        catalog::skus_of(&db.store, b, product)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        inventory::ledger(&db.store, b, sku, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let mut tx = db.store.write().await.unwrap();
    let foreign = inventory::change_stock(
        &mut tx,
        b,
        &StockChange {
            sku,
            delta: 5,
            reason: StockReason::Manual,
            note: None,
            actor: Actor::System,
        },
        NOW,
    )
    .await;
    assert!(matches!(foreign, Err(StoreError::NotFound)), "{foreign:?}");
    drop(tx);
    assert!(
        catalog::list_products(&db.store, b, &ProductFilter::default(), None, 50)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn the_list_filters_searches_and_pages(backend: Backend) {
    let db = database(backend).await;
    let s = seller(&db.store, "toko-a").await;
    for n in 0..7 {
        let stock = if n % 2 == 0 { 0 } else { 4 };
        product_with_sku(
            &db.store,
            s,
            &format!("Kemeja Batik {n}"),
            &format!("KMJ-{n}"),
            stock,
        )
        .await;
    }
    product_with_sku(&db.store, s, "Celana Jeans", "JNS-1", 2).await;
    let all = ProductFilter::default();
    let first = catalog::list_products(&db.store, s, &all, None, 5)
        .await
        .unwrap();
    assert_eq!(first.len(), 5);
    let last = first.last().unwrap();
    let cursor = catalog::ListCursor {
        updated_at: last.updated_at.unix_millis(),
        id: last.id,
    };
    let rest = catalog::list_products(&db.store, s, &all, Some(cursor), 5)
        .await
        .unwrap();
    assert_eq!(rest.len(), 3);
    assert!(
        rest.iter().all(|p| first.iter().all(|q| q.id != p.id)),
        "pages do not overlap"
    );

    let search = |query: &str| ProductFilter {
        query: Some(query.into()),
        ..ProductFilter::default()
    };
    let jeans = catalog::list_products(&db.store, s, &search("jeans"), None, 50)
        .await
        .unwrap();
    assert_eq!(jeans.len(), 1);
    let by_code = catalog::list_products(&db.store, s, &search("kmj-3"), None, 50)
        .await
        .unwrap();
    assert_eq!(by_code[0].title, "Kemeja Batik 3");
    let empty = ProductFilter {
        out_of_stock: true,
        ..ProductFilter::default()
    };
    assert_eq!(
        catalog::list_products(&db.store, s, &empty, None, 50)
            .await
            .unwrap()
            .len(),
        4
    );
    let attention = ProductFilter {
        needs_attention: true,
        ..ProductFilter::default()
    };
    assert_eq!(
        catalog::list_products(&db.store, s, &attention, None, 50)
            .await
            .unwrap()
            .len(),
        4
    );
    let counts = catalog::catalog_counts(&db.store, s).await.unwrap();
    assert_eq!(counts.by_status, [(ProductStatus::Draft, 8)]);
    assert_eq!((counts.needs_attention, counts.out_of_stock), (4, 4));
}

async fn signature(store: &Store, seller: SellerId, product: ProductId, bands: Vec<i64>) {
    let mut tx = store.write().await.unwrap();
    catalog::insert_description_signature(&mut tx, seller, product, "sig", &bands)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// A band many listings share (boilerplate) is read only in part; a near
/// copy sharing rarer bands too is still found, and first.
async fn a_crowded_band_does_not_hide_a_near_copy(backend: Backend) {
    let db = database(backend).await;
    let s = seller(&db.store, "toko-band").await;
    // The near copy's original: every band of the new text.
    let (original, _) = product_with_sku(&db.store, s, "Asli", "ASLI", 1).await;
    signature(&db.store, s, original, (1..=16).collect()).await;
    // 150 later listings sharing only the common band 1.
    for n in 0..150 {
        let (crowd, _) = product_with_sku(&db.store, s, "Templat", &format!("T{n}"), 1).await;
        signature(&db.store, s, crowd, vec![1, 1000 + n]).await;
    }
    let (checked, _) = product_with_sku(&db.store, s, "Baru", "BARU", 1).await;
    let bands: Vec<i64> = (1..=16).collect();
    let mut tx = db.store.write().await.unwrap();
    let later = Timestamp::from_unix_millis(NOW.unix_millis() + 1);
    let found = catalog::copy_candidates(&mut tx, s, checked, later, &bands, 20)
        .await
        .unwrap();
    drop(tx);
    assert_eq!(found[0].product_id, original, "the near copy first");
    assert_eq!(found.len(), 20);
}

on_both_backends!(
    a_batch_removes_bought_cart_lines_together,
    a_units_savepoint_waits_for_its_first_statement,
    a_stale_save_is_refused_and_says_the_current_version,
    stock_never_goes_below_zero_under_concurrency,
    a_batch_holds_stock_and_writes_it_once,
    the_ledger_cannot_be_rewritten,
    sku_codes_are_unique_per_shop_while_in_use,
    one_shop_never_reads_another_shops_products,
    the_list_filters_searches_and_pages,
    a_crowded_band_does_not_hide_a_near_copy,
);

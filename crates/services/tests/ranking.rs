//! The Shop's ranking on both backends: the pass counts each listed
//! product's sales and page openings of the last 30 days, every listing's
//! score is the domain's rule over them, the ranked feed follows the
//! scores, the projector scores a listing it writes from the signals the
//! pass kept, and what leaves the window stops counting.

mod support;

use std::collections::{BTreeSet, HashMap};

use etalase_domain::attribution::{AttributionEvent, EventKind};
use etalase_domain::checkout::Source;
use etalase_domain::id::ProductId;
use etalase_domain::ranking::{self, Signals};
use etalase_services::catalog::{self, media};
use etalase_services::storefront::{self, Feed, ranking::rank_all};
use etalase_services::{attribution, demo, sync};
use etalase_store::checkout::lines_of_orders;
use etalase_store::ranking as store;
use etalase_store::shop::{self, FeedOrder, ShopListing};
use etalase_testkit::{Backend, on_both_backends};
use support::*;

/// Distinct sale orders per product of the demo buyer's orders (the only
/// buyer of the demo).
async fn demo_sales(w: &World) -> HashMap<ProductId, i64> {
    let (_, orders) = demo_buyer(w).await;
    let mut sales = HashMap::new();
    for order in orders.iter().filter(|o| o.status.counts_as_sold()) {
        let products: BTreeSet<ProductId> = lines_of_orders(&w.svc.store, &[order.id])
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.product)
            .collect();
        for product in products {
            *sales.entry(product).or_insert(0) += 1;
        }
    }
    sales
}

/// A complete product of another verified shop, with a better listing than
/// some of the demo's but no sale.
async fn polished_unsold_product(w: &World) -> ProductId {
    let admin = verification::reviewer(&w.svc).await;
    let scope = shop(&w.svc, "rapi@contoh.id", "toko-rapi").await;
    verification::approve(&w.svc, &scope, &admin).await;
    let id = catalog::create(&w.svc, &scope, &form(complete(), None))
        .await
        .unwrap();
    media::upload(&w.svc, &scope, id, photo(800)).await.unwrap();
    catalog::publish(&w.svc, &scope, id).await.unwrap();
    id
}

async fn ranked_feed(w: &World) -> Vec<ProductId> {
    let page = storefront::cards(
        &w.svc,
        &Feed {
            order: FeedOrder::Ranked,
            seller: None,
            category: None,
            query: "",
            page: 1,
            per_page: 60,
        },
    )
    .await
    .unwrap();
    assert!(!page.has_next, "the demo fits one page");
    page.cards.iter().map(|c| c.listing.product_id).collect()
}

/// The Shop's search without words (the order related products use too).
async fn searched(w: &World) -> Vec<ProductId> {
    let mut query = etalase_services::search::SearchQuery::words("");
    query.limit = 60;
    let found = storefront::search(&w.svc, &query, 1).await.unwrap();
    found
        .page
        .cards
        .iter()
        .map(|c| c.listing.product_id)
        .collect()
}

fn by_id(listings: Vec<ShopListing>) -> HashMap<ProductId, ShopListing> {
    listings.into_iter().map(|l| (l.product_id, l)).collect()
}

/// Every listing's score is the rule over its kept signals, now.
async fn assert_scored_by_the_rule(w: &World) -> HashMap<ProductId, ShopListing> {
    let now = w.svc.now();
    let listings = by_id(shop::all(&w.svc.store).await.unwrap());
    for l in listings.values() {
        let signals = store::signals_of(&w.svc.store, l.product_id).await.unwrap();
        let rule = ranking::rank(signals, l.quality_score, l.published_at, now).total();
        assert_eq!(l.rank_score, rule, "{}", l.title);
    }
    listings
}

async fn the_feed_ranks_by_recent_orders_visits_quality_and_freshness(backend: Backend) {
    let w = world(backend).await;
    demo::load(&w.svc).await.unwrap();
    let polished = polished_unsold_product(&w).await;
    sync::catch_up(&w.svc).await.unwrap();
    let sales = demo_sales(&w).await;
    assert!(!sales.is_empty(), "the demo buyer's COD orders are sales");

    let pass = rank_all(&w.svc).await.unwrap();
    assert_eq!(pass.with_signals, sales.len());
    assert!(pass.moved > 0, "the migration's scores knew no orders");
    let listings = assert_scored_by_the_rule(&w).await;
    assert_eq!(pass.listings, listings.len());
    for (product, orders) in &sales {
        let kept = store::signals_of(&w.svc.store, *product).await.unwrap();
        assert_eq!(
            kept,
            Signals {
                orders: *orders,
                views: 0
            }
        );
    }
    // The feed goes by score; a product that sold ranks above one of no
    // better listing that did not (every demo product is equally new).
    let feed = ranked_feed(&w).await;
    let scores: Vec<i64> = feed.iter().map(|p| listings[p].rank_score).collect();
    assert!(scores.windows(2).all(|s| s[0] >= s[1]), "{scores:?}");
    // A product that sold ranks above a better listing that did not (all
    // of them are equally new here).
    let place = |p: &ProductId| feed.iter().position(|f| f == p).unwrap();
    let outsold = sales
        .keys()
        .filter(|p| listings[p].quality_score < listings[&polished].quality_score)
        .collect::<Vec<_>>();
    assert!(!outsold.is_empty(), "a sold product of a lesser listing");
    for sold in outsold {
        assert!(place(sold) < place(&polished), "{}", listings[sold].title);
    }

    // 200 openings of a product that sold: its conversion falls, and the
    // feed (kept in memory between passes) follows the next pass.
    let (&viewed, _) = sales.iter().next().unwrap();
    let seller = listings[&viewed].seller_id;
    for _ in 0..200 {
        w.svc.attribution.record(AttributionEvent {
            seller: Some(seller),
            product: Some(viewed),
            ..AttributionEvent::new(EventKind::ProductView, Source::Search)
        });
    }
    attribution::flush(&w.svc).await.unwrap();
    let before = listings[&viewed].rank_score;
    let clock_before = w.svc.now().unix_millis();
    w.clock.advance_secs(1);
    let pass = rank_all(&w.svc).await.unwrap();
    assert_eq!(pass.moved, 1);
    // Nodes following the sync's states learn of the move.
    let told = etalase_store::sync::changed_since(&w.svc.store, clock_before, 100)
        .await
        .unwrap();
    assert_eq!(
        told.iter().map(|(p, _, _)| *p).collect::<Vec<_>>(),
        vec![viewed]
    );
    let kept = store::signals_of(&w.svc.store, viewed).await.unwrap();
    assert_eq!(kept.views, 200);
    let listings = assert_scored_by_the_rule(&w).await;
    assert!(listings[&viewed].rank_score < before);
    let feed = ranked_feed(&w).await;
    let scores: Vec<i64> = feed.iter().map(|p| listings[p].rank_score).collect();
    assert!(scores.windows(2).all(|s| s[0] >= s[1]), "{scores:?}");
    // Search without words goes by the same points (its index refreshed).
    let scores: Vec<i64> = searched(&w)
        .await
        .iter()
        .map(|p| listings[p].rank_score)
        .collect();
    assert_eq!(scores.len(), feed.len());
    assert!(scores.windows(2).all(|s| s[0] >= s[1]), "{scores:?}");

    // The projector scores what it writes from the kept signals: the whole
    // read model rebuilt from scratch gives the same scores.
    sync::rebuild(&w.svc, true, |_| {}).await.unwrap();
    let rebuilt = assert_scored_by_the_rule(&w).await;
    for (product, l) in &listings {
        assert_eq!(rebuilt[product].rank_score, l.rank_score, "{}", l.title);
    }
    // A second pass at the same time moves nothing.
    assert_eq!(rank_all(&w.svc).await.unwrap().moved, 0);

    // 31 days on: the orders and openings left the window, the products
    // are no longer new; quality alone ranks.
    w.clock.advance_secs(31 * 24 * 60 * 60);
    let pass = rank_all(&w.svc).await.unwrap();
    assert_eq!(pass.with_signals, 0);
    let listings = assert_scored_by_the_rule(&w).await;
    for l in listings.values() {
        assert_eq!(l.rank_score, 2 * i64::from(l.quality_score), "{}", l.title);
        let kept = store::signals_of(&w.svc.store, l.product_id).await.unwrap();
        assert_eq!(kept, Signals::default());
    }
}

on_both_backends!(the_feed_ranks_by_recent_orders_visits_quality_and_freshness);

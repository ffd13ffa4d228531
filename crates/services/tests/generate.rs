//! `etalase generate-shop` on both backends: shops with a pickup address
//! each, products of 3 SKUs with a photo, all published and listed in the
//! Shop with the city they ship from, searchable; the same seed gives the
//! same catalog, and a second run adds only the shops still missing.

mod support;

use etalase_domain::listing::Visibility;
use etalase_services::demo::scale::{ScalePlan, generate};
use etalase_services::search::SearchQuery;
use etalase_store::{catalog, shop};
use etalase_testkit::{Backend, on_both_backends};
use support::*;

async fn a_generated_catalog_is_listed_searchable_and_resumable(backend: Backend) {
    let w = world(backend).await;
    let plan = ScalePlan {
        shops: 3,
        products: 30,
        seed: 11,
    };
    let done = generate(&w.svc, plan, |_| {}).await.unwrap();
    assert_eq!((done.shops, done.products, done.skus), (3, 30, 90));
    let listings = shop::all(&w.svc.store).await.unwrap();
    assert_eq!(listings.len(), 30);
    assert_eq!(done.listed + count_sold_out(&listings), 30);
    for l in &listings {
        assert!(l.primary_image.is_some(), "{}", l.title);
        assert!(l.shop_regency.is_some(), "{} ships from somewhere", l.title);
        let images = catalog::images_of(&w.svc.store, l.seller_id, l.product_id)
            .await
            .unwrap();
        let photo =
            etalase_services::storefront::image(&w.svc, l.product_id, images[0].id, Some(480))
                .await;
        assert!(
            photo.is_ok_and(|b| !b.is_empty()),
            "{} has its photo",
            l.title
        );
    }
    // Searchable once the index is filled from the read model.
    etalase_services::search::ensure_built(&w.svc)
        .await
        .unwrap();
    let index = w.svc.search.clone().unwrap();
    let title = &listings[0].title;
    let hits = index.search(&SearchQuery::words(title)).unwrap();
    assert!(hits.ids.contains(&listings[0].product_id), "{title}");
    // Again: nothing new. More shops: only those are added, with the
    // catalog the same seed gives.
    let again = generate(&w.svc, plan, |_| {}).await.unwrap();
    assert_eq!((again.shops, again.products), (0, 0));
    let more = generate(
        &w.svc,
        ScalePlan {
            shops: 4,
            products: 40,
            seed: 11,
        },
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!((more.shops, more.products), (1, 10));
    assert_eq!(shop::all(&w.svc.store).await.unwrap().len(), 40);
}

fn count_sold_out(listings: &[shop::ShopListing]) -> usize {
    listings
        .iter()
        .filter(|l| l.visibility == Visibility::SoldOut)
        .count()
}

/// `etalase generate-orders`: the history's statuses agree with their
/// deadlines (the scheduler finds nothing of it due), every shipped order
/// has a resi of its courier's shape, and Seller Center finds an old order
/// by its resi.
async fn a_generated_order_history_is_consistent_and_searchable(backend: Backend) {
    use etalase_domain::checkout::OrderStatus;
    use etalase_domain::orders::OrderTab;
    use etalase_services::demo::history::{HistoryPlan, generate as history};
    use etalase_services::fulfilment::{scheduler, seller};
    use etalase_store::fulfilment::{self as orders, SellerOrderQuery};

    let w = world(backend).await;
    etalase_services::demo::load(&w.svc).await.unwrap();
    let shop = etalase_store::sellers::find_seller_by_slug(&w.svc.store, "shop")
        .await
        .unwrap()
        .unwrap();
    let all = SellerOrderQuery {
        limit: 500,
        ..SellerOrderQuery::default()
    };
    let demo: Vec<_> = orders::seller_orders(&w.svc.store, shop.id, &all)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    let plan = HistoryPlan {
        orders: 400,
        days: 60,
        seed: 3,
    };
    let made = history(&w.svc, shop.id, plan, |_| {}).await.unwrap();
    assert_eq!(made.written, 400);
    assert_eq!(made.by_status.iter().map(|(_, n)| n).sum::<usize>(), 400);
    for status in [
        OrderStatus::AwaitingShipment,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
    ] {
        assert!(
            made.by_status.iter().any(|(s, n)| *s == status && *n > 0),
            "some {status:?} in {:?}",
            made.by_status
        );
    }
    let mut listed = Vec::new();
    while listed.len() < 500 {
        let page = SellerOrderQuery {
            offset: listed.len() as i64,
            ..all.clone()
        };
        let rows = orders::seller_orders(&w.svc.store, shop.id, &page)
            .await
            .unwrap();
        if rows.is_empty() {
            break;
        }
        listed.extend(rows);
    }
    // The history, the checkout's templates (one per service) and the demo's own.
    let templates = listed.len() - 400 - demo.len();
    assert!((1..=8).contains(&templates), "{templates} templates");
    let now = w.svc.now();
    // The templates are placed now (the clock stands still), the history before.
    let history_orders: Vec<_> = listed
        .iter()
        .filter(|o| !demo.contains(&o.id) && o.placed_at < now)
        .collect();
    assert_eq!(history_orders.len(), 400);
    for o in history_orders {
        let f = &o.fulfilment;
        match o.status {
            OrderStatus::AwaitingShipment => assert!(f.ship_by.unwrap() > now),
            OrderStatus::AwaitingCollection => assert!(f.collect_by.unwrap() > now),
            OrderStatus::Delivered => assert!(f.complete_by.unwrap() > now),
            OrderStatus::Completed => assert!(f.completed_at.unwrap() <= now),
            OrderStatus::Cancelled => assert!(o.cancelled_at.unwrap() <= now),
            _ => {}
        }
        if matches!(
            o.status,
            OrderStatus::AwaitingCollection
                | OrderStatus::InTransit
                | OrderStatus::Delivered
                | OrderStatus::Completed
        ) {
            let (courier, resi) = (f.courier.unwrap(), f.resi.clone().unwrap());
            assert!(resi.looks_like(courier), "{resi} is a {courier:?} resi");
        }
        assert!(o.placed_at <= o.updated_at && o.updated_at <= now);
    }
    let lines = etalase_store::checkout::lines_of_orders(
        &w.svc.store,
        &listed.iter().map(|o| o.id).collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    assert!(listed.iter().all(|o| lines.iter().any(|l| l.order == o.id)));
    // Units sold are counted again from every order of the shop.
    let mut expected: std::collections::BTreeMap<String, i64> = Default::default();
    for o in listed.iter().filter(|o| o.status.counts_as_sold()) {
        for l in lines.iter().filter(|l| l.order == o.id) {
            *expected.entry(l.product.to_string()).or_default() += l.quantity;
        }
    }
    assert!(!expected.is_empty());
    for (product, units) in &expected {
        let sold = etalase_store::checkout::units_sold(&w.svc.store, product.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(sold, *units, "{product}");
    }
    // Nothing of the history is due: only the demo's forgotten order is.
    let pass = scheduler::run_once(&w.svc).await.unwrap();
    assert_eq!(
        (
            pass.unpaid_cancelled,
            pass.unshipped_cancelled,
            pass.uncollected_cancelled,
            pass.undelivered_cancelled,
            pass.completed
        ),
        (0, 1, 0, 0, 0)
    );
    // Seller Center finds the old order by its resi, typed loosely.
    let resi = made.sample_resi.unwrap();
    let owner = etalase_store::sellers::list_members(&w.svc.store, shop.id)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.role == etalase_domain::policy::Role::Owner)
        .unwrap();
    let scope = etalase_services::teams::SellerScope::for_member(&owner);
    let request = seller::TabRequest {
        search: Some(format!(" {} ", resi.as_str().to_lowercase())),
        ..seller::TabRequest::default()
    };
    let found = seller::tab(&w.svc, &scope, &request).await.unwrap();
    assert_eq!(found.tab, OrderTab::All);
    assert_eq!(found.orders.len(), 1);
    assert_eq!(found.orders[0].0.fulfilment.resi.as_ref(), Some(&resi));
}

on_both_backends!(
    a_generated_catalog_is_listed_searchable_and_resumable,
    a_generated_order_history_is_consistent_and_searchable
);

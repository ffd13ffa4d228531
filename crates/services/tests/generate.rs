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

on_both_backends!(a_generated_catalog_is_listed_searchable_and_resumable);

//! Reviews on both backends: only the buyer of an order that arrived
//! reviews its lines, for 30 days; a second review replaces the first and
//! moves the rating by the difference; the product's rating in the Shop's
//! listing always equals its reviews; bad input is refused by field.

mod support;

use etalase_domain::ErrorCode;
use etalase_domain::checkout::OrderStatus;
use etalase_domain::reviews::Rating;
use etalase_services::fulfilment::tracking::CourierConfig;
use etalase_services::reviews::{self, ReviewForm};
use etalase_services::{ServiceConfig, demo, storefront, sync};
use etalase_store::checkout::{StoredOrder, lines_of_orders};
use etalase_store::{accounts, shop};
use etalase_testkit::{Backend, on_both_backends};
use support::*;

fn form(stars: &str, body: &str) -> ReviewForm {
    ReviewForm {
        stars: stars.into(),
        body: body.into(),
    }
}

/// The Shop's listing of a product, after the sync caught up, and the
/// system of record's rating of it: they must agree.
async fn listed_rating(w: &World, order: &StoredOrder) -> Rating {
    sync::catch_up(&w.svc).await.unwrap();
    let product = lines_of_orders(&w.svc.store, &[order.id]).await.unwrap()[0].product;
    let listing = shop::get(&w.svc.store, product).await.unwrap().unwrap();
    let recorded = etalase_store::reviews::rating_of(&w.svc.store, product)
        .await
        .unwrap();
    assert_eq!(listing.rating, recorded, "the Shop shows what was reviewed");
    recorded
}

async fn only_an_arrived_order_is_reviewed_and_its_rating_follows(backend: Backend) {
    let config = ServiceConfig {
        couriers: CourierConfig::generated(),
        ..ServiceConfig::default()
    };
    let w = world_with(backend, config).await;
    demo::load_for_visitors(&w.svc).await.unwrap();
    let (buyer, orders) = demo_buyer(&w).await;
    let arrived = orders
        .iter()
        .find(|o| o.status == OrderStatus::Delivered)
        .expect("the demo has an order that arrived")
        .clone();
    // The demo buyer reviewed it with 5 stars.
    assert_eq!(
        listed_rating(&w, &arrived).await,
        Rating { count: 1, stars: 5 }
    );
    let mine = reviews::of_order(&w.svc, &arrived).await.unwrap();
    assert_eq!((mine.len(), mine[0].stars), (1, 5));
    // The product page's reviews, kept for the next buyer.
    let product = lines_of_orders(&w.svc.store, &[arrived.id]).await.unwrap()[0].product;
    let shown = storefront::reviews(&w.svc, product).await.unwrap();
    assert_eq!((shown.len(), shown[0].stars), (1, 5));

    // A second review of the line replaces the first: still one review.
    reviews::review(
        &w.svc,
        buyer,
        arrived.id,
        1,
        &form("3", "  Warnanya agak pudar.  "),
    )
    .await
    .unwrap();
    assert_eq!(
        listed_rating(&w, &arrived).await,
        Rating { count: 1, stars: 3 }
    );
    let mine = reviews::of_order(&w.svc, &arrived).await.unwrap();
    assert_eq!(mine[0].body.as_deref(), Some("Warnanya agak pudar."));
    // The page shows the new review once the Shop has its rating: what
    // was kept went with the change.
    let shown = storefront::reviews(&w.svc, product).await.unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].stars, 3);
    assert_eq!(shown[0].body.as_deref(), Some("Warnanya agak pudar."));
    assert_eq!(shown[0].buyer_name, "Andi Pembeli");

    // Bad input is named by field, and nothing changes.
    let e = reviews::review(&w.svc, buyer, arrived.id, 1, &form("", &"x".repeat(1001)))
        .await
        .unwrap_err();
    let fields: Vec<_> = e
        .fields
        .iter()
        .map(|f| (f.field.to_string(), f.code))
        .collect();
    assert_eq!(
        fields,
        [
            ("stars".to_string(), ErrorCode::RatingRequired),
            ("body".to_string(), ErrorCode::ReviewTooLong)
        ]
    );
    let e = reviews::review(&w.svc, buyer, arrived.id, 1, &form("6", ""))
        .await
        .unwrap_err();
    assert_eq!(e.fields[0].code, ErrorCode::RatingOutOfRange);
    // A line the order does not have, another buyer's order: not found.
    let e = reviews::review(&w.svc, buyer, arrived.id, 9, &form("4", ""))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let stranger = accounts::find_user_by_email(
        &w.svc.store,
        &etalase_domain::account::Email::parse("pemilik@etalase.test").unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .id;
    let e = reviews::review(&w.svc, stranger, arrived.id, 1, &form("1", ""))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    // An order still on its way cannot be reviewed yet.
    let on_its_way = orders
        .iter()
        .find(|o| o.status == OrderStatus::InTransit)
        .expect("the demo has an order on its way");
    let e = reviews::review(&w.svc, buyer, on_its_way.id, 1, &form("1", ""))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReviewNotYet);
    assert_eq!(
        listed_rating(&w, &arrived).await,
        Rating { count: 1, stars: 3 }
    );

    // Thirty days after it arrived the review can still change; a day
    // later it cannot.
    w.clock.advance_secs(30 * 86_400 - 60);
    reviews::review(&w.svc, buyer, arrived.id, 1, &form("4", ""))
        .await
        .unwrap();
    w.clock.advance_secs(86_400);
    let e = reviews::review(&w.svc, buyer, arrived.id, 1, &form("5", ""))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReviewWindowClosed);
    assert_eq!(
        listed_rating(&w, &arrived).await,
        Rating { count: 1, stars: 4 }
    );
    let seller = arrived.seller;
    assert_eq!(
        etalase_services::storefront::standing(&w.svc, seller)
            .await
            .unwrap()
            .rating,
        Rating { count: 1, stars: 4 }
    );
}

on_both_backends!(only_an_arrived_order_is_reviewed_and_its_rating_follows);

//! The Shop's read model applied incrementally, event by event, is the
//! one a rebuild from the system of record gives — for any sequence of
//! catalog, stock, price and seller changes, with the projector running at
//! any points in between.

mod support;

use etalase_domain::id::ProductId;
use etalase_services::catalog::{self, media};
use etalase_services::inventory::{self, StockRequest};
use etalase_services::kyc::review::{self, Decision};
use etalase_services::sync;
use etalase_store::inventory::StockReason;
use etalase_store::shop;
use etalase_testkit::Backend;
use proptest::prelude::*;
use support::*;

#[derive(Debug, Clone)]
enum Op {
    Create,
    AddPhoto(usize),
    Publish(usize),
    Deactivate(usize),
    Delete(usize),
    SetStock(usize, usize, i64),
    SetPrice(usize, i64),
    Suspend,
    Reinstate,
    /// The projector runs here.
    Project,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => Just(Op::Create),
        2 => (0..4usize).prop_map(Op::AddPhoto),
        3 => (0..4usize).prop_map(Op::Publish),
        1 => (0..4usize).prop_map(Op::Deactivate),
        1 => (0..4usize).prop_map(Op::Delete),
        3 => (0..4usize, 0..6usize, 0..4i64).prop_map(|(p, s, n)| Op::SetStock(p, s, n)),
        2 => (0..4usize, 1..50i64).prop_map(|(p, k)| Op::SetPrice(p, k * 1000)),
        1 => Just(Op::Suspend),
        1 => Just(Op::Reinstate),
        2 => Just(Op::Project),
    ]
}

async fn run(ops: Vec<Op>) {
    let w = world(Backend::Sqlite).await;
    let admin = verification::reviewer(&w.svc).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    verification::approve(&w.svc, &scope, &admin).await;
    let mut products: Vec<ProductId> = Vec::new();
    let pick = |products: &[ProductId], i: usize| products.get(i % products.len().max(1)).copied();
    for (n, op) in ops.into_iter().enumerate() {
        // Refused changes (publishing a draft without a photo, a stock
        // level out of range …) are part of the game: they change nothing.
        match op {
            Op::Create => {
                let mut input = complete();
                for sku in &mut input.skus {
                    sku.code = format!("P{n}-{}", sku.code);
                }
                if let Ok(id) = catalog::create(&w.svc, &scope, &form(input, None)).await {
                    products.push(id);
                }
            }
            Op::AddPhoto(i) => {
                if let Some(id) = pick(&products, i) {
                    let _ = media::upload(&w.svc, &scope, id, photo(400)).await;
                }
            }
            Op::Publish(i) => {
                if let Some(id) = pick(&products, i) {
                    let _ = catalog::publish(&w.svc, &scope, id).await;
                }
            }
            Op::Deactivate(i) => {
                if let Some(id) = pick(&products, i) {
                    let _ = catalog::deactivate(&w.svc, &scope, id).await;
                }
            }
            Op::Delete(i) => {
                if let Some(id) = pick(&products, i) {
                    let _ = catalog::delete(&w.svc, &scope, id).await;
                }
            }
            Op::SetStock(i, s, units) => {
                if let Some(id) = pick(&products, i)
                    && let Ok(view) = catalog::view(&w.svc, &scope, id).await
                    && let Some(sku) = view.skus.get(s % view.skus.len().max(1))
                {
                    let _ = inventory::change(
                        &w.svc,
                        &scope,
                        sku.id,
                        StockRequest::Set(units),
                        StockReason::Manual,
                        None,
                    )
                    .await;
                }
            }
            Op::SetPrice(i, price) => {
                if let Some(id) = pick(&products, i)
                    && let Ok(view) = catalog::view(&w.svc, &scope, id).await
                {
                    let mut input =
                        etalase_services::catalog::listing::input_of(&view.product, &view.skus);
                    for sku in &mut input.skus {
                        sku.price = price.to_string();
                    }
                    let _ =
                        catalog::save(&w.svc, &scope, id, &form(input, Some(view.product.version)))
                            .await;
                }
            }
            Op::Suspend | Op::Reinstate => {
                let decision = if matches!(op, Op::Suspend) {
                    Decision::Suspend
                } else {
                    Decision::Reinstate
                };
                let _ = review::decide(&w.svc, &admin, scope.seller_id, decision, &[], "").await;
            }
            Op::Project => {
                sync::catch_up(&w.svc).await.unwrap();
            }
        }
    }
    let pass = sync::catch_up(&w.svc).await.unwrap();
    assert!(pass.failed.is_empty());
    let incremental = shop::all(&w.svc.store).await.unwrap();
    let rebuilt = sync::rebuild(&w.svc, true, |_| {}).await.unwrap();
    assert_eq!(rebuilt.products, products.len());
    assert_eq!(shop::all(&w.svc.store).await.unwrap(), incremental);
    assert_eq!(
        rebuilt.listed + rebuilt.sold_out,
        incremental.len(),
        "{rebuilt:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn incremental_projection_equals_a_rebuild(ops in proptest::collection::vec(op(), 1..40)) {
        tokio::runtime::Runtime::new().unwrap().block_on(run(ops));
    }
}

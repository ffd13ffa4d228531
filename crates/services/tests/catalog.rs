//! The catalog on both backends: the product lifecycle, variants and their
//! SKUs, concurrent edits, stock and its ledger, bulk edits, images, copy
//! detection and tenant isolation.

mod support;

use etalase_domain::ErrorCode;
use etalase_domain::catalog::bulk::{PriceEdit, StockEdit};
use etalase_domain::catalog::lifecycle::ProductStatus;
use etalase_domain::catalog::product::ProductInput;
use etalase_domain::id::{ProductId, SkuId};
use etalase_services::ServiceError;
use etalase_services::catalog::{self, ProductForm, SaveOutcome, media};
use etalase_services::inventory::{self, BulkEdit, StockRequest};
use etalase_store::inventory::StockReason;
use etalase_store::outbox;
use etalase_testkit::{Backend, on_both_backends};
use support::*;

async fn a_product_goes_from_draft_to_the_shop_and_back(backend: Backend) {
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let bare = ProductInput {
        title: "Kemeja".into(),
        ..ProductInput::default()
    };
    let id = catalog::create(&w.svc, &scope, &form(bare, None))
        .await
        .unwrap();
    let refused = catalog::publish(&w.svc, &scope, id).await.unwrap_err();
    let names: Vec<String> = fields(&refused).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        names,
        [
            "title",
            "description",
            "category",
            "images",
            "skus[0].price",
            "skus[0].weight_grams",
            "skus[0].dimensions"
        ]
    );
    let low = catalog::view(&w.svc, &scope, id)
        .await
        .unwrap()
        .quality
        .score;

    let saved = catalog::save(&w.svc, &scope, id, &form(complete(), Some(1)))
        .await
        .unwrap();
    assert!(matches!(saved, SaveOutcome::Saved { version: 2 }));
    let refused = catalog::publish(&w.svc, &scope, id).await.unwrap_err();
    assert_eq!(
        fields(&refused),
        [("images".into(), ErrorCode::ImageRequired)]
    );
    media::upload(&w.svc, &scope, id, photo(800)).await.unwrap();
    catalog::publish(&w.svc, &scope, id).await.unwrap();

    let view = catalog::view(&w.svc, &scope, id).await.unwrap();
    assert_eq!(view.product.status, ProductStatus::Active);
    assert!(view.product.published_at.is_some());
    assert_eq!(view.skus.len(), 6);
    // The draft's one SKU became Merah / M and kept its stock (0): a save
    // that did not show stock leaves it alone; the five new SKUs start at 5.
    assert_eq!(view.product.listing.total_stock, 25);
    assert!(view.quality.score > low, "{} > {low}", view.quality.score);
    assert!(view.publish_problems.is_empty());

    // A live product cannot be saved incomplete.
    let mut broken = complete();
    broken.skus[0].price = String::new();
    let refused = catalog::save(&w.svc, &scope, id, &form(broken, Some(2)))
        .await
        .unwrap_err();
    assert_eq!(
        fields(&refused),
        [("skus[0].price".into(), ErrorCode::PriceRequired)]
    );

    catalog::deactivate(&w.svc, &scope, id).await.unwrap();
    catalog::publish(&w.svc, &scope, id).await.unwrap();
    catalog::delete(&w.svc, &scope, id).await.unwrap();
    let gone = catalog::save(&w.svc, &scope, id, &form(complete(), None))
        .await
        .unwrap_err();
    assert_eq!(gone.code, ErrorCode::ProductNotEditable);
    assert_eq!(
        catalog::publish(&w.svc, &scope, id).await.unwrap_err().code,
        ErrorCode::IllegalTransition
    );
    // Deleting freed the SKU codes.
    catalog::create(&w.svc, &scope, &form(complete(), None))
        .await
        .unwrap();

    let topics: Vec<String> = outbox::read_after(&w.svc.store, 0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.aggregate_id == id.to_string())
        .map(|e| e.topic)
        .collect();
    assert!(topics.len() >= 6, "{topics:?}");
    assert!(topics.iter().all(|t| t == "catalog.product_changed"));
}

async fn a_stale_save_shows_what_the_other_person_changed(backend: Backend) {
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let id = catalog::create(&w.svc, &scope, &form(complete(), None))
        .await
        .unwrap();
    let mut first = complete();
    first.title = "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang Sutra".into();
    first.skus[0].price = "175.000".into();
    catalog::save(&w.svc, &scope, id, &form(first, Some(1)))
        .await
        .unwrap();

    let mut second = complete();
    second.brand = "Lain".into();
    match catalog::save(&w.svc, &scope, id, &form(second, Some(1)))
        .await
        .unwrap()
    {
        SaveOutcome::Conflict {
            current_version,
            changes,
            by,
            ..
        } => {
            assert_eq!(current_version, 2);
            let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
            assert_eq!(fields, ["title", "skus[Merah / M].price"]);
            assert_eq!(changes[1].after, "175000");
            assert_eq!(by, Some(scope.actor()));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let view = catalog::view(&w.svc, &scope, id).await.unwrap();
    assert_eq!(
        view.product.brand.as_deref(),
        Some("Batik Sari"),
        "nothing was overwritten"
    );
}

async fn changing_options_keeps_existing_skus_and_their_stock(backend: Backend) {
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let id = catalog::create(&w.svc, &scope, &form(complete(), None))
        .await
        .unwrap();
    let before = catalog::view(&w.svc, &scope, id).await.unwrap().skus;

    let mut more = complete();
    more.options[0].1 = "Merah, Biru, Hijau".into();
    more.skus.push(sku("Hijau", "M", "KMJ-H-M", "2"));
    catalog::save(&w.svc, &scope, id, &form(more, Some(1)))
        .await
        .unwrap();
    let after = catalog::view(&w.svc, &scope, id).await.unwrap().skus;
    assert_eq!(after.len(), 9);
    for old in &before {
        let same = after
            .iter()
            .find(|s| s.combination == old.combination)
            .unwrap();
        assert_eq!((same.id, same.stock, &same.code), (old.id, 5, &old.code));
    }
    let green = after
        .iter()
        .find(|s| s.combination == ["Hijau", "M"])
        .unwrap();
    assert_eq!(green.stock, 2);

    // Dropping Biru removes its SKUs and writes their stock off.
    let mut fewer = complete();
    fewer.options[0].1 = "Merah, Hijau".into();
    fewer.skus.retain(|s| s.combination[0] == "Merah");
    catalog::save(&w.svc, &scope, id, &form(fewer, Some(2)))
        .await
        .unwrap();
    let view = catalog::view(&w.svc, &scope, id).await.unwrap();
    assert_eq!(view.skus.len(), 6);
    assert!(view.skus.iter().all(|s| s.combination[0] != "Biru"));
    let removed = before.iter().find(|s| s.combination[0] == "Biru").unwrap();
    let ledger = inventory::ledger(&w.svc, &scope, removed.id).await;
    // A removed SKU's history stays readable.
    let ledger = ledger.unwrap();
    assert_eq!(ledger[0].reason, StockReason::SkuRemoved);
    assert_eq!(ledger[0].level_after, 0);
}

async fn stock_moves_through_the_ledger(backend: Backend) {
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let id = catalog::create(&w.svc, &scope, &form(complete(), None))
        .await
        .unwrap();
    let sku_id = catalog::view(&w.svc, &scope, id).await.unwrap().skus[0].id;
    let set = inventory::change(
        &w.svc,
        &scope,
        sku_id,
        StockRequest::Set(12),
        StockReason::Manual,
        Some("stock opname"),
    )
    .await
    .unwrap();
    assert_eq!(set, 12);
    w.clock.advance_secs(60);
    let adjusted = inventory::change(
        &w.svc,
        &scope,
        sku_id,
        StockRequest::Adjust(-2),
        StockReason::Api,
        None,
    )
    .await
    .unwrap();
    assert_eq!(adjusted, 10);
    let refused = inventory::change(
        &w.svc,
        &scope,
        sku_id,
        StockRequest::Adjust(-11),
        StockReason::Manual,
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        fields(&refused),
        [("stock".into(), ErrorCode::StockWouldGoNegative)]
    );
    let refused = inventory::change(
        &w.svc,
        &scope,
        sku_id,
        StockRequest::Set(1_000_000),
        StockReason::Manual,
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        fields(&refused),
        [("stock".into(), ErrorCode::StockOutOfRange)]
    );
    let ledger = inventory::ledger(&w.svc, &scope, sku_id).await.unwrap();
    let lines: Vec<(i64, i64, StockReason)> = ledger
        .iter()
        .map(|l| (l.delta, l.level_after, l.reason))
        .collect();
    assert_eq!(
        lines,
        [
            (-2, 10, StockReason::Api),
            (7, 12, StockReason::Manual),
            (5, 5, StockReason::Initial)
        ]
    );
    assert_eq!(ledger[1].note.as_deref(), Some("stock opname"));
    assert_eq!(ledger[1].actor, Some(scope.actor()));

    inventory::set_threshold(&w.svc, &scope, sku_id, Some(10))
        .await
        .unwrap();
    let low = inventory::low_stock(&w.svc, &scope).await.unwrap();
    assert_eq!(low.len(), 1);
    assert_eq!(
        (low[0].sku_id, low[0].stock, low[0].threshold),
        (sku_id, 10, 10)
    );

    // The editor changes stock only where the typed value differs from what it showed.
    let view = catalog::view(&w.svc, &scope, id).await.unwrap();
    let mut input = complete();
    input.skus[0].stock = "10".into();
    input.skus[1].stock = "9".into();
    let edit = ProductForm {
        input,
        base_version: Some(view.product.version),
        stock_loaded: view.skus.iter().map(|s| Some(s.stock)).collect(),
    };
    catalog::save(&w.svc, &scope, id, &edit).await.unwrap();
    let skus = catalog::view(&w.svc, &scope, id).await.unwrap().skus;
    assert_eq!((skus[0].stock, skus[1].stock, skus[2].stock), (10, 9, 5));
}

async fn bulk_edits_preview_then_apply_whole_or_not_at_all(backend: Backend) {
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let id = catalog::create(&w.svc, &scope, &form(complete(), None))
        .await
        .unwrap();
    let skus: Vec<SkuId> = catalog::view(&w.svc, &scope, id)
        .await
        .unwrap()
        .skus
        .iter()
        .map(|s| s.id)
        .collect();
    let edit = BulkEdit {
        price: Some(PriceEdit::Percent(-10)),
        stock: Some(StockEdit::Adjust(-6)),
    };
    let preview = inventory::preview(&w.svc, &scope, &skus[..2], &edit)
        .await
        .unwrap();
    assert!(
        preview
            .iter()
            .all(|l| l.problem == Some(ErrorCode::StockWouldGoNegative))
    );
    let refused = inventory::apply(&w.svc, &scope, &skus[..2], &edit)
        .await
        .unwrap();
    assert!(refused.is_err(), "nothing applies when a line is refused");
    assert_eq!(
        catalog::view(&w.svc, &scope, id)
            .await
            .unwrap()
            .product
            .version,
        1
    );

    let edit = BulkEdit {
        price: Some(PriceEdit::Percent(-10)),
        stock: Some(StockEdit::Adjust(3)),
    };
    let preview = inventory::preview(&w.svc, &scope, &skus[..2], &edit)
        .await
        .unwrap();
    assert_eq!(
        (preview[0].price_after, preview[0].stock_after),
        (Some(135_000), 8)
    );
    assert_eq!(
        inventory::apply(&w.svc, &scope, &skus[..2], &edit)
            .await
            .unwrap(),
        Ok(2)
    );
    let view = catalog::view(&w.svc, &scope, id).await.unwrap();
    assert_eq!(
        view.product.version, 2,
        "an editor open on version 1 will see a conflict"
    );
    let changed: Vec<(Option<i64>, i64)> = view.skus.iter().map(|s| (s.price, s.stock)).collect();
    assert_eq!(
        &changed[..3],
        [(Some(135_000), 8), (Some(135_000), 8), (Some(150_000), 5)]
    );
    let ledger = inventory::ledger(&w.svc, &scope, skus[0]).await.unwrap();
    assert_eq!(ledger[0].reason, StockReason::BulkEdit);
}

async fn images_are_checked_by_content_and_counted(backend: Backend) {
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let id = catalog::create(&w.svc, &scope, &form(complete(), None))
        .await
        .unwrap();
    let pdf = b"%PDF-1.4 renamed to foto.jpg\n%%EOF".to_vec();
    let upload = |bytes: Vec<u8>| media::upload(&w.svc, &scope, id, bytes);
    assert_eq!(
        upload(pdf).await.unwrap_err().fields[0].code,
        ErrorCode::ImageTypeNotAccepted
    );
    assert_eq!(
        upload(Vec::new()).await.unwrap_err().fields[0].code,
        ErrorCode::ImageEmpty
    );
    assert_eq!(
        upload(photo(200)).await.unwrap_err().fields[0].code,
        ErrorCode::ImageTooSmall
    );
    assert_eq!(
        upload(vec![0; 6 * 1024 * 1024]).await.unwrap_err().fields[0].code,
        ErrorCode::DocumentTooLarge
    );
    // A PNG header that claims 60000 × 60000 pixels is refused unread.
    let flood = etalase_testkit::files::pixel_flood_png(60_000, 60_000);
    assert_eq!(
        upload(flood).await.unwrap_err().fields[0].code,
        ErrorCode::ImageTooLarge
    );

    let first = upload(photo(800)).await.unwrap();
    assert!(first.white_background);
    assert!(!first.blurry, "sharpness {}", first.sharpness);
    let thumb = media::bytes(&w.svc, &scope, id, first.id, Some(160))
        .await
        .unwrap();
    let decoded = image::load_from_memory(&thumb).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (160, 160));
    for _ in 1..9 {
        upload(photo(400)).await.unwrap();
    }
    assert_eq!(
        upload(photo(400)).await.unwrap_err().fields[0].code,
        ErrorCode::TooManyImages
    );
    let view = catalog::view(&w.svc, &scope, id).await.unwrap();
    assert_eq!(view.images.len(), 9);
    assert_eq!(view.product.listing.image_count, 9);
    // Put the last image first.
    let mut order: Vec<_> = view.images.iter().map(|i| i.id).collect();
    order.rotate_right(1);
    media::reorder(&w.svc, &scope, id, &order).await.unwrap();
    let view = catalog::view(&w.svc, &scope, id).await.unwrap();
    assert_eq!(view.images[0].id, order[0]);
}

async fn a_copied_description_is_flagged_with_the_original_named(backend: Backend) {
    let w = world(backend).await;
    let original_shop = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let original = catalog::create(&w.svc, &original_shop, &form(complete(), None))
        .await
        .unwrap();
    media::upload(&w.svc, &original_shop, original, photo(800))
        .await
        .unwrap();
    catalog::publish(&w.svc, &original_shop, original)
        .await
        .unwrap();

    w.clock.advance_secs(60);
    let copier = shop(&w.svc, "peniru@contoh.id", "toko-peniru").await;
    let mut input = complete();
    input.description = DESCRIPTION.replace("Solo", "Pekalongan");
    for s in &mut input.skus {
        s.code = format!("X-{}", s.code);
    }
    let copy = catalog::create(&w.svc, &copier, &form(input, None))
        .await
        .unwrap();
    let view = catalog::view(&w.svc, &copier, copy).await.unwrap();
    assert_eq!(
        view.copied_from,
        Some((
            "Batik Sari Kemeja Batik Tulis Pria Lengan Panjang Katun".to_string(),
            "Batik Sari".to_string()
        ))
    );
    let check = view
        .quality
        .checks
        .iter()
        .find(|c| c.item == etalase_domain::catalog::quality::CheckItem::OriginalDescription)
        .unwrap();
    assert!(!check.passed());
    // The original is not flagged for being copied.
    let first = catalog::view(&w.svc, &original_shop, original)
        .await
        .unwrap();
    assert_eq!(first.copied_from, None);

    // Writing one's own description clears the flag.
    let mut own = complete();
    own.description = "Kemeja batik cap motif mega mendung dari Cirebon dengan warna biru \
        laut yang cerah, dijahit rapi dengan kerah tegak dan kancing batok kelapa, pas untuk \
        seragam kantor maupun acara keluarga di akhir pekan yang santai."
        .into();
    for s in &mut own.skus {
        s.code = format!("X-{}", s.code);
    }
    catalog::save(&w.svc, &copier, copy, &form(own, Some(1)))
        .await
        .unwrap();
    assert_eq!(
        catalog::view(&w.svc, &copier, copy)
            .await
            .unwrap()
            .copied_from,
        None
    );
}

async fn one_shop_cannot_touch_another_shops_catalog(backend: Backend) {
    let w = world(backend).await;
    let a = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let b = shop(&w.svc, "budi@contoh.id", "toko-budi").await;
    let id = catalog::create(&w.svc, &a, &form(complete(), None))
        .await
        .unwrap();
    let sku_id = catalog::view(&w.svc, &a, id).await.unwrap().skus[0].id;
    let not_found = |e: ServiceError| assert_eq!(e.code, ErrorCode::NotFound);
    not_found(catalog::view(&w.svc, &b, id).await.unwrap_err());
    not_found(
        catalog::save(&w.svc, &b, id, &form(complete(), None))
            .await
            .unwrap_err(),
    );
    not_found(catalog::publish(&w.svc, &b, id).await.unwrap_err());
    not_found(catalog::delete(&w.svc, &b, id).await.unwrap_err());
    not_found(media::upload(&w.svc, &b, id, photo(400)).await.unwrap_err());
    not_found(
        inventory::change(
            &w.svc,
            &b,
            sku_id,
            StockRequest::Set(0),
            StockReason::Manual,
            None,
        )
        .await
        .unwrap_err(),
    );
    not_found(inventory::ledger(&w.svc, &b, sku_id).await.unwrap_err());
    let edit = BulkEdit {
        stock: Some(StockEdit::Set(0)),
        ..BulkEdit::default()
    };
    not_found(
        inventory::apply(&w.svc, &b, &[sku_id], &edit)
            .await
            .unwrap_err(),
    );
    // Same SKU codes are fine in another shop.
    catalog::create(&w.svc, &b, &form(complete(), None))
        .await
        .unwrap();
    assert_eq!(
        catalog::list(&w.svc, &b, &Default::default(), None, 50)
            .await
            .unwrap()
            .products
            .len(),
        1
    );
    // A code used by another product of the same shop is refused on its field.
    let refused = catalog::create(&w.svc, &a, &form(complete(), None))
        .await
        .unwrap_err();
    assert_eq!(refused.fields.len(), 6);
    assert!(
        refused
            .fields
            .iter()
            .all(|f| f.code == ErrorCode::SkuCodeTaken)
    );
    let _: Option<ProductId> = None;
}

on_both_backends!(
    a_product_goes_from_draft_to_the_shop_and_back,
    a_stale_save_shows_what_the_other_person_changed,
    changing_options_keeps_existing_skus_and_their_stock,
    stock_moves_through_the_ledger,
    bulk_edits_preview_then_apply_whole_or_not_at_all,
    images_are_checked_by_content_and_counted,
    a_copied_description_is_flagged_with_the_original_named,
    one_shop_cannot_touch_another_shops_catalog,
);

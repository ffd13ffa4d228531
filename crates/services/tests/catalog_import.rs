//! Catalog import and export on both backends: sheets with bad rows in
//! both modes, updates by SKU code, round trips, unreadable files, resuming.

mod support;

use etalase_domain::{ErrorCode, Lang};
use etalase_services::catalog;
use etalase_services::inventory;
use etalase_services::teams::SellerScope;
use etalase_store::inventory::StockReason;
use etalase_testkit::{Backend, on_both_backends};
use support::*;

mod importing {
    use super::*;
    use etalase_store::imports::ImportMode;

    pub const SHEET: &str = "Kunci Produk;Nama Produk;Kategori;Deskripsi;Nama Varian 1;Pilihan Varian 1;Nama Varian 2;Pilihan Varian 2;Kode SKU;Harga;Stok;Berat (gram);Panjang (cm);Lebar (cm);Tinggi (cm);Atribut\n\
        KMJ;Batik Sari Kemeja Batik Tulis Pria Lengan Panjang;batik-kain-tradisional/batik/kemeja;\"Kemeja batik tulis.\n\nBahan adem.\";Warna;Merah;Ukuran;M;KMJ-M-M;150.000;10;300;30;20;3;\"bahan=Katun; teknik_batik=tulis\"\n\
        KMJ;;;;Warna;Merah;Ukuran;L;KMJ-M-L;150.000;10;300;30;20;3;\n\
        KMJ;;;;Warna;Biru;Ukuran;M;KMJ-B-M;155.000;10;300;30;20;3;\n\
        KMJ;;;;Warna;Biru;Ukuran;L;KMJ-B-L;155.000;10;300;30;20;3;\n\
        KAOS;Kaos Polos Cotton Combed Lengan Pendek;;;;;;;KAOS-1;59rb;40;180;30;20;2;\n\
        CLN;Celana Chino;;;;;;;CLN-1;0;5;400;30;20;4;\n\
        TOPI;Topi;;;;;;;TOPI-1;45.000;-3;100;20;20;10;\n";

    pub async fn sheet(
        w: &World,
        scope: &SellerScope,
        bytes: &[u8],
        mode: ImportMode,
    ) -> etalase_store::imports::ImportJob {
        let id = etalase_services::catalog::import::queue(
            &w.svc,
            scope,
            "produk.csv",
            bytes.to_vec(),
            mode,
        )
        .await
        .unwrap();
        etalase_services::catalog::import::run(&w.svc, scope, id, |_, _| {})
            .await
            .unwrap()
    }
}

async fn an_import_takes_valid_rows_and_names_the_bad_ones(backend: Backend) {
    use etalase_store::imports::{ImportMode, ImportStatus};
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let job = importing::sheet(
        &w,
        &scope,
        importing::SHEET.as_bytes(),
        ImportMode::AllOrNothing,
    )
    .await;
    assert_eq!(job.status, ImportStatus::Done);
    assert_eq!(
        (job.created_count, job.error_rows),
        (0, 2),
        "nothing is imported"
    );
    let problems: Vec<(usize, String, ErrorCode)> =
        etalase_services::catalog::import::problems(&job)
            .into_iter()
            .map(|p| (p.row, p.column, p.code))
            .collect();
    assert_eq!(
        problems,
        [
            (7, "price".to_string(), ErrorCode::PriceOutOfRange),
            (8, "stock".to_string(), ErrorCode::StockOutOfRange)
        ]
    );
    assert!(
        catalog::list(&w.svc, &scope, &Default::default(), None, 50)
            .await
            .unwrap()
            .products
            .is_empty()
    );

    let job = importing::sheet(
        &w,
        &scope,
        importing::SHEET.as_bytes(),
        ImportMode::ValidRows,
    )
    .await;
    assert_eq!(
        (job.created_count, job.updated_count, job.error_rows),
        (2, 0, 2)
    );
    assert_eq!(job.processed_rows, 7);
    let listed = catalog::list(&w.svc, &scope, &Default::default(), None, 50)
        .await
        .unwrap()
        .products;
    assert_eq!(listed.len(), 2);
    let kemeja = listed
        .iter()
        .find(|p| p.title.starts_with("Batik Sari"))
        .unwrap();
    let view = catalog::view(&w.svc, &scope, kemeja.id).await.unwrap();
    assert_eq!(view.skus.len(), 4);
    assert_eq!(view.product.listing.total_stock, 40);
    assert_eq!(view.product.attributes["teknik_batik"], "tulis");
    let ledger = inventory::ledger(&w.svc, &scope, view.skus[0].id)
        .await
        .unwrap();
    assert_eq!(ledger[0].reason, StockReason::Import);

    // The same file again changes nothing.
    let again = importing::sheet(
        &w,
        &scope,
        importing::SHEET.as_bytes(),
        ImportMode::ValidRows,
    )
    .await;
    assert_eq!((again.created_count, again.updated_count), (0, 0));
    let unchanged = catalog::view(&w.svc, &scope, kemeja.id).await.unwrap();
    assert_eq!(unchanged.product.version, view.product.version);

    // A changed price updates that product only, by SKU code.
    let changed = importing::SHEET.replace("KMJ-B-L;155.000;10", "KMJ-B-L;165.000;7");
    let update = importing::sheet(&w, &scope, changed.as_bytes(), ImportMode::ValidRows).await;
    assert_eq!((update.created_count, update.updated_count), (0, 1));
    let view = catalog::view(&w.svc, &scope, kemeja.id).await.unwrap();
    let biru_l = view
        .skus
        .iter()
        .find(|s| s.code.as_deref() == Some("KMJ-B-L"))
        .unwrap();
    assert_eq!((biru_l.price, biru_l.stock), (Some(165_000), 7));
}

async fn an_export_imports_back_unchanged(backend: Backend) {
    use etalase_services::catalog::export;
    use etalase_store::imports::ImportMode;
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let id = catalog::create(&w.svc, &scope, &form(complete(), None))
        .await
        .unwrap();
    let sheet = export::csv(&w.svc, &scope, Lang::En).await.unwrap();
    assert!(sheet.starts_with("\u{feff}Product Key,Product Name"));
    assert_eq!(sheet.lines().count(), 7, "a header and six SKUs");
    let job = importing::sheet(&w, &scope, sheet.as_bytes(), ImportMode::AllOrNothing).await;
    assert_eq!(
        (job.created_count, job.updated_count, job.error_rows),
        (0, 0, 0),
        "{}",
        job.problems
    );
    assert_eq!(
        catalog::view(&w.svc, &scope, id)
            .await
            .unwrap()
            .product
            .version,
        1
    );
}

async fn a_file_that_is_not_a_sheet_fails_the_job_with_the_reason(backend: Backend) {
    use etalase_services::catalog::import;
    use etalase_store::imports::{ImportMode, ImportStatus};
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let latin1 = b"Nama Produk,Kode SKU,Harga,Stok\nCaf\xe9,K-1,1000,1\n";
    let job = importing::sheet(&w, &scope, latin1, ImportMode::ValidRows).await;
    assert_eq!(job.status, ImportStatus::Failed);
    assert_eq!(job.failure.as_deref(), Some("csv_not_utf8"));
    let job = importing::sheet(
        &w,
        &scope,
        b"Nama Produk,Harga\nKaos,1000\n",
        ImportMode::ValidRows,
    )
    .await;
    assert_eq!(job.failure.as_deref(), Some("csv_missing_columns"));
    // A job a restart interrupted runs again from its file.
    let id = import::queue(
        &w.svc,
        &scope,
        "produk.csv",
        importing::SHEET.as_bytes().to_vec(),
        ImportMode::ValidRows,
    )
    .await
    .unwrap();
    assert_eq!(import::resume(&w.svc).await.unwrap(), 1);
    let mut job = import::job(&w.svc, &scope, id).await.unwrap();
    for _ in 0..100 {
        if job.status.finished() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        job = import::job(&w.svc, &scope, id).await.unwrap();
    }
    assert_eq!((job.status, job.created_count), (ImportStatus::Done, 2));
}

on_both_backends!(
    an_import_takes_valid_rows_and_names_the_bad_ones,
    an_export_imports_back_unchanged,
    a_file_that_is_not_a_sheet_fails_the_job_with_the_reason,
);

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
        let upload = etalase_services::catalog::import::Upload::sheet("produk.csv", bytes.to_vec());
        let id = etalase_services::catalog::import::queue(&w.svc, scope, upload, mode)
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
        import::Upload::sheet("produk.csv", importing::SHEET.as_bytes().to_vec()),
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

mod photos {
    use super::*;
    use etalase_services::ServiceConfig;
    use etalase_services::catalog::import::{self, Upload};
    use etalase_store::imports::ImportJob;

    pub use etalase_store::imports::ImportMode;

    pub const HEADER: &str = "Kunci Produk,Nama Produk,Kode SKU,Harga,Stok,Foto\n";

    /// A world whose photo downloads may reach this machine (127.0.0.1
    /// only: 127.0.0.2 stays internal).
    pub async fn local_world(backend: Backend) -> World {
        world_with(
            backend,
            ServiceConfig {
                fetch_allow: vec!["127.0.0.1/32".parse().unwrap()],
                ..ServiceConfig::default()
            },
        )
        .await
    }

    pub async fn import(
        w: &World,
        scope: &SellerScope,
        sheet: &str,
        files: Vec<(&str, Vec<u8>)>,
        mode: ImportMode,
    ) -> ImportJob {
        let upload = Upload {
            file_name: "produk.csv".into(),
            sheet: sheet.as_bytes().to_vec(),
            photos: files.into_iter().map(|(n, b)| (n.to_owned(), b)).collect(),
        };
        let id = import::queue(&w.svc, scope, upload, mode).await.unwrap();
        import::run(&w.svc, scope, id, |_, _| {}).await.unwrap()
    }

    pub fn problems(job: &ImportJob) -> Vec<(usize, String, ErrorCode)> {
        import::problems(job)
            .into_iter()
            .map(|p| (p.row, p.column, p.code))
            .collect()
    }

    pub async fn product_titled(
        w: &World,
        scope: &SellerScope,
        title: &str,
    ) -> Option<catalog::ProductView> {
        let listed = catalog::list(&w.svc, scope, &Default::default(), None, 50)
            .await
            .unwrap()
            .products;
        match listed.iter().find(|p| p.title == title) {
            Some(p) => Some(catalog::view(&w.svc, scope, p.id).await.unwrap()),
            None => None,
        }
    }
}

async fn photos_named_in_a_sheet_are_downloaded_or_taken_from_the_upload(backend: Backend) {
    use photos::*;
    use support::Answer;
    let w = local_world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let server = PhotoServer::start(vec![
        ("/kemeja-1.png", Answer::Ok(photo(800))),
        ("/lama.png", Answer::Redirect("/kemeja-2.png".into())),
        ("/kemeja-2.png", Answer::Ok(photo(700))),
        ("/dokumen.png", Answer::Ok(b"%PDF-1.7 not a photo".to_vec())),
        ("/besar.png", Answer::Ok(vec![0x89; 6 * 1024 * 1024])),
        ("/error.png", Answer::Status(500)),
    ])
    .await;
    let inside = format!("http://127.0.0.2:{}/kemeja-1.png", server.port);
    let sheet = format!(
        "{HEADER}\
         KMJ,Kemeja Batik,KMJ-1,150.000,5,{} | {} | foto/Depan.PNG\n\
         A,Kaos A,A-1,50.000,5,{}\n\
         B,Kaos B,B-1,50.000,5,{}\n\
         C,Kaos C,C-1,50.000,5,{}\n\
         D,Kaos D,D-1,50.000,5,{}\n\
         E,Kaos E,E-1,50.000,5,{inside}\n\
         F,Kaos F,F-1,50.000,5,belakang.png\n\
         G,Kaos G,G-1,50.000,5,ftp://example.id/g.png\n",
        server.url("/kemeja-1.png"),
        server.url("/lama.png"),
        server.url("/hilang.png"),
        server.url("/dokumen.png"),
        server.url("/besar.png"),
        server.url("/error.png"),
    );
    let job = import(
        &w,
        &scope,
        &sheet,
        vec![("depan.png", photo(600))],
        ImportMode::ValidRows,
    )
    .await;
    assert_eq!(
        problems(&job),
        [
            (3, "images".into(), ErrorCode::ImageDownloadFailed),
            (4, "images".into(), ErrorCode::ImageTypeNotAccepted),
            (5, "images".into(), ErrorCode::DocumentTooLarge),
            (6, "images".into(), ErrorCode::ImageDownloadFailed),
            (7, "images".into(), ErrorCode::ImageAddressRefused),
            (8, "images".into(), ErrorCode::ImageFileMissing),
            (9, "images".into(), ErrorCode::ImageUrlInvalid),
        ]
    );
    assert_eq!((job.created_count, job.error_rows), (1, 7));
    // A row whose photo failed is not imported, like any refused row.
    assert!(product_titled(&w, &scope, "Kaos A").await.is_none());
    assert!(product_titled(&w, &scope, "Kaos G").await.is_none());

    let kemeja = product_titled(&w, &scope, "Kemeja Batik").await.unwrap();
    let sources: Vec<Option<String>> = kemeja.images.iter().map(|i| i.source.clone()).collect();
    assert_eq!(
        sources,
        [
            Some(server.url("/kemeja-1.png")),
            Some(server.url("/lama.png")),
            Some("file:depan.png".into()),
        ]
    );
    assert_eq!(
        kemeja.images.iter().map(|i| i.width).collect::<Vec<_>>(),
        [800, 700, 600]
    );
    // Stored and served like uploaded photos, thumbnails included.
    let first = kemeja.images[0].id;
    let thumb = catalog::media::bytes(&w.svc, &scope, kemeja.product.id, first, Some(160))
        .await
        .unwrap();
    assert_eq!(&thumb[..3], &[0xFF, 0xD8, 0xFF]);
    // The list's columns and the quality score counted them.
    assert_eq!(kemeja.product.listing.image_count, 3);
    assert_eq!(kemeja.product.listing.primary_image, Some(first));
    // The files sent with the sheet are gone once the job is done.
    let folder = format!("imports/{}", scope.seller_id.to_string().to_lowercase());
    let left: Vec<String> = w.svc.objects.list(&folder).await.unwrap();
    assert!(left.iter().all(|k| !k.contains("/photos/")), "{left:?}");

    // The same sheet again fetches nothing and adds nothing.
    let again = import(&w, &scope, &sheet, vec![], ImportMode::ValidRows).await;
    assert_eq!((again.created_count, again.updated_count), (0, 0));
    assert_eq!(server.hits("/kemeja-1.png"), 1);
    assert_eq!(server.hits("/lama.png"), 1);
    let same = product_titled(&w, &scope, "Kemeja Batik").await.unwrap();
    assert_eq!(same.images, kemeja.images);

    // Listing the photos in another order reorders them, still unfetched;
    // a photo uploaded on the product page stays, after the listed ones.
    let uploaded = catalog::media::upload(&w.svc, &scope, kemeja.product.id, photo(900))
        .await
        .unwrap();
    let reordered = format!(
        "{HEADER}KMJ,Kemeja Batik,KMJ-1,150.000,5,depan.png | {}\n",
        server.url("/kemeja-1.png")
    );
    let job = import(&w, &scope, &reordered, vec![], ImportMode::ValidRows).await;
    assert_eq!((job.updated_count, job.error_rows), (1, 0));
    let after = product_titled(&w, &scope, "Kemeja Batik").await.unwrap();
    let order: Vec<_> = after.images.iter().map(|i| i.id).collect();
    assert_eq!(
        order,
        [
            kemeja.images[2].id,
            kemeja.images[0].id,
            kemeja.images[1].id,
            uploaded.id
        ]
    );
    assert_eq!(server.hits("/kemeja-1.png"), 1);

    // An export names the imported photos, and imports back unchanged.
    let exported = catalog::export::csv(&w.svc, &scope, Lang::Id)
        .await
        .unwrap();
    assert!(exported.contains(&format!("depan.png | {}", server.url("/kemeja-1.png"))));
    let back = import(&w, &scope, &exported, vec![], ImportMode::ValidRows).await;
    assert_eq!(
        (back.created_count, back.updated_count, back.error_rows),
        (0, 0, 0),
        "{:?}",
        problems(&back)
    );
    assert_eq!(server.hits("/kemeja-1.png"), 1);
}

async fn internal_photo_addresses_are_refused_without_connecting(backend: Backend) {
    use photos::*;
    use support::Answer;
    // The platform's default: public addresses only.
    let w = world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let server = PhotoServer::start(vec![("/kemeja-1.png", Answer::Ok(photo(800)))]).await;
    let sheet = format!(
        "{HEADER}\
         A,Kaos A,A-1,50.000,5,{}\n\
         B,Kaos B,B-1,50.000,5,http://localhost:{}/kemeja-1.png\n\
         C,Kaos C,C-1,50.000,5,http://169.254.169.254/latest/meta-data/\n",
        server.url("/kemeja-1.png"),
        server.port
    );
    let job = import(&w, &scope, &sheet, vec![], ImportMode::ValidRows).await;
    assert_eq!(
        problems(&job),
        (2..=4)
            .map(|row| (row, "images".to_string(), ErrorCode::ImageAddressRefused))
            .collect::<Vec<_>>()
    );
    assert_eq!(job.created_count, 0);
    assert_eq!(server.hits("/kemeja-1.png"), 0);
}

async fn a_failing_photo_in_all_or_nothing_leaves_nothing_behind(backend: Backend) {
    use photos::*;
    use support::Answer;
    let w = local_world(backend).await;
    let scope = shop(&w.svc, "sari@contoh.id", "batik-sari").await;
    let server = PhotoServer::start(vec![("/kemeja-1.png", Answer::Ok(photo(800)))]).await;
    let sheet = format!(
        "{HEADER}\
         A,Kaos A,A-1,50.000,5,{} | depan.png\n\
         B,Kaos B,B-1,50.000,5,{}\n",
        server.url("/kemeja-1.png"),
        server.url("/hilang.png"),
    );
    let job = import(
        &w,
        &scope,
        &sheet,
        vec![("depan.png", photo(600))],
        ImportMode::AllOrNothing,
    )
    .await;
    assert_eq!(
        problems(&job),
        [(3, "images".to_string(), ErrorCode::ImageDownloadFailed)]
    );
    assert_eq!(job.created_count, 0);
    assert!(product_titled(&w, &scope, "Kaos A").await.is_none());
    // Kaos A's photos were fetched and stored, then removed with the refusal.
    assert_eq!(server.hits("/kemeja-1.png"), 1);
    let products = format!("products/{}", scope.seller_id.to_string().to_lowercase());
    assert!(w.svc.objects.list(&products).await.unwrap().is_empty());
    let imports = format!("imports/{}", scope.seller_id.to_string().to_lowercase());
    let left = w.svc.objects.list(&imports).await.unwrap();
    assert!(left.iter().all(|k| k.ends_with(".csv")), "{left:?}");
}

on_both_backends!(
    photos_named_in_a_sheet_are_downloaded_or_taken_from_the_upload,
    internal_photo_addresses_are_refused_without_connecting,
    a_failing_photo_in_all_or_nothing_leaves_nothing_behind,
    an_import_takes_valid_rows_and_names_the_bad_ones,
    an_export_imports_back_unchanged,
    a_file_that_is_not_a_sheet_fails_the_job_with_the_reason,
);

//! Bulk import from a CSV sheet, as a job: the file is kept, the job reads
//! it, checks every row, and creates or updates products by SKU code —
//! importing the same file twice changes nothing the second time. Progress
//! is stored as it goes (the Seller Center shows a bar; the command line
//! prints one), and a job a restart interrupted runs again from the file.

use std::collections::{HashMap, HashSet};

use etalase_domain::ErrorCode;
use etalase_domain::audit::Actor;
use etalase_domain::catalog::lifecycle::ProductStatus;
use etalase_domain::catalog::sheet::{self, SheetProblem};
use etalase_domain::catalog::snapshot::Snapshot;
use etalase_domain::id::{ImportId, ProductId, SellerId};
use etalase_domain::policy::{Area, SellerAction};
use etalase_store::catalog::{self, VersionCheck};
use etalase_store::imports::{self, ImportJob, ImportMode, ImportStatus, Outcome};
use etalase_store::inventory::StockReason;
use etalase_store::{Tx, audit, sellers};
use serde::{Deserialize, Serialize};

use super::editor::{StockMode, create_in, save_in};
use super::import_photos::{self, ProductPhotos, Wanted, attachment_key, attachments_folder};
use super::listing;
use super::records::{SaveLog, product_changed};
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

/// Products written per transaction (progress is stored between them).
const BATCH: usize = 250;
/// The largest upload accepted: the sheet and any photo files (bytes).
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

/// What a seller sends to import: the sheet, and the photo files it
/// names (photos can also be named by web address, which needs no file).
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub file_name: String,
    pub sheet: Vec<u8>,
    /// `(file name, bytes)`; matched to the sheet by name, ignoring case.
    pub photos: Vec<(String, Vec<u8>)>,
}

impl Upload {
    pub fn sheet(file_name: &str, sheet: Vec<u8>) -> Upload {
        Upload {
            file_name: file_name.to_owned(),
            sheet,
            photos: Vec::new(),
        }
    }
}

/// A problem as stored with the job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub code: ErrorCode,
}

impl From<SheetProblem> for RowProblem {
    fn from(p: SheetProblem) -> Self {
        RowProblem {
            row: p.row,
            column: p.column.to_owned(),
            code: p.code,
        }
    }
}

fn object_key(seller: SellerId, id: ImportId) -> String {
    format!(
        "imports/{}/{}.csv",
        seller.to_string().to_lowercase(),
        id.to_string().to_lowercase()
    )
}

fn authorize(scope: &SellerScope) -> ServiceResult<()> {
    scope.authorize(SellerAction::write(Area::Catalog))?;
    scope.authorize(SellerAction::write(Area::Inventory))
}

/// Keeps the files and queues the job (run it with [`run`]).
pub async fn queue(
    svc: &Services,
    scope: &SellerScope,
    upload: Upload,
    mode: ImportMode,
) -> ServiceResult<ImportId> {
    authorize(scope)?;
    if upload.sheet.is_empty() {
        return Err(ServiceError::field("file", ErrorCode::CsvEmpty));
    }
    let total = upload.sheet.len() + upload.photos.iter().map(|(_, b)| b.len()).sum::<usize>();
    if total > MAX_BYTES {
        return Err(ServiceError::field("file", ErrorCode::ImportTooLarge));
    }
    let id = ImportId::generate();
    for (name, bytes) in upload.photos {
        svc.objects
            .put(&attachment_key(scope.seller_id, id, &name), bytes)
            .await
            .map_err(ServiceError::internal)?;
    }
    svc.objects
        .put(&object_key(scope.seller_id, id), upload.sheet)
        .await
        .map_err(ServiceError::internal)?;
    let name: String = upload
        .file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    imports::insert(
        &svc.store,
        id,
        scope.seller_id,
        &name,
        mode,
        scope.actor(),
        svc.now(),
    )
    .await?;
    Ok(id)
}

/// Queues the job and runs it in the background.
pub async fn start(
    svc: &Services,
    scope: &SellerScope,
    upload: Upload,
    mode: ImportMode,
) -> ServiceResult<ImportId> {
    let id = queue(svc, scope, upload, mode).await?;
    let (svc, scope) = (svc.clone(), scope.clone());
    tokio::spawn(async move {
        if let Err(e) = run(&svc, &scope, id, |_, _| {}).await {
            tracing::error!(import = %id, error = %e, "import failed");
        }
    });
    Ok(id)
}

pub async fn job(svc: &Services, scope: &SellerScope, id: ImportId) -> ServiceResult<ImportJob> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    Ok(imports::get(&svc.store, scope.seller_id, id).await?)
}

pub async fn recent(svc: &Services, scope: &SellerScope) -> ServiceResult<Vec<ImportJob>> {
    scope.authorize(SellerAction::read(Area::Catalog))?;
    Ok(imports::recent(&svc.store, scope.seller_id, 10).await?)
}

/// The problems a job found.
pub fn problems(job: &ImportJob) -> Vec<RowProblem> {
    serde_json::from_str(&job.problems).unwrap_or_default()
}

/// Runs the jobs a restart interrupted, as the people who started them.
pub async fn resume(svc: &Services) -> ServiceResult<usize> {
    let jobs = imports::unfinished(&svc.store).await?;
    let mut resumed = 0;
    for job in jobs {
        let member = match job.actor {
            Some(Actor::User(user)) => sellers::find_membership(&svc.store, user)
                .await?
                .filter(|m| m.seller_id == job.seller_id),
            _ => None,
        };
        let Some(member) = member else {
            let outcome = failed_outcome(ErrorCode::Forbidden);
            imports::finish(&svc.store, job.id, &outcome, svc.now()).await?;
            continue;
        };
        let scope = SellerScope::for_member(&member);
        let (svc, id) = (svc.clone(), job.id);
        tokio::spawn(async move {
            if let Err(e) = run(&svc, &scope, id, |_, _| {}).await {
                tracing::error!(import = %id, error = %e, "resumed import failed");
            }
        });
        resumed += 1;
    }
    Ok(resumed)
}

fn failed_outcome(code: ErrorCode) -> Outcome<'static> {
    Outcome {
        status: ImportStatus::Failed,
        processed_rows: 0,
        created: 0,
        updated: 0,
        error_rows: 0,
        problems: "[]",
        failure: Some(code.code()),
    }
}

/// Runs a queued job to its end; `progress(done_rows, total_rows)` is called
/// after every batch.
pub async fn run(
    svc: &Services,
    scope: &SellerScope,
    id: ImportId,
    progress: impl Fn(usize, usize),
) -> ServiceResult<ImportJob> {
    let job = run_job(svc, scope, id, progress).await?;
    if job.status.finished() {
        // The photos sent with the sheet now live on as product photos; a
        // job that stopped half-way keeps them to run again.
        let folder = attachments_folder(scope.seller_id, id);
        if let Err(e) = svc.objects.delete_folder(&folder).await {
            tracing::warn!(import = %id, error = %e, "cannot remove the import's photo files");
        }
    }
    Ok(job)
}

async fn run_job(
    svc: &Services,
    scope: &SellerScope,
    id: ImportId,
    progress: impl Fn(usize, usize),
) -> ServiceResult<ImportJob> {
    authorize(scope)?;
    let job = imports::get(&svc.store, scope.seller_id, id).await?;
    let bytes = svc
        .objects
        .get(&object_key(scope.seller_id, id))
        .await
        .map_err(ServiceError::internal)?
        .ok_or(ErrorCode::NotFound)?;
    let sheet = match sheet::read(&bytes) {
        Ok(sheet) => sheet,
        Err(e) => {
            imports::finish(&svc.store, id, &failed_outcome(e.code()), svc.now()).await?;
            return Ok(imports::get(&svc.store, scope.seller_id, id).await?);
        }
    };
    imports::start(&svc.store, id, sheet.rows as i64, svc.now()).await?;
    let mut problems: Vec<RowProblem> = sheet.problems.iter().cloned().map(Into::into).collect();
    let known: HashMap<String, ProductId> = catalog::sku_codes(&svc.store, scope.seller_id)
        .await?
        .into_iter()
        .map(|(code, product, _)| (code, product))
        .collect();

    // Check every product first: what it would create or update, or why not.
    let refused_rows: HashSet<usize> = problems.iter().map(|p| p.row).collect();
    let mut plan = Vec::with_capacity(sheet.products.len());
    for product in &sheet.products {
        if product.rows.iter().any(|r| refused_rows.contains(r)) {
            // A row the sheet could not read in full is not imported.
            continue;
        }
        let draft = match product.draft() {
            Ok(d) => d,
            Err(list) => {
                problems.extend(list.into_iter().map(Into::into));
                continue;
            }
        };
        let owners: Vec<ProductId> = {
            let mut o: Vec<ProductId> = draft
                .skus
                .iter()
                .filter_map(|s| s.code.as_ref().and_then(|c| known.get(c.as_str())).copied())
                .collect();
            o.sort();
            o.dedup();
            o
        };
        if owners.len() > 1 {
            // The codes belong to different products: which one to update is unclear.
            problems.extend(product.rows.iter().map(|&row| RowProblem {
                row,
                column: "sku_code".into(),
                code: ErrorCode::SkuCodeTaken,
            }));
            continue;
        }
        // Rows exported from etalase carry the product's id as their key.
        let by_key = match product.key.parse::<ProductId>() {
            Ok(id) => catalog::get_product(&svc.store, scope.seller_id, id)
                .await
                .ok()
                .filter(|p| p.status != ProductStatus::Deleted)
                .map(|p| p.id),
            Err(_) => None,
        };
        if by_key.is_some_and(|k| owners.iter().any(|o| *o != k)) {
            problems.extend(product.rows.iter().map(|&row| RowProblem {
                row,
                column: "sku_code".into(),
                code: ErrorCode::SkuCodeTaken,
            }));
            continue;
        }
        if by_key.is_none() {
            let uncoded: Vec<RowProblem> = product
                .rows
                .iter()
                .zip(&product.input.skus)
                .filter(|(_, s)| s.code.trim().is_empty())
                .map(|(&row, _)| RowProblem {
                    row,
                    column: "sku_code".into(),
                    code: ErrorCode::SkuCodeRequired,
                })
                .collect();
            if !uncoded.is_empty() {
                problems.extend(uncoded);
                continue;
            }
        }
        let owner = by_key.or_else(|| owners.first().copied());
        if let Some(existing) = owner {
            // A live product stays complete: rows that would take it below
            // what the Shop needs are refused (the product is left as it is).
            let stored = catalog::get_product(&svc.store, scope.seller_id, existing).await?;
            if stored.status == ProductStatus::Active {
                let images = catalog::images_of(&svc.store, scope.seller_id, existing).await?;
                let missing = draft.publish_problems(images.len());
                if !missing.is_empty() {
                    problems.extend(product.locate(missing).into_iter().map(Into::into));
                    continue;
                }
            }
        }
        plan.push(Planned {
            product,
            draft,
            id: owner.unwrap_or_else(ProductId::generate),
            exists: owner.is_some(),
            photos: None,
        });
    }
    if job.mode == ImportMode::ValidRows || problems.is_empty() {
        plan = with_photos(svc, scope, id, plan, &mut problems).await?;
    }
    problems.sort_by(|a, b| (a.row, &a.column).cmp(&(b.row, &b.column)));
    let error_rows = {
        let mut rows: Vec<usize> = problems.iter().map(|p| p.row).collect();
        rows.dedup();
        rows.len() as i64
    };
    let problems_json = serde_json::to_string(&problems).map_err(ServiceError::internal)?;
    let total = sheet.rows;

    if job.mode == ImportMode::AllOrNothing && !problems.is_empty() {
        discard_photos(svc, &plan).await;
        let outcome = Outcome {
            status: ImportStatus::Done,
            processed_rows: total as i64,
            created: 0,
            updated: 0,
            error_rows,
            problems: &problems_json,
            failure: Some(ErrorCode::ImportRowsRefused.code()),
        };
        imports::finish(&svc.store, id, &outcome, svc.now()).await?;
        progress(total, total);
        return Ok(imports::get(&svc.store, scope.seller_id, id).await?);
    }

    let (mut created, mut updated, mut done_rows) = (0i64, 0i64, error_rows as usize);
    let all_at_once = job.mode == ImportMode::AllOrNothing;
    // Photos of products not yet committed are removed if writing fails.
    let mut committed = 0;
    let written = async {
        let mut tx = svc.store.write().await?;
        let mut log = SaveLog::default();
        for (n, planned) in plan.iter().enumerate() {
            let now = svc.now();
            let announced = if planned.exists {
                let changed =
                    write_update(&mut tx, scope, planned.id, &planned.draft, now, &mut log).await?;
                updated += i64::from(changed);
                changed
            } else {
                create_in(
                    &mut tx,
                    scope,
                    planned.id,
                    &planned.draft,
                    StockReason::Import,
                    now,
                    &mut log,
                )
                .await?;
                created += 1;
                true
            };
            if let Some(photos) = &planned.photos
                && import_photos::attach(&mut tx, scope, photos, now).await?
            {
                listing::refresh(&mut tx, scope.seller_id, planned.id).await?;
                if !announced {
                    product_changed(&mut tx, scope.seller_id, planned.id, now).await?;
                    updated += 1;
                }
            }
            done_rows += planned.product.rows.len();
            let batch_full = (n + 1) % BATCH == 0;
            if batch_full {
                log.flush(&mut tx, svc.now()).await?;
            }
            if batch_full && !all_at_once {
                tx.commit().await?;
                committed = n + 1;
                imports::progress(&svc.store, id, done_rows as i64).await?;
                progress(done_rows, total);
                tx = svc.store.write().await?;
            } else if batch_full {
                progress(done_rows, total);
            }
        }
        ServiceResult::Ok((tx, log))
    }
    .await;
    let (mut tx, mut log) = match written {
        Ok(open) => open,
        Err(e) => {
            discard_photos(svc, &plan[committed..]).await;
            return Err(e);
        }
    };
    log.flush(&mut tx, svc.now()).await?;
    audit::record(
        &mut tx,
        audit::AuditEntry {
            after: Some(format!(
                "created={created} updated={updated} refused_rows={error_rows}"
            )),
            ..scope.audit("catalog.imported", "import", &id.to_string())
        },
        svc.now(),
    )
    .await?;
    tx.commit().await?;
    let outcome = Outcome {
        status: ImportStatus::Done,
        processed_rows: total as i64,
        created,
        updated,
        error_rows,
        problems: &problems_json,
        failure: None,
    };
    imports::finish(&svc.store, id, &outcome, svc.now()).await?;
    if created + updated >= 1000 {
        // A bulk load changes the tables' sizes a lot at once.
        if let Err(e) = svc.store.refresh_statistics().await {
            tracing::warn!(error = %e, "cannot refresh the planner's statistics");
        }
    }
    progress(total, total);
    Ok(imports::get(&svc.store, scope.seller_id, id).await?)
}

/// A product the sheet will create or update.
struct Planned<'a> {
    product: &'a sheet::SheetProduct,
    draft: etalase_domain::catalog::product::ProductDraft,
    /// The product's id: its own, or the one it will be created with.
    id: ProductId,
    exists: bool,
    photos: Option<ProductPhotos>,
}

/// Prepares the photos the planned products list; products whose photos
/// cannot all be had leave the plan with their problems.
async fn with_photos<'a>(
    svc: &Services,
    scope: &SellerScope,
    job: ImportId,
    plan: Vec<Planned<'a>>,
    problems: &mut Vec<RowProblem>,
) -> ServiceResult<Vec<Planned<'a>>> {
    let mut wanted = Vec::new();
    for planned in plan.iter().filter(|p| !p.product.images.is_empty()) {
        let existing = if planned.exists {
            catalog::images_of(&svc.store, scope.seller_id, planned.id).await?
        } else {
            Vec::new()
        };
        wanted.push(Wanted {
            product: planned.id,
            existing,
            listed: planned.product.images.clone(),
        });
    }
    let mut prepared: HashMap<ProductId, _> = HashMap::new();
    let mut refused: HashSet<ProductId> = HashSet::new();
    let ids: Vec<ProductId> = wanted.iter().map(|w| w.product).collect();
    for (product, result) in ids
        .into_iter()
        .zip(import_photos::prepare(svc, scope, job, wanted).await?)
    {
        match result {
            Ok(photos) => {
                prepared.insert(product, photos);
            }
            Err(list) => {
                problems.extend(list.into_iter().map(|p| RowProblem {
                    row: p.row,
                    column: "images".into(),
                    code: p.code,
                }));
                refused.insert(product);
            }
        }
    }
    Ok(plan
        .into_iter()
        .filter(|p| !refused.contains(&p.id))
        .map(|mut p| {
            p.photos = prepared.remove(&p.id);
            p
        })
        .collect())
}

/// Removes the stored photos of products that were not written.
async fn discard_photos(svc: &Services, plan: &[Planned<'_>]) {
    for photos in plan.iter().filter_map(|p| p.photos.as_ref()) {
        super::media::delete_objects(svc, &photos.objects).await;
    }
}

/// Updates a product from its rows, unless they say what it already says
/// (so a second import of the same file writes nothing). A deleted product's
/// codes are free, so it is never the owner.
async fn write_update(
    tx: &mut Tx,
    scope: &SellerScope,
    id: ProductId,
    draft: &etalase_domain::catalog::product::ProductDraft,
    now: etalase_domain::Timestamp,
    log: &mut SaveLog,
) -> ServiceResult<bool> {
    let before = catalog::lock_product(tx, scope.seller_id, id).await?;
    let skus = catalog::skus_in_tx(tx, scope.seller_id, id).await?;
    let same_content = listing::draft_of(&before, &skus)
        .map(|d| Snapshot::of(&d) == Snapshot::of(draft))
        .unwrap_or(false);
    let same_stock = skus.len() == draft.skus.len()
        && draft.skus.iter().all(|d| {
            skus.iter()
                .any(|s| s.combination == d.combination.0 && s.stock == d.stock.units())
        });
    if same_content && same_stock {
        return Ok(false);
    }
    match save_in(
        tx,
        scope,
        &before,
        before.version,
        draft,
        &StockMode::Set(StockReason::Import),
        now,
        log,
    )
    .await?
    {
        VersionCheck::Written { .. } => Ok(true),
        VersionCheck::Stale { .. } => Err(ErrorCode::VersionConflict.into()),
    }
}

//! Bulk import from a CSV sheet, as a job: the file is kept, the job reads
//! it, checks every row, and creates or updates products by SKU code —
//! importing the same file twice changes nothing the second time. Progress
//! is stored as it goes (the Seller Center shows a bar; the command line
//! prints one), and a job a restart interrupted runs again from the file.

use std::collections::HashMap;

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
use super::listing;
use super::records::SaveLog;
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

/// Products written per transaction (progress is stored between them).
const BATCH: usize = 250;
/// The largest sheet accepted (bytes).
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

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

/// Keeps the file and queues the job (run it with [`run`]).
pub async fn queue(
    svc: &Services,
    scope: &SellerScope,
    file_name: &str,
    bytes: Vec<u8>,
    mode: ImportMode,
) -> ServiceResult<ImportId> {
    authorize(scope)?;
    if bytes.is_empty() {
        return Err(ServiceError::field("file", ErrorCode::CsvEmpty));
    }
    if bytes.len() > MAX_BYTES {
        return Err(ServiceError::field("file", ErrorCode::DocumentTooLarge));
    }
    let id = ImportId::generate();
    svc.objects
        .put(&object_key(scope.seller_id, id), bytes)
        .await
        .map_err(ServiceError::internal)?;
    let name: String = file_name
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
    file_name: &str,
    bytes: Vec<u8>,
    mode: ImportMode,
) -> ServiceResult<ImportId> {
    let id = queue(svc, scope, file_name, bytes, mode).await?;
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
    let mut plan = Vec::with_capacity(sheet.products.len());
    for product in &sheet.products {
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
        plan.push((product, draft, owner));
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
    let mut tx = svc.store.write().await?;
    let mut log = SaveLog::default();
    for (n, (product, draft, owner)) in plan.iter().enumerate() {
        let now = svc.now();
        match owner {
            None => {
                create_in(
                    &mut tx,
                    scope,
                    ProductId::generate(),
                    draft,
                    StockReason::Import,
                    now,
                    &mut log,
                )
                .await?;
                created += 1;
            }
            Some(existing) => {
                if write_update(&mut tx, scope, *existing, draft, now, &mut log).await? {
                    updated += 1;
                }
            }
        }
        done_rows += product.rows.len();
        let batch_full = (n + 1) % BATCH == 0;
        if batch_full {
            log.flush(&mut tx, svc.now()).await?;
        }
        if batch_full && !all_at_once {
            tx.commit().await?;
            imports::progress(&svc.store, id, done_rows as i64).await?;
            progress(done_rows, total);
            tx = svc.store.write().await?;
        } else if batch_full {
            progress(done_rows, total);
        }
    }
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

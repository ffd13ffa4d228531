//! The photos a sheet names, for an import: each is downloaded from its
//! web address (through [`crate::fetch`], which refuses internal
//! addresses) or taken from the files sent with the sheet, then checked
//! and re-encoded exactly like a photo uploaded on the product page —
//! all before any row is written, so a photo that fails is a problem on
//! its row like any other. Photos are added, never removed: a photo the
//! product already has from the same address or file is neither fetched
//! nor added again (importing the same sheet twice adds nothing), the
//! listed photos come first in the sheet's order, and photos uploaded on
//! the product page stay after them.

use std::sync::Arc;

use etalase_domain::ErrorCode;
use etalase_domain::Timestamp;
use etalase_domain::catalog::image_source::{ImageSource, MAX_IMAGES};
use etalase_domain::id::{ImageId, ImportId, ProductId, SellerId};
use etalase_store::catalog::{self, ProductImage};
use etalase_store::{Tx, audit};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use super::media;
use crate::fetch::{FetchError, Fetcher};
use crate::teams::SellerScope;
use crate::{ServiceError, ServiceResult, Services};

/// Photos prepared at once (downloads wait on the network; re-encoding
/// takes a core).
const AT_ONCE: usize = 4;

/// Where the files sent with a sheet are kept until its job has run.
pub fn attachments_folder(seller: SellerId, job: ImportId) -> String {
    format!(
        "imports/{}/{}/photos",
        seller.to_string().to_lowercase(),
        job.to_string().to_lowercase()
    )
}

/// Where one file sent with the sheet is kept, by its name (ignoring
/// case and folders, as the sheet's names are matched).
pub fn attachment_key(seller: SellerId, job: ImportId, name: &str) -> String {
    let name = ImageSource::File(name.rsplit(['/', '\\']).next().unwrap_or(name).into()).key();
    let digest = Sha256::digest(name.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}/{hex}", attachments_folder(seller, job))
}

/// One product's photos, ready to attach.
pub(super) struct ProductPhotos {
    pub product: ProductId,
    /// The sources the sheet lists, in its order.
    pub listed: Vec<String>,
    /// Photos new to the product, stored, not yet recorded.
    pub new: Vec<ProductImage>,
    /// The stored objects of `new` (removed if they are not attached).
    pub objects: Vec<String>,
}

/// What to prepare for one product.
pub(super) struct Wanted {
    pub product: ProductId,
    pub existing: Vec<ProductImage>,
    pub listed: Vec<(usize, ImageSource)>,
}

/// Prepares the photos of every product that lists some; a product whose
/// photos cannot all be had gets its problems instead.
pub(super) async fn prepare(
    svc: &Services,
    scope: &SellerScope,
    job: ImportId,
    wanted: Vec<Wanted>,
) -> ServiceResult<Vec<Result<ProductPhotos, Vec<PhotoProblem>>>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let fetcher = Fetcher::new(&svc.config.fetch_allow).map_err(ServiceError::internal)?;
    let gate = Arc::new(Semaphore::new(AT_ONCE));
    let mut tasks = tokio::task::JoinSet::new();
    for (n, w) in wanted.into_iter().enumerate() {
        let (svc, seller, fetcher, gate) =
            (svc.clone(), scope.seller_id, fetcher.clone(), gate.clone());
        tasks.spawn(async move {
            let result = prepare_one(&svc, seller, job, &fetcher, &gate, w).await;
            (n, result)
        });
    }
    let mut results = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (n, result) = done.map_err(ServiceError::internal)?;
        results.push((n, result?));
    }
    results.sort_by_key(|(n, _)| *n);
    Ok(results.into_iter().map(|(_, r)| r).collect())
}

async fn prepare_one(
    svc: &Services,
    seller: SellerId,
    job: ImportId,
    fetcher: &Fetcher,
    gate: &Semaphore,
    wanted: Wanted,
) -> ServiceResult<Result<ProductPhotos, Vec<PhotoProblem>>> {
    let mut photos = ProductPhotos {
        product: wanted.product,
        listed: wanted.listed.iter().map(|(_, s)| s.key()).collect(),
        new: Vec::new(),
        objects: Vec::new(),
    };
    let fresh: Vec<&(usize, ImageSource)> = wanted
        .listed
        .iter()
        .filter(|(_, s)| {
            let key = s.key();
            !wanted
                .existing
                .iter()
                .any(|i| i.source.as_deref() == Some(key.as_str()))
        })
        .collect();
    if let Some((row, _)) = fresh.first()
        && wanted.existing.len() + fresh.len() > MAX_IMAGES
    {
        return Ok(Err(vec![problem(*row, ErrorCode::TooManyImages)]));
    }
    let mut problems = Vec::new();
    for (row, source) in fresh {
        let _turn = gate.acquire().await.map_err(ServiceError::internal)?;
        let bytes = match source {
            ImageSource::Url(url) => {
                fetcher
                    .get(url, media::MAX_BYTES)
                    .await
                    .map_err(|e| match e {
                        FetchError::Refused => ErrorCode::ImageAddressRefused,
                        FetchError::Failed => ErrorCode::ImageDownloadFailed,
                        FetchError::TooLarge => ErrorCode::DocumentTooLarge,
                    })
            }
            ImageSource::File(name) => svc
                .objects
                .get(&attachment_key(seller, job, name))
                .await
                .map_err(ServiceError::internal)?
                .ok_or(ErrorCode::ImageFileMissing),
        };
        let processed = match bytes {
            Ok(bytes) => media::process_off_thread(bytes).await?,
            Err(code) => Err(code),
        };
        match processed {
            Ok(processed) => {
                let id = ImageId::generate();
                let keys =
                    media::store_objects(svc, seller, wanted.product, id, &processed).await?;
                photos.objects.extend(keys);
                // Positions are set when attached.
                photos.new.push(media::image_row(
                    id,
                    wanted.product,
                    0,
                    &processed,
                    Some(source.key()),
                ));
            }
            Err(code) => problems.push(problem(*row, code)),
        }
    }
    if problems.is_empty() {
        Ok(Ok(photos))
    } else {
        media::delete_objects(svc, &photos.objects).await;
        Ok(Err(problems))
    }
}

/// A photo that cannot be had: the sheet row naming it, and why (the
/// column is always the photos column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PhotoProblem {
    pub row: usize,
    pub code: ErrorCode,
}

fn problem(row: usize, code: ErrorCode) -> PhotoProblem {
    PhotoProblem { row, code }
}

/// Records the new photos and puts the listed ones first, in the sheet's
/// order. Whether anything changed.
pub(super) async fn attach(
    tx: &mut Tx,
    scope: &SellerScope,
    photos: &ProductPhotos,
    now: Timestamp,
) -> ServiceResult<bool> {
    let current = catalog::images_in_tx(tx, scope.seller_id, photos.product).await?;
    for (n, image) in photos.new.iter().enumerate() {
        let image = ProductImage {
            position: (current.len() + n) as i32,
            ..image.clone()
        };
        catalog::insert_image(tx, scope.seller_id, &image, now).await?;
    }
    let all: Vec<&ProductImage> = current.iter().chain(&photos.new).collect();
    let mut order: Vec<ImageId> = photos
        .listed
        .iter()
        .filter_map(|key| {
            all.iter()
                .find(|i| i.source.as_deref() == Some(key.as_str()))
                .map(|i| i.id)
        })
        .collect();
    for image in &current {
        if !order.contains(&image.id) {
            order.push(image.id);
        }
    }
    let unchanged = photos.new.is_empty() && current.iter().map(|i| i.id).eq(order.iter().copied());
    if unchanged {
        return Ok(false);
    }
    catalog::reorder_images(tx, scope.seller_id, photos.product, &order).await?;
    audit::record(
        tx,
        audit::AuditEntry {
            after: Some(format!("added={}", photos.new.len())),
            ..scope.audit(
                "product.images_imported",
                "product",
                &photos.product.to_string(),
            )
        },
        now,
    )
    .await?;
    Ok(true)
}

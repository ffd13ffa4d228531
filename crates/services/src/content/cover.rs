//! Cover pictures of videos and lives: checked and re-encoded as product
//! photos are, stored as JPEG; a replaced cover's file is removed once the
//! new one is recorded, and a new file nothing refers to is never left.

use crate::{ServiceError, ServiceResult, Services};

/// Checks a picture and stores it as `<prefix>-cover-<ulid>.jpg`; returns
/// its key. A bad picture is a field error on `cover`.
pub(crate) async fn store(svc: &Services, prefix: &str, bytes: Vec<u8>) -> ServiceResult<String> {
    let processed = crate::catalog::media::process_off_thread(bytes)
        .await?
        .map_err(|code| ServiceError::field("cover", code))?;
    let key = format!("{prefix}-cover-{}.jpg", ulid::Ulid::new()).to_lowercase();
    svc.objects
        .put(&key, processed.full)
        .await
        .map_err(ServiceError::internal)?;
    Ok(key)
}

/// After the record pointing at `key` was written (or not): removes the
/// `previous` cover's file on success, the new one on failure.
pub(crate) async fn settle<T>(
    svc: &Services,
    written: ServiceResult<T>,
    key: &str,
    previous: Option<String>,
) -> ServiceResult<T> {
    let unused = if written.is_ok() {
        previous
    } else {
        Some(key.to_owned())
    };
    if let Some(unused) = unused {
        let _ = svc.objects.delete(&unused).await;
    }
    written
}

//! Reading part of an object: a video player seeks with HTTP range
//! requests, and a 100 MB video must not be read whole to send a second
//! of it.

use std::io::SeekFrom;
use std::pin::Pin;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt};

use super::{ObjectError, ObjectStore};

/// A byte stream of part of an object.
pub type ObjectReader = Pin<Box<dyn AsyncRead + Send>>;

impl ObjectStore {
    /// The object's size in bytes; `None` when there is no such object.
    pub async fn size(&self, key: &str) -> Result<Option<u64>, ObjectError> {
        let key = Self::checked(key)?;
        match self {
            ObjectStore::Local(root) => match tokio::fs::metadata(Self::path(root, key)).await {
                Ok(meta) => Ok(Some(meta.len())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            },
            ObjectStore::Memory(map) => Ok(map
                .lock()
                .expect("object map lock")
                .get(key)
                .map(|b| b.len() as u64)),
        }
    }

    /// `len` bytes of the object from `start` (fewer at its end); `None`
    /// when there is no such object.
    pub async fn read_range(
        &self,
        key: &str,
        start: u64,
        len: u64,
    ) -> Result<Option<ObjectReader>, ObjectError> {
        let key = Self::checked(key)?;
        match self {
            ObjectStore::Local(root) => {
                let mut file = match tokio::fs::File::open(Self::path(root, key)).await {
                    Ok(file) => file,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                    Err(e) => return Err(e.into()),
                };
                file.seek(SeekFrom::Start(start)).await?;
                Ok(Some(Box::pin(file.take(len))))
            }
            ObjectStore::Memory(map) => {
                let map = map.lock().expect("object map lock");
                let Some(bytes) = map.get(key) else {
                    return Ok(None);
                };
                let from = usize::try_from(start)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                let to = from
                    .saturating_add(usize::try_from(len).unwrap_or(usize::MAX))
                    .min(bytes.len());
                Ok(Some(Box::pin(std::io::Cursor::new(
                    bytes[from..to].to_vec(),
                ))))
            }
        }
    }
}

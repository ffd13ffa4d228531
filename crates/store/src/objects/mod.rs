//! Files (KYC documents, product images, videos, labels) behind one interface: a
//! local directory by default, memory in tests; an S3-compatible bucket is
//! the scale-out variant to add here. Keys are relative paths made by our
//! own code (`kyc/slr_…/ktp.jpg`); anything that could step outside the
//! store is refused.

mod ranged;
mod staged;

pub use ranged::ObjectReader;
pub use staged::{StagedObject, StagedReader};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum ObjectError {
    #[error("invalid object key {0:?}")]
    InvalidKey(String),
    #[error("object store I/O: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Clone)]
pub enum ObjectStore {
    Local(PathBuf),
    Memory(Arc<Mutex<HashMap<String, Vec<u8>>>>),
}

/// A key is lower-case letters, digits, `_ - .` in segments separated by
/// `/`; no empty, `.` or `..` segment.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.')
                })
        })
}

impl ObjectStore {
    pub fn local(root: impl Into<PathBuf>) -> ObjectStore {
        ObjectStore::Local(root.into())
    }

    pub fn memory() -> ObjectStore {
        ObjectStore::Memory(Arc::default())
    }

    fn checked(key: &str) -> Result<&str, ObjectError> {
        if valid_key(key) {
            Ok(key)
        } else {
            Err(ObjectError::InvalidKey(key.to_owned()))
        }
    }

    fn path(root: &Path, key: &str) -> PathBuf {
        key.split('/')
            .fold(root.to_path_buf(), |path, segment| path.join(segment))
    }

    /// Stores `bytes` under `key`, replacing what was there. On disk the file
    /// is written beside its place and renamed, so readers never see half.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), ObjectError> {
        let key = Self::checked(key)?;
        match self {
            ObjectStore::Local(root) => {
                let path = Self::path(root, key);
                let temporary = path.with_extension(format!("part-{}", std::process::id()));
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                tokio::fs::write(&temporary, bytes).await?;
                tokio::fs::rename(&temporary, &path).await?;
            }
            ObjectStore::Memory(map) => {
                map.lock()
                    .expect("object map lock")
                    .insert(key.to_owned(), bytes);
            }
        }
        Ok(())
    }

    /// Stores a copy of `from` under `to`. On disk a hard link when the
    /// file system allows one (objects are never written in place, so the
    /// two never diverge by a later write), a copy otherwise.
    pub async fn copy(&self, from: &str, to: &str) -> Result<(), ObjectError> {
        let (from, to) = (Self::checked(from)?, Self::checked(to)?);
        match self {
            ObjectStore::Local(root) => {
                let (source, target) = (Self::path(root, from), Self::path(root, to));
                if let Some(dir) = target.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                let _ = tokio::fs::remove_file(&target).await;
                if tokio::fs::hard_link(&source, &target).await.is_err() {
                    let bytes = tokio::fs::read(&source).await?;
                    return self.put(to, bytes).await;
                }
            }
            ObjectStore::Memory(map) => {
                let mut map = map.lock().expect("object map lock");
                let bytes = map
                    .get(from)
                    .cloned()
                    .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))?;
                map.insert(to.to_owned(), bytes);
            }
        }
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, ObjectError> {
        let key = Self::checked(key)?;
        match self {
            ObjectStore::Local(root) => match tokio::fs::read(Self::path(root, key)).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            },
            ObjectStore::Memory(map) => Ok(map.lock().expect("object map lock").get(key).cloned()),
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), ObjectError> {
        let key = Self::checked(key)?;
        match self {
            ObjectStore::Local(root) => match tokio::fs::remove_file(Self::path(root, key)).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                _ => Ok(()),
            },
            ObjectStore::Memory(map) => {
                map.lock().expect("object map lock").remove(key);
                Ok(())
            }
        }
    }

    /// Removes a folder's objects (`imports/slr_…/imp_…` removes
    /// `imports/slr_…/imp_…/photos/…`).
    pub async fn delete_folder(&self, folder: &str) -> Result<(), ObjectError> {
        let folder = Self::checked(folder)?;
        match self {
            ObjectStore::Local(root) => {
                match tokio::fs::remove_dir_all(Self::path(root, folder)).await {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                    _ => Ok(()),
                }
            }
            ObjectStore::Memory(map) => {
                let prefix = format!("{folder}/");
                map.lock()
                    .expect("object map lock")
                    .retain(|k, _| !k.starts_with(&prefix));
                Ok(())
            }
        }
    }

    /// The keys of a folder's objects, sorted.
    pub async fn list(&self, folder: &str) -> Result<Vec<String>, ObjectError> {
        let folder = Self::checked(folder)?;
        let mut keys = Vec::new();
        match self {
            ObjectStore::Local(root) => {
                let mut pending = vec![(Self::path(root, folder), folder.to_owned())];
                while let Some((dir, prefix)) = pending.pop() {
                    let mut entries = match tokio::fs::read_dir(&dir).await {
                        Ok(entries) => entries,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                        Err(e) => return Err(e.into()),
                    };
                    while let Some(entry) = entries.next_entry().await? {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        let key = format!("{prefix}/{name}");
                        if entry.file_type().await?.is_dir() {
                            pending.push((entry.path(), key));
                        } else if valid_key(&key) {
                            // Half-written files (`.part-…`) are not objects yet.
                            if !name.contains(".part-") {
                                keys.push(key);
                            }
                        }
                    }
                }
            }
            ObjectStore::Memory(map) => {
                let prefix = format!("{folder}/");
                keys.extend(
                    map.lock()
                        .expect("object map lock")
                        .keys()
                        .filter(|k| k.starts_with(&prefix))
                        .cloned(),
                );
            }
        }
        keys.sort();
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_leave_the_store() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a/./b",
            "A.jpg",
            "a b",
            "a\\b",
        ] {
            assert!(!valid_key(bad), "{bad:?}");
        }
        assert!(valid_key("kyc/slr_01jd/ktp.jpg"));
    }

    async fn round_trip(store: ObjectStore) {
        assert_eq!(store.get("kyc/a/ktp.jpg").await.unwrap(), None);
        store.put("kyc/a/ktp.jpg", b"one".to_vec()).await.unwrap();
        store.put("kyc/a/ktp.jpg", b"two".to_vec()).await.unwrap();
        assert_eq!(
            store.get("kyc/a/ktp.jpg").await.unwrap().as_deref(),
            Some(&b"two"[..])
        );
        store.delete("kyc/a/ktp.jpg").await.unwrap();
        store.delete("kyc/a/ktp.jpg").await.unwrap();
        assert_eq!(store.get("kyc/a/ktp.jpg").await.unwrap(), None);
        assert!(matches!(
            store.put("../escape", vec![]).await,
            Err(ObjectError::InvalidKey(_))
        ));
        for key in [
            "imp/a/photos/1",
            "imp/a/photos/2",
            "imp/a/sheet.csv",
            "imp/ab/x",
        ] {
            store.put(key, b"x".to_vec()).await.unwrap();
        }
        assert_eq!(
            store.list("imp/a").await.unwrap(),
            ["imp/a/photos/1", "imp/a/photos/2", "imp/a/sheet.csv"]
        );
        store.delete_folder("imp/a/photos").await.unwrap();
        store.delete_folder("imp/a/photos").await.unwrap();
        assert_eq!(store.list("imp/a").await.unwrap(), ["imp/a/sheet.csv"]);
        assert_eq!(store.list("imp/ab").await.unwrap(), ["imp/ab/x"]);
        assert!(store.list("nothing/here").await.unwrap().is_empty());
        // A copy is its own object: replacing or deleting the original
        // leaves it as it was.
        store.put("tpl/1.jpg", b"photo".to_vec()).await.unwrap();
        store.copy("tpl/1.jpg", "products/p/1.jpg").await.unwrap();
        store.put("tpl/1.jpg", b"other".to_vec()).await.unwrap();
        store.delete("tpl/1.jpg").await.unwrap();
        assert_eq!(
            store.get("products/p/1.jpg").await.unwrap().as_deref(),
            Some(&b"photo"[..])
        );
        assert!(
            store
                .copy("tpl/missing.jpg", "products/p/2.jpg")
                .await
                .is_err()
        );
    }

    /// A staged object is invisible until committed, gone if dropped, and
    /// reads back in ranges.
    async fn staged_and_ranged(store: ObjectStore) {
        use std::io::Read;
        use tokio::io::AsyncReadExt;

        let mut staged = store.stage("videos/s/v.mp4").await.unwrap();
        staged.write(b"0123").await.unwrap();
        staged.write(b"456789").await.unwrap();
        assert_eq!(staged.len(), 10);
        assert_eq!(store.size("videos/s/v.mp4").await.unwrap(), None);
        let seen = staged
            .inspect(|r| {
                let mut all = String::new();
                r.read_to_string(&mut all).map(|_| all).unwrap()
            })
            .await
            .unwrap();
        assert_eq!(seen, "0123456789");
        assert_eq!(staged.commit().await.unwrap(), 10);
        assert_eq!(store.size("videos/s/v.mp4").await.unwrap(), Some(10));
        let mut part = String::new();
        let mut reader = store
            .read_range("videos/s/v.mp4", 3, 4)
            .await
            .unwrap()
            .unwrap();
        reader.read_to_string(&mut part).await.unwrap();
        assert_eq!(part, "3456");
        let mut tail = String::new();
        let mut reader = store
            .read_range("videos/s/v.mp4", 8, 100)
            .await
            .unwrap()
            .unwrap();
        reader.read_to_string(&mut tail).await.unwrap();
        assert_eq!(tail, "89");
        assert!(
            store
                .read_range("videos/s/none.mp4", 0, 1)
                .await
                .unwrap()
                .is_none()
        );

        let mut dropped = store.stage("videos/s/w.mp4").await.unwrap();
        dropped.write(b"half").await.unwrap();
        drop(dropped);
        assert_eq!(store.size("videos/s/w.mp4").await.unwrap(), None);
        assert_eq!(store.list("videos/s").await.unwrap(), ["videos/s/v.mp4"]);
    }

    #[tokio::test]
    async fn memory_store() {
        round_trip(ObjectStore::memory()).await;
        staged_and_ranged(ObjectStore::memory()).await;
    }

    #[tokio::test]
    async fn local_directory_store() {
        let root = std::env::temp_dir().join(format!("etalase-objects-{}", std::process::id()));
        round_trip(ObjectStore::local(&root)).await;
        staged_and_ranged(ObjectStore::local(&root)).await;
        assert!(!root.join("escape").exists());
        let _ = std::fs::remove_dir_all(root);
    }
}

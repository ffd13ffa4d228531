//! Large uploads (videos) written to the store as they arrive, never held
//! whole in memory: a staged object fills a hidden temporary file beside
//! its place, can be inspected by a parser that seeks, and becomes visible
//! only when committed. Dropped without a commit, it leaves nothing behind.

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::io::AsyncWriteExt;

use super::{ObjectError, ObjectStore};

pub struct StagedObject {
    written: u64,
    sink: Sink,
}

enum Sink {
    File {
        temporary: PathBuf,
        target: PathBuf,
        file: tokio::fs::File,
        committed: bool,
    },
    Memory {
        key: String,
        bytes: Vec<u8>,
        map: Arc<Mutex<std::collections::HashMap<String, Vec<u8>>>>,
    },
}

/// What a parser reads a staged object through (a file or memory).
pub enum StagedReader {
    File(std::io::BufReader<std::fs::File>),
    Memory(Cursor<Vec<u8>>),
}

impl Read for StagedReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            StagedReader::File(r) => r.read(buf),
            StagedReader::Memory(r) => r.read(buf),
        }
    }
}

impl Seek for StagedReader {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        match self {
            StagedReader::File(r) => r.seek(pos),
            StagedReader::Memory(r) => r.seek(pos),
        }
    }
}

impl ObjectStore {
    /// Starts writing `key`; nothing is visible under it until
    /// [`StagedObject::commit`].
    pub async fn stage(&self, key: &str) -> Result<StagedObject, ObjectError> {
        let key = Self::checked(key)?;
        let sink = match self {
            ObjectStore::Local(root) => {
                let target = Self::path(root, key);
                if let Some(dir) = target.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                let temporary = target.with_extension(format!(
                    "part-{}-{}",
                    std::process::id(),
                    next_stage_number()
                ));
                let file = tokio::fs::File::create(&temporary).await?;
                Sink::File {
                    temporary,
                    target,
                    file,
                    committed: false,
                }
            }
            ObjectStore::Memory(map) => Sink::Memory {
                key: key.to_owned(),
                bytes: Vec::new(),
                map: map.clone(),
            },
        };
        Ok(StagedObject { written: 0, sink })
    }
}

/// A suffix that keeps two uploads of the same key apart.
fn next_stage_number() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

impl StagedObject {
    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.written
    }

    pub fn is_empty(&self) -> bool {
        self.written == 0
    }

    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), ObjectError> {
        match &mut self.sink {
            Sink::File { file, .. } => file.write_all(chunk).await?,
            Sink::Memory { bytes, .. } => bytes.extend_from_slice(chunk),
        }
        self.written += chunk.len() as u64;
        Ok(())
    }

    /// Runs `inspect` (a blocking parser) over what was written, off the
    /// async threads.
    pub async fn inspect<T, F>(&mut self, inspect: F) -> Result<T, ObjectError>
    where
        T: Send + 'static,
        F: FnOnce(&mut StagedReader) -> T + Send + 'static,
    {
        let mut reader = match &mut self.sink {
            Sink::File {
                file, temporary, ..
            } => {
                file.flush().await?;
                let opened = std::fs::File::open(&*temporary)?;
                StagedReader::File(std::io::BufReader::with_capacity(64 * 1024, opened))
            }
            Sink::Memory { bytes, .. } => StagedReader::Memory(Cursor::new(bytes.clone())),
        };
        tokio::task::spawn_blocking(move || inspect(&mut reader))
            .await
            .map_err(|e| ObjectError::Io(std::io::Error::other(e)))
    }

    /// Makes the object visible under its key (durably, on disk).
    pub async fn commit(mut self) -> Result<u64, ObjectError> {
        match &mut self.sink {
            Sink::File {
                file,
                temporary,
                target,
                committed,
            } => {
                file.flush().await?;
                file.sync_all().await?;
                tokio::fs::rename(&*temporary, &*target).await?;
                *committed = true;
            }
            Sink::Memory { key, bytes, map } => {
                map.lock()
                    .expect("object map lock")
                    .insert(std::mem::take(key), std::mem::take(bytes));
            }
        }
        Ok(self.written)
    }
}

impl Drop for StagedObject {
    fn drop(&mut self) {
        if let Sink::File {
            temporary,
            committed: false,
            ..
        } = &self.sink
        {
            let _ = std::fs::remove_file(temporary);
        }
    }
}

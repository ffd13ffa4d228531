//! The stream under a probe: it knows its length, so every size a file
//! declares can be checked before it is believed, and it counts the boxes
//! or elements visited, so a file of millions of empty boxes is refused
//! quickly instead of walked.

use std::io::{self, Read, Seek, SeekFrom};

use super::ContainerError;

/// The most boxes (MP4) or elements (WebM) a probe looks at. A real short
/// video has a few dozen before its tracks are known; a fragmented MP4 of
/// three minutes has a few hundred fragments.
const MAX_VISITS: u32 = 10_000;

/// The longest text (codec code, document type) read from a file; longer
/// ones are cut, since no code the platform knows is near this length.
pub const MAX_TEXT: u64 = 64;

pub struct Source<'a, R> {
    inner: &'a mut R,
    len: u64,
    pos: u64,
    visits: u32,
}

impl<'a, R: Read + Seek> Source<'a, R> {
    pub fn new(inner: &'a mut R) -> Result<Self, ContainerError> {
        let len = inner.seek(SeekFrom::End(0)).map_err(io_error)?;
        inner.seek(SeekFrom::Start(0)).map_err(io_error)?;
        Ok(Source {
            inner,
            len,
            pos: 0,
            visits: 0,
        })
    }

    /// The stream's length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Where the next read starts.
    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// Moves to `offset`; past the end is a file cut short.
    pub fn seek_to(&mut self, offset: u64) -> Result<(), ContainerError> {
        if offset > self.len {
            return Err(ContainerError::Truncated);
        }
        if offset != self.pos {
            self.inner.seek(SeekFrom::Start(offset)).map_err(io_error)?;
            self.pos = offset;
        }
        Ok(())
    }

    /// Reads exactly `N` bytes.
    pub fn read_array<const N: usize>(&mut self) -> Result<[u8; N], ContainerError> {
        let mut bytes = [0; N];
        self.read_into(&mut bytes)?;
        Ok(bytes)
    }

    /// Fills `buf` from the stream.
    pub fn read_into(&mut self, buf: &mut [u8]) -> Result<(), ContainerError> {
        self.inner.read_exact(buf).map_err(io_error)?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    /// Reads up to [`MAX_TEXT`] bytes of a `size`-byte text and skips the
    /// rest of it.
    pub fn read_text(&mut self, size: u64) -> Result<Vec<u8>, ContainerError> {
        let end = self.pos.saturating_add(size);
        let mut bytes = vec![0; size.min(MAX_TEXT) as usize];
        self.read_into(&mut bytes)?;
        self.seek_to(end)?;
        Ok(bytes)
    }

    /// Counts one more box or element against the budget.
    pub fn visit(&mut self) -> Result<(), ContainerError> {
        self.visits += 1;
        if self.visits > MAX_VISITS {
            return Err(ContainerError::Malformed("too many boxes or elements"));
        }
        Ok(())
    }

    /// The end of `size` bytes starting at `start`, inside a parent that
    /// ends at `parent_end`. Overflowing a parent that runs to the end of
    /// the stream means the file was cut short; overflowing one that ends
    /// earlier means the structure is broken (`what` says where).
    pub fn span(
        &self,
        start: u64,
        size: u64,
        parent_end: u64,
        what: &'static str,
    ) -> Result<u64, ContainerError> {
        match start.checked_add(size) {
            Some(end) if end <= parent_end => Ok(end),
            _ if parent_end >= self.len => Err(ContainerError::Truncated),
            _ => Err(ContainerError::Malformed(what)),
        }
    }
}

fn io_error(error: io::Error) -> ContainerError {
    match error.kind() {
        io::ErrorKind::UnexpectedEof => ContainerError::Truncated,
        kind => ContainerError::Io(kind),
    }
}

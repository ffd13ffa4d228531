//! ISO base media files (MP4, and QuickTime or 3GP with an `ftyp` box): a
//! tree of boxes, each an 8-byte header (32-bit size, four-character type),
//! a 16-byte one when the size is 1 (64-bit size follows), or one that runs
//! to the end of the file when the size is 0.
//!
//! The probe walks every top-level box — so a file cut short anywhere is
//! noticed — but opens only `moov`, wherever it is (phones write it after
//! the media, web exports before), and inside it only the path to what it
//! needs: `mvhd`, `mvex/mehd`, and per `trak` its `tkhd`, `mdia/hdlr` and
//! `mdia/minf/stbl/stsd`. That fixed path is also what bounds the nesting.

use std::io::{Read, Seek};

use super::source::Source;
use super::{AudioCodec, ContainerError, ContainerKind, VideoCodec, VideoFacts, codec_text};

type Result<T> = std::result::Result<T, ContainerError>;

/// The most bytes of a box's body read to decode it; the boxes read here
/// keep what is needed in their first hundred bytes.
const BODY_CAP: usize = 128;

/// A box's place in the stream.
#[derive(Debug, Clone, Copy)]
struct BoxHeader {
    kind: [u8; 4],
    /// Where its body starts, after the header.
    body: u64,
    end: u64,
}

/// Reads the file's facts; the source stands at its start.
pub fn probe<R: Read + Seek>(src: &mut Source<'_, R>) -> Result<VideoFacts> {
    let len = src.len();
    let ftyp = read_box(src, len)?;
    if &ftyp.kind != b"ftyp" {
        return Err(ContainerError::NotAVideo);
    }
    let mut top = TopLevel::default();
    for_each_child(src, ftyp.end, len, |src, b| top.take(src, b))?;
    top.into_facts()
}

/// Reads the header of the box at the current position, inside a parent
/// ending at `parent_end`.
fn read_box<R: Read + Seek>(src: &mut Source<'_, R>, parent_end: u64) -> Result<BoxHeader> {
    const OVERFLOW: &str = "box overflows its parent";
    src.visit()?;
    let start = src.pos();
    src.span(start, 8, parent_end, OVERFLOW)?;
    let head: [u8; 8] = src.read_array()?;
    let kind = [head[4], head[5], head[6], head[7]];
    let (size, header_len) = match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) {
        0 => (parent_end - start, 8),
        1 => {
            src.span(start, 16, parent_end, OVERFLOW)?;
            (u64::from_be_bytes(src.read_array()?), 16)
        }
        size => (u64::from(size), 8),
    };
    if size < header_len {
        return Err(ContainerError::Malformed("box smaller than its header"));
    }
    let end = src.span(start, size, parent_end, OVERFLOW)?;
    Ok(BoxHeader {
        kind,
        body: start + header_len,
        end,
    })
}

/// Calls `visit` with each box from `start` to `end`; each is read by its
/// header only, and the next is found by seeking past it.
fn for_each_child<R: Read + Seek>(
    src: &mut Source<'_, R>,
    start: u64,
    end: u64,
    mut visit: impl FnMut(&mut Source<'_, R>, &BoxHeader) -> Result<()>,
) -> Result<()> {
    let mut pos = start;
    while pos < end {
        src.seek_to(pos)?;
        let child = read_box(src, end)?;
        visit(src, &child)?;
        pos = child.end;
    }
    Ok(())
}

/// The first child of `parent` of the given type.
fn find_child<R: Read + Seek>(
    src: &mut Source<'_, R>,
    parent: &BoxHeader,
    kind: &[u8; 4],
) -> Result<Option<BoxHeader>> {
    let mut found = None;
    for_each_child(src, parent.body, parent.end, |_, child| {
        if found.is_none() && &child.kind == kind {
            found = Some(*child);
        }
        Ok(())
    })?;
    Ok(found)
}

/// The box at the end of `path` below `parent`, if every step exists.
fn find_path<R: Read + Seek>(
    src: &mut Source<'_, R>,
    parent: &BoxHeader,
    path: &[&[u8; 4]],
) -> Result<Option<BoxHeader>> {
    let mut current = *parent;
    for kind in path {
        match find_child(src, &current, kind)? {
            Some(child) => current = child,
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

/// What the top level of the file holds.
#[derive(Default)]
struct TopLevel {
    movie: Option<Movie>,
    /// An `mdat` was seen: the media is in the file.
    media: bool,
    /// A top-level `meta`: how HEIF and AVIF still images are built.
    image: bool,
}

impl TopLevel {
    fn take<R: Read + Seek>(&mut self, src: &mut Source<'_, R>, b: &BoxHeader) -> Result<()> {
        match &b.kind {
            b"moov" if self.movie.is_none() => self.movie = Some(Movie::read(src, b)?),
            b"mdat" => self.media = true,
            b"meta" => self.image = true,
            _ => {}
        }
        Ok(())
    }

    /// A movie without its media, or media without its movie, is a file
    /// whose upload stopped early (phones write `moov` last); a still image
    /// is not a video.
    fn into_facts(self) -> Result<VideoFacts> {
        match self.movie {
            Some(movie) if self.media => movie.into_facts(),
            None if self.image => Err(ContainerError::NotAVideo),
            _ => Err(ContainerError::Truncated),
        }
    }
}

/// What `moov` says.
#[derive(Default)]
struct Movie {
    /// `mvhd`: units per second and the duration in them.
    header: Option<(u32, u64)>,
    /// `mvex/mehd`: the duration of a fragmented file, whose `mvhd` says 0.
    fragment_duration: u64,
    video: Option<Track>,
    audio: Option<Track>,
}

impl Movie {
    fn read<R: Read + Seek>(src: &mut Source<'_, R>, moov: &BoxHeader) -> Result<Movie> {
        let mut movie = Movie::default();
        for_each_child(src, moov.body, moov.end, |src, b| {
            match &b.kind {
                b"mvhd" if movie.header.is_none() => {
                    movie.header = Some(read_movie_header(src, b)?)
                }
                b"mvex" => movie.fragment_duration = read_fragment_duration(src, b)?,
                b"trak" => movie.add(Track::read(src, b)?),
                _ => {}
            }
            Ok(())
        })?;
        Ok(movie)
    }

    /// Keeps the first picture track and the first sound track.
    fn add(&mut self, track: Track) {
        let slot = match &track.handler {
            b"vide" => &mut self.video,
            b"soun" => &mut self.audio,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(track);
        }
    }

    fn into_facts(self) -> Result<VideoFacts> {
        let duration_ms = self.duration_ms()?;
        let video = self.video.ok_or(ContainerError::NoVideoTrack)?;
        let entry = video.entry.ok_or(ContainerError::Malformed(
            "video track without sample description",
        ))?;
        let (width, height) = video.shown_size(&entry);
        if width == 0 || height == 0 {
            return Err(ContainerError::Malformed("video without picture size"));
        }
        Ok(VideoFacts {
            kind: ContainerKind::Mp4,
            duration_ms,
            width,
            height,
            video: video_codec(&entry.fourcc),
            audio: self
                .audio
                .and_then(|track| track.entry)
                .map(|entry| audio_codec(&entry.fourcc)),
        })
    }

    fn duration_ms(&self) -> Result<u64> {
        let (timescale, duration) = self
            .header
            .ok_or(ContainerError::Malformed("moov without mvhd"))?;
        let units = if duration > 0 {
            duration
        } else {
            self.fragment_duration
        };
        if timescale == 0 {
            return Err(ContainerError::Malformed("timescale is zero"));
        }
        let ms = u128::from(units) * 1000 / u128::from(timescale);
        match u64::try_from(ms) {
            Ok(0) => Err(ContainerError::Malformed("duration is zero")),
            Ok(ms) => Ok(ms),
            Err(_) => Err(ContainerError::Malformed("duration too long")),
        }
    }
}

/// `mvhd`: the movie's time scale and duration. An all-ones duration means
/// "unknown" and counts as none.
fn read_movie_header<R: Read + Seek>(src: &mut Source<'_, R>, b: &BoxHeader) -> Result<(u32, u64)> {
    let body = Body::read(src, b, "mvhd too short")?;
    match body.version()? {
        0 => {
            let duration = body.u32(16)?;
            let duration = if duration == u32::MAX { 0 } else { duration };
            Ok((body.u32(12)?, u64::from(duration)))
        }
        _ => {
            let duration = body.u64(24)?;
            let duration = if duration == u64::MAX { 0 } else { duration };
            Ok((body.u32(20)?, duration))
        }
    }
}

/// `mvex/mehd`: a fragmented movie's whole duration, in `mvhd` units; 0
/// when absent.
fn read_fragment_duration<R: Read + Seek>(
    src: &mut Source<'_, R>,
    mvex: &BoxHeader,
) -> Result<u64> {
    let Some(mehd) = find_child(src, mvex, b"mehd")? else {
        return Ok(0);
    };
    let body = Body::read(src, &mehd, "mehd too short")?;
    match body.version()? {
        0 => body.u32(4).map(u64::from),
        _ => body.u64(4),
    }
}

/// One `trak`: its kind, its presented size and its first sample entry.
#[derive(Default)]
struct Track {
    /// `hdlr` type: `vide`, `soun`, or other kinds the probe ignores.
    handler: [u8; 4],
    /// `tkhd` size, before any rotation; 0 when not given.
    width: u32,
    height: u32,
    /// `tkhd` matrix turns the picture by 90° or 270°.
    quarter_turn: bool,
    entry: Option<SampleEntry>,
}

/// The first entry of `stsd`: the codec, and for pictures the coded size.
#[derive(Debug, Clone, Copy)]
struct SampleEntry {
    fourcc: [u8; 4],
    width: u16,
    height: u16,
}

impl Track {
    fn read<R: Read + Seek>(src: &mut Source<'_, R>, trak: &BoxHeader) -> Result<Track> {
        let mut track = Track::default();
        if let Some(tkhd) = find_child(src, trak, b"tkhd")? {
            track.read_header(src, &tkhd)?;
        }
        let Some(mdia) = find_child(src, trak, b"mdia")? else {
            return Ok(track);
        };
        if let Some(hdlr) = find_child(src, &mdia, b"hdlr")? {
            track.handler = Body::read(src, &hdlr, "hdlr too short")?.bytes(8)?;
        }
        if let Some(stsd) = find_path(src, &mdia, &[b"minf", b"stbl", b"stsd"])? {
            track.entry = Some(read_sample_entry(src, &stsd)?);
        }
        Ok(track)
    }

    /// `tkhd`: the size as 16.16 fixed point (the fraction is dropped) and
    /// the matrix whose quarter-turn phones use for upright recordings.
    fn read_header<R: Read + Seek>(
        &mut self,
        src: &mut Source<'_, R>,
        tkhd: &BoxHeader,
    ) -> Result<()> {
        let body = Body::read(src, tkhd, "tkhd too short")?;
        let matrix = match body.version()? {
            0 => 40,
            _ => 52,
        };
        let (a, b) = (body.i32(matrix)?, body.i32(matrix + 4)?);
        let (c, d) = (body.i32(matrix + 12)?, body.i32(matrix + 16)?);
        self.quarter_turn = a == 0 && d == 0 && b != 0 && c != 0;
        self.width = body.u32(matrix + 36)? >> 16;
        self.height = body.u32(matrix + 40)? >> 16;
        Ok(())
    }

    /// The size a viewer sees: the track's, or the coded size when the track
    /// leaves it 0, turned upright when the matrix says so.
    fn shown_size(&self, entry: &SampleEntry) -> (u32, u32) {
        let (width, height) = if self.width > 0 && self.height > 0 {
            (self.width, self.height)
        } else {
            (u32::from(entry.width), u32::from(entry.height))
        };
        if self.quarter_turn {
            (height, width)
        } else {
            (width, height)
        }
    }
}

/// `stsd`: the first sample entry's type, and the picture size a visual
/// entry carries at bytes 32–36 of it (absent from short entries).
fn read_sample_entry<R: Read + Seek>(
    src: &mut Source<'_, R>,
    stsd: &BoxHeader,
) -> Result<SampleEntry> {
    let body = Body::read(src, stsd, "stsd too short")?;
    if body.u32(4)? == 0 {
        return Err(ContainerError::Malformed("stsd without entries"));
    }
    Ok(SampleEntry {
        fourcc: body.bytes(12)?,
        width: body.u16(40).unwrap_or(0),
        height: body.u16(42).unwrap_or(0),
    })
}

fn video_codec(fourcc: &[u8; 4]) -> VideoCodec {
    match fourcc {
        b"avc1" | b"avc3" => VideoCodec::H264,
        b"vp08" => VideoCodec::Vp8,
        b"vp09" => VideoCodec::Vp9,
        b"av01" => VideoCodec::Av1,
        other => VideoCodec::Other(codec_text(other)),
    }
}

fn audio_codec(fourcc: &[u8; 4]) -> AudioCodec {
    match fourcc {
        b"mp4a" => AudioCodec::Aac,
        b"Opus" => AudioCodec::Opus,
        other => AudioCodec::Other(codec_text(other)),
    }
}

/// The first bytes of a box's body, read once and decoded by offset; a
/// field past what the box holds is the box being too short.
struct Body {
    bytes: [u8; BODY_CAP],
    len: usize,
    too_short: &'static str,
}

impl Body {
    fn read<R: Read + Seek>(
        src: &mut Source<'_, R>,
        b: &BoxHeader,
        too_short: &'static str,
    ) -> Result<Body> {
        let mut bytes = [0; BODY_CAP];
        let len = usize::try_from(b.end - b.body).map_or(BODY_CAP, |len| len.min(BODY_CAP));
        src.seek_to(b.body)?;
        src.read_into(&mut bytes[..len])?;
        Ok(Body {
            bytes,
            len,
            too_short,
        })
    }

    fn bytes<const N: usize>(&self, at: usize) -> Result<[u8; N]> {
        at.checked_add(N)
            .filter(|&end| end <= self.len)
            .and_then(|end| self.bytes[at..end].try_into().ok())
            .ok_or(ContainerError::Malformed(self.too_short))
    }

    /// A full box's version, which decides the layout of what follows.
    fn version(&self) -> Result<u8> {
        match self.bytes::<1>(0)? {
            [version @ (0 | 1)] => Ok(version),
            _ => Err(ContainerError::Malformed("unknown box version")),
        }
    }

    fn u16(&self, at: usize) -> Result<u16> {
        self.bytes(at).map(u16::from_be_bytes)
    }

    fn u32(&self, at: usize) -> Result<u32> {
        self.bytes(at).map(u32::from_be_bytes)
    }

    fn i32(&self, at: usize) -> Result<i32> {
        self.bytes(at).map(i32::from_be_bytes)
    }

    fn u64(&self, at: usize) -> Result<u64> {
        self.bytes(at).map(u64::from_be_bytes)
    }
}

//! WebM: Matroska's EBML with the document type `webm`. Every element is an
//! ID and a size, both variable-length integers whose first byte's leading
//! zeros say how many bytes follow; a size of all ones means "unknown" (the
//! element runs to the end of its parent), which live recorders write for
//! the Segment and its Clusters.
//!
//! The probe reads the EBML header's DocType, then the Segment's children
//! until both Info (duration) and Tracks (codecs, picture size) are read,
//! skipping everything else — Clusters above all — by seeking. It descends
//! only along Segment → Info | Tracks → TrackEntry → Video, which bounds the
//! nesting.
//!
//! Generic Matroska (`.mkv`, DocType `matroska`) is refused as not a video:
//! browsers only promise to play the WebM subset, and a `.mkv` may carry any
//! codec at all.

use std::io::{Read, Seek};

use super::source::Source;
use super::{AudioCodec, ContainerError, ContainerKind, VideoCodec, VideoFacts, codec_text};

type Result<T> = std::result::Result<T, ContainerError>;

/// The first four bytes of every EBML file: the EBML header's ID.
pub const EBML_MAGIC: [u8; 4] = [0x1A, 0x45, 0xDF, 0xA3];

const EBML: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TIMECODE_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;

/// Nanoseconds per Segment tick when Info does not say (the spec default:
/// one millisecond).
const DEFAULT_TIMECODE_SCALE: u64 = 1_000_000;
const TRACK_TYPE_VIDEO: u64 = 1;
const TRACK_TYPE_AUDIO: u64 = 2;

/// An element's place in the stream.
#[derive(Debug, Clone, Copy)]
struct Element {
    id: u32,
    /// Where its body starts, after the ID and size.
    body: u64,
    end: u64,
    /// False when the size is "unknown" and `end` is the parent's end.
    sized: bool,
}

/// Reads the file's facts; the source stands at its start.
pub fn probe<R: Read + Seek>(src: &mut Source<'_, R>) -> Result<VideoFacts> {
    let len = src.len();
    let header = read_child(src, len)?;
    if header.id != EBML {
        return Err(ContainerError::NotAVideo);
    }
    if read_doc_type(src, &header)? != "webm" {
        return Err(ContainerError::NotAVideo);
    }
    let segment = find_segment(src, header.end)?;
    read_segment(src, &segment)
}

/// Reads the ID and size of the element at the current position, inside a
/// parent ending at `parent_end`.
fn read_element<R: Read + Seek>(src: &mut Source<'_, R>, parent_end: u64) -> Result<Element> {
    src.visit()?;
    let (id, _) = read_vint(src, parent_end, 4, "bad element ID")?;
    let id = u32::try_from(id).map_err(|_| ContainerError::Malformed("bad element ID"))?;
    let (size, len) = read_vint(src, parent_end, 8, "bad element size")?;
    let value_mask = (1u64 << (7 * len)) - 1;
    let body = src.pos();
    let sized = size & value_mask != value_mask;
    let end = if sized {
        src.span(
            body,
            size & value_mask,
            parent_end,
            "element overflows its parent",
        )?
    } else {
        parent_end
    };
    Ok(Element {
        id,
        body,
        end,
        sized,
    })
}

/// An element that must say its size: only the Segment and Clusters may
/// leave it unknown, and the probe never needs to enter a Cluster.
fn read_child<R: Read + Seek>(src: &mut Source<'_, R>, parent_end: u64) -> Result<Element> {
    let element = read_element(src, parent_end)?;
    if !element.sized {
        return Err(ContainerError::Malformed("element of unknown size"));
    }
    Ok(element)
}

/// A variable-length integer, with its length marker still in it, and how
/// many bytes it took.
fn read_vint<R: Read + Seek>(
    src: &mut Source<'_, R>,
    parent_end: u64,
    max_len: u32,
    what: &'static str,
) -> Result<(u64, u32)> {
    src.span(src.pos(), 1, parent_end, what)?;
    let [first] = src.read_array()?;
    let len = first.leading_zeros() + 1;
    if len > max_len {
        return Err(ContainerError::Malformed(what));
    }
    let more = (len - 1) as usize;
    src.span(src.pos(), more as u64, parent_end, what)?;
    let mut rest = [0; 7];
    src.read_into(&mut rest[..more])?;
    let value = rest[..more].iter().fold(u64::from(first), |value, &byte| {
        (value << 8) | u64::from(byte)
    });
    Ok((value, len))
}

/// Calls `visit` with each child of `parent`, seeking past each.
fn for_each_child<R: Read + Seek>(
    src: &mut Source<'_, R>,
    parent: &Element,
    mut visit: impl FnMut(&mut Source<'_, R>, &Element) -> Result<()>,
) -> Result<()> {
    let mut pos = parent.body;
    while pos < parent.end {
        src.seek_to(pos)?;
        let child = read_child(src, parent.end)?;
        visit(src, &child)?;
        pos = child.end;
    }
    Ok(())
}

/// The EBML header's DocType; `matroska` when absent, as the spec says.
fn read_doc_type<R: Read + Seek>(src: &mut Source<'_, R>, header: &Element) -> Result<String> {
    let mut doc_type = String::from("matroska");
    for_each_child(src, header, |src, child| {
        if child.id == DOC_TYPE {
            doc_type = codec_text(&read_text(src, child)?);
        }
        Ok(())
    })?;
    Ok(doc_type)
}

/// The Segment after the EBML header (Void elements may sit between).
fn find_segment<R: Read + Seek>(src: &mut Source<'_, R>, start: u64) -> Result<Element> {
    let mut pos = start;
    while pos < src.len() {
        src.seek_to(pos)?;
        let element = read_element(src, src.len())?;
        if element.id == SEGMENT {
            return Ok(element);
        }
        if !element.sized {
            return Err(ContainerError::Malformed("element of unknown size"));
        }
        pos = element.end;
    }
    Err(ContainerError::Truncated)
}

/// Reads the Segment's children until Info and Tracks are both known.
fn read_segment<R: Read + Seek>(src: &mut Source<'_, R>, segment: &Element) -> Result<VideoFacts> {
    let mut info = None;
    let mut tracks = None;
    let mut pos = segment.body;
    while pos < segment.end && (info.is_none() || tracks.is_none()) {
        src.seek_to(pos)?;
        let child = read_child(src, segment.end)?;
        match child.id {
            INFO if info.is_none() => info = Some(Info::read(src, &child)?),
            TRACKS if tracks.is_none() => tracks = Some(Tracks::read(src, &child)?),
            _ => {}
        }
        pos = child.end;
    }
    match (info, tracks) {
        (Some(info), Some(tracks)) => facts(&info, tracks),
        // A Segment of unknown size ends where the file does: a live
        // recording cut before its headers were all written.
        _ if !segment.sized => Err(ContainerError::Truncated),
        _ => Err(ContainerError::Malformed("segment without info or tracks")),
    }
}

fn facts(info: &Info, tracks: Tracks) -> Result<VideoFacts> {
    let video = tracks.video.ok_or(ContainerError::NoVideoTrack)?;
    Ok(VideoFacts {
        kind: ContainerKind::WebM,
        duration_ms: info.duration_ms()?,
        width: picture_size(video.width)?,
        height: picture_size(video.height)?,
        video: video_codec(&video.codec),
        audio: tracks.audio.map(|track| audio_codec(&track.codec)),
    })
}

fn picture_size(pixels: u64) -> Result<u32> {
    u32::try_from(pixels)
        .ok()
        .filter(|&pixels| pixels > 0)
        .ok_or(ContainerError::Malformed("video without picture size"))
}

/// Segment Info: the tick length and the duration in ticks.
struct Info {
    timecode_scale: u64,
    duration: Option<f64>,
}

impl Info {
    fn read<R: Read + Seek>(src: &mut Source<'_, R>, element: &Element) -> Result<Info> {
        let mut info = Info {
            timecode_scale: DEFAULT_TIMECODE_SCALE,
            duration: None,
        };
        for_each_child(src, element, |src, child| {
            match child.id {
                TIMECODE_SCALE => info.timecode_scale = read_uint(src, child)?,
                DURATION => info.duration = Some(read_float(src, child)?),
                _ => {}
            }
            Ok(())
        })?;
        Ok(info)
    }

    /// Whole milliseconds. Recorders that stream (a browser's
    /// MediaRecorder) write no Duration; such a file is refused rather than
    /// guessed at by reading every Cluster. Absurdly long values saturate,
    /// and the duration limit refuses them.
    fn duration_ms(&self) -> Result<u64> {
        if self.timecode_scale == 0 {
            return Err(ContainerError::Malformed("timecode scale is zero"));
        }
        let ticks = self
            .duration
            .ok_or(ContainerError::Malformed("webm without duration"))?;
        let ms = ticks * self.timecode_scale as f64 / 1e6;
        if !ms.is_finite() || ms < 1.0 {
            return Err(ContainerError::Malformed("duration is zero"));
        }
        Ok(ms as u64)
    }
}

/// The first picture and first sound TrackEntry.
#[derive(Default)]
struct Tracks {
    video: Option<TrackEntry>,
    audio: Option<TrackEntry>,
}

#[derive(Default)]
struct TrackEntry {
    kind: u64,
    codec: Vec<u8>,
    width: u64,
    height: u64,
}

impl Tracks {
    fn read<R: Read + Seek>(src: &mut Source<'_, R>, element: &Element) -> Result<Tracks> {
        let mut tracks = Tracks::default();
        for_each_child(src, element, |src, child| {
            if child.id == TRACK_ENTRY {
                tracks.add(TrackEntry::read(src, child)?);
            }
            Ok(())
        })?;
        Ok(tracks)
    }

    fn add(&mut self, entry: TrackEntry) {
        let slot = match entry.kind {
            TRACK_TYPE_VIDEO => &mut self.video,
            TRACK_TYPE_AUDIO => &mut self.audio,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(entry);
        }
    }
}

impl TrackEntry {
    fn read<R: Read + Seek>(src: &mut Source<'_, R>, element: &Element) -> Result<TrackEntry> {
        let mut entry = TrackEntry::default();
        for_each_child(src, element, |src, child| {
            match child.id {
                TRACK_TYPE => entry.kind = read_uint(src, child)?,
                CODEC_ID => entry.codec = read_text(src, child)?,
                VIDEO => entry.read_video(src, child)?,
                _ => {}
            }
            Ok(())
        })
        .map(|()| entry)
    }

    fn read_video<R: Read + Seek>(
        &mut self,
        src: &mut Source<'_, R>,
        video: &Element,
    ) -> Result<()> {
        for_each_child(src, video, |src, child| {
            match child.id {
                PIXEL_WIDTH => self.width = read_uint(src, child)?,
                PIXEL_HEIGHT => self.height = read_uint(src, child)?,
                _ => {}
            }
            Ok(())
        })
    }
}

fn video_codec(codec_id: &[u8]) -> VideoCodec {
    match codec_text(codec_id).as_str() {
        "V_VP8" => VideoCodec::Vp8,
        "V_VP9" => VideoCodec::Vp9,
        "V_AV1" => VideoCodec::Av1,
        "V_MPEG4/ISO/AVC" => VideoCodec::H264,
        other => VideoCodec::Other(other.to_owned()),
    }
}

fn audio_codec(codec_id: &[u8]) -> AudioCodec {
    match codec_text(codec_id).as_str() {
        "A_OPUS" => AudioCodec::Opus,
        "A_VORBIS" => AudioCodec::Vorbis,
        aac if aac.starts_with("A_AAC") => AudioCodec::Aac,
        other => AudioCodec::Other(other.to_owned()),
    }
}

fn body_len(element: &Element) -> u64 {
    element.end - element.body
}

/// An unsigned integer element: big-endian, at most eight bytes, empty
/// meaning 0.
fn read_uint<R: Read + Seek>(src: &mut Source<'_, R>, element: &Element) -> Result<u64> {
    let len = body_len(element);
    if len > 8 {
        return Err(ContainerError::Malformed("integer longer than 8 bytes"));
    }
    let mut bytes = [0; 8];
    src.seek_to(element.body)?;
    src.read_into(&mut bytes[8 - len as usize..])?;
    Ok(u64::from_be_bytes(bytes))
}

/// A float element: four or eight bytes, empty meaning 0.
fn read_float<R: Read + Seek>(src: &mut Source<'_, R>, element: &Element) -> Result<f64> {
    src.seek_to(element.body)?;
    match body_len(element) {
        0 => Ok(0.0),
        4 => Ok(f64::from(f32::from_be_bytes(src.read_array()?))),
        8 => Ok(f64::from_be_bytes(src.read_array()?)),
        _ => Err(ContainerError::Malformed("float neither 4 nor 8 bytes")),
    }
}

/// A string element's first bytes (see `MAX_TEXT`).
fn read_text<R: Read + Seek>(src: &mut Source<'_, R>, element: &Element) -> Result<Vec<u8>> {
    src.seek_to(element.body)?;
    src.read_text(body_len(element))
}

//! What an uploaded short video is, read from its container rather than its
//! name or its declared media type: MP4 (ISO base media) or WebM, how long
//! it plays, its picture size and its codecs.
//!
//! Only headers are read. The media data (MP4 `mdat`, WebM clusters) is
//! skipped by seeking, so probing a 100 MB upload reads a few kilobytes.
//! Every size in the file is checked against the stream's length before it
//! is trusted, nothing is allocated from a size the file declares beyond a
//! small cap, and any input ends in a value or an error, never a panic.

mod mp4;
mod source;
mod webm;

#[cfg(test)]
mod tests;

use std::fmt;
use std::io::{Read, Seek};

use serde::{Deserialize, Serialize};

use source::Source;

/// The container families the platform reads. QuickTime and 3GP files that
/// start with an `ftyp` box are ISO base media files too and count as MP4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerKind {
    Mp4,
    #[serde(rename = "webm")]
    WebM,
}

/// The codec of the picture.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoCodec {
    H264,
    Vp8,
    Vp9,
    Av1,
    /// Anything else, by the MP4 sample entry's four characters (`hvc1`,
    /// `mp4v`) or the WebM `CodecID` (`V_MPEG4/ISO/ASP`).
    Other(String),
}

/// The codec of the sound.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AudioCodec {
    /// MP4 `mp4a` or WebM `A_AAC…`. An MP4 `mp4a` entry may in rare files
    /// carry MP3; the probe does not open the decoder configuration to tell.
    Aac,
    Opus,
    Vorbis,
    /// Anything else, by four characters or `CodecID` as for video.
    Other(String),
}

/// What the container says about a video.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoFacts {
    pub kind: ContainerKind,
    /// How long it plays, rounded down to the millisecond.
    pub duration_ms: u64,
    /// The picture as shown: an MP4 recorded by a phone held upright stores
    /// landscape pixels and a quarter-turn, and is reported upright here.
    pub width: u32,
    pub height: u32,
    pub video: VideoCodec,
    /// The first sound track's codec; none for a silent video.
    pub audio: Option<AudioCodec>,
}

impl VideoFacts {
    /// Whether the picture is taller than it is wide, as the feed wants; a
    /// square picture is not vertical.
    pub fn is_vertical(&self) -> bool {
        self.height > self.width
    }
}

/// Why a file is not a video the platform can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContainerError {
    /// Neither MP4 nor WebM: an image, a text, a Matroska (`.mkv`) file, or
    /// anything shorter than a container header.
    #[error("the file is not an MP4 or WebM video")]
    NotAVideo,
    /// The file ends before its container says it does (an upload cut off).
    #[error("the video file is incomplete; upload it again")]
    Truncated,
    /// A container with only sound (or no tracks at all).
    #[error("the file has no picture track")]
    NoVideoTrack,
    /// A codec the platform does not play in this container.
    #[error(
        "{container} with {codec} is not accepted; export as MP4 (H.264, AAC) or WebM (VP9, Opus)"
    )]
    UnsupportedCodec {
        container: ContainerKind,
        codec: String,
    },
    /// The container's own structure is broken or implausible; the text
    /// says which part, for logs.
    #[error("the video container is damaged: {0}")]
    Malformed(&'static str),
    /// Reading the stream failed (not the file's fault).
    #[error("the video could not be read: {0}")]
    Io(std::io::ErrorKind),
}

impl fmt::Display for ContainerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ContainerKind::Mp4 => "MP4",
            ContainerKind::WebM => "WebM",
        })
    }
}

impl VideoCodec {
    /// A stable, lower-case name for storing and logs (`h264`, `vp9`), or
    /// the container's own code for other codecs.
    pub fn name(&self) -> &str {
        match self {
            VideoCodec::H264 => "h264",
            VideoCodec::Vp8 => "vp8",
            VideoCodec::Vp9 => "vp9",
            VideoCodec::Av1 => "av1",
            VideoCodec::Other(code) => code,
        }
    }
}

impl AudioCodec {
    /// A stable, lower-case name for storing and logs (`aac`, `opus`), or
    /// the container's own code for other codecs.
    pub fn name(&self) -> &str {
        match self {
            AudioCodec::Aac => "aac",
            AudioCodec::Opus => "opus",
            AudioCodec::Vorbis => "vorbis",
            AudioCodec::Other(code) => code,
        }
    }
}

/// Reads the container of a whole stream, from its first byte (wherever
/// the reader stood before) to its end.
pub fn probe<R: Read + Seek>(reader: &mut R) -> Result<VideoFacts, ContainerError> {
    let mut source = Source::new(reader)?;
    let kind = sniff(&mut source)?;
    source.seek_to(0)?;
    match kind {
        ContainerKind::Mp4 => mp4::probe(&mut source),
        ContainerKind::WebM => webm::probe(&mut source),
    }
}

/// The first eight bytes decide the family: an MP4 names its first box
/// `ftyp` at bytes 4–8; a WebM starts with the EBML header's ID.
fn sniff<R: Read + Seek>(source: &mut Source<'_, R>) -> Result<ContainerKind, ContainerError> {
    if source.len() < 8 {
        return Err(ContainerError::NotAVideo);
    }
    let head: [u8; 8] = source.read_array()?;
    if &head[4..8] == b"ftyp" {
        Ok(ContainerKind::Mp4)
    } else if head[..4] == webm::EBML_MAGIC {
        Ok(ContainerKind::WebM)
    } else {
        Err(ContainerError::NotAVideo)
    }
}

/// What the platform plays everywhere its buyers are (phones' browsers and
/// the apps): MP4 with H.264 picture and AAC sound, or WebM with VP8, VP9
/// or AV1 picture and Opus or Vorbis sound. Sound is optional.
pub fn check_accepted(facts: &VideoFacts) -> Result<(), ContainerError> {
    let unsupported = |codec: &str| ContainerError::UnsupportedCodec {
        container: facts.kind,
        codec: codec.to_owned(),
    };
    if !video_accepted(facts.kind, &facts.video) {
        return Err(unsupported(facts.video.name()));
    }
    match &facts.audio {
        Some(audio) if !audio_accepted(facts.kind, audio) => Err(unsupported(audio.name())),
        _ => Ok(()),
    }
}

fn video_accepted(kind: ContainerKind, codec: &VideoCodec) -> bool {
    match kind {
        ContainerKind::Mp4 => matches!(codec, VideoCodec::H264),
        ContainerKind::WebM => matches!(codec, VideoCodec::Vp8 | VideoCodec::Vp9 | VideoCodec::Av1),
    }
}

fn audio_accepted(kind: ContainerKind, codec: &AudioCodec) -> bool {
    match kind {
        ContainerKind::Mp4 => matches!(codec, AudioCodec::Aac),
        ContainerKind::WebM => matches!(codec, AudioCodec::Opus | AudioCodec::Vorbis),
    }
}

/// A codec code from the file, safe to show and store: printable ASCII is
/// kept, anything else becomes `?`; the NUL padding EBML strings may carry
/// and trailing spaces go.
fn codec_text(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .rposition(|&b| b != 0)
        .map_or(0, |last| last + 1);
    let text: String = bytes[..end]
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '?'
            }
        })
        .collect();
    text.trim_end().to_owned()
}

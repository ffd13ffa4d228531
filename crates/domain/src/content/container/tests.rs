use std::io::{self, Cursor, Read, Seek, SeekFrom};

use proptest::prelude::*;

use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../../../tests/fixtures/video/", $name)).as_slice()
    };
}

const MP4_MOOV_LAST: &[u8] = fixture!("h264_aac_vertical_moov_end.mp4");
const MP4_FASTSTART: &[u8] = fixture!("h264_aac_landscape_faststart.mp4");
const MP4_SILENT: &[u8] = fixture!("h264_silent_vertical.mp4");
const MP4_PART2: &[u8] = fixture!("mpeg4_part2_landscape.mp4");
const WEBM_VP9_OPUS: &[u8] = fixture!("vp9_opus_vertical.webm");
const WEBM_VP8: &[u8] = fixture!("vp8_silent_landscape.webm");
const WEBM_AV1_VORBIS: &[u8] = fixture!("av1_vorbis_landscape.webm");
const MKV: &[u8] = fixture!("h264_landscape.mkv");

const ALL: [&[u8]; 8] = [
    MP4_MOOV_LAST,
    MP4_FASTSTART,
    MP4_SILENT,
    MP4_PART2,
    WEBM_VP9_OPUS,
    WEBM_VP8,
    WEBM_AV1_VORBIS,
    MKV,
];

fn probe_bytes(bytes: &[u8]) -> Result<VideoFacts, ContainerError> {
    probe(&mut Cursor::new(bytes))
}

fn facts(bytes: &[u8]) -> VideoFacts {
    probe_bytes(bytes).expect("a fixture the probe reads")
}

/// Checks a fixture against what ffmpeg was asked for.
fn assert_facts(
    bytes: &[u8],
    kind: ContainerKind,
    seconds: u64,
    (width, height): (u32, u32),
    video: VideoCodec,
    audio: Option<AudioCodec>,
) {
    let facts = facts(bytes);
    assert_eq!(facts.kind, kind);
    assert!(
        facts.duration_ms.abs_diff(seconds * 1000) <= 50,
        "duration {} ms, asked for {seconds} s",
        facts.duration_ms
    );
    assert_eq!((facts.width, facts.height), (width, height));
    assert_eq!(facts.video, video);
    assert_eq!(facts.audio, audio);
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
        .expect("the bytes are in the fixture")
}

/// The offset of a top-level MP4 box, found by walking 32-bit sizes.
fn top_level_box(bytes: &[u8], kind: &[u8; 4]) -> usize {
    let mut at = 0;
    loop {
        let size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        if &bytes[at + 4..at + 8] == kind {
            return at;
        }
        at += size;
    }
}

#[test]
fn mp4_with_the_movie_after_the_media_is_read() {
    assert_facts(
        MP4_MOOV_LAST,
        ContainerKind::Mp4,
        2,
        (72, 128),
        VideoCodec::H264,
        Some(AudioCodec::Aac),
    );
    assert!(facts(MP4_MOOV_LAST).is_vertical());
}

#[test]
fn mp4_with_the_movie_first_is_read() {
    assert_facts(
        MP4_FASTSTART,
        ContainerKind::Mp4,
        1,
        (128, 72),
        VideoCodec::H264,
        Some(AudioCodec::Aac),
    );
    assert!(!facts(MP4_FASTSTART).is_vertical());
}

#[test]
fn mp4_without_sound_has_no_audio_codec() {
    assert_facts(
        MP4_SILENT,
        ContainerKind::Mp4,
        1,
        (72, 128),
        VideoCodec::H264,
        None,
    );
}

#[test]
fn mp4_with_mpeg4_part2_names_its_sample_entry() {
    let other = VideoCodec::Other("mp4v".to_owned());
    assert_facts(MP4_PART2, ContainerKind::Mp4, 1, (128, 72), other, None);
}

#[test]
fn webm_files_are_read() {
    let landscape = (128, 72);
    let (opus, vorbis) = (Some(AudioCodec::Opus), Some(AudioCodec::Vorbis));
    assert_facts(
        WEBM_VP9_OPUS,
        ContainerKind::WebM,
        2,
        (72, 128),
        VideoCodec::Vp9,
        opus,
    );
    assert_facts(
        WEBM_VP8,
        ContainerKind::WebM,
        1,
        landscape,
        VideoCodec::Vp8,
        None,
    );
    assert_facts(
        WEBM_AV1_VORBIS,
        ContainerKind::WebM,
        1,
        landscape,
        VideoCodec::Av1,
        vorbis,
    );
    assert!(facts(WEBM_VP9_OPUS).is_vertical());
    assert!(!facts(WEBM_VP8).is_vertical());
}

#[test]
fn the_platform_accepts_h264_mp4_and_vp_or_av1_webm() {
    for bytes in [MP4_MOOV_LAST, MP4_FASTSTART, MP4_SILENT] {
        assert_eq!(check_accepted(&facts(bytes)), Ok(()));
    }
    for bytes in [WEBM_VP9_OPUS, WEBM_VP8, WEBM_AV1_VORBIS] {
        assert_eq!(check_accepted(&facts(bytes)), Ok(()));
    }
    assert_eq!(
        check_accepted(&facts(MP4_PART2)),
        Err(ContainerError::UnsupportedCodec {
            container: ContainerKind::Mp4,
            codec: "mp4v".to_owned()
        })
    );
}

#[test]
fn codecs_are_accepted_only_in_their_own_container() {
    let refused = |facts: VideoFacts, codec: &str| {
        assert_eq!(
            check_accepted(&facts),
            Err(ContainerError::UnsupportedCodec {
                container: facts.kind,
                codec: codec.to_owned()
            })
        );
    };
    let mp4 = facts(MP4_MOOV_LAST);
    let webm = facts(WEBM_VP9_OPUS);
    refused(
        VideoFacts {
            video: VideoCodec::Vp9,
            ..mp4.clone()
        },
        "vp9",
    );
    refused(
        VideoFacts {
            audio: Some(AudioCodec::Opus),
            ..mp4.clone()
        },
        "opus",
    );
    refused(
        VideoFacts {
            video: VideoCodec::Other("hvc1".into()),
            ..mp4
        },
        "hvc1",
    );
    refused(
        VideoFacts {
            video: VideoCodec::H264,
            ..webm.clone()
        },
        "h264",
    );
    refused(
        VideoFacts {
            audio: Some(AudioCodec::Aac),
            ..webm
        },
        "aac",
    );
}

#[test]
fn files_that_are_not_mp4_or_webm_are_not_videos() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
    let text = b"Kemeja batik, harga Rp99.000, ukuran M sampai XL\n";
    for bytes in [&png[..], text, b"", b"\0\0\0\x08ftyp"[..7].as_ref(), MKV] {
        assert_eq!(probe_bytes(bytes), Err(ContainerError::NotAVideo));
    }
}

#[test]
fn an_image_in_an_iso_file_is_not_a_video() {
    // HEIF and AVIF photos: `ftyp`, `meta`, `mdat` and no `moov`.
    let mut heif = Vec::new();
    heif.extend_from_slice(b"\0\0\0\x10ftypheic\0\0\0\0");
    heif.extend_from_slice(b"\0\0\0\x08meta");
    heif.extend_from_slice(b"\0\0\0\x0cmdat\xff\xd8\xff\xe0");
    assert_eq!(probe_bytes(&heif), Err(ContainerError::NotAVideo));
}

#[test]
fn every_cut_of_an_mp4_is_truncated() {
    for bytes in [MP4_MOOV_LAST, MP4_FASTSTART] {
        for cut in 8..bytes.len() {
            assert_eq!(
                probe_bytes(&bytes[..cut]),
                Err(ContainerError::Truncated),
                "cut at {cut} of {}",
                bytes.len()
            );
        }
    }
}

#[test]
fn every_cut_of_a_webm_is_truncated() {
    for bytes in [WEBM_VP9_OPUS, WEBM_VP8] {
        for cut in 8..bytes.len() {
            assert_eq!(
                probe_bytes(&bytes[..cut]),
                Err(ContainerError::Truncated),
                "cut at {cut} of {}",
                bytes.len()
            );
        }
    }
}

#[test]
fn sixty_four_bit_box_sizes_are_read() {
    let mdat = top_level_box(MP4_MOOV_LAST, b"mdat");
    let size = u32::from_be_bytes(MP4_MOOV_LAST[mdat..mdat + 4].try_into().unwrap());
    let mut bytes = MP4_MOOV_LAST[..mdat].to_vec();
    bytes.extend_from_slice(&1u32.to_be_bytes());
    bytes.extend_from_slice(b"mdat");
    bytes.extend_from_slice(&(u64::from(size) + 8).to_be_bytes());
    bytes.extend_from_slice(&MP4_MOOV_LAST[mdat + 8..]);
    assert_eq!(probe_bytes(&bytes), Ok(facts(MP4_MOOV_LAST)));
}

#[test]
fn a_last_box_of_size_zero_runs_to_the_end() {
    for (bytes, last) in [(MP4_MOOV_LAST, b"moov"), (MP4_FASTSTART, b"mdat")] {
        let mut patched = bytes.to_vec();
        let at = top_level_box(bytes, last);
        patched[at..at + 4].copy_from_slice(&[0; 4]);
        assert_eq!(probe_bytes(&patched), Ok(facts(bytes)));
    }
}

#[test]
fn a_quarter_turned_track_is_reported_as_shown() {
    // The matrix of a phone recording held on its side: (0, 1, -1, 0).
    let mut bytes = MP4_SILENT.to_vec();
    let matrix = find(&bytes, b"tkhd") + 4 + 40;
    let one = 0x0001_0000i32.to_be_bytes();
    let minus_one = (-0x0001_0000i32).to_be_bytes();
    bytes[matrix..matrix + 4].copy_from_slice(&[0; 4]);
    bytes[matrix + 4..matrix + 8].copy_from_slice(&one);
    bytes[matrix + 12..matrix + 16].copy_from_slice(&minus_one);
    bytes[matrix + 16..matrix + 20].copy_from_slice(&[0; 4]);
    let turned = facts(&bytes);
    assert_eq!((turned.width, turned.height), (128, 72));
    assert!(!turned.is_vertical());
}

#[test]
fn a_webm_segment_of_unknown_size_is_read() {
    let mut bytes = WEBM_VP9_OPUS.to_vec();
    let size = find(&bytes, &[0x18, 0x53, 0x80, 0x67]) + 4;
    assert_eq!(bytes[size], 0x01, "ffmpeg writes an 8-byte segment size");
    bytes[size + 1..size + 8].copy_from_slice(&[0xFF; 7]);
    assert_eq!(probe_bytes(&bytes), Ok(facts(WEBM_VP9_OPUS)));
}

#[test]
fn a_file_with_only_sound_has_no_video_track() {
    let mut mp4 = MP4_MOOV_LAST.to_vec();
    // The first `hdlr` is the picture track's; its type follows 8 bytes in.
    let handler = find(&mp4, b"hdlr") + 4 + 8;
    assert_eq!(&mp4[handler..handler + 4], b"vide");
    mp4[handler..handler + 4].copy_from_slice(b"text");
    assert_eq!(probe_bytes(&mp4), Err(ContainerError::NoVideoTrack));

    // TrackType (0x83), one byte long (0x81), picture (1) becomes subtitles.
    let mut webm = WEBM_VP8.to_vec();
    let track_type = find(&webm, &[0x83, 0x81, 0x01]);
    webm[track_type + 2] = 0x11;
    assert_eq!(probe_bytes(&webm), Err(ContainerError::NoVideoTrack));
}

#[test]
fn a_movie_of_zero_duration_is_malformed() {
    let mut bytes = MP4_FASTSTART.to_vec();
    let duration = find(&bytes, b"mvhd") + 4 + 16;
    bytes[duration..duration + 4].copy_from_slice(&[0; 4]);
    assert_eq!(
        probe_bytes(&bytes),
        Err(ContainerError::Malformed("duration is zero"))
    );
}

#[test]
fn millions_of_empty_boxes_are_refused_early() {
    let mut bytes = b"\0\0\0\x10ftypisom\0\0\0\0".to_vec();
    bytes.extend(std::iter::repeat_n(*b"\0\0\0\x08free", 20_000).flatten());
    assert_eq!(
        probe_bytes(&bytes),
        Err(ContainerError::Malformed("too many boxes or elements"))
    );
}

#[test]
fn the_probe_starts_from_the_first_byte_wherever_the_reader_stands() {
    let mut cursor = Cursor::new(MP4_FASTSTART);
    cursor.seek(SeekFrom::Start(100)).unwrap();
    assert_eq!(probe(&mut cursor), Ok(facts(MP4_FASTSTART)));
}

/// A stream whose reads fail, as a broken disk or connection would.
struct Failing;

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::ErrorKind::ConnectionReset.into())
    }
}

impl Seek for Failing {
    fn seek(&mut self, _: SeekFrom) -> io::Result<u64> {
        Ok(1000)
    }
}

#[test]
fn a_failing_stream_is_an_io_error_not_the_files_fault() {
    assert_eq!(
        probe(&mut Failing),
        Err(ContainerError::Io(io::ErrorKind::ConnectionReset))
    );
}

#[test]
fn facts_serialise_with_stable_names() {
    let json = serde_json::to_value(facts(WEBM_VP9_OPUS)).unwrap();
    assert_eq!(json["kind"], "webm");
    assert_eq!(json["video"], "vp9");
    assert_eq!(json["audio"], "opus");
    let json = serde_json::to_value(facts(MP4_PART2)).unwrap();
    assert_eq!(json["kind"], "mp4");
    assert_eq!(json["video"], serde_json::json!({ "other": "mp4v" }));
    let back: VideoFacts = serde_json::from_value(json).unwrap();
    assert_eq!(back, facts(MP4_PART2));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = probe_bytes(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_container_header_never_panic(
        webm in any::<bool>(),
        tail in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut bytes = if webm {
            vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x84]
        } else {
            b"\0\0\0\x10ftypisom\0\0\0\0".to_vec()
        };
        bytes.extend(tail);
        let _ = probe_bytes(&bytes);
    }

    #[test]
    fn cut_and_damaged_fixtures_never_panic(
        which in 0..ALL.len(),
        cut in any::<prop::sample::Index>(),
        damage in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let fixture = ALL[which];
        let mut bytes = fixture[..cut.index(fixture.len() + 1)].to_vec();
        if !bytes.is_empty() {
            for (at, byte) in damage {
                let at = at.index(bytes.len());
                bytes[at] = byte;
            }
        }
        let _ = probe_bytes(&bytes);
    }
}

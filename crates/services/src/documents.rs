//! Inspection of uploaded documents (KTP photo, selfie, NPWP card, company
//! papers): the type is decided by the content, never the file name; images
//! are checked for absurd pixel sizes before decoding, then re-encoded so
//! nothing of the original file (EXIF, GPS position, hidden payloads)
//! survives; blurry or small photos get a warning the seller sees before
//! submitting.

use std::io::Cursor;

use etalase_domain::ErrorCode;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Jpeg,
    Png,
    Pdf,
}

impl DocumentKind {
    pub fn mime(self) -> &'static str {
        match self {
            DocumentKind::Jpeg => "image/jpeg",
            DocumentKind::Png => "image/png",
            DocumentKind::Pdf => "application/pdf",
        }
    }

    /// What the first bytes say the file is.
    pub fn sniff(bytes: &[u8]) -> Option<DocumentKind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(DocumentKind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(DocumentKind::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(DocumentKind::Pdf)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DocumentWarning {
    /// The variance of the Laplacian is below the threshold: text on the
    /// card is likely unreadable.
    Blurry { sharpness: f64 },
    /// Smaller than a reviewer can read comfortably.
    LowResolution { width: u32, height: u32 },
}

#[derive(Debug, Clone)]
pub struct InspectedDocument {
    pub kind: DocumentKind,
    /// What is stored: re-encoded for images, the original bytes for a PDF.
    pub bytes: Vec<u8>,
    pub dimensions: Option<(u32, u32)>,
    pub warnings: Vec<DocumentWarning>,
}

#[derive(Debug, Clone, Copy)]
pub struct DocumentRules {
    pub max_bytes: usize,
    /// Larger images are refused unread (a "pixel flood" decodes a small file
    /// into gigabytes).
    pub max_pixels: u64,
    pub max_side: u32,
    /// Below this variance of the Laplacian a photo is called blurry.
    pub min_sharpness: f64,
    /// Photos whose shorter side is below this get a warning.
    pub min_short_side: u32,
}

impl Default for DocumentRules {
    fn default() -> Self {
        Self {
            max_bytes: 5 * 1024 * 1024,
            max_pixels: 40_000_000,
            max_side: 10_000,
            min_sharpness: 60.0,
            min_short_side: 600,
        }
    }
}

pub fn inspect(
    bytes: &[u8],
    accepted: &[DocumentKind],
    rules: &DocumentRules,
) -> Result<InspectedDocument, ErrorCode> {
    if bytes.is_empty() {
        return Err(ErrorCode::DocumentEmpty);
    }
    if bytes.len() > rules.max_bytes {
        return Err(ErrorCode::DocumentTooLarge);
    }
    let kind = DocumentKind::sniff(bytes).ok_or(ErrorCode::DocumentTypeNotAccepted)?;
    if !accepted.contains(&kind) {
        return Err(ErrorCode::DocumentTypeNotAccepted);
    }
    match kind {
        DocumentKind::Pdf => inspect_pdf(bytes),
        DocumentKind::Jpeg => inspect_image(bytes, kind, ImageFormat::Jpeg, rules),
        DocumentKind::Png => inspect_image(bytes, kind, ImageFormat::Png, rules),
    }
}

fn inspect_pdf(bytes: &[u8]) -> Result<InspectedDocument, ErrorCode> {
    // A complete PDF ends with an end-of-file marker (possibly followed by a
    // newline); a truncated upload does not.
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(ErrorCode::DocumentUnreadable);
    }
    Ok(InspectedDocument {
        kind: DocumentKind::Pdf,
        bytes: bytes.to_vec(),
        dimensions: None,
        warnings: Vec::new(),
    })
}

fn inspect_image(
    bytes: &[u8],
    kind: DocumentKind,
    format: ImageFormat,
    rules: &DocumentRules,
) -> Result<InspectedDocument, ErrorCode> {
    let (width, height) = header_dimensions(bytes, format)?;
    if width > rules.max_side
        || height > rules.max_side
        || u64::from(width) * u64::from(height) > rules.max_pixels
    {
        return Err(ErrorCode::ImageDimensionsTooLarge);
    }
    let picture = decode_oriented(bytes, format, rules.max_side, rules.max_pixels * 8)?;
    let mut encoded = Vec::new();
    let result = match kind {
        DocumentKind::Jpeg => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, 90);
            picture.to_rgb8().write_with_encoder(encoder)
        }
        _ => picture.write_to(&mut Cursor::new(&mut encoded), ImageFormat::Png),
    };
    result.map_err(|_| ErrorCode::DocumentUnreadable)?;

    let (width, height) = (picture.width(), picture.height());
    let mut warnings = Vec::new();
    if width.min(height) < rules.min_short_side {
        warnings.push(DocumentWarning::LowResolution { width, height });
    }
    let sharpness = sharpness(&picture);
    if sharpness < rules.min_sharpness {
        warnings.push(DocumentWarning::Blurry { sharpness });
    }
    Ok(InspectedDocument {
        kind,
        bytes: encoded,
        dimensions: Some((width, height)),
        warnings,
    })
}

/// The pixel size an image's header declares, read without decoding it
/// (so an absurd size can be refused before any memory is spent on it).
pub(crate) fn header_dimensions(
    bytes: &[u8],
    format: ImageFormat,
) -> Result<(u32, u32), ErrorCode> {
    let mut probe = ImageReader::with_format(Cursor::new(bytes), format);
    // The default limits would refuse an absurd header as "unreadable"
    // instead of letting the caller say why.
    probe.no_limits();
    let (width, height) = probe
        .into_dimensions()
        .map_err(|_| ErrorCode::DocumentUnreadable)?;
    if width == 0 || height == 0 {
        return Err(ErrorCode::DocumentUnreadable);
    }
    Ok((width, height))
}

/// Decodes an image whose header was checked, within limits, turned the
/// way the camera meant (before the EXIF that said so is dropped).
pub(crate) fn decode_oriented(
    bytes: &[u8],
    format: ImageFormat,
    max_side: u32,
    max_alloc: u64,
) -> Result<DynamicImage, ErrorCode> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(max_side);
    limits.max_image_height = Some(max_side);
    limits.max_alloc = Some(max_alloc);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|_| ErrorCode::DocumentUnreadable)?;
    let orientation = decoder.orientation().ok();
    let mut picture =
        DynamicImage::from_decoder(decoder).map_err(|_| ErrorCode::DocumentUnreadable)?;
    if let Some(orientation) = orientation {
        picture.apply_orientation(orientation);
    }
    Ok(picture)
}

/// The variance of the Laplacian of the grey image, measured at most 1000
/// pixels wide so that the same photo scores alike at any resolution.
pub fn sharpness(picture: &DynamicImage) -> f64 {
    let picture = if picture.width().max(picture.height()) > 1000 {
        picture.resize(1000, 1000, image::imageops::FilterType::Triangle)
    } else {
        picture.clone()
    };
    let grey = picture.to_luma8();
    let (w, h) = grey.dimensions();
    if w < 3 || h < 3 {
        return 0.0;
    }
    let at = |x: u32, y: u32| f64::from(grey.get_pixel(x, y).0[0]);
    let mut sum = 0.0;
    let mut sum_sq = 0.0;
    let mut n = 0.0;
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let laplacian =
                at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * at(x, y);
            sum += laplacian;
            sum_sq += laplacian * laplacian;
            n += 1.0;
        }
    }
    let mean = sum / n;
    sum_sq / n - mean * mean
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    const IMAGES: [DocumentKind; 2] = [DocumentKind::Jpeg, DocumentKind::Png];
    const ANY: [DocumentKind; 3] = [DocumentKind::Jpeg, DocumentKind::Png, DocumentKind::Pdf];

    /// A card-like picture: sharp black text strokes on white.
    fn card(width: u32, height: u32) -> DynamicImage {
        let mut img = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
        for y in 0..height {
            for x in 0..width {
                if (x / 7 + y / 11) % 3 == 0 && (y / 4) % 2 == 0 {
                    img.put_pixel(x, y, Rgb([20, 20, 20]));
                }
            }
        }
        DynamicImage::ImageRgb8(img)
    }

    fn encode(picture: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Vec::new();
        picture
            .to_rgb8()
            .write_to(&mut Cursor::new(&mut out), format)
            .unwrap();
        out
    }

    #[test]
    fn accepts_a_sharp_photo_without_warnings() {
        let doc = inspect(
            &encode(&card(1200, 800), ImageFormat::Jpeg),
            &IMAGES,
            &DocumentRules::default(),
        )
        .unwrap();
        assert_eq!(doc.kind, DocumentKind::Jpeg);
        assert_eq!(doc.dimensions, Some((1200, 800)));
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    }

    #[test]
    fn warns_on_blurry_and_small_photos() {
        let blurred = card(1200, 800).blur(6.0);
        let doc = inspect(
            &encode(&blurred, ImageFormat::Png),
            &IMAGES,
            &DocumentRules::default(),
        )
        .unwrap();
        assert!(
            matches!(doc.warnings[..], [DocumentWarning::Blurry { .. }]),
            "{:?}",
            doc.warnings
        );
        let small = inspect(
            &encode(&card(400, 250), ImageFormat::Png),
            &IMAGES,
            &DocumentRules::default(),
        )
        .unwrap();
        assert!(small.warnings.contains(&DocumentWarning::LowResolution {
            width: 400,
            height: 250
        }));
    }

    #[test]
    fn decides_the_type_by_content_not_by_name() {
        let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
        assert_eq!(
            inspect(&pdf, &ANY, &DocumentRules::default()).unwrap().kind,
            DocumentKind::Pdf
        );
        // A PDF where only photos are accepted (the selfie), whatever its name.
        assert_eq!(
            inspect(&pdf, &IMAGES, &DocumentRules::default()).err(),
            Some(ErrorCode::DocumentTypeNotAccepted)
        );
        assert_eq!(
            inspect(b"GIF89a....", &ANY, &DocumentRules::default()).err(),
            Some(ErrorCode::DocumentTypeNotAccepted)
        );
        assert_eq!(
            inspect(b"", &ANY, &DocumentRules::default()).err(),
            Some(ErrorCode::DocumentEmpty)
        );
        assert_eq!(
            inspect(b"%PDF-1.7 truncated", &ANY, &DocumentRules::default()).err(),
            Some(ErrorCode::DocumentUnreadable)
        );
        let mut jpeg_head = vec![0xFF, 0xD8, 0xFF, 0xE0];
        jpeg_head.extend([0u8; 64]);
        assert_eq!(
            inspect(&jpeg_head, &ANY, &DocumentRules::default()).err(),
            Some(ErrorCode::DocumentUnreadable)
        );
    }

    #[test]
    fn refuses_oversized_files() {
        let rules = DocumentRules::default();
        let big = vec![0u8; rules.max_bytes + 1];
        assert_eq!(
            inspect(&big, &ANY, &rules).err(),
            Some(ErrorCode::DocumentTooLarge)
        );
    }

    #[test]
    fn refuses_a_pixel_flood_before_decoding_it() {
        let png = etalase_testkit::files::pixel_flood_png(60_000, 60_000);
        assert_eq!(
            inspect(&png, &ANY, &DocumentRules::default()).err(),
            Some(ErrorCode::ImageDimensionsTooLarge)
        );
    }

    #[test]
    fn re_encoding_drops_exif_and_gps() {
        let jpeg = encode(&card(800, 600), ImageFormat::Jpeg);
        // Insert an APP1 Exif segment (with a fake GPS block) right after SOI.
        let payload = b"Exif\0\0GPSLatitude-6.2088;GPSLongitude106.8456";
        let mut with_exif = jpeg[..2].to_vec();
        with_exif.extend([0xFF, 0xE1]);
        with_exif.extend(((payload.len() + 2) as u16).to_be_bytes());
        with_exif.extend(payload);
        with_exif.extend(&jpeg[2..]);
        let doc = inspect(&with_exif, &IMAGES, &DocumentRules::default()).unwrap();
        // Walk the JPEG's header segments (up to the image data, whose random
        // bytes could spell anything): none is an APP1 (EXIF) segment.
        let mut at = 2;
        let mut markers = Vec::new();
        while at + 4 <= doc.bytes.len() && doc.bytes[at] == 0xFF {
            let marker = doc.bytes[at + 1];
            markers.push(marker);
            if marker == 0xDA {
                break;
            }
            let length = u16::from_be_bytes([doc.bytes[at + 2], doc.bytes[at + 3]]) as usize;
            at += 2 + length;
        }
        assert_eq!(
            markers.last(),
            Some(&0xDA),
            "reached the image data: {markers:x?}"
        );
        assert!(!markers.contains(&0xE1), "no EXIF segment: {markers:x?}");
        assert!(
            !with_exif.windows(4).all(|w| w != b"Exif"),
            "the upload did carry EXIF"
        );
        assert_eq!(doc.dimensions, Some((800, 600)));
    }
}

//! The barcode and the QR code, decoded back from the rectangles on the page
//! by decoders that share nothing with the encoders.

mod common;

use common::codes::{PATTERNS, STOP, decode_code128, decode_qr, elements, qr_grid};
use common::data::{captions_id, label};
use common::pdf::{self, Page};
use etalase_labels::{Paper, Sheet, render};

const MM: f32 = 72.0 / 25.4;

fn page_of(resi: &str, qr: &str, paper: Paper) -> Page {
    let mut l = label(0, resi, false);
    l.qr = qr.to_string();
    let bytes = render(&[Sheet::Label(l)], paper, &captions_id(), "codes").unwrap();
    pdf::pages(&pdf::load(&bytes)).remove(0)
}

/// Decodes the page's barcode and checks its quiet zones and bar size.
fn read_barcode(page: &Page) -> String {
    let bars = page.tagged("Barcode");
    assert!(!bars.is_empty(), "no barcode on the page");
    let (elements, module) = elements(&bars);
    assert!(module >= 0.25 * MM - 0.001, "module {} mm", module / MM);
    let left = bars.iter().map(|b| b.x).fold(f32::MAX, f32::min);
    let right = bars.iter().map(|b| b.x + b.w).fold(f32::MIN, f32::max);
    let (low, high) = (bars[0].y, bars[0].y + bars[0].h);
    // Ten modules either side, at the height of the bars, hold no other mark.
    let zone = (left - 10.0 * module, right + 10.0 * module);
    assert!(
        zone.0 >= 0.0 && zone.1 <= page.width,
        "quiet zones leave the page"
    );
    for r in page
        .rects
        .iter()
        .filter(|r| r.tag.as_deref() != Some("Barcode"))
    {
        let overlaps_x = r.x < zone.1 && r.x + r.w > zone.0;
        let overlaps_y = r.y < high && r.y + r.h > low;
        assert!(
            !(overlaps_x && overlaps_y),
            "{r:?} intrudes on the barcode's quiet zone"
        );
    }
    for t in &page.texts {
        assert!(
            t.y > high || t.y < low || t.x > zone.1 || t.x + t.width < zone.0,
            "{t:?}"
        );
    }
    decode_code128(&elements).unwrap()
}

#[test]
fn the_decoder_table_is_a_code128_table() {
    // Every symbol is 11 modules of 3 bars and 3 spaces, and all differ.
    for p in PATTERNS {
        assert_eq!(
            p.bytes().map(|b| (b - b'0') as usize).sum::<usize>(),
            11,
            "{p}"
        );
    }
    let mut sorted = PATTERNS.to_vec();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 106);
    assert_eq!(STOP.bytes().map(|b| (b - b'0') as usize).sum::<usize>(), 13);
}

#[test]
fn the_decoder_rejects_a_wrong_checksum() {
    // Start B, "A" (33), checksum (104 + 33) % 103 = 34, stop — then one wrong.
    let mut good: Vec<usize> = Vec::new();
    for v in [104, 33, 34] {
        good.extend(PATTERNS[v].bytes().map(|b| (b - b'0') as usize));
    }
    good.extend(STOP.bytes().map(|b| (b - b'0') as usize));
    assert_eq!(decode_code128(&good).unwrap(), "A");
    let mut bad = good.clone();
    bad.splice(12..18, PATTERNS[35].bytes().map(|b| (b - b'0') as usize));
    assert!(decode_code128(&bad).is_err());
}

#[test]
fn a_numeric_resi_reads_back_in_set_c() {
    let page = page_of("002600112233", "ord_1", Paper::A6);
    assert_eq!(read_barcode(&page), "002600112233");
    // Set C: start + 6 pairs + checksum + stop = 8 × 6 + 7 elements.
    assert_eq!(elements(&page.tagged("Barcode")).0.len(), 8 * 6 + 7);
}

#[test]
fn alphanumeric_and_odd_resis_read_back() {
    for resi in [
        "JX1234567890",
        "SPXID0123456789",
        "12345",
        "TKP-01/2026 b",
        "7",
    ] {
        for paper in [Paper::A6, Paper::A5] {
            let page = page_of(resi, "ord_1", paper);
            assert_eq!(read_barcode(&page), resi, "{paper:?}");
        }
    }
}

#[test]
fn the_barcode_spans_most_of_the_width() {
    for paper in [Paper::A6, Paper::A5] {
        let page = page_of("002600112233", "ord_1", paper);
        let bars = page.tagged("Barcode");
        let left = bars.iter().map(|b| b.x).fold(f32::MAX, f32::min);
        let right = bars.iter().map(|b| b.x + b.w).fold(f32::MIN, f32::max);
        let share = (right - left) / page.width;
        assert!(share > 0.65, "{paper:?}: {share}");
    }
}

#[test]
fn the_qr_code_reads_back() {
    for (qr, paper) in [
        ("https://etalase.id/lacak/002600112233", Paper::A6),
        ("ord_01JH8Q6W0ZC3Y0N5T7KQJ4R2MS", Paper::A5),
        (
            &*format!("https://etalase.id/pesanan/{}", "x".repeat(150)),
            Paper::A6,
        ),
    ] {
        let page = page_of("002600112233", qr, paper);
        let rects = page.tagged("QRCode");
        let (n, grid) = qr_grid(&rects);
        assert_eq!(decode_qr(n, &grid).unwrap(), qr);
        // Error correction would read a code with a few modules lost: the
        // page must hold exactly the encoder's modules.
        let code = qrcode::QrCode::with_error_correction_level(qr, qrcode::EcLevel::M).unwrap();
        let expected: Vec<bool> = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        assert_eq!(
            (n, grid),
            (code.width(), expected),
            "modules differ from the encoder's"
        );
        // About 25 mm, and the 4-module quiet zone is clear of other marks.
        let module = rects.iter().map(|r| r.h).fold(f32::MAX, f32::min);
        let x0 = rects.iter().map(|r| r.x).fold(f32::MAX, f32::min) - 4.0 * module;
        let x1 = rects.iter().map(|r| r.x + r.w).fold(f32::MIN, f32::max) + 4.0 * module;
        let y0 = rects.iter().map(|r| r.y).fold(f32::MAX, f32::min) - 4.0 * module;
        let y1 = rects.iter().map(|r| r.y + r.h).fold(f32::MIN, f32::max) + 4.0 * module;
        let scale = if paper == Paper::A5 { 1.4 } else { 1.0 };
        assert!(
            ((x1 - x0) / MM / scale - 26.0).abs() < 0.5,
            "{} mm",
            (x1 - x0) / MM
        );
        for r in page
            .rects
            .iter()
            .filter(|r| r.tag.as_deref() != Some("QRCode"))
        {
            // A hundredth of a point of rounding where a rule meets the zone.
            let e = 0.01;
            let apart =
                r.x >= x1 - e || r.x + r.w <= x0 + e || r.y >= y1 - e || r.y + r.h <= y0 + e;
            assert!(apart, "{r:?} intrudes on the QR quiet zone");
        }
    }
}

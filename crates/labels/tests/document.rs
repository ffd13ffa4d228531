//! The document as a whole: pages, paper sizes, fonts, determinism, errors.

mod common;

use common::data::{captions_en, captions_id, label, labels, slip};
use common::pdf::{self, A5, A6};
use etalase_labels::{LabelError, Paper, Sheet, render};

#[test]
fn one_page_per_sheet_in_the_size_asked() {
    let sheets: Vec<Sheet> = (0..3)
        .flat_map(|i| {
            [
                Sheet::Label(label(i, &format!("00260011223{i}"), i == 1)),
                Sheet::Slip(slip(i, 3 + i)),
            ]
        })
        .collect();
    for (paper, size) in [(Paper::A6, A6), (Paper::A5, A5)] {
        let bytes = render(&sheets, paper, &captions_id(), "Label batch").unwrap();
        let doc = pdf::load(&bytes);
        let pages = pdf::pages(&doc);
        assert_eq!(pages.len(), sheets.len());
        for page in &pages {
            assert!(
                pdf::is_size(page, size),
                "{paper:?}: {} × {}",
                page.width,
                page.height
            );
        }
        // In order: labels carry a barcode, slips do not.
        for (page, sheet) in pages.iter().zip(&sheets) {
            let is_label = matches!(sheet, Sheet::Label(_));
            assert_eq!(!page.tagged("Barcode").is_empty(), is_label);
        }
    }
}

#[test]
fn paper_names_parse() {
    assert_eq!(Paper::parse("A6"), Some(Paper::A6));
    assert_eq!(Paper::parse("a5"), Some(Paper::A5));
    assert_eq!(Paper::parse(" a6 "), Some(Paper::A6));
    assert_eq!(Paper::parse("letter"), None);
    assert_eq!(Paper::default(), Paper::A6);
}

#[test]
fn the_same_batch_renders_to_the_same_bytes() {
    let sheets = labels(5);
    let a = render(&sheets, Paper::A6, &captions_id(), "Batch").unwrap();
    let b = render(&sheets, Paper::A6, &captions_id(), "Batch").unwrap();
    assert!(a == b, "two renders of one batch differ");
    // …and a different batch differs, down to the file id.
    let c = render(&labels(4), Paper::A6, &captions_id(), "Batch").unwrap();
    assert_ne!(a, c);
    let id = |bytes: &[u8]| pdf::load(bytes).trailer.get(b"ID").unwrap().clone();
    assert_ne!(id(&a), id(&c));
}

#[test]
fn each_font_is_embedded_once_per_batch_and_subset() {
    let one = render(&labels(1), Paper::A6, &captions_id(), "1").unwrap();
    let hundred = render(&labels(100), Paper::A6, &captions_id(), "100").unwrap();
    let doc = pdf::load(&hundred);
    let font_files = doc
        .objects
        .values()
        .filter_map(|o| {
            o.as_dict()
                .ok()
                .or_else(|| o.as_stream().ok().map(|s| &s.dict))
        })
        .filter(|d| d.has(b"FontFile2"))
        .count();
    assert_eq!(font_files, 2, "regular and bold, once each");
    // Subsets: the two full faces alone are ~1.4 MB.
    assert!(one.len() < 60_000, "1 label: {} bytes", one.len());
    assert!(
        hundred.len() < 400_000,
        "100 labels: {} bytes",
        hundred.len()
    );
}

#[test]
fn an_empty_batch_is_an_error() {
    assert!(matches!(
        render(&[], Paper::A6, &captions_id(), "x"),
        Err(LabelError::NoSheets)
    ));
}

#[test]
fn a_resi_code128_cannot_carry_is_an_error() {
    for resi in ["ÄÖ", "", "AWB\n123", &"A".repeat(60)] {
        let sheets = [Sheet::Label(label(0, resi, false))];
        let err = render(&sheets, Paper::A6, &captions_id(), "x").unwrap_err();
        assert!(matches!(err, LabelError::Resi { .. }), "{resi:?}: {err}");
    }
    // Too long for 0.25 mm bars across A6, but A5 is wider.
    let long = "JX".repeat(20);
    let sheets = [Sheet::Label(label(0, &long, false))];
    assert!(render(&sheets, Paper::A6, &captions_id(), "x").is_err());
    assert!(render(&sheets, Paper::A5, &captions_id(), "x").is_ok());
}

#[test]
fn an_oversized_qr_payload_is_an_error() {
    let mut l = label(0, "002600112233", false);
    l.qr = format!("https://etalase.id/lacak/{}", "x".repeat(400));
    let err = render(&[Sheet::Label(l)], Paper::A6, &captions_en(), "x").unwrap_err();
    assert!(
        matches!(err, LabelError::QrTooLong { max: 213, .. }),
        "{err}"
    );
}

//! Nothing runs off the sheet, whatever the order holds: every rectangle and
//! every line of text stays inside the printable part of the page, and no
//! two lines of text overlap.

mod common;

use common::data::{captions_en, captions_id, label, slip, unreasonable_label, unreasonable_slip};
use common::pdf::{self, Page, Text};
use etalase_labels::{Paper, Sheet, render};

/// Label printers leave the outer ~2 mm blank; nothing may be drawn there.
const UNPRINTABLE: f32 = 2.0 * 72.0 / 25.4;
const EPS: f32 = 0.01;

/// The box a text run occupies: DejaVu's caps and accents stay within 0.76 em
/// above the baseline, descenders within 0.24 em below.
fn text_box(t: &Text) -> (f32, f32, f32, f32) {
    (t.x, t.y - 0.24 * t.size, t.x + t.width, t.y + 0.76 * t.size)
}

fn assert_inside(page: &Page, what: &str) {
    let (lo_x, lo_y) = (UNPRINTABLE - EPS, UNPRINTABLE - EPS);
    let (hi_x, hi_y) = (
        page.width - UNPRINTABLE + EPS,
        page.height - UNPRINTABLE + EPS,
    );
    assert!(!page.rects.is_empty() && !page.texts.is_empty());
    for r in &page.rects {
        assert!(r.w > 0.0 && r.h > 0.0, "{what}: empty {r:?}");
        let inside = r.x >= lo_x && r.y >= lo_y && r.x + r.w <= hi_x && r.y + r.h <= hi_y;
        assert!(inside, "{what}: {r:?} leaves the page");
    }
    for t in &page.texts {
        let (x0, y0, x1, y1) = text_box(t);
        let inside = x0 >= lo_x && y0 >= lo_y && x1 <= hi_x && y1 <= hi_y;
        assert!(
            inside,
            "{what}: {:?} at ({}, {}) w {} leaves the page",
            t.text, t.x, t.y, t.width
        );
        assert!(
            t.size >= 5.5,
            "{what}: {:?} at {} pt is too small to read",
            t.text,
            t.size
        );
    }
    for (i, a) in page.texts.iter().enumerate() {
        for b in &page.texts[i + 1..] {
            let (a0, a1, a2, a3) = text_box(a);
            let (b0, b1, b2, b3) = text_box(b);
            let apart = a2 <= b0 + EPS || b2 <= a0 + EPS || a3 <= b1 + EPS || b3 <= a1 + EPS;
            assert!(apart, "{what}: {:?} overlaps {:?}", a.text, b.text);
        }
    }
}

fn check(sheets: &[Sheet], what: &str) {
    for paper in [Paper::A6, Paper::A5] {
        for captions in [captions_id(), captions_en()] {
            let bytes = render(sheets, paper, &captions, what).unwrap();
            for (i, page) in pdf::pages(&pdf::load(&bytes)).iter().enumerate() {
                assert_inside(page, &format!("{what} {paper:?} page {}", i + 1));
            }
        }
    }
}

#[test]
fn ordinary_sheets_stay_inside() {
    check(
        &[
            Sheet::Label(label(1, "002600112233", true)),
            Sheet::Label(label(2, "JX1234567890", false)),
            Sheet::Slip(slip(3, 3)),
        ],
        "ordinary",
    );
}

#[test]
fn unreasonable_sheets_stay_inside() {
    check(
        &[
            Sheet::Label(unreasonable_label()),
            Sheet::Slip(unreasonable_slip()),
        ],
        "unreasonable",
    );
}

#[test]
fn empty_fields_do_not_break_the_layout() {
    let mut l = label(4, "1", false);
    l.sender = Default::default();
    l.recipient.address.clear();
    l.lines.clear();
    l.note = None;
    l.service.clear();
    let mut s = slip(5, 0);
    s.resi = None;
    s.note = None;
    check(&[Sheet::Label(l), Sheet::Slip(s)], "empty");
}

#[test]
fn truncated_text_ends_in_an_ellipsis() {
    let bytes = render(
        &[Sheet::Label(unreasonable_label())],
        Paper::A6,
        &captions_id(),
        "x",
    )
    .unwrap();
    let text = pdf::texts(&pdf::pages(&pdf::load(&bytes))[0]);
    assert!(text.contains("Raden Ayu Siti"), "{text}");
    assert!(
        !text.contains("Putri Jaya"),
        "a 60-character name cannot fit"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("Raden Ayu") && l.ends_with('…')),
        "{text}"
    );
}

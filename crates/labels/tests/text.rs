//! What a person reads off the sheets, read back through the fonts'
//! ToUnicode maps by lopdf's text extraction.

mod common;

use common::data::{captions_en, captions_id, label, slip, unreasonable_slip};
use common::pdf;
use etalase_labels::{Paper, Sheet, render};

#[test]
fn a_label_says_who_what_and_how_much() {
    let cod = label(1, "002600112233", true);
    let mut plain = label(2, "JX1234567890", false);
    plain.recipient.name = "Ayu Kusumaningrum".into();
    plain.courier = "J&T Express".into();
    let sheets = [Sheet::Label(cod.clone()), Sheet::Label(plain.clone())];
    let bytes = render(&sheets, Paper::A6, &captions_id(), "Label").unwrap();
    let doc = pdf::load(&bytes);

    let first = pdf::extract_text(&doc, 1);
    for needle in [
        "002600112233",
        cod.order_id.as_str(),
        "Siti Nurhaliza Pratiwi",
        "SiCepat",
        "REG",
        "COD — tagih Rp1.250.000",
        "1,2 kg",
        "Penerima",
        "Pengirim",
    ] {
        assert!(first.contains(needle), "{needle:?} missing from:\n{first}");
    }
    assert!(!first.contains("Non-COD"));

    let second = pdf::extract_text(&doc, 2);
    for needle in [
        "JX1234567890",
        "Ayu Kusumaningrum",
        "J&T Express",
        "Non-COD",
    ] {
        assert!(
            second.contains(needle),
            "{needle:?} missing from:\n{second}"
        );
    }
    assert!(!second.contains("tagih"));
}

#[test]
fn indonesian_text_and_rupiah_survive() {
    let mut l = label(3, "002600112233", true);
    l.recipient.name = "Bu Ratna (Warung Kopi “Sedap”)".into();
    l.recipient.address = vec!["Jl. Pemuda No. 5 — samping masjid, ±200 m dari pasar".into()];
    l.note = Some("Jangan dibanting ya, isinya kaca ½ lusin".into());
    let bytes = render(&[Sheet::Label(l)], Paper::A6, &captions_en(), "Label").unwrap();
    let doc = pdf::load(&bytes);
    let text = pdf::extract_text(&doc, 1);
    for needle in [
        "Bu Ratna (Warung Kopi “Sedap”)",
        "samping masjid, ±200 m dari pasar",
        "COD — collect Rp1.250.000",
        "kaca ½ lusin",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn characters_the_font_lacks_print_as_question_marks() {
    let l = label(4, "002600112233", false); // its note ends in 🎁
    let bytes = render(&[Sheet::Label(l)], Paper::A6, &captions_id(), "Label").unwrap();
    let text = pdf::extract_text(&pdf::load(&bytes), 1);
    assert!(text.contains("ibu ?"), "{text}");
    assert!(!text.contains('🎁'));
}

#[test]
fn a_packing_slip_lists_its_items_and_total() {
    let s = slip(5, 4);
    let bytes = render(&[Sheet::Slip(s.clone())], Paper::A6, &captions_id(), "Slip").unwrap();
    let doc = pdf::load(&bytes);
    let text = pdf::extract_text(&doc, 1);
    for needle in [
        "Daftar Isi Paket",
        "Toko Batik Sekar Jagad",
        "Rp1.295.000",
        "002600112233",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    for line in &s.lines {
        assert!(text.contains(&line.sku), "{} missing", line.sku);
        assert!(text.contains(&line.subtotal), "{} missing", line.subtotal);
    }
    assert!(!text.contains("lainnya"), "nothing is left out of 4 lines");
}

#[test]
fn a_long_slip_shows_what_fits_then_how_many_more() {
    for paper in [Paper::A6, Paper::A5] {
        let s = unreasonable_slip();
        let bytes = render(&[Sheet::Slip(s.clone())], paper, &captions_id(), "Slip").unwrap();
        let doc = pdf::load(&bytes);
        let text = pdf::extract_text(&doc, 1);
        assert!(text.contains(&s.total), "{paper:?}: total missing");
        let shown = s.lines.iter().take_while(|l| text.contains(&l.sku)).count();
        assert!(shown >= 5, "{paper:?}: only {shown} lines shown");
        assert!(
            s.lines[shown..].iter().all(|l| !text.contains(&l.sku)),
            "{paper:?}: the shown lines are the first ones"
        );
        let more = format!("+{} barang lainnya", s.lines.len() - shown);
        assert!(
            text.contains(&more),
            "{paper:?}: {more:?} missing from:\n{text}"
        );
    }
}

#[test]
fn a_long_label_shows_what_fits_then_how_many_more() {
    let l = common::data::unreasonable_label();
    let bytes = render(&[Sheet::Label(l.clone())], Paper::A6, &captions_en(), "L").unwrap();
    let page = &pdf::pages(&pdf::load(&bytes))[0];
    let text = pdf::texts(page);
    let shown = l
        .lines
        .iter()
        .take_while(|x| text.contains(&format!("{}×", x.quantity)))
        .count();
    assert!(shown >= 3, "only {shown} items shown:\n{text}");
    assert!(
        text.contains(&format!("+{} more", l.lines.len() - shown)),
        "{text}"
    );
}

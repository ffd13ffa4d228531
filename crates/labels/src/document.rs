//! Assembling the PDF: page tree, one compressed content stream per page,
//! and each face embedded once for the whole batch as a subset.
//!
//! The file is fully determined by its input: there is no creation date,
//! and the trailer's file id is a hash of the content, so the same batch
//! renders to the same bytes (for caching, and for tests).

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::LabelError;
use crate::fonts::{Font, Fonts};

const PT_PER_MM: f32 = 72.0 / 25.4;

const SYSTEM_INFO: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// Writes the finished pages (raw content streams) and the fonts they used.
pub(crate) fn write(
    page_mm: (f32, f32),
    fonts: &Fonts,
    pages: &[Vec<u8>],
    title: &str,
) -> Result<Vec<u8>, LabelError> {
    let mut next = Ref::new(1);
    let catalog = next.bump();
    let tree = next.bump();
    let info = next.bump();
    let mut pdf = Pdf::new();
    let mut hash = Fingerprint::new();
    hash.add(title.as_bytes());

    // The names match `Canvas::resource`.
    let mut font_refs = Vec::new();
    for (name, font) in [(&b"F1"[..], &fonts.regular), (&b"F2"[..], &fonts.bold)] {
        if font.used() {
            font_refs.push((name, write_font(&mut pdf, &mut next, font, &mut hash)?));
        }
    }

    let media = Rect::new(0.0, 0.0, page_mm.0 * PT_PER_MM, page_mm.1 * PT_PER_MM);
    let mut page_refs = Vec::with_capacity(pages.len());
    for content in pages {
        hash.add(content);
        let page_ref = next.bump();
        let content_ref = next.bump();
        page_refs.push(page_ref);
        pdf.stream(content_ref, &compress(content))
            .filter(Filter::FlateDecode);
        let mut page = pdf.page(page_ref);
        page.media_box(media).parent(tree).contents(content_ref);
        let mut resources = page.resources();
        let mut dict = resources.fonts();
        for (name, font_ref) in &font_refs {
            dict.pair(Name(name), *font_ref);
        }
    }

    pdf.pages(tree)
        .kids(page_refs.iter().copied())
        .count(page_refs.len() as i32);
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("etalase-labels"));
    let id = hash.digest().to_vec();
    pdf.set_file_id((id.clone(), id));
    Ok(pdf.finish())
}

/// A Type0 font over a TrueType subset, with widths and a ToUnicode map (so
/// text can be searched, copied and read back). Returns the Type0 font.
fn write_font(
    pdf: &mut Pdf,
    next: &mut Ref,
    font: &Font,
    hash: &mut Fingerprint,
) -> Result<Ref, LabelError> {
    let subset = font.subset()?;
    hash.add(&subset.data);
    let type0 = next.bump();
    let cid = next.bump();
    let descriptor = next.bump();
    let file = next.bump();
    let cmap = next.bump();

    // A subset's name carries a six-letter tag (PDF 32000-1 §9.6.4), here
    // taken from the subset's bytes so it too is deterministic.
    let tag: String = Fingerprint::of(&subset.data)[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    let base = format!("{tag}+{}", font.base_name);
    let base = Name(base.as_bytes());

    pdf.type0_font(type0)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);

    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(SYSTEM_INFO)
        .font_descriptor(descriptor)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid_font
        .widths()
        .consecutive(0, subset.widths.iter().map(|w| w.round()));
    cid_font.finish();

    let [x0, y0, x1, y1] = subset.bbox;
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(x0, y0, x1, y1))
        .italic_angle(0.0)
        .ascent(subset.ascent)
        .descent(subset.descent)
        .cap_height(subset.cap_height)
        .stem_v(80.0)
        .font_file2(file);

    pdf.stream(file, &compress(&subset.data))
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), subset.data.len() as i32);

    let mut map = UnicodeCmap::new(Name(b"Etalase-UCS"), SYSTEM_INFO);
    for (&glyph, &c) in &subset.chars {
        map.pair(glyph, c);
    }
    pdf.stream(cmap, &compress(&map.finish()))
        .filter(Filter::FlateDecode);
    Ok(type0)
}

fn compress(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// Two FNV-1a lanes with different seeds: 16 bytes that change with any
/// byte of input. An identifier, not a security measure.
struct Fingerprint([u64; 2]);

impl Fingerprint {
    fn new() -> Self {
        Fingerprint([0xcbf2_9ce4_8422_2325, 0x6c62_272e_07bb_0142])
    }

    fn of(data: &[u8]) -> [u8; 16] {
        let mut f = Fingerprint::new();
        f.add(data);
        f.digest()
    }

    fn add(&mut self, data: &[u8]) {
        // The length first, so that ("ab", "c") and ("a", "bc") differ.
        for b in (data.len() as u64).to_le_bytes().iter().chain(data) {
            for lane in &mut self.0 {
                *lane = (*lane ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
    }

    fn digest(&self) -> [u8; 16] {
        let mut out = [0; 16];
        out[..8].copy_from_slice(&self.0[0].to_be_bytes());
        out[8..].copy_from_slice(&self.0[1].to_be_bytes());
        out
    }
}

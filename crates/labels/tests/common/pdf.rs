//! Reading the PDFs back: pages, their boxes, and every mark on them
//! (filled rectangles and text runs with their real extent, from the font's
//! own /W widths), grouped by the marked-content tag they were drawn in.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object};

pub const A6: (f32, f32) = (283.46, 425.20);
pub const A5: (f32, f32) = (419.53, 595.28);

#[derive(Debug, Clone)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    /// The innermost marked-content tag (`Barcode`, `QRCode`), if any.
    pub tag: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Text {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    /// Advance width in points, from the font's /W array.
    pub width: f32,
    /// Decoded through the font's ToUnicode map.
    pub text: String,
    /// Fill gray when drawn (1 = white on a black box).
    pub gray: f32,
}

#[derive(Debug)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub rects: Vec<Rect>,
    pub texts: Vec<Text>,
}

impl Page {
    pub fn tagged(&self, tag: &str) -> Vec<&Rect> {
        self.rects
            .iter()
            .filter(|r| r.tag.as_deref() == Some(tag))
            .collect()
    }
}

pub fn load(bytes: &[u8]) -> Document {
    Document::load_mem(bytes).expect("the PDF parses")
}

/// lopdf's own text extraction of one page (1-based), through ToUnicode.
pub fn extract_text(doc: &Document, page: u32) -> String {
    doc.extract_text(&[page]).expect("text extracts")
}

fn num(o: &Object) -> f32 {
    o.as_float()
        .or_else(|_| o.as_i64().map(|i| i as f32))
        .expect("a number")
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).expect("a reachable object").1
}

struct FontInfo {
    widths: BTreeMap<u16, f32>,
    unicode: BTreeMap<u16, String>,
}

fn font_info(doc: &Document, font: &Dictionary) -> FontInfo {
    let descendants = deref(doc, font.get(b"DescendantFonts").unwrap());
    let cid = deref(doc, &descendants.as_array().unwrap()[0])
        .as_dict()
        .unwrap();
    let mut widths = BTreeMap::new();
    let w = deref(doc, cid.get(b"W").unwrap()).as_array().unwrap();
    let mut i = 0;
    while i < w.len() {
        let first = num(&w[i]) as u16;
        if let Ok(list) = w[i + 1].as_array() {
            for (k, v) in list.iter().enumerate() {
                widths.insert(first + k as u16, num(v));
            }
            i += 2;
        } else {
            for g in first..=num(&w[i + 1]) as u16 {
                widths.insert(g, num(&w[i + 2]));
            }
            i += 3;
        }
    }
    let cmap = deref(doc, font.get(b"ToUnicode").unwrap())
        .as_stream()
        .unwrap();
    let cmap = String::from_utf8(cmap.decompressed_content().unwrap()).unwrap();
    let mut unicode = BTreeMap::new();
    for line in cmap.lines() {
        // bfchar lines: <glyph> <utf-16be>
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.len() == 2 && parts.iter().all(|p| p.starts_with('<') && p.ends_with('>')) {
            let hex = |s: &str| s.trim_matches(|c| c == '<' || c == '>').to_string();
            let g = u16::from_str_radix(&hex(parts[0]), 16).unwrap();
            let units: Vec<u16> = hex(parts[1])
                .as_bytes()
                .chunks(4)
                .map(|c| u16::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
                .collect();
            unicode.insert(g, String::from_utf16(&units).unwrap());
        }
    }
    FontInfo { widths, unicode }
}

/// Every page with its marks, in page order.
pub fn pages(doc: &Document) -> Vec<Page> {
    doc.get_pages()
        .values()
        .map(|&id| {
            let page = doc.get_dictionary(id).unwrap();
            let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
            assert_eq!((num(&media[0]), num(&media[1])), (0.0, 0.0));
            let fonts: BTreeMap<Vec<u8>, FontInfo> = doc
                .get_page_fonts(id)
                .unwrap()
                .into_iter()
                .map(|(name, dict)| (name, font_info(doc, dict)))
                .collect();
            let content = Content::decode(&doc.get_page_content(id)).unwrap();
            let (rects, texts) = interpret(&content, &fonts);
            Page {
                width: num(&media[2]),
                height: num(&media[3]),
                rects,
                texts,
            }
        })
        .collect()
}

/// A small content-stream interpreter for the operators the crate writes.
/// Anything else is a failure: a new operator needs a look here first.
fn interpret(content: &Content, fonts: &BTreeMap<Vec<u8>, FontInfo>) -> (Vec<Rect>, Vec<Text>) {
    let mut rects = Vec::new();
    let mut texts = Vec::new();
    let mut pending = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    let mut gray = 0.0;
    let mut font: Option<&FontInfo> = None;
    let mut size = 0.0;
    let mut at = (0.0, 0.0);
    for op in &content.operations {
        let o = &op.operands;
        match op.operator.as_str() {
            "re" => pending.push((num(&o[0]), num(&o[1]), num(&o[2]), num(&o[3]))),
            "f" => {
                for (x, y, w, h) in pending.drain(..) {
                    rects.push(Rect {
                        x,
                        y,
                        w,
                        h,
                        tag: tags.last().cloned(),
                    });
                }
            }
            "g" => gray = num(&o[0]),
            "BMC" => tags.push(String::from_utf8(o[0].as_name().unwrap().to_vec()).unwrap()),
            "EMC" => {
                tags.pop().expect("EMC closes a BMC");
            }
            "BT" | "ET" => {}
            "Tf" => {
                font = Some(&fonts[o[0].as_name().unwrap()]);
                size = num(&o[1]);
            }
            "Tm" => {
                assert_eq!(
                    [num(&o[0]), num(&o[1]), num(&o[2]), num(&o[3])],
                    [1.0, 0.0, 0.0, 1.0]
                );
                at = (num(&o[4]), num(&o[5]));
            }
            "Tj" => {
                let f = font.expect("a font is set before text");
                let bytes = o[0].as_str().unwrap();
                let glyphs: Vec<u16> = bytes
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                let width = glyphs.iter().map(|g| f.widths[g]).sum::<f32>() / 1000.0 * size;
                let text = glyphs.iter().map(|g| f.unicode[g].as_str()).collect();
                texts.push(Text {
                    x: at.0,
                    y: at.1,
                    size,
                    width,
                    text,
                    gray,
                });
            }
            other => panic!("unexpected operator {other}"),
        }
    }
    assert!(tags.is_empty(), "unclosed marked content");
    (rects, texts)
}

/// The page's text runs, each on its own line, in drawing order.
pub fn texts(page: &Page) -> String {
    page.texts
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn is_size(page: &Page, (w, h): (f32, f32)) -> bool {
    (page.width - w).abs() < 0.5 && (page.height - h).abs() < 0.5
}

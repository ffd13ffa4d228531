//! The two compiled-in faces: metrics for layout, glyph encoding for the
//! content streams, and the subset + ToUnicode map written into the PDF.
//!
//! Text is written with a Type0 font (Identity-H), two bytes per glyph. The
//! glyph ids in the content are the *subset's* ids, handed out in order of
//! first use by the `GlyphRemapper`, so a page can be written as soon as it
//! is laid out and the font is subset once at the end, for the whole batch.

use std::collections::BTreeMap;

use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use crate::LabelError;

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Millimetres per PostScript point.
pub(crate) const MM_PER_PT: f32 = 25.4 / 72.0;

/// Which face to write with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Regular,
    Bold,
}

/// Both faces of one document.
pub(crate) struct Fonts {
    pub(crate) regular: Font,
    pub(crate) bold: Font,
}

impl Fonts {
    pub(crate) fn new() -> Self {
        Fonts {
            regular: Font::new(REGULAR, "DejaVuSans"),
            bold: Font::new(BOLD, "DejaVuSans-Bold"),
        }
    }

    pub(crate) fn get(&self, style: Style) -> &Font {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }

    pub(crate) fn get_mut(&mut self, style: Style) -> &mut Font {
        match style {
            Style::Regular => &mut self.regular,
            Style::Bold => &mut self.bold,
        }
    }
}

/// One face and what the document has used of it so far.
pub(crate) struct Font {
    data: &'static [u8],
    face: Face<'static>,
    pub(crate) base_name: &'static str,
    remapper: GlyphRemapper,
    /// Subset glyph id → the character it was used for (the ToUnicode map).
    chars: BTreeMap<u16, char>,
}

/// A subset ready to embed, with what the PDF font dictionaries need.
pub(crate) struct Subset {
    pub(crate) data: Vec<u8>,
    /// Advance widths in 1/1000 em, indexed by subset glyph id (= CID).
    pub(crate) widths: Vec<f32>,
    pub(crate) chars: BTreeMap<u16, char>,
    pub(crate) ascent: f32,
    pub(crate) descent: f32,
    pub(crate) cap_height: f32,
    pub(crate) bbox: [f32; 4],
}

impl Font {
    fn new(data: &'static [u8], base_name: &'static str) -> Self {
        // The bytes are compiled in and known good: failing here is a build
        // defect, not a runtime condition.
        let face = Face::parse(data, 0).expect("embedded font parses");
        Font {
            data,
            face,
            base_name,
            remapper: GlyphRemapper::new(),
            chars: BTreeMap::new(),
        }
    }

    /// The glyph a character is drawn with. Characters the face lacks (emoji,
    /// CJK, controls) print as "?" so that measuring and drawing agree and
    /// nothing shows as an invisible box.
    fn glyph(&self, c: char) -> (GlyphId, char) {
        let c = if c.is_whitespace() { ' ' } else { c };
        match self.face.glyph_index(c) {
            Some(g) if !c.is_control() => (g, c),
            _ => (self.face.glyph_index('?').unwrap_or(GlyphId(0)), '?'),
        }
    }

    fn advance(&self, g: GlyphId) -> f32 {
        f32::from(self.face.glyph_hor_advance(g).unwrap_or(0)) / f32::from(self.face.units_per_em())
    }

    /// Width of `text` in millimetres at `size` points.
    pub(crate) fn width_mm(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.char_width_mm(c, size)).sum()
    }

    /// Width of one character in millimetres at `size` points.
    pub(crate) fn char_width_mm(&self, c: char, size: f32) -> f32 {
        self.advance(self.glyph(c).0) * size * MM_PER_PT
    }

    /// Distance from the baseline to the top of capitals, in millimetres.
    pub(crate) fn cap_height_mm(&self, size: f32) -> f32 {
        let cap = self.face.capital_height().unwrap_or(self.face.ascender());
        f32::from(cap) / f32::from(self.face.units_per_em()) * size * MM_PER_PT
    }

    /// The content-stream bytes for `text`: big-endian subset glyph ids.
    pub(crate) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (g, shown) = self.glyph(c);
            let new = self.remapper.remap(g.0);
            self.chars.entry(new).or_insert(shown);
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    }

    /// Whether any text was written with this face (unused faces are left out).
    pub(crate) fn used(&self) -> bool {
        !self.chars.is_empty()
    }

    /// The subset of the glyphs used so far.
    pub(crate) fn subset(&self) -> Result<Subset, LabelError> {
        let data = subsetter::subset(self.data, 0, &self.remapper)
            .map_err(|e| LabelError::Pdf(format!("subsetting {}: {e}", self.base_name)))?;
        let widths = self
            .remapper
            .remapped_gids()
            .map(|old| self.advance(GlyphId(old)) * 1000.0)
            .collect();
        let per_mille = |v: i16| f32::from(v) * 1000.0 / f32::from(self.face.units_per_em());
        let b = self.face.global_bounding_box();
        Ok(Subset {
            data,
            widths,
            chars: self.chars.clone(),
            ascent: per_mille(self.face.ascender()),
            descent: per_mille(self.face.descender()),
            cap_height: per_mille(self.face.capital_height().unwrap_or(self.face.ascender())),
            bbox: [
                per_mille(b.x_min),
                per_mille(b.y_min),
                per_mille(b.x_max),
                per_mille(b.y_max),
            ],
        })
    }
}

//! A page being drawn, in layout units.
//!
//! Layouts work in millimetres from the top-left corner of an A6-sized frame
//! (100 mm wide, 150 mm tall) and font sizes in points as they would print on
//! A6. A5 is the same layout scaled by 210/150, with the frame widened to
//! fill the page. Conversion to PDF points (origin bottom-left) happens only
//! here.
//!
//! Every mark is a filled rectangle or a line of text: rules and boxes are
//! thin rectangles, not strokes, so that what is drawn is exactly the
//! rectangle given (no half line width spilling past an edge).

use pdf_writer::{Content, Name, Str};

use crate::fonts::{Fonts, MM_PER_PT, Style};
use crate::text;

/// Points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// How layout millimetres map onto the page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    /// Physical millimetres per layout millimetre.
    pub(crate) scale: f32,
    /// Layout width (100 on A6, wider on A5 so the page is filled).
    pub(crate) width: f32,
    /// Layout height (150 on both).
    pub(crate) height: f32,
    page_height_pt: f32,
}

impl Frame {
    pub(crate) fn new(page_mm: (f32, f32)) -> Self {
        let scale = page_mm.1 / 150.0;
        Frame {
            scale,
            width: page_mm.0 / scale,
            height: 150.0,
            page_height_pt: page_mm.1 * PT_PER_MM,
        }
    }

    fn x(&self, mm: f32) -> f32 {
        round(mm * self.scale * PT_PER_MM)
    }

    fn y(&self, mm: f32) -> f32 {
        round(self.page_height_pt - mm * self.scale * PT_PER_MM)
    }

    fn len(&self, mm: f32) -> f32 {
        round(mm * self.scale * PT_PER_MM)
    }
}

/// Thousandths of a point: far finer than any printer, and it keeps the
/// content streams short.
fn round(v: f32) -> f32 {
    (v * 1000.0).round() / 1000.0
}

/// Horizontal anchoring of a line of text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

pub(crate) struct Canvas<'a> {
    pub(crate) frame: Frame,
    pub(crate) fonts: &'a mut Fonts,
    content: Content,
}

impl<'a> Canvas<'a> {
    pub(crate) fn new(frame: Frame, fonts: &'a mut Fonts) -> Self {
        Canvas {
            frame,
            fonts,
            content: Content::new(),
        }
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.content.finish().into_vec()
    }

    /// The PDF resource name of a face (see `document`).
    fn resource(style: Style) -> Name<'static> {
        match style {
            Style::Regular => Name(b"F1"),
            Style::Bold => Name(b"F2"),
        }
    }

    /// Width of `text` in layout millimetres.
    pub(crate) fn width(&self, style: Style, size: f32, text: &str) -> f32 {
        self.fonts.get(style).width_mm(text, size)
    }

    /// Height of capitals above the baseline, in layout millimetres.
    pub(crate) fn cap_height(&self, style: Style, size: f32) -> f32 {
        self.fonts.get(style).cap_height_mm(size)
    }

    /// One line of text with its baseline at `baseline`, anchored at `x`.
    /// The caller has already fitted it (see `text`).
    pub(crate) fn text(
        &mut self,
        style: Style,
        size: f32,
        x: f32,
        baseline: f32,
        align: Align,
        text: &str,
    ) {
        if text.is_empty() {
            return;
        }
        let left = match align {
            Align::Left => x,
            Align::Center => x - self.width(style, size, text) / 2.0,
            Align::Right => x - self.width(style, size, text),
        };
        let glyphs = self.fonts.get_mut(style).encode(text);
        let (px, py) = (self.frame.x(left), self.frame.y(baseline));
        self.content
            .begin_text()
            .set_font(Self::resource(style), round(size * self.frame.scale))
            .set_text_matrix([1.0, 0.0, 0.0, 1.0, px, py])
            .show(Str(&glyphs))
            .end_text();
    }

    /// Wrapped text from `first_baseline` down, as many lines as have their
    /// baseline at or above `last_baseline`; what does not fit ends in "…".
    /// Returns the baseline after the last line drawn.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn paragraph<S: AsRef<str>>(
        &mut self,
        style: Style,
        size: f32,
        x: f32,
        first_baseline: f32,
        width: f32,
        last_baseline: f32,
        paragraphs: &[S],
    ) -> f32 {
        let lead = leading(size);
        if first_baseline > last_baseline {
            return first_baseline;
        }
        // The epsilon keeps an exact fit (n lines asked for) from losing one to
        // rounding.
        let room = ((last_baseline - first_baseline) / lead + 1e-3).floor() as usize + 1;
        let lines = text::wrap(self.fonts.get(style), size, width, paragraphs, room);
        let mut baseline = first_baseline;
        for line in &lines {
            self.text(style, size, x, baseline, Align::Left, line);
            baseline += lead;
        }
        baseline
    }

    /// `text` truncated to `width`, drawn on one line.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn line(
        &mut self,
        style: Style,
        size: f32,
        x: f32,
        baseline: f32,
        align: Align,
        width: f32,
        text: &str,
    ) {
        let fitted = text::truncate(self.fonts.get(style), size, width, text);
        self.text(style, size, x, baseline, align, &fitted);
    }

    /// `text` at the largest size from `max` down to `min` that fits `width`
    /// (truncated at `min`). Returns the size used.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn shrunk_line(
        &mut self,
        style: Style,
        (max, min): (f32, f32),
        x: f32,
        baseline: f32,
        align: Align,
        width: f32,
        text: &str,
    ) -> f32 {
        let (size, fitted) = text::shrink(self.fonts.get(style), max, min, width, text);
        self.text(style, size, x, baseline, align, &fitted);
        size
    }

    /// A filled rectangle; `y` is its top edge.
    pub(crate) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let f = self.frame;
        self.content
            .rect(f.x(x), f.y(y + h), f.len(w), f.len(h))
            .fill_nonzero();
    }

    /// A horizontal rule whose top edge is at `y`.
    pub(crate) fn hline(&mut self, x0: f32, x1: f32, y: f32, thickness: f32) {
        self.rect(x0, y, x1 - x0, thickness);
    }

    /// A vertical rule whose left edge is at `x`.
    pub(crate) fn vline(&mut self, x: f32, y0: f32, y1: f32, thickness: f32) {
        self.rect(x, y0, thickness, y1 - y0);
    }

    /// The outline of a box drawn inside `x, y, w, h`.
    pub(crate) fn frame_box(&mut self, x: f32, y: f32, w: f32, h: f32, t: f32) {
        self.hline(x, x + w, y, t);
        self.hline(x, x + w, y + h - t, t);
        self.vline(x, y + t, y + h - t, t);
        self.vline(x + w - t, y + t, y + h - t, t);
    }

    /// Gray level for fills and text from here on: 0 is black, 1 is white.
    pub(crate) fn gray(&mut self, level: f32) {
        self.content.set_fill_gray(level);
    }

    /// Marks the drawing between this and `end_mark` as one tagged group
    /// (`/Barcode BMC … EMC`) so a reader — and the tests — can find it.
    pub(crate) fn begin_mark(&mut self, tag: &'static [u8]) {
        self.content.begin_marked_content(Name(tag));
    }

    pub(crate) fn end_mark(&mut self) {
        self.content.end_marked_content();
    }
}

/// Line height for a size in points, in layout millimetres.
pub(crate) fn leading(size: f32) -> f32 {
    size * 1.22 * MM_PER_PT
}

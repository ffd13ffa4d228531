//! The item summary beside the QR code, with the buyer's note under it.

use super::{PAD, first_baseline};
use crate::canvas::{Align, Canvas, leading};
use crate::fonts::Style::{Bold, Regular};
use crate::{Captions, ShippingLabel};

/// The item summary: "2× Name (variant)" with the SKU at the right, as many
/// as fit above the buyer's note, then "+N more".
#[allow(clippy::too_many_arguments)]
pub(super) fn items(
    c: &mut Canvas<'_>,
    label: &ShippingLabel,
    captions: &Captions,
    top: f32,
    bottom: f32,
    left: f32,
    width: f32,
) {
    let size = 7.0;
    let lead = leading(size);
    let b0 = first_baseline(top, size) + 0.5;
    c.line(Bold, size, left, b0, Align::Left, width, &captions.items);
    let last = bottom - PAD - 0.5;

    // The note keeps up to two lines at the bottom.
    let mut items_last = last;
    if let Some(note) = label.note.as_deref().filter(|n| !n.trim().is_empty()) {
        let text = format!("{}: {}", captions.note, note.trim());
        let lines = crate::text::wrap(c.fonts.get(Regular), 6.5, width, &[text], 2);
        let first = last - (lines.len() - 1) as f32 * leading(6.5);
        for (i, line) in lines.iter().enumerate() {
            c.text(
                Regular,
                6.5,
                left,
                first + i as f32 * leading(6.5),
                Align::Left,
                line,
            );
        }
        items_last = first - leading(6.5) - 0.5;
    }

    let room = ((items_last - (b0 + lead)) / lead).floor().max(-1.0) as i64 + 1;
    let room = room.max(0) as usize;
    let shown = if label.lines.len() > room {
        room.saturating_sub(1)
    } else {
        label.lines.len()
    };
    let mut baseline = b0 + lead;
    for line in &label.lines[..shown] {
        let sku_w = c.width(Regular, 6.0, line.sku.trim()).min(width * 0.32);
        c.line(
            Regular,
            6.0,
            left + width,
            baseline,
            Align::Right,
            sku_w,
            &line.sku,
        );
        let mut what = format!("{}× {}", line.quantity, line.name.trim());
        if let Some(v) = line.variant.as_deref().filter(|v| !v.trim().is_empty()) {
            what.push_str(&format!(" ({})", v.trim()));
        }
        c.line(
            Regular,
            size,
            left,
            baseline,
            Align::Left,
            width - sku_w - 1.5,
            &what,
        );
        baseline += lead;
    }
    if shown < label.lines.len() {
        let more = captions.more(label.lines.len() - shown);
        c.line(Bold, size, left, baseline, Align::Left, width, &more);
    }
}

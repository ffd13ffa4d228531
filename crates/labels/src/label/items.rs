//! The item summary beside the QR code, with the buyer's note under it.

use super::{Block, PAD};
use crate::canvas::{Align, Canvas, leading};
use crate::fonts::Style::{Bold, Regular};
use crate::{Captions, ShippingLabel};

const SIZE: f32 = 7.0;
const SKU_SIZE: f32 = 6.0;
const NOTE_SIZE: f32 = 6.5;

/// "2× Name (variant)" with the SKU at the right, as many as fit above the
/// buyer's note, then "+N more".
pub(super) fn items(c: &mut Canvas<'_>, label: &ShippingLabel, captions: &Captions, b: Block) {
    let (left, width) = (b.left(), b.width());
    let lead = leading(SIZE);
    let b0 = b.first_baseline(SIZE) + 0.5;
    c.line(Bold, SIZE, left, b0, Align::Left, width, &captions.items);
    let last = b.bottom() - PAD - 0.5;

    // The note keeps up to two lines at the bottom.
    let mut items_last = last;
    if let Some(note) = label.note.as_deref().filter(|n| !n.trim().is_empty()) {
        let text = format!("{}: {}", captions.note, note.trim());
        let lines = crate::text::wrap(c.fonts.get(Regular), NOTE_SIZE, width, &[text], 2);
        let first = last - (lines.len() - 1) as f32 * leading(NOTE_SIZE);
        for (i, line) in lines.iter().enumerate() {
            let y = first + i as f32 * leading(NOTE_SIZE);
            c.text(Regular, NOTE_SIZE, left, y, Align::Left, line);
        }
        items_last = first - leading(NOTE_SIZE) - 0.5;
    }

    let first = b0 + lead;
    let room = if items_last < first {
        0
    } else {
        ((items_last - first) / lead + 1e-3).floor() as usize + 1
    };
    let total = label.lines.len();
    let shown = if total > room {
        room.saturating_sub(1)
    } else {
        total
    };
    let mut y = first;
    for line in &label.lines[..shown] {
        // The SKU gets at most a third of the line; the name what is left.
        let sku_w = c
            .width(Regular, SKU_SIZE, line.sku.trim())
            .min(width * 0.32);
        c.line(
            Regular,
            SKU_SIZE,
            b.right(),
            y,
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
            SIZE,
            left,
            y,
            Align::Left,
            width - sku_w - 1.5,
            &what,
        );
        y += lead;
    }
    if shown < total {
        let more = captions.more(total - shown);
        c.line(Bold, SIZE, left, y, Align::Left, width, &more);
    }
}

//! The packing slip: what the packer puts in the parcel and the buyer finds
//! in it. Order facts and recipient on top, then a table of items (name,
//! variant and SKU; quantity; unit price; subtotal) and the total. A table
//! longer than the page ends in "+N more" instead of running off it.

use crate::canvas::{Align, Canvas, leading};
use crate::fonts::Style::{Bold, Regular};
use crate::{Captions, PackingSlip, SlipLine};

const MARGIN: f32 = 4.0;
const RULE: f32 = 0.35;
const HAIRLINE: f32 = 0.15;
/// One table row: the name line and the SKU line under it.
const ROW: f32 = 7.6;
const TOTAL_ROW: f32 = 8.0;

/// Right edges of the number columns, measured from the right margin, and
/// their widths: quantity, unit price, subtotal.
const QTY: (f32, f32) = (42.0, 7.0);
const PRICE: (f32, f32) = (21.5, 19.0);
const SUBTOTAL: (f32, f32) = (0.0, 20.0);

pub(crate) fn draw(c: &mut Canvas<'_>, slip: &PackingSlip, captions: &Captions) {
    let (w, h) = (c.frame.width, c.frame.height);
    let (left, right) = (MARGIN, w - MARGIN);
    let width = right - left;

    // Title and shop.
    let mut y = MARGIN + 5.5;
    let shop_w = width * 0.45;
    c.shrunk_line(
        Bold,
        (9.0, 6.5),
        right,
        y,
        Align::Right,
        shop_w,
        &slip.shop_name,
    );
    c.shrunk_line(
        Bold,
        (14.0, 9.0),
        left,
        y,
        Align::Left,
        width - shop_w - 3.0,
        &captions.packing_slip,
    );
    y += 3.0;
    c.hline(left, right, y, RULE);

    // Order facts.
    let size = 7.5;
    y += 1.5 + leading(size);
    let service = format!("{} {}", slip.courier.trim(), slip.service.trim());
    let mut facts = vec![
        (
            Regular,
            format!("{}: {}", captions.order, slip.order_id.trim()),
        ),
        (
            Regular,
            format!("{}: {}", captions.placed_on, slip.placed_on.trim()),
        ),
        (Regular, format!("{}: {}", captions.service, service.trim())),
    ];
    if let Some(resi) = slip.resi.as_deref().filter(|r| !r.trim().is_empty()) {
        facts.push((Bold, format!("{}: {}", captions.resi, resi.trim())));
    }
    for (style, line) in &facts {
        c.shrunk_line(*style, (size, 6.0), left, y, Align::Left, width, line);
        y += leading(size);
    }

    // Recipient.
    y += 1.5;
    c.line(Bold, 7.0, left, y, Align::Left, width, &captions.recipient);
    y += leading(9.0);
    let phone_w = c
        .width(Regular, size, slip.recipient.phone.trim())
        .min(width * 0.4);
    c.line(
        Regular,
        size,
        right,
        y,
        Align::Right,
        phone_w,
        &slip.recipient.phone,
    );
    let name_w = width - phone_w - 3.0;
    c.shrunk_line(
        Bold,
        (9.0, 7.5),
        left,
        y,
        Align::Left,
        name_w,
        &slip.recipient.name,
    );
    y += leading(size);
    let last = y + 2.0 * leading(size);
    y = c.paragraph(Regular, size, left, y, width, last, &slip.recipient.address);
    y -= leading(size) - 2.0;
    c.hline(left, right, y, RULE);

    // The footer (total, note) follows the table; the table gets the room
    // that leaves above the bottom margin.
    let note_lines = slip
        .note
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(|n| {
            let text = format!("{}: {}", captions.note, n.trim());
            crate::text::wrap(c.fonts.get(Regular), 7.0, width, &[text], 3)
        })
        .unwrap_or_default();
    let footer_h = 1.0 + TOTAL_ROW + note_lines.len() as f32 * leading(7.0);
    let table_bottom = h - MARGIN - footer_h;

    // The table.
    y += 1.0 + leading(7.0);
    let item_w = width - QTY.0 - QTY.1 - 2.0;
    c.line(Bold, 7.0, left, y, Align::Left, item_w, &captions.items);
    for ((from_right, col_w), caption) in [
        (QTY, &captions.quantity),
        (PRICE, &captions.price),
        (SUBTOTAL, &captions.subtotal),
    ] {
        c.line(
            Bold,
            7.0,
            right - from_right,
            y,
            Align::Right,
            col_w,
            caption,
        );
    }
    y += 1.5;
    c.hline(left, right, y, HAIRLINE);
    let room = ((table_bottom - y) / ROW + 1e-3).floor().max(0.0) as usize;
    let shown = if slip.lines.len() > room {
        room.saturating_sub(1)
    } else {
        slip.lines.len()
    };
    for (i, line) in slip.lines[..shown].iter().enumerate() {
        if i > 0 {
            c.hline(left, right, y - HAIRLINE, HAIRLINE);
        }
        row(c, line, captions, y, left, right, item_w);
        y += ROW;
    }
    if shown < slip.lines.len() {
        c.hline(left, right, y - HAIRLINE, HAIRLINE);
        let more = captions.more(slip.lines.len() - shown);
        c.line(Bold, size, left, y + 4.8, Align::Left, width, &more);
        y += ROW;
    }

    // Total, then the note.
    let footer_top = y + 1.0;
    c.hline(left, right, footer_top, RULE);
    let total_baseline = footer_top + 5.5;
    let label_w = c.width(Bold, 9.0, &captions.total).min(width * 0.4);
    c.line(
        Bold,
        9.0,
        left,
        total_baseline,
        Align::Left,
        label_w,
        &captions.total,
    );
    let amount_w = width - label_w - 3.0;
    c.shrunk_line(
        Bold,
        (11.0, 7.0),
        right,
        total_baseline,
        Align::Right,
        amount_w,
        &slip.total,
    );
    let mut note_baseline = footer_top + TOTAL_ROW + leading(7.0) - 1.0;
    for line in &note_lines {
        c.text(Regular, 7.0, left, note_baseline, Align::Left, line);
        note_baseline += leading(7.0);
    }
}

/// One item: name and variant on the first line with the numbers, SKU under.
fn row(
    c: &mut Canvas<'_>,
    line: &SlipLine,
    captions: &Captions,
    top: f32,
    left: f32,
    right: f32,
    item_w: f32,
) {
    let size = 7.5;
    let b1 = top + 1.0 + leading(size) - 0.4;
    let b2 = b1 + leading(6.5);
    c.line(Regular, size, left, b1, Align::Left, item_w, &line.name);
    // The SKU is what the packer matches against the shelf: it goes first,
    // so a long variant is what gets cut.
    let mut detail = format!("{}: {}", captions.sku, line.sku.trim());
    if let Some(v) = line.variant.as_deref().filter(|v| !v.trim().is_empty()) {
        detail.push_str(&format!(" · {}", v.trim()));
    }
    c.line(Regular, 6.5, left, b2, Align::Left, item_w, &detail);
    let qty = line.quantity.to_string();
    for ((from_right, col_w), value, style) in [
        (QTY, qty.as_str(), Bold),
        (PRICE, line.unit_price.as_str(), Regular),
        (SUBTOTAL, line.subtotal.as_str(), Regular),
    ] {
        c.shrunk_line(
            style,
            (size, 5.5),
            right - from_right,
            b1,
            Align::Right,
            col_w,
            value,
        );
    }
}

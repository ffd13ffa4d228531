//! The fixed blocks of a label, top to bottom.

use super::{Block, RULE};
use crate::canvas::{Align, Canvas, leading};
use crate::fonts::Style::{Bold, Regular};
use crate::{Captions, Party, ShippingLabel};

/// Courier on the left, the service code reversed out of a black box on the
/// right (the packer sorts parcels by these two).
pub(super) fn header(c: &mut Canvas<'_>, label: &ShippingLabel, b: Block) {
    let size = 15.0;
    let baseline = b.top + (b.height + c.cap_height(Bold, size)) / 2.0;
    let mut courier_w = b.width();
    let service = label.service.trim();
    if !service.is_empty() {
        let service_w = c.width(Bold, size, service).min(b.width() * 0.4);
        let (box_w, box_h) = (service_w + 4.0, 8.5);
        let box_x = b.right() - box_w;
        c.rect(box_x, b.top + (b.height - box_h) / 2.0, box_w, box_h);
        c.gray(1.0);
        let at = b.right() - 2.0;
        c.shrunk_line(
            Bold,
            (size, 9.0),
            at,
            baseline,
            Align::Right,
            service_w,
            service,
        );
        c.gray(0.0);
        courier_w -= box_w + 3.0;
    }
    let left = b.left();
    c.shrunk_line(
        Bold,
        (size, 9.0),
        left,
        baseline,
        Align::Left,
        courier_w,
        &label.courier,
    );
}

/// "Resi  002600112233" centred under the bars, the number as large as fits.
pub(super) fn resi_line(c: &mut Canvas<'_>, captions: &Captions, resi: &str, b: Block, y: f32) {
    let caption_size = 7.0;
    let caption_w = c.width(Regular, caption_size, &captions.resi);
    let gap = if caption_w > 0.0 { 2.0 } else { 0.0 };
    let room = b.width() - caption_w - gap;
    let (size, resi) = crate::text::shrink(c.fonts.get(Bold), 15.0, 8.0, room, resi);
    let total = caption_w + gap + c.width(Bold, size, &resi);
    let start = (b.left() + b.right() - total) / 2.0;
    c.text(Regular, caption_size, start, y, Align::Left, &captions.resi);
    c.text(Bold, size, start + caption_w + gap, y, Align::Left, &resi);
}

/// The caption with the phone at the right of the same line, the name in
/// bold as large as fits the full width, and the address wrapped into what is
/// left of the block.
pub(super) fn party(
    c: &mut Canvas<'_>,
    caption: &str,
    who: &Party,
    b: Block,
    (name_size, address_size): (f32, f32),
) {
    let (left, width) = (b.left(), b.width());
    let caption_size = 7.0;
    let b0 = b.first_baseline(caption_size) + 1.0;
    let phone_size = address_size.max(7.5);
    let phone_w = c.width(Bold, phone_size, who.phone.trim()).min(width * 0.6);
    c.line(
        Bold,
        phone_size,
        b.right(),
        b0,
        Align::Right,
        phone_w,
        &who.phone,
    );
    let caption_w = width - phone_w - 2.0;
    c.line(
        Bold,
        caption_size,
        left,
        b0,
        Align::Left,
        caption_w,
        caption,
    );

    let b1 = b0 + leading(name_size) + 0.3;
    let sizes = (name_size, name_size * 0.78);
    c.shrunk_line(Bold, sizes, left, b1, Align::Left, width, &who.name);

    let first = b1 + leading(address_size) + 0.2;
    let last = b.bottom() - super::PAD - address_size * 0.1;
    c.paragraph(
        Regular,
        address_size,
        left,
        first,
        width,
        last,
        &who.address,
    );
}

/// Order number and date on the left, weight on the right.
pub(super) fn facts(c: &mut Canvas<'_>, label: &ShippingLabel, captions: &Captions, b: Block) {
    let split = b.x0 + (b.x1 - b.x0) * 0.64;
    c.vline(split - RULE / 2.0, b.top, b.bottom(), RULE);
    let cell = Block { x1: split, ..b };
    let (left, width) = (cell.left(), cell.width());
    let b0 = b.first_baseline(6.5) + 1.0;
    let b1 = b0 + leading(8.5);
    let b2 = b1 + leading(7.0) + 0.2;
    c.line(Regular, 6.5, left, b0, Align::Left, width, &captions.order);
    c.shrunk_line(
        Bold,
        (8.5, 6.0),
        left,
        b1,
        Align::Left,
        width,
        &label.order_id,
    );
    let placed = format!("{} {}", captions.placed_on, label.placed_on);
    c.line(Regular, 7.0, left, b2, Align::Left, width, &placed);

    let cell = Block { x0: split, ..b };
    let (left, width) = (cell.left(), cell.width());
    c.line(Regular, 6.5, left, b0, Align::Left, width, &captions.weight);
    c.shrunk_line(
        Bold,
        (12.0, 7.0),
        left,
        b1 + 1.5,
        Align::Left,
        width,
        &label.weight,
    );
}

/// COD: the amount to collect, reversed out of a black box so no courier
/// misses it. Non-COD: the caption in an outlined box.
pub(super) fn cod(c: &mut Canvas<'_>, label: &ShippingLabel, captions: &Captions, b: Block) {
    let (left, width) = (b.left(), b.width());
    let (box_y, box_h) = (b.top + 1.5, b.height - 3.0);
    let size = 13.0;
    let baseline = box_y + (box_h + c.cap_height(Bold, size)) / 2.0;
    let center = left + width / 2.0;
    let room = width - 4.0;
    match &label.cod_to_collect {
        Some(amount) => {
            c.rect(left, box_y, width, box_h);
            c.gray(1.0);
            let text = format!("{} {}", captions.cod.trim(), amount.trim());
            c.shrunk_line(
                Bold,
                (size, 7.0),
                center,
                baseline,
                Align::Center,
                room,
                &text,
            );
            c.gray(0.0);
        }
        None => {
            c.frame_box(left, box_y, width, box_h, RULE);
            let text = &captions.non_cod;
            c.shrunk_line(
                Bold,
                (11.0, 7.0),
                center,
                baseline,
                Align::Center,
                room,
                text,
            );
        }
    }
}

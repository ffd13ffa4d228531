//! The fixed blocks of a label, top to bottom.

use super::{COD, FACTS, HEADER, PAD, RULE, first_baseline};
use crate::canvas::{Align, Canvas, leading};
use crate::fonts::Style::{Bold, Regular};
use crate::{Captions, Party, ShippingLabel};

/// Courier on the left, the service code reversed out of a black box on the
/// right (the packer sorts parcels by these two).
pub(super) fn header(c: &mut Canvas<'_>, label: &ShippingLabel, top: f32, left: f32, right: f32) {
    let size = 15.0;
    let baseline = top + (HEADER + c.cap_height(Bold, size)) / 2.0;
    let service_w = c
        .width(Bold, size, label.service.trim())
        .min((right - left) * 0.4);
    let mut courier_w = right - left;
    if !label.service.trim().is_empty() {
        let box_w = service_w + 4.0;
        let box_h = 8.5;
        c.rect(right - box_w, top + (HEADER - box_h) / 2.0, box_w, box_h);
        c.gray(1.0);
        c.shrunk_line(
            Bold,
            (size, 9.0),
            right - 2.0,
            baseline,
            Align::Right,
            service_w,
            &label.service,
        );
        c.gray(0.0);
        courier_w -= box_w + 3.0;
    }
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
pub(super) fn resi_line(
    c: &mut Canvas<'_>,
    captions: &Captions,
    resi: &str,
    center: f32,
    baseline: f32,
    width: f32,
) {
    let caption_size = 7.0;
    let caption_w = c.width(Regular, caption_size, &captions.resi);
    let gap = if caption_w > 0.0 { 2.0 } else { 0.0 };
    let room = width - caption_w - gap;
    let (size, resi) = crate::text::shrink(c.fonts.get(Bold), 15.0, 8.0, room, resi);
    let total = caption_w + gap + c.width(Bold, size, &resi);
    let start = center - total / 2.0;
    c.text(
        Regular,
        caption_size,
        start,
        baseline,
        Align::Left,
        &captions.resi,
    );
    c.text(
        Bold,
        size,
        start + caption_w + gap,
        baseline,
        Align::Left,
        &resi,
    );
}

/// The caption with the phone at the right of the same line, the name in
/// bold as large as fits the full width, and the address wrapped into what is
/// left of the block.
#[allow(clippy::too_many_arguments)]
pub(super) fn party(
    c: &mut Canvas<'_>,
    caption: &str,
    who: &Party,
    top: f32,
    height: f32,
    left: f32,
    width: f32,
    (name_size, address_size): (f32, f32),
) {
    let caption_size = 7.0;
    let b0 = first_baseline(top, caption_size) + 1.0;
    let phone_size = address_size.max(7.5);
    let phone_w = c.width(Bold, phone_size, who.phone.trim()).min(width * 0.6);
    c.line(
        Bold,
        phone_size,
        left + width,
        b0,
        Align::Right,
        phone_w,
        &who.phone,
    );
    c.line(
        Bold,
        caption_size,
        left,
        b0,
        Align::Left,
        width - phone_w - 2.0,
        caption,
    );
    let b1 = b0 + leading(name_size) + 0.3;
    let sizes = (name_size, name_size * 0.78);
    c.shrunk_line(Bold, sizes, left, b1, Align::Left, width, &who.name);
    let last = top + height - PAD - address_size * 0.1;
    let first = b1 + leading(address_size) + 0.2;
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
pub(super) fn facts(
    c: &mut Canvas<'_>,
    label: &ShippingLabel,
    captions: &Captions,
    top: f32,
    x0: f32,
    x1: f32,
) {
    let split = x0 + (x1 - x0) * 0.64;
    c.vline(split - RULE / 2.0, top, top + FACTS, RULE);
    let left = x0 + PAD;
    let width = split - PAD - left;
    let b0 = first_baseline(top, 6.5) + 1.0;
    c.line(Regular, 6.5, left, b0, Align::Left, width, &captions.order);
    let b1 = b0 + leading(8.5);
    c.shrunk_line(
        Bold,
        (8.5, 6.0),
        left,
        b1,
        Align::Left,
        width,
        &label.order_id,
    );
    let b2 = b1 + leading(7.0) + 0.2;
    let placed = format!("{} {}", captions.placed_on, label.placed_on);
    c.line(Regular, 7.0, left, b2, Align::Left, width, &placed);

    let left = split + PAD;
    let width = x1 - PAD - left;
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
pub(super) fn cod(
    c: &mut Canvas<'_>,
    label: &ShippingLabel,
    captions: &Captions,
    top: f32,
    left: f32,
    width: f32,
) {
    let (box_y, box_h) = (top + 1.5, COD - 3.0);
    let size = 13.0;
    let baseline = box_y + (box_h + c.cap_height(Bold, size)) / 2.0;
    let center = left + width / 2.0;
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
                width - 4.0,
                &text,
            );
            c.gray(0.0);
        }
        None => {
            c.frame_box(left, box_y, width, box_h, RULE);
            c.shrunk_line(
                Bold,
                (11.0, 7.0),
                center,
                baseline,
                Align::Center,
                width - 4.0,
                &captions.non_cod,
            );
        }
    }
}

//! The shipping label, laid out like the labels couriers in Indonesia are
//! used to: courier and service on top, the resi barcode across the width,
//! recipient (largest), sender, order facts, the COD box, then the items
//! with the QR code beside them. Blocks are separated by thin rules.

mod blocks;
mod items;

use blocks::{cod, facts, header, party, resi_line};
use items::items;

use crate::canvas::Canvas;
use crate::{Captions, LabelError, ShippingLabel, barcode, qr};

/// Outer margin: thermal printers do not print the last millimetres.
pub(super) const MARGIN: f32 = 3.0;
/// Rule thickness (≈ 1 pt).
pub(super) const RULE: f32 = 0.35;
/// Inner padding of each block.
pub(super) const PAD: f32 = 2.0;

/// Block heights, top to bottom; the items block takes what is left.
pub(super) const HEADER: f32 = 13.0;
pub(super) const BARCODE: f32 = 28.0;
pub(super) const RECIPIENT: f32 = 31.0;
pub(super) const SENDER: f32 = 18.0;
pub(super) const FACTS: f32 = 13.0;
pub(super) const COD: f32 = 11.0;

pub(super) const BAR_HEIGHT: f32 = 15.0;
pub(super) const QR_SIDE: f32 = 26.0;

/// Distance from a block's top to the baseline of its first caption line.
pub(super) fn first_baseline(top: f32, size: f32) -> f32 {
    top + PAD + size * 0.26
}

pub(crate) fn draw(
    c: &mut Canvas<'_>,
    label: &ShippingLabel,
    captions: &Captions,
) -> Result<(), LabelError> {
    // Validate the codes before drawing anything.
    let qr_matrix = qr::encode(&label.qr)?;
    let (w, h) = (c.frame.width, c.frame.height);
    let (x0, x1) = (MARGIN, w - MARGIN);
    let (left, right) = (x0 + PAD, x1 - PAD);
    let inner = right - left;

    c.frame_box(x0, MARGIN, x1 - x0, h - 2.0 * MARGIN, RULE);
    let mut y = MARGIN;
    let rule_below = |c: &mut Canvas<'_>, y: &mut f32, height: f32| {
        *y += height;
        c.hline(x0, x1, *y - RULE / 2.0, RULE);
    };

    header(c, label, y, left, right);
    rule_below(c, &mut y, HEADER);

    let bars_top = y + 2.5;
    barcode::draw(
        c,
        &label.resi,
        w / 2.0,
        bars_top,
        x1 - x0 - 2.0 * RULE,
        BAR_HEIGHT,
    )?;
    resi_line(
        c,
        captions,
        &label.resi,
        w / 2.0,
        bars_top + BAR_HEIGHT + 6.5,
        inner,
    );
    rule_below(c, &mut y, BARCODE);

    party(
        c,
        &captions.recipient,
        &label.recipient,
        y,
        RECIPIENT,
        left,
        inner,
        (11.5, 9.0),
    );
    rule_below(c, &mut y, RECIPIENT);

    party(
        c,
        &captions.sender,
        &label.sender,
        y,
        SENDER,
        left,
        inner,
        (8.0, 7.0),
    );
    rule_below(c, &mut y, SENDER);

    facts(c, label, captions, y, x0, x1);
    rule_below(c, &mut y, FACTS);

    cod(c, label, captions, y, left, inner);
    rule_below(c, &mut y, COD);

    let bottom = h - MARGIN;
    let side = QR_SIDE.min(bottom - y - 2.0 * RULE);
    let qr_x = x1 - RULE - 0.5 - side;
    c.vline(qr_x - RULE, y, bottom, RULE);
    qr::draw(c, &qr_matrix, qr_x, y + (bottom - y - side) / 2.0, side);
    items(
        c,
        label,
        captions,
        y,
        bottom,
        left,
        qr_x - RULE - PAD - left,
    );
    Ok(())
}

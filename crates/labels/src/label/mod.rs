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

/// One block of the label: from `top`, `height` tall, between the outer
/// rules at `x0` and `x1`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Block {
    pub(super) top: f32,
    pub(super) height: f32,
    pub(super) x0: f32,
    pub(super) x1: f32,
}

impl Block {
    /// Left edge of the content, inside the padding.
    pub(super) fn left(&self) -> f32 {
        self.x0 + PAD
    }

    pub(super) fn right(&self) -> f32 {
        self.x1 - PAD
    }

    pub(super) fn width(&self) -> f32 {
        self.right() - self.left()
    }

    pub(super) fn bottom(&self) -> f32 {
        self.top + self.height
    }

    /// Baseline of the first line at `size`, below the top padding.
    pub(super) fn first_baseline(&self, size: f32) -> f32 {
        self.top + PAD + size * 0.26
    }
}

pub(crate) fn draw(
    c: &mut Canvas<'_>,
    label: &ShippingLabel,
    captions: &Captions,
) -> Result<(), LabelError> {
    let (w, h) = (c.frame.width, c.frame.height);
    let (x0, x1) = (MARGIN, w - MARGIN);
    // The codes are what can fail: encode and draw them before the rest.
    let qr_matrix = qr::encode(&label.qr)?;
    let bars_top = MARGIN + HEADER + 2.5;
    let quiet_w = x1 - x0 - 2.0 * RULE;
    barcode::draw(c, &label.resi, w / 2.0, bars_top, quiet_w, BAR_HEIGHT)?;

    c.frame_box(x0, MARGIN, x1 - x0, h - 2.0 * MARGIN, RULE);
    let used = HEADER + BARCODE + RECIPIENT + SENDER + FACTS + COD;
    let heights = [
        HEADER,
        BARCODE,
        RECIPIENT,
        SENDER,
        FACTS,
        COD,
        h - 2.0 * MARGIN - used,
    ];
    let mut top = MARGIN;
    let blocks = heights.map(|height| {
        let block = Block {
            top,
            height,
            x0,
            x1,
        };
        top += height;
        block
    });
    // A rule under every block but the last, which the frame closes.
    for block in &blocks[..blocks.len() - 1] {
        c.hline(x0, x1, block.bottom() - RULE / 2.0, RULE);
    }
    let [head, bars, recipient, sender, order, collect, rest] = blocks;

    header(c, label, head);
    resi_line(c, captions, &label.resi, bars, bars_top + BAR_HEIGHT + 6.5);
    party(
        c,
        &captions.recipient,
        &label.recipient,
        recipient,
        (11.5, 9.0),
    );
    party(c, &captions.sender, &label.sender, sender, (8.0, 7.0));
    facts(c, label, captions, order);
    cod(c, label, captions, collect);

    // Items on the left, the QR code in a square cell on the right.
    let side = QR_SIDE.min(rest.height - 2.0 * RULE);
    let qr_x = x1 - RULE - 0.5 - side;
    c.vline(qr_x - RULE, rest.top, rest.bottom(), RULE);
    qr::draw(
        c,
        &qr_matrix,
        qr_x,
        rest.top + (rest.height - side) / 2.0,
        side,
    );
    items(
        c,
        label,
        captions,
        Block {
            x1: qr_x - RULE,
            ..rest
        },
    );
    Ok(())
}

//! The QR code, drawn as vector rectangles: one per horizontal run of dark
//! modules, which keeps a page's content a few hundred operators long
//! instead of one per module.

use qrcode::{Color, EcLevel, QrCode, Version};

use crate::LabelError;
use crate::canvas::Canvas;

/// Light modules around the code, each side (what the standard asks for).
pub(crate) const QUIET: usize = 4;

/// Largest version allowed: 57 modules, so that on the ~26 mm square of an
/// A6 label a module stays ≥ 0.4 mm and a phone camera still reads it.
const MAX_VERSION: i16 = 10;

/// What version 10 carries at level M in byte mode (ISO/IEC 18004 table 7):
/// the limit stated to callers. Payloads of digits or upper-case letters
/// pack tighter and may be longer.
const MAX_BYTES: usize = 213;

/// A square of modules, row by row; true = dark.
pub(crate) struct Matrix {
    width: usize,
    dark: Vec<bool>,
}

/// Level M (15 % recovery): labels get scuffed, but a higher level would
/// make the modules of a long tracking URL smaller.
pub(crate) fn encode(payload: &str) -> Result<Matrix, LabelError> {
    let too_long = || LabelError::QrTooLong {
        len: payload.len(),
        max: MAX_BYTES,
    };
    let code = QrCode::with_error_correction_level(payload, EcLevel::M).map_err(|_| too_long())?;
    match code.version() {
        Version::Normal(v) if v <= MAX_VERSION => {}
        _ => return Err(too_long()),
    }
    Ok(Matrix {
        width: code.width(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
    })
}

/// Draws `matrix` in the square at `x, y` of side `side`, quiet zone
/// included (nothing is drawn there; the caller keeps it clear).
pub(crate) fn draw(canvas: &mut Canvas<'_>, matrix: &Matrix, x: f32, y: f32, side: f32) {
    let module = side / (matrix.width + 2 * QUIET) as f32;
    let origin_x = x + QUIET as f32 * module;
    let origin_y = y + QUIET as f32 * module;
    canvas.begin_mark(b"QRCode");
    for (row, cells) in matrix.dark.chunks(matrix.width).enumerate() {
        let mut col = 0;
        while col < cells.len() {
            if !cells[col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < cells.len() && cells[col] {
                col += 1;
            }
            canvas.rect(
                origin_x + start as f32 * module,
                origin_y + row as f32 * module,
                (col - start) as f32 * module,
                module,
            );
        }
    }
    canvas.end_mark();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stated_limit_is_the_real_one_for_bytes() {
        // Lower case forces byte mode.
        assert!(encode(&"x".repeat(MAX_BYTES)).is_ok());
        assert!(matches!(
            encode(&"x".repeat(MAX_BYTES + 1)),
            Err(LabelError::QrTooLong { len: 214, max: 213 })
        ));
    }

    #[test]
    fn a_tracking_url_is_a_small_code() {
        let m = encode("https://etalase.id/lacak/JX1234567890").unwrap();
        assert!(m.width <= 33, "{}", m.width);
        assert_eq!(m.dark.len(), m.width * m.width);
    }
}

//! The resi as a Code128 barcode, drawn as vector bars.
//!
//! Code set choice: set C packs two digits per symbol, so a numeric AWB
//! ("002600112233") is half as long in set C as in B; mixed AWBs
//! ("JX1234567890") start in B and switch to C for a long enough run of
//! digits. `barcoders` does the symbol tables and the checksum; this module
//! decides the sets and the geometry.

use barcoders::sym::code128::Code128;

use crate::LabelError;
use crate::canvas::Canvas;

/// Quiet zone each side, in modules (the standard asks for at least 10).
const QUIET: usize = 10;

/// One dot of a 203 dpi thermal printer, the most common label printer, in
/// millimetres. Module widths are whole dots there so every bar prints with
/// the same width instead of being rounded differently bar by bar.
const DOT_MM: f32 = 25.4 / 203.0;

/// The narrowest module scanners read reliably off thermal paper: 2 dots
/// (≈ 0.25 mm).
const MIN_DOTS: f32 = 2.0;

/// 1 mm: wider modules add nothing but width.
const MAX_DOTS: f32 = 8.0;

const SET_A: char = 'À';
const SET_B: char = 'Ɓ';
const SET_C: char = 'Ć';

/// The bars of `resi` (true = dark module), quiet zones not included.
pub(crate) fn modules(resi: &str) -> Result<Vec<bool>, LabelError> {
    let reject = |reason| LabelError::Resi {
        resi: resi.to_string(),
        reason,
    };
    if resi.is_empty() {
        return Err(reject("it is empty"));
    }
    // Set B carries printable ASCII; a resi never needs the control
    // characters of set A, and anything beyond ASCII is not in Code128.
    if !resi.bytes().all(|b| (b' '..=b'~').contains(&b)) || !resi.is_ascii() {
        return Err(reject("Code128 carries only printable ASCII characters"));
    }
    let code = Code128::new(plan(resi)).map_err(|_| reject("the encoder refused it"))?;
    Ok(code.encode().into_iter().map(|m| m == 1).collect())
}

/// Length of the run of ASCII digits starting at `i`.
fn digit_run(bytes: &[u8], i: usize) -> usize {
    bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count()
}

/// `resi` in barcoders' notation, with the code set switches that make it
/// shortest under the usual rules: start in C for 4+ leading digits (or an
/// all-digit resi of even length); from B, switch to C for a run of 6+
/// digits, or 4+ at the end; an odd run leaves its first digit in B.
fn plan(resi: &str) -> String {
    let bytes = resi.as_bytes();
    let mut out = String::with_capacity(resi.len() + 4);
    let mut in_c;
    let lead = digit_run(bytes, 0);
    let mut i = 0;
    if (lead == bytes.len() && lead.is_multiple_of(2)) || lead >= 4 {
        out.push(SET_C);
        let even = lead - lead % 2;
        out.push_str(&resi[..even]);
        i = even;
        in_c = true;
    } else {
        out.push(SET_B);
        in_c = false;
    }
    while i < bytes.len() {
        let run = digit_run(bytes, i);
        let at_end = i + run == bytes.len();
        if run >= 6 || (run >= 4 && at_end) {
            // An odd run: its first digit goes in B, the rest pair up in C.
            let odd = run % 2;
            if odd == 1 {
                if in_c {
                    out.push(SET_B);
                    in_c = false;
                }
                out.push_str(&resi[i..=i]);
            }
            if !in_c {
                out.push(SET_C);
                in_c = true;
            }
            out.push_str(&resi[i + odd..i + run]);
            i += run;
        } else {
            if in_c {
                out.push(SET_B);
                in_c = false;
            }
            out.push_str(&resi[i..=i]);
            i += 1;
        }
    }
    debug_assert!(!out.contains(SET_A));
    out
}

/// Module width in layout millimetres for `count` modules (quiet zones
/// included) in `max_w` layout millimetres, or an error when even the
/// narrowest printable module does not fit.
fn module_width(resi: &str, count: usize, max_w: f32, scale: f32) -> Result<f32, LabelError> {
    let physical = max_w * scale / count as f32;
    let dots = (physical / DOT_MM).floor().min(MAX_DOTS);
    if dots < MIN_DOTS {
        return Err(LabelError::Resi {
            resi: resi.to_string(),
            reason: "too long to fit the page with printable bars (≥ 0.25 mm)",
        });
    }
    Ok(dots * DOT_MM / scale)
}

/// Draws the barcode centred on `center_x`, its bars from `top` down to
/// `top + height`, in at most `max_w` (quiet zones included). Returns the
/// width the bars take.
pub(crate) fn draw(
    canvas: &mut Canvas<'_>,
    resi: &str,
    center_x: f32,
    top: f32,
    max_w: f32,
    height: f32,
) -> Result<f32, LabelError> {
    let bars = modules(resi)?;
    let module = module_width(resi, bars.len() + 2 * QUIET, max_w, canvas.frame.scale)?;
    let width = bars.len() as f32 * module;
    let left = center_x - width / 2.0;
    canvas.begin_mark(b"Barcode");
    let mut i = 0;
    while i < bars.len() {
        if !bars[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < bars.len() && bars[i] {
            i += 1;
        }
        let x = left + start as f32 * module;
        canvas.rect(x, top, (i - start) as f32 * module, height);
    }
    canvas.end_mark();
    Ok(width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_use_set_c_and_letters_set_b() {
        assert_eq!(plan("002600112233"), "Ć002600112233");
        assert_eq!(plan("12345"), "Ć1234Ɓ5");
        assert_eq!(plan("JX1234567890"), "ƁJXĆ1234567890");
        assert_eq!(plan("JX12345"), "ƁJX1Ć2345");
        assert_eq!(plan("AB123C"), "ƁAB123C");
        assert_eq!(plan("1234567AB"), "Ć123456Ɓ7AB");
        assert_eq!(plan("A1234567B"), "ƁA1Ć234567ƁB");
        assert_eq!(plan("7"), "Ɓ7");
    }

    #[test]
    fn set_c_is_shorter_for_numeric_resis() {
        let c = modules("002600112233").unwrap();
        // Start, 6 pairs, checksum (11 modules each) and the 13-module stop.
        assert_eq!(c.len(), 11 * 8 + 13);
    }

    #[test]
    fn non_ascii_and_empty_are_refused() {
        assert!(matches!(modules("ÄÖ"), Err(LabelError::Resi { .. })));
        assert!(matches!(modules(""), Err(LabelError::Resi { .. })));
        assert!(matches!(modules("AB\tC"), Err(LabelError::Resi { .. })));
    }

    #[test]
    fn modules_are_whole_dots_and_never_too_thin() {
        let m = module_width("x", 121, 93.0, 1.0).unwrap();
        assert!((0.25..=MAX_DOTS * DOT_MM + 1e-6).contains(&m));
        assert!(((m / DOT_MM) - (m / DOT_MM).round()).abs() < 1e-4);
        assert!(module_width("x", 500, 93.0, 1.0).is_err());
    }
}

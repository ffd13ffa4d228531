//! Percent figures, and whether they claim a discount.

use super::ClaimKind;
use super::amount;
use super::found::Found;
use super::lex::{Gap, Kind, Token};
use super::near::{glued_to_number, glued_to_word, on_line, words_before};
use super::words as w;

/// `diskon 50%`, `50% off`, `hemat 20 persen`, `SALE -70%`, `diskon 10-50%`
/// (the upper bound: "up to"). A percent is a claim only near a discount
/// word, so `100% katun` and `cicilan 0%` are not.
pub(super) fn percent(tokens: &[Token], i: usize) -> Option<Found> {
    let signed = tokens[i].is_sym('-')
        && tokens
            .get(i + 1)
            .is_some_and(|t| t.kind == Kind::Number && t.gap == Gap::Glued);
    let n = if signed { i + 1 } else { i };
    let number = tokens.get(n).filter(|t| t.kind == Kind::Number)?;
    let last = percent_sign(tokens, n)?;
    let value = amount::percent(number.text)?;
    if glued_to_word(tokens, n) {
        return None;
    }
    // In `10-50%` the dash is a range, and `10` hides the words before it.
    let range = signed && (glued_to_number(tokens, n) || after_percent(tokens, i));
    let first = if signed && !range { i } else { n };
    let look_from = if range { i - 1 } else { first };
    is_discount(tokens, look_from, last).then_some(Found {
        kind: ClaimKind::PercentOff(value),
        first,
        last,
    })
}

/// `10%-50%`: the dash at `dash` follows a percent sign.
fn after_percent(tokens: &[Token], dash: usize) -> bool {
    dash > 0 && tokens[dash].gap == Gap::Glued && tokens[dash - 1].is_sym('%')
}

fn percent_sign(tokens: &[Token], n: usize) -> Option<usize> {
    let next = on_line(tokens, n + 1)?;
    (next.is_sym('%') || next.is_word("persen")).then_some(n + 1)
}

fn is_discount(tokens: &[Token], look_from: usize, last: usize) -> bool {
    let after = on_line(tokens, last + 1)
        .filter(|t| t.kind == Kind::Word)
        .map(|t| t.lower.as_str());
    if after.is_some_and(|a| w::is_in(a, w::QUALITY_AFTER) || w::is_in(a, w::PERCENT_BLOCKERS)) {
        return false;
    }
    for word in words_before(tokens, look_from) {
        if w::is_in(word, w::DISCOUNT_CUES) {
            return true;
        }
        if w::is_in(word, w::PERCENT_BLOCKERS) {
            return false;
        }
    }
    after.is_some_and(|a| w::is_in(a, w::DISCOUNT_CUES))
}

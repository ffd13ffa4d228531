//! Looking around a token: what it is glued to, and the words before it
//! that give a figure its meaning.

use super::lex::{Gap, Kind, Token};
use super::words as w;

/// How many meaningful words before a figure may give it its meaning: far
/// enough for `harga spesial hari ini 99rb`, near enough that a `diskon`
/// two phrases back does not turn a price into an amount saved.
pub(super) const REACH: usize = 3;

/// The token at `j` when it is on the same line as the one before.
pub(super) fn on_line<'t, 'a>(tokens: &'t [Token<'a>], j: usize) -> Option<&'t Token<'a>> {
    tokens.get(j).filter(|t| t.gap != Gap::Line)
}

/// Glued to a word that is not a cue or a multiplier, directly (`A52`) or
/// through a dash or slash (`BTK-100`); `99rb-129rb` is a range.
pub(super) fn glued_to_word(tokens: &[Token], n: usize) -> bool {
    let Some(word_at) = glued_source(tokens, n) else {
        return false;
    };
    let word = &tokens[word_at];
    word.kind == Kind::Word && !w::is_cue(&word.lower) && w::multiplier(&word.lower).is_none()
}

/// Glued through `-`, `/` or `:` to a number before it (`0812-3456`).
pub(super) fn glued_to_number(tokens: &[Token], n: usize) -> bool {
    glued_source(tokens, n).is_some_and(|k| k + 1 < n && tokens[k].kind == Kind::Number)
}

/// The word or number the token at `n` is glued to, if any, looking
/// through one glued joiner.
fn glued_source(tokens: &[Token], n: usize) -> Option<usize> {
    if n == 0 || tokens[n].gap != Gap::Glued {
        return None;
    }
    let prev = &tokens[n - 1];
    if matches!(prev.kind, Kind::Word | Kind::Number) {
        return Some(n - 1);
    }
    let joiner = ['-', '/', ':'].iter().any(|&c| prev.is_sym(c));
    if joiner && n >= 2 && prev.gap == Gap::Glued {
        Some(n - 2)
    } else {
        None
    }
}

/// Up to [`REACH`] meaningful words (and numbers) before token `from`,
/// nearest first. Fillers and punctuation are passed over; a line break,
/// `!`, `?`, a hashtag or the end of another amount stops the look.
pub(super) fn words_before<'t>(tokens: &'t [Token], from: usize) -> Vec<&'t str> {
    let mut words = Vec::new();
    let mut k = from;
    while k > 0 && words.len() < REACH && tokens[k].gap != Gap::Line {
        k -= 1;
        let token = &tokens[k];
        match token.kind {
            Kind::Word if ends_amount(&token.lower) => break,
            Kind::Word if w::is_in(&token.lower, w::FILLERS) => {}
            Kind::Word | Kind::Number => words.push(token.lower.as_str()),
            Kind::Sym if w::STOPPERS.iter().any(|&s| token.is_sym(s)) => break,
            Kind::Sym => {}
            Kind::Tag | Kind::Skip => break,
        }
    }
    words
}

fn ends_amount(word: &str) -> bool {
    w::multiplier(word).is_some() || w::is_in(word, w::CURRENCY_AFTER)
}

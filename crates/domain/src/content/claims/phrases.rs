//! Claims made by a phrase rather than a figure: free shipping, and the
//! hashtags buyers read as promises.

use super::ClaimKind;
use super::amount;
use super::found::Found;
use super::lex::{Gap, Kind, Token};
use super::near::on_line;
use super::words as w;

/// `#gratisongkir` claims free shipping and `#diskon50` claims 50 % off: a
/// buyer reads them as claims, whatever the seller meant them for. Every
/// other hashtag (`#promo1212`, `#batik2026`) is a label, not a claim.
pub(super) fn hashtag(tokens: &[Token], i: usize) -> Option<Found> {
    let token = tokens.get(i).filter(|t| t.kind == Kind::Tag)?;
    let body = &token.lower[1..];
    let kind = if w::FREE_COMPOUNDS.iter().any(|c| body.contains(c)) {
        ClaimKind::FreeShipping
    } else {
        ClaimKind::PercentOff(tag_discount(body)?)
    };
    let percent_sign = tokens
        .get(i + 1)
        .is_some_and(|t| t.gap == Gap::Glued && t.is_sym('%'));
    let last = if percent_sign { i + 1 } else { i };
    Some(Found {
        kind,
        first: i,
        last,
    })
}

/// `diskon50`, `disc15persen`, `sale70off`.
fn tag_discount(body: &str) -> Option<u8> {
    w::TAG_DISCOUNTS.iter().find_map(|stem| {
        let rest = body.strip_prefix(stem)?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (figure, tail) = rest.split_at(digits);
        matches!(tail, "" | "persen" | "off")
            .then(|| amount::percent(figure))
            .flatten()
    })
}

pub(super) fn free_shipping(tokens: &[Token], i: usize) -> Option<Found> {
    let token = tokens.get(i).filter(|t| t.kind == Kind::Word)?;
    if negated(tokens, i) {
        return None;
    }
    let word = token.lower.as_str();
    let last = if w::is_in(word, w::FREE_COMPOUNDS) {
        Some(i)
    } else if w::is_in(word, w::FREE_WORDS) {
        shipping_after(tokens, i + 1)
    } else if word == "ongkir" {
        free_after_ongkir(tokens, i + 1)
    } else {
        None
    }?;
    Some(Found {
        kind: ClaimKind::FreeShipping,
        first: i,
        last,
    })
}

/// `tidak gratis ongkir`, `belum free ongkir`.
fn negated(tokens: &[Token], i: usize) -> bool {
    i > 0
        && tokens[i].gap != Gap::Line
        && tokens[i - 1].kind == Kind::Word
        && w::is_in(&tokens[i - 1].lower, w::NEGATIONS)
}

/// The last token of `ongkir`, `shipping`, `ongkos kirim` (after `gratis`,
/// `free`, `bebas`; `free-ongkir` too).
fn shipping_after(tokens: &[Token], j: usize) -> Option<usize> {
    let dash = on_line(tokens, j).is_some_and(|t| t.is_sym('-'));
    let j = if dash { j + 1 } else { j };
    let word = on_line(tokens, j).filter(|t| t.kind == Kind::Word)?;
    if w::is_in(&word.lower, w::SHIPPING_WORDS) {
        return Some(j);
    }
    let two_words = w::is_in(&word.lower, w::SHIPPING_HEADS)
        && on_line(tokens, j + 1).is_some_and(|t| t.is_word("kirim"));
    two_words.then_some(j + 1)
}

/// The last token of `gratis`, `free`, `0` or `Rp0` after `ongkir`.
fn free_after_ongkir(tokens: &[Token], j: usize) -> Option<usize> {
    let next = on_line(tokens, j)?;
    if next.is_word("gratis") || next.is_word("free") || is_zero(next) {
        return Some(j);
    }
    let currency = next.kind == Kind::Word && w::is_in(&next.lower, w::CURRENCY);
    (currency && on_line(tokens, j + 1).is_some_and(is_zero)).then_some(j + 1)
}

fn is_zero(token: &Token) -> bool {
    token.kind == Kind::Number && token.text == "0"
}

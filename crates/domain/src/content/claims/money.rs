//! Amounts of money in the text, with what the words before them say they
//! are. Whether an amount is a claim is decided later, next to its
//! neighbours (see `decide`).

use super::amount::{self, Amount};
use super::lex::{Gap, Kind, Token};
use super::near::{glued_to_number, glued_to_word, on_line, words_before};
use super::words as w;

/// What the words before an amount say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
    /// `harga`, `cuma`, `jadi`…
    Price,
    /// `mulai`, `mulai dari`, `start from`.
    Start,
    /// `harga normal`, `harga coret`: a former price.
    Was,
    /// `hemat 50rb`, `min. belanja 100rb`, `terjual 10rb`.
    NotPrice,
    /// No cue at all.
    None,
}

/// An amount of money in the text, not yet a claim.
#[derive(Debug, Clone)]
pub(super) struct Money {
    pub(super) amount: Amount,
    pub(super) first: usize,
    pub(super) last: usize,
    /// Written as money: a currency or a multiplier (`Rp`, `rb`, `rupiah`).
    pub(super) explicit: bool,
    pub(super) context: Context,
}

/// The amount starting at token `i` (its currency or its number), if the
/// figure there reads as money at all.
pub(super) fn money(tokens: &[Token], i: usize) -> Option<Money> {
    let prefix = currency_prefix(tokens, i);
    let n = prefix.unwrap_or(i);
    let number = tokens.get(n).filter(|t| t.kind == Kind::Number)?;
    let separated = number.text.contains(['.', ',']);
    if prefix.is_none() && looks_like_code(tokens, n, separated) {
        return None;
    }
    let (multiplier, suffix_at) = suffix(tokens, n);
    if !fits_after(tokens, suffix_at, multiplier > 1 || separated) {
        return None;
    }
    let amount = amount::read(number.text, multiplier)?;
    let (last, currency_after) = trailing(tokens, suffix_at);
    // `4K`, `8K`: a screen, unless written or cued as money.
    let small_k = tokens[suffix_at].lower == "k" && amount.value < 10_000;
    let mut money = Money {
        amount,
        first: i,
        last,
        explicit: prefix.is_some() || currency_after || (multiplier > 1 && !small_k),
        context: context(tokens, i),
    };
    if struck(tokens, &money) {
        money.context = Context::Was;
    }
    Some(money)
}

/// `Rp`, `Rp.`, `IDR` before a number on the same line: the number's index.
fn currency_prefix(tokens: &[Token], i: usize) -> Option<usize> {
    let token = &tokens[i];
    if token.kind != Kind::Word || !w::is_in(&token.lower, w::CURRENCY) {
        return None;
    }
    let dot = tokens
        .get(i + 1)
        .is_some_and(|t| t.gap == Gap::Glued && t.is_sym('.'));
    let n = if dot { i + 2 } else { i + 1 };
    on_line(tokens, n)
        .is_some_and(|t| t.kind == Kind::Number)
        .then_some(n)
}

/// `A52`, `BTK-100`, `0812-3456`, `12/12`, `19:00`: digits that belong to a
/// name, a code, a phone number, a date or a time. A number with thousand
/// groups after a dash is a price range (`100.000-150.000`).
fn looks_like_code(tokens: &[Token], n: usize, separated: bool) -> bool {
    glued_to_word(tokens, n) || (glued_to_number(tokens, n) && !separated)
}

/// The multiplier after the number at `n` (1 when none) and the index of
/// the last token read.
fn suffix(tokens: &[Token], n: usize) -> (i64, usize) {
    on_line(tokens, n + 1)
        .filter(|t| t.kind == Kind::Word)
        .and_then(|t| w::multiplier(&t.lower))
        .map_or((1, n), |m| (m, n + 1))
}

/// Whether what follows lets the figure be money: not a unit (`42cm`,
/// `3pcs`), a count (`10rb+`, `10rb terjual`), a vague figure (`100
/// ribuan`), a percent, or the start of a code or a phone number.
fn fits_after(tokens: &[Token], at: usize, loose: bool) -> bool {
    let Some(next) = on_line(tokens, at + 1) else {
        return true;
    };
    let glued = next.gap == Gap::Glued;
    match next.kind {
        Kind::Word => {
            let unit = glued && w::multiplier(&tokens[at].lower).is_none();
            !unit && !w::is_in(&next.lower, w::VAGUE) && !w::is_in(&next.lower, w::COUNT_AFTER)
        }
        Kind::Sym if next.is_sym('%') => false,
        Kind::Sym if glued && next.is_sym('+') => false,
        Kind::Sym if glued && ['-', '/', ':'].iter().any(|&c| next.is_sym(c)) => {
            !vague_after(tokens, at + 2) && (loose || !joins_more(tokens, at + 2))
        }
        _ => true,
    }
}

/// `Rp50.000-an`: "around fifty thousand".
fn vague_after(tokens: &[Token], j: usize) -> bool {
    tokens
        .get(j)
        .is_some_and(|t| t.gap == Gap::Glued && w::is_in(&t.lower, w::VAGUE))
}

fn joins_more(tokens: &[Token], j: usize) -> bool {
    tokens
        .get(j)
        .is_some_and(|t| t.gap == Gap::Glued && matches!(t.kind, Kind::Word | Kind::Number))
}

/// `,-` after the figure, or `rupiah`: part of the amount.
fn trailing(tokens: &[Token], at: usize) -> (usize, bool) {
    let glued_sym = |j: usize, c: char| {
        tokens
            .get(j)
            .is_some_and(|t| t.gap == Gap::Glued && t.is_sym(c))
    };
    if glued_sym(at + 1, ',') && glued_sym(at + 2, '-') {
        return (at + 2, false);
    }
    let rupiah = on_line(tokens, at + 1).is_some_and(|t| w::is_in(&t.lower, w::CURRENCY_AFTER));
    if rupiah { (at + 1, true) } else { (at, false) }
}

fn context(tokens: &[Token], first: usize) -> Context {
    classify(&words_before(tokens, first))
}

/// The nearest cue decides. An amount-saved word (`hemat`, `min. belanja`)
/// must stand right before the figure: `diskon kemeja batik 99rb` is still
/// a price, and `harga diskon 99rb` is the discounted price.
fn classify(words: &[&str]) -> Context {
    let second = words.get(1).copied();
    if words
        .first()
        .is_some_and(|first| w::is_in(first, w::NOT_PRICE_CUES))
    {
        return if second == Some("harga") {
            Context::Price
        } else {
            Context::NotPrice
        };
    }
    for (k, &word) in words.iter().enumerate() {
        if word == "harga" {
            return harga_context(k, words.get(k + 1).copied());
        }
        if w::is_in(word, w::PRICE_CUES) {
            return Context::Price;
        }
        if w::is_in(word, w::START_CUES) {
            return Context::Start;
        }
        if w::is_in(word, w::WAS_CUES) {
            return Context::Was;
        }
    }
    Context::None
}

/// `harga` is a price, except in `dari harga 200rb` (the price it was
/// reduced from), `potongan harga 20rb` (an amount saved) and `mulai harga`.
fn harga_context(k: usize, before: Option<&str>) -> Context {
    match before {
        Some("dari") => Context::Was,
        Some(word) if w::is_in(word, w::START_CUES) => Context::Start,
        Some(word) if k == 0 && w::is_in(word, w::NOT_PRICE_CUES) => Context::NotPrice,
        _ => Context::Price,
    }
}

/// `~Rp150.000~`: struck through, the way WhatsApp and many captions mark
/// a former price.
pub(super) fn struck(tokens: &[Token], money: &Money) -> bool {
    let glued_tilde = |t: &Token| t.gap == Gap::Glued && t.is_sym('~');
    money.first > 0
        && tokens[money.first - 1].is_sym('~')
        && tokens[money.first].gap == Gap::Glued
        && tokens.get(money.last + 1).is_some_and(glued_tilde)
}

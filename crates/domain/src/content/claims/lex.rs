//! Splits a caption into words, numbers and symbols, each with its byte span.
//!
//! Letters and digits become separate tokens (`Rp99rb` is `Rp` `99` `rb`),
//! and every token remembers what separated it from the one before: glue is
//! what tells an amount (`99rb`) from a model name (`A52`) or a product code
//! (`BTK-100`), and a line break ends a phrase the way a full stop would.

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A run of letters (any script).
    Word,
    /// Digits, with the `.` and `,` that sit between digits (`1.250.000`).
    Number,
    /// Any other single character: punctuation, `%`, arrows, emoji.
    Sym,
    /// A hashtag, `#` included: read as a whole (`#diskon50`).
    Tag,
    /// A mention or a link: never read, since shop names and URLs are
    /// full of digits that are not prices (`@toko99rb`, `shp.ee/99rb`).
    Skip,
}

/// What separated a token from the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Gap {
    Glued,
    Space,
    /// A line break, or the start of the text.
    Line,
}

#[derive(Debug, Clone)]
pub(super) struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    pub gap: Gap,
    /// ASCII-lowercased text: every keyword is ASCII, so this is all the
    /// folding the comparisons need.
    pub lower: String,
}

impl Token<'_> {
    pub fn is_word(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.lower == word
    }

    pub fn is_sym(&self, sym: char) -> bool {
        self.kind == Kind::Sym && self.text.starts_with(sym)
    }
}

/// Tokens of `text`, in order. Every boundary is a char boundary, so any
/// run of tokens slices the text safely.
pub(super) fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    let mut gap = Gap::Line;
    while let Some(c) = text[pos..].chars().next() {
        if c.is_whitespace() {
            gap = gap.max(if c == '\n' { Gap::Line } else { Gap::Space });
            pos += c.len_utf8();
            continue;
        }
        let rest = &text[pos..];
        let (kind, len) = token_at(rest, c, gap != Gap::Glued);
        let end = pos + len;
        tokens.push(Token {
            kind,
            text: &text[pos..end],
            start: pos,
            end,
            gap,
            lower: text[pos..end].to_ascii_lowercase(),
        });
        gap = Gap::Glued;
        pos = end;
    }
    tokens
}

/// The kind and byte length of the token starting `rest` (whose first char
/// is `c`); `chunk_start` says whether whitespace precedes it.
fn token_at(rest: &str, c: char, chunk_start: bool) -> (Kind, usize) {
    if chunk_start && is_link(rest) {
        return (Kind::Skip, chunk_len(rest));
    }
    if c == '#' && tag_body_len(&rest[1..]) > 0 {
        return (Kind::Tag, 1 + tag_body_len(&rest[1..]));
    }
    if c == '@' && is_mention(&rest[1..]) {
        return (Kind::Skip, 1 + tag_body_len(&rest[1..]));
    }
    if c.is_ascii_digit() {
        return (Kind::Number, number_len(rest));
    }
    if c.is_alphabetic() {
        return (Kind::Word, run_len(rest, char::is_alphabetic));
    }
    (Kind::Sym, c.len_utf8())
}

fn is_link(rest: &str) -> bool {
    let chunk = &rest[..chunk_len(rest)];
    chunk.contains("://")
        || chunk
            .get(..4)
            .is_some_and(|head| head.eq_ignore_ascii_case("www."))
}

fn chunk_len(rest: &str) -> usize {
    run_len(rest, |c| !c.is_whitespace())
}

fn tag_body_len(rest: &str) -> usize {
    run_len(rest, |c| c.is_alphanumeric() || c == '_')
}

/// `@toko_batik` is a mention; `@Rp10.000` and `@99rb` are "each", a
/// common way to write a unit price.
fn is_mention(rest: &str) -> bool {
    let starts_like_name = rest.starts_with(|c: char| c.is_alphabetic() || c == '_');
    starts_like_name && !starts_with_currency(rest)
}

fn starts_with_currency(rest: &str) -> bool {
    ["rp", "idr"].iter().any(|prefix| {
        rest.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
            && !rest[prefix.len()..].starts_with(char::is_alphabetic)
    })
}

/// Digits, and any `.` or `,` that has a digit right after it.
fn number_len(rest: &str) -> usize {
    let bytes = rest.as_bytes();
    let mut len = 0;
    while len < bytes.len() {
        let b = bytes[len];
        let separator_then_digit = matches!(b, b'.' | b',')
            && len > 0
            && bytes.get(len + 1).is_some_and(u8::is_ascii_digit);
        if !(b.is_ascii_digit() || separator_then_digit) {
            break;
        }
        len += 1;
    }
    len
}

fn run_len(rest: &str, keep: impl Fn(char) -> bool) -> usize {
    rest.char_indices()
        .find(|&(_, c)| !keep(c))
        .map_or(rest.len(), |(i, _)| i)
}

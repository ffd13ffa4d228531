//! Deciding what amounts claim: a former price paired with the current one
//! (`dari 150rb jadi 99rb`), or an amount on its own, by its context.

use super::ClaimKind;
use super::found::{Found, Item};
use super::lex::{Gap, Kind, Token};
use super::money::{Context, Money, struck};
use super::near::REACH;
use super::words as w;

pub(super) fn settle(tokens: &[Token], items: &[Item]) -> Vec<Found> {
    let mut found = Vec::new();
    let mut k = 0;
    while k < items.len() {
        let paired = match (&items[k], items.get(k + 1)) {
            (Item::Money(first), Some(Item::Money(second))) => pair(tokens, first, second),
            _ => Pairing::Apart,
        };
        if let Pairing::Together(claim) = paired {
            found.extend(claim);
            k += 2;
            continue;
        }
        match &items[k] {
            Item::Money(money) => found.extend(lone(money)),
            Item::Claim(claim) => found.push(claim.clone()),
        }
        k += 1;
    }
    found
}

/// Two amounts in a row: read apart, or together as a former and a
/// current price (which may claim nothing: a price rise's former price).
enum Pairing {
    Apart,
    Together(Option<Found>),
}

fn pair(tokens: &[Token], first: &Money, second: &Money) -> Pairing {
    if !pairable(first) || !pairable(second) {
        return Pairing::Apart;
    }
    let between = &tokens[first.last + 1..second.first];
    if linked(between, struck(tokens, first)) {
        return Pairing::Together(was_now(tokens, first, second));
    }
    if first.amount.value < second.amount.value && was_in_brackets(between) {
        return Pairing::Together(Some(Found {
            kind: ClaimKind::WasNow {
                was: second.amount.value,
                now: first.amount.value,
            },
            first: first.first,
            last: closing_bracket(tokens, second.last),
        }));
    }
    Pairing::Apart
}

/// A former price linked to the current one: `dari 150rb jadi 99rb`. When
/// the "former" is not higher the phrase is a price rise, and only the
/// current price is a claim.
fn was_now(tokens: &[Token], was: &Money, now: &Money) -> Option<Found> {
    if was.amount.value <= now.amount.value {
        return lone(now);
    }
    Some(Found {
        kind: ClaimKind::WasNow {
            was: was.amount.value,
            now: now.amount.value,
        },
        first: was_lead(tokens, was.first),
        last: now.last,
    })
}

/// Include `dari`/`from` or the opening `~` before the former price in the
/// highlight.
fn was_lead(tokens: &[Token], first: usize) -> usize {
    let lead = first > 0
        && tokens[first].gap != Gap::Line
        && (tokens[first - 1].is_sym('~')
            || (tokens[first - 1].kind == Kind::Word
                && w::is_in(&tokens[first - 1].lower, w::WAS_LEADS)));
    if lead { first - 1 } else { first }
}

/// Only connector words, fillers and punctuation between the two amounts,
/// and at least one connector (`jadi`, `→`, or the closing `~` of a struck
/// price).
fn linked(between: &[Token], struck: bool) -> bool {
    let mut connector = false;
    let mut words = 0;
    for token in between {
        match token.kind {
            Kind::Word => {
                words += 1;
                let now = w::is_in(&token.lower, w::NOW_CONNECTORS);
                let filler =
                    w::is_in(&token.lower, w::FILLERS) || w::is_in(&token.lower, w::BETWEEN_PRICES);
                if !now && !filler {
                    return false;
                }
                connector |= now;
            }
            Kind::Sym if w::STOPPERS.iter().any(|&s| token.is_sym(s)) => return false,
            Kind::Sym => {
                connector |=
                    w::NOW_ARROWS.iter().any(|&a| token.is_sym(a)) || (struck && token.is_sym('~'));
            }
            Kind::Number | Kind::Tag | Kind::Skip => return false,
        }
    }
    connector && words <= REACH
}

/// `Rp99.000 (normal Rp150.000)`, `99rb [dari 150rb]`: the former price
/// after the current one, in brackets, named by a was-word.
fn was_in_brackets(between: &[Token]) -> bool {
    let bracket = between.iter().any(|t| t.is_sym('(') || t.is_sym('['));
    let mut named = false;
    for token in between {
        match token.kind {
            Kind::Word
                if w::is_in(&token.lower, w::WAS_CUES) || w::is_in(&token.lower, w::WAS_LEADS) =>
            {
                named = true;
            }
            Kind::Word if token.lower == "harga" => {}
            Kind::Sym if !w::STOPPERS.iter().any(|&s| token.is_sym(s)) => {}
            _ => return false,
        }
    }
    bracket && named
}

fn closing_bracket(tokens: &[Token], last: usize) -> usize {
    let closes = tokens
        .get(last + 1)
        .is_some_and(|t| t.gap == Gap::Glued && (t.is_sym(')') || t.is_sym(']')));
    if closes { last + 1 } else { last }
}

fn pairable(money: &Money) -> bool {
    let cued = matches!(
        money.context,
        Context::Price | Context::Start | Context::Was
    );
    money.context != Context::NotPrice
        && (money.explicit || (plausible_bare(money) && (cued || money.amount.grouped)))
}

/// What an amount on its own claims.
fn lone(money: &Money) -> Option<Found> {
    let kind = match money.context {
        Context::NotPrice | Context::Was => return None,
        Context::Start => ClaimKind::StartingFrom(money.amount.value),
        Context::Price | Context::None => ClaimKind::Price(money.amount.value),
    };
    let cued = matches!(money.context, Context::Price | Context::Start);
    let claimed = money.explicit || (cued && plausible_bare(money));
    (claimed && money.amount.value > 0).then_some(Found {
        kind,
        first: money.first,
        last: money.last,
    })
}

/// A bare number (no `Rp`, no `rb`) may be a price from Rp1.000 up, and not
/// when it reads as a year (`cuma 2026`; but `cuma 2000` is a price).
fn plausible_bare(money: &Money) -> bool {
    let value = money.amount.value;
    let year = !money.amount.grouped && (1900..=2100).contains(&value) && value % 100 != 0;
    value >= 1_000 && !year
}

//! Finding claims in two passes. The first walks the tokens once and reads,
//! at each position, a hashtag, a free-shipping phrase, a percent or an
//! amount. The second (`decide`) pairs a former price with the current one
//! and decides what each remaining amount claims.

use super::Claim;
use super::decide::settle;
use super::found::{Found, Item};
use super::lex::{Token, tokenize};
use super::money::money;
use super::percent::percent;
use super::phrases::{free_shipping, hashtag};

pub(super) fn find(text: &str) -> Vec<Claim> {
    let tokens = tokenize(text);
    let items = scan(&tokens);
    settle(&tokens, &items)
        .into_iter()
        .map(|found| cut(text, &tokens, found))
        .collect()
}

fn cut(text: &str, tokens: &[Token], found: Found) -> Claim {
    let span = tokens[found.first].start..tokens[found.last].end;
    Claim {
        kind: found.kind,
        text: text[span.clone()].to_owned(),
        span,
    }
}

fn scan(tokens: &[Token]) -> Vec<Item> {
    let mut items = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match item_at(tokens, i) {
            Some(item) => {
                i = item.last() + 1;
                items.push(item);
            }
            None => i += 1,
        }
    }
    items
}

fn item_at(tokens: &[Token], i: usize) -> Option<Item> {
    hashtag(tokens, i)
        .or_else(|| free_shipping(tokens, i))
        .or_else(|| percent(tokens, i))
        .map(Item::Claim)
        .or_else(|| money(tokens, i).map(Item::Money))
}

//! The domain's Indonesian analysis as tantivy tokenizers: words folded
//! and stemmed (what search matches), or only folded (the words buyers
//! typed, for suggestions), the same for documents and queries.

use etalase_domain::search::{stem, words};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Words (folded, and stemmed when `stemmed`) as tantivy tokens.
#[derive(Clone, Default)]
pub(super) struct IndonesianTokenizer {
    pub stemmed: bool,
}

pub(super) struct Tokens {
    tokens: Vec<Token>,
    at: usize,
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        if self.at < self.tokens.len() {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.at - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at - 1]
    }
}

impl Tokenizer for IndonesianTokenizer {
    type TokenStream<'a> = Tokens;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let tokens = words(text)
            .iter()
            .take(10_000)
            .enumerate()
            .map(|(position, w)| Token {
                offset_from: 0,
                offset_to: 0,
                position,
                text: if self.stemmed { stem(w) } else { w.clone() },
                position_length: 1,
            })
            .collect();
        Tokens { tokens, at: 0 }
    }
}

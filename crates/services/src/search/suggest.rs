//! Help while typing and after a miss, both from the words of listed
//! titles and brands as buyers type them (folded, not stemmed):
//! - completions of the last word typed, kept only when the whole phrase
//!   finds products, most products first;
//! - "did you mean": each word no title has, replaced by the closest one
//!   that titles do have (one edit from 4 letters, two from 8; the
//!   commonest on a tie).

use std::collections::HashMap;
use std::sync::OnceLock;

use etalase_domain::search::words;
use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder};
use tantivy::collector::Count;
use tantivy::{Searcher, Term};

use super::query::{self, MAX_WORDS};
use super::{SearchIndex, SearchQuery, Sort, failed};
use crate::ServiceResult;

/// A phrase to search for, and how many products it finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub text: String,
    pub hits: usize,
}

/// Completions looked at before the phrases are counted: the commonest.
const CANDIDATES: usize = 12;
/// Dictionary words read for one prefix, at most.
const SCANNED: usize = 5_000;

impl SearchQuery {
    /// Words only: no filter, by relevance, the first page, no facets.
    pub fn words(text: &str) -> SearchQuery {
        SearchQuery {
            text: text.to_owned(),
            category: None,
            min_price: None,
            max_price: None,
            cod_only: false,
            min_rating: None,
            province: None,
            free_shipping: None,
            sort: Sort::Relevance,
            offset: 0,
            limit: 1,
            facets: false,
        }
    }
}

impl SearchIndex {
    /// Up to `limit` phrases completing what is typed so far.
    pub fn suggest(&self, typed: &str, limit: usize) -> ServiceResult<Vec<Suggestion>> {
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        self.completions
            .get_or_find(&(typed.to_owned(), limit), generation, || {
                self.complete(&searcher, typed, limit)
            })
    }

    fn complete(
        &self,
        searcher: &Searcher,
        typed: &str,
        limit: usize,
    ) -> ServiceResult<Vec<Suggestion>> {
        let typed_words = words(typed);
        let Some((last, before)) = typed_words.split_last() else {
            return Ok(Vec::new());
        };
        if before.len() >= MAX_WORDS {
            return Ok(Vec::new());
        }
        let mut frequency: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(self.fields.words).map_err(failed)?;
            let mut stream = index
                .terms()
                .range()
                .ge(last.as_bytes())
                .into_stream()
                .map_err(failed)?;
            let mut scanned = 0;
            while stream.advance() && scanned < SCANNED {
                let Ok(word) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if !word.starts_with(last.as_str()) {
                    break;
                }
                *frequency.entry(word.to_owned()).or_default() +=
                    u64::from(stream.value().doc_freq);
                scanned += 1;
            }
        }
        let mut candidates: Vec<(String, u64)> = frequency.into_iter().collect();
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut found = Vec::new();
        for (word, _) in candidates.into_iter().take(CANDIDATES) {
            let mut phrase = before.to_vec();
            phrase.push(word);
            let text = phrase.join(" ");
            let hits = self.count(searcher, &text)?;
            if hits > 0 {
                found.push(Suggestion { text, hits });
            }
        }
        found.sort_by(|a, b| b.hits.cmp(&a.hits).then(a.text.cmp(&b.text)));
        found.truncate(limit);
        Ok(found)
    }

    /// The query with each word no title has replaced by a close word
    /// titles have, when any word was replaced and the new query finds
    /// products. Words are corrected left to right, each by the closest
    /// candidate that still finds products with the words before it.
    pub fn did_you_mean(&self, typed: &str) -> ServiceResult<Option<Suggestion>> {
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        self.corrections
            .get_or_find(&typed.to_owned(), generation, || {
                self.correct(&searcher, typed)
            })
    }

    fn correct(&self, searcher: &Searcher, typed: &str) -> ServiceResult<Option<Suggestion>> {
        let mut changed = false;
        let mut corrected: Vec<String> = Vec::new();
        for word in words(typed).into_iter().take(MAX_WORDS) {
            if self.frequency(searcher, &word)? > 0 {
                corrected.push(word);
                continue;
            }
            let candidates = self.closest(searcher, &word)?;
            let mut chosen = None;
            for candidate in candidates.iter().take(5) {
                let mut phrase = corrected.clone();
                phrase.push(candidate.clone());
                if self.count(searcher, &phrase.join(" "))? > 0 {
                    chosen = Some(candidate.clone());
                    break;
                }
            }
            match chosen.or_else(|| candidates.first().cloned()) {
                Some(better) => {
                    changed = true;
                    corrected.push(better);
                }
                None => corrected.push(word),
            }
        }
        if !changed {
            return Ok(None);
        }
        let text = corrected.join(" ");
        let hits = self.count(searcher, &text)?;
        Ok((hits > 0).then_some(Suggestion { text, hits }))
    }

    fn count(&self, searcher: &Searcher, text: &str) -> ServiceResult<usize> {
        let q = query::build(&self.fields, &SearchQuery::words(text), &|t| {
            super::has_term(searcher, t)
        });
        searcher.search(&q, &Count).map_err(failed)
    }

    /// Titles (and brands) with this word.
    fn frequency(&self, searcher: &Searcher, word: &str) -> ServiceResult<u64> {
        let term = Term::from_field_text(self.fields.words, word);
        let mut n = 0;
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(self.fields.words).map_err(failed)?;
            n += u64::from(index.doc_freq(&term).map_err(failed)?);
        }
        Ok(n)
    }

    /// Words titles have near this one, nearest first: fewest edits, then
    /// the commonest, then the first in the alphabet.
    fn closest(&self, searcher: &Searcher, word: &str) -> ServiceResult<Vec<String>> {
        let edits = match word.chars().count() {
            0..=3 => return Ok(Vec::new()),
            4..=7 => 1,
            _ => 2,
        };
        let dfa = builder(edits).build_dfa(word);
        let mut seen: HashMap<String, (u8, u64)> = HashMap::new();
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(self.fields.words).map_err(failed)?;
            let mut stream = index
                .terms()
                .search(Automaton(&dfa))
                .into_stream()
                .map_err(failed)?;
            while stream.advance() {
                let Ok(found) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let Distance::Exact(distance) = dfa.eval(found) else {
                    continue;
                };
                let entry = seen.entry(found.to_owned()).or_insert((distance, 0));
                entry.1 += u64::from(stream.value().doc_freq);
            }
        }
        let mut nearest: Vec<(String, (u8, u64))> = seen.into_iter().collect();
        nearest.sort_by(|a, b| {
            (a.1.0, std::cmp::Reverse(a.1.1), &a.0).cmp(&(b.1.0, std::cmp::Reverse(b.1.1), &b.0))
        });
        Ok(nearest.into_iter().map(|(w, _)| w).collect())
    }
}

/// Automaton builders are costly to make (two edits most), so each is made
/// once.
fn builder(edits: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    let cell = if edits <= 1 { &ONE } else { &TWO };
    cell.get_or_init(|| LevenshteinAutomatonBuilder::new(edits.min(2), true))
}

/// A Levenshtein automaton walking the term dictionary.
struct Automaton<'a>(&'a DFA);

impl tantivy_fst::Automaton for Automaton<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

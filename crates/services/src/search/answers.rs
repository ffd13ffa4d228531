//! Searches answered at the index's current generation, kept until the
//! index moves on. Buyers ask the same few searches over and over (what a
//! live or a campaign names, the popular words); between two commits of the
//! index the same search finds the same hits, so the second asker gets the
//! first one's answer. Freshness needs no time-to-live: an answer is only
//! given back at the generation it was found at, and every change the
//! projection commits makes a new generation. Everything a search depends
//! on besides the index is part of its key (the free-shipping filter's
//! running vouchers included).

use std::hash::Hash;

use quick_cache::sync::Cache;

/// Answers kept, at most (each is a page of ids and the filters' counts).
const KEPT: usize = 4_096;

pub(super) struct Answers<K, V> {
    kept: Cache<K, (u64, V)>,
}

impl<K: Eq + Hash + Clone, V: Clone> Answers<K, V> {
    pub fn new() -> Self {
        Answers {
            kept: Cache::new(KEPT),
        }
    }

    /// The answer found for `asked` at this `generation`, else finds it
    /// with `find` and keeps it.
    pub fn get_or_find<E>(
        &self,
        asked: &K,
        generation: u64,
        find: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        if let Some((at, answer)) = self.kept.get(asked)
            && at == generation
        {
            return Ok(answer);
        }
        let answer = find()?;
        self.kept
            .insert(asked.clone(), (generation, answer.clone()));
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn an_answer_is_given_again_only_at_its_generation() {
        let answers: Answers<String, u32> = Answers::new();
        let finds = Cell::new(0);
        let find = |n: u32| {
            finds.set(finds.get() + 1);
            Ok::<_, ()>(n)
        };
        assert_eq!(answers.get_or_find(&"kaos".into(), 1, || find(10)), Ok(10));
        assert_eq!(answers.get_or_find(&"kaos".into(), 1, || find(99)), Ok(10));
        assert_eq!(finds.get(), 1);
        // The index moved on: found again, and the new answer kept.
        assert_eq!(answers.get_or_find(&"kaos".into(), 2, || find(11)), Ok(11));
        assert_eq!(answers.get_or_find(&"kaos".into(), 2, || find(99)), Ok(11));
        assert_eq!(finds.get(), 2);
        // Another search is its own answer.
        assert_eq!(answers.get_or_find(&"tas".into(), 2, || find(5)), Ok(5));
        assert_eq!(finds.get(), 3);
    }

    #[test]
    fn a_failed_search_is_not_kept() {
        let answers: Answers<String, u32> = Answers::new();
        assert_eq!(
            answers.get_or_find(&"kaos".into(), 1, || Err("busy")),
            Err("busy")
        );
        assert_eq!(
            answers.get_or_find(&"kaos".into(), 1, || Ok::<_, &str>(3)),
            Ok(3)
        );
    }
}

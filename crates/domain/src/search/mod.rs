//! Text analysis for the Shop's search, fit for Indonesian: words are
//! split on anything that is not a letter or digit, lowercased, stripped of
//! accents (`Crème` → `creme`), and brought to a common stem by a light
//! stemmer for the commonest affixes (`berlari` → `lari`, `penjualnya` →
//! `jual`). Documents and queries go through the same steps, so a buyer
//! typing one form finds the others.

mod stem;

pub use stem::stem;

use unicode_normalization::UnicodeNormalization;

/// Lowercase and without accents: `Kebaya Renda Crème` → `kebaya renda creme`.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !('\u{0300}'..='\u{036f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of `text`, folded, in order (no stemming).
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The terms search indexes and looks up: each word folded and stemmed.
pub fn terms(text: &str) -> Vec<String> {
    words(text).iter().map(|w| stem(w)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Kebaya Renda CRÈME Café"), "kebaya renda creme cafe");
        assert_eq!(fold("Ñ ü ø"), "n u ø", "only combining marks go");
    }

    #[test]
    fn splits_on_anything_but_letters_and_digits() {
        assert_eq!(
            words("Kaos-Polos, Hitam/XL (30s)!"),
            ["kaos", "polos", "hitam", "xl", "30s"]
        );
    }

    #[test]
    fn a_query_and_a_title_meet_on_their_stems() {
        assert_eq!(terms("Sepatu Lari Pria"), terms("sepatu berlari pria"));
        assert_eq!(terms("pakaian wanita"), ["pakai", "wanita"]);
        assert_eq!(terms("Hijab Instan Jersey"), terms("hijab instan jersey"));
    }
}

//! A light Indonesian stemmer, after the rule-based stemmers of Tala
//! (2003) and Nazief & Adriani, cut down to what product search needs:
//! particles (`-lah`, `-kah`, `-pun`), possessives (`-nya`, `-ku`, `-mu`),
//! the derivational prefixes `me-`/`pe-` (with their nasal forms and the
//! recoded first letters: `menulis` → `tulis`, `memukul` → `pukul`,
//! `menyapu` → `sapu`), `ber-`, `ter-`, `di-`, and the suffixes `-kan`,
//! `-an` and (after a prefix) `-i`.
//!
//! Product words are mostly nouns and loanwords, so it is careful rather
//! than thorough: nothing shorter than 5 letters is touched, no stem is
//! left shorter than 4 letters, words with digits are left as they are,
//! `se-` and `ke-` are not removed (`sepatu`, `kemeja`), and a prefix goes
//! only when what remains starts like an Indonesian root (a vowel, or a
//! consonant and a vowel: `dijual` → `jual`, but `diskon` stays).

/// The stem of one folded word.
pub fn stem(word: &str) -> String {
    if word.chars().count() < 5 || word.chars().any(|c| c.is_ascii_digit()) || !word.is_ascii() {
        return word.to_owned();
    }
    let mut w = word.to_owned();
    for particle in ["lah", "kah", "pun"] {
        if let Some(rest) = strip_suffix(&w, particle) {
            w = rest;
            break;
        }
    }
    for possessive in ["nya", "ku", "mu"] {
        if let Some(rest) = strip_suffix(&w, possessive) {
            w = rest;
            break;
        }
    }
    let (unprefixed, prefixed) = match strip_prefix(&w) {
        Some(rest) => (rest, true),
        None => (w.clone(), false),
    };
    w = unprefixed;
    // A second prefix (`memper-`, `diper-`): `diperbaiki` → `baik`.
    if prefixed
        && let Some(rest) = w
            .strip_prefix("per")
            .filter(|r| root_like(r) && r.len() >= 4)
    {
        w = rest.to_owned();
    }
    for suffix in ["kan", "an"] {
        if let Some(rest) = strip_suffix(&w, suffix) {
            return rest;
        }
    }
    if prefixed && let Some(rest) = strip_suffix(&w, "i") {
        return rest;
    }
    w
}

/// `word` without `suffix`, if at least 4 letters remain.
fn strip_suffix(word: &str, suffix: &str) -> Option<String> {
    word.strip_suffix(suffix)
        .filter(|rest| rest.len() >= 4)
        .map(str::to_owned)
}

fn vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Starts like an Indonesian root: a vowel, or a consonant then a vowel.
fn root_like(rest: &str) -> bool {
    let mut chars = rest.chars();
    match (chars.next(), chars.next()) {
        (Some(a), _) if vowel(a) => true,
        (Some(_), Some(b)) => vowel(b),
        _ => false,
    }
}

/// The word without its derivational prefix, the root's first letter put
/// back where the nasal replaced it.
fn strip_prefix(word: &str) -> Option<String> {
    let keep = |rest: String| (rest.len() >= 4 && root_like(&rest)).then_some(rest);
    let starts_vowel = |rest: &str| rest.chars().next().is_some_and(vowel);
    for nasal in ["me", "pe"] {
        let Some(rest) = word.strip_prefix(nasal) else {
            continue;
        };
        if let Some(r) = rest.strip_prefix("ny").filter(|r| starts_vowel(r)) {
            return keep(format!("s{r}"));
        }
        if let Some(r) = rest.strip_prefix("ng") {
            return keep(r.to_owned());
        }
        if let Some(r) = rest.strip_prefix('m') {
            return if starts_vowel(r) {
                keep(format!("p{r}"))
            } else if r.starts_with(['b', 'f', 'v', 'p']) {
                keep(r.to_owned())
            } else {
                None
            };
        }
        if let Some(r) = rest.strip_prefix('n') {
            return if starts_vowel(r) {
                keep(format!("t{r}"))
            } else if r.starts_with(['c', 'd', 'j', 'z', 's']) {
                keep(r.to_owned())
            } else {
                None
            };
        }
        if nasal == "pe"
            && let Some(r) = rest.strip_prefix('r')
            && let Some(kept) = keep(r.to_owned())
        {
            return Some(kept);
        }
        if rest.starts_with(['l', 'r', 'w', 'y']) {
            return keep(rest.to_owned());
        }
    }
    for prefix in ["ber", "ter", "di"] {
        if let Some(rest) = word.strip_prefix(prefix)
            && let Some(kept) = keep(rest.to_owned())
        {
            return Some(kept);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[track_caller]
    fn stems(cases: &[(&str, &str)]) {
        for (word, expected) in cases {
            assert_eq!(stem(word), *expected, "{word}");
        }
    }

    #[test]
    fn prefixes_go_and_nasals_give_back_the_roots_first_letter() {
        stems(&[
            ("berlari", "lari"),
            ("bermain", "main"),
            ("terlaris", "laris"),
            ("terbaru", "baru"),
            ("dijual", "jual"),
            ("membeli", "beli"),
            ("memukul", "pukul"),
            ("menulis", "tulis"),
            ("mencari", "cari"),
            ("menyapu", "sapu"),
            ("menggambar", "gambar"),
            ("melihat", "lihat"),
            ("pemutih", "putih"),
            ("penjual", "jual"),
            ("pembersih", "bersih"),
            ("pelembab", "lembab"),
        ]);
    }

    #[test]
    fn suffixes_particles_and_possessives_go() {
        stems(&[
            ("pakaian", "pakai"),
            ("makanan", "makan"),
            ("kaosnya", "kaos"),
            ("sepatuku", "sepatu"),
            ("penjualnya", "jual"),
            ("perhiasan", "hias"),
            ("diwarnai", "warna"),
            ("dibersihkan", "bersih"),
            ("apakah", "apakah"),
        ]);
    }

    #[test]
    fn product_words_that_only_look_affixed_stay() {
        stems(&[
            ("sepatu", "sepatu"),
            ("kemeja", "kemeja"),
            ("selendang", "selendang"),
            ("diskon", "diskon"),
            ("termos", "termos"),
            ("merah", "merah"),
            ("celana", "celana"),
            ("jaket", "jaket"),
            ("beras", "beras"),
            ("buku", "buku"),
            ("kopi", "kopi"),
            ("pensil", "pensil"),
            ("permen", "permen"),
            ("iphone15", "iphone15"),
            ("crème", "crème"),
        ]);
    }
}

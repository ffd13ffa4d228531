//! Near-duplicate descriptions (a listing copied from another one, the
//! seller's own or another shop's), by MinHash over word shingles: each
//! description gets a short signature; descriptions whose signatures agree
//! in one of the bands are candidates, and the share of agreeing values
//! estimates how much of the text they share (Jaccard similarity). Stored
//! band keys make finding candidates an index lookup, fast at 100k listings.

/// Words per shingle.
const SHINGLE: usize = 4;
/// Values in a signature.
pub const SIGNATURE_LEN: usize = 64;
/// Bands of [`ROWS`] values each: two texts sharing 60% of their shingles
/// share a band with probability 0.89 (75%: 0.99); texts sharing 20% only
/// with 0.03, so few candidates need a full comparison.
pub const BANDS: usize = 16;
const ROWS: usize = SIGNATURE_LEN / BANDS;
/// Texts this similar or more count as copies. Each changed word breaks
/// the four shingles around it, so a copy with a few words swapped (a shop
/// name, a city) still shares well over 60%.
pub const COPY_THRESHOLD: f64 = 0.6;
/// Shorter texts are not compared (too little to tell a copy from a phrase).
pub const MIN_WORDS: usize = 20;

pub type Signature = [u32; SIGNATURE_LEN];

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A 64-bit mix (splitmix64's finaliser): one hash function per seed.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn normalized_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The signature of a text, or none when it is too short to compare.
pub fn signature(text: &str) -> Option<Signature> {
    let words = normalized_words(text);
    if words.len() < MIN_WORDS {
        return None;
    }
    let mut sig = [u32::MAX; SIGNATURE_LEN];
    for shingle in words.windows(SHINGLE) {
        let base = fnv1a(shingle.join(" ").as_bytes());
        for (i, slot) in sig.iter_mut().enumerate() {
            let h = (mix(base ^ mix(i as u64 + 1)) >> 32) as u32;
            if h < *slot {
                *slot = h;
            }
        }
    }
    Some(sig)
}

/// The estimated share of shingles two texts have in common (0.0–1.0).
pub fn similarity(a: &Signature, b: &Signature) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / SIGNATURE_LEN as f64
}

/// One key per band, to look up candidates by equality.
pub fn band_keys(sig: &Signature) -> [i64; BANDS] {
    let mut keys = [0i64; BANDS];
    for (band, key) in keys.iter_mut().enumerate() {
        let mut bytes = Vec::with_capacity(ROWS * 4 + 1);
        bytes.push(band as u8);
        for v in &sig[band * ROWS..(band + 1) * ROWS] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        *key = fnv1a(&bytes) as i64;
    }
    keys
}

/// A signature as stored (hex), and back.
pub fn encode(sig: &Signature) -> String {
    sig.iter().map(|v| format!("{v:08x}")).collect()
}

pub fn decode(text: &str) -> Option<Signature> {
    if text.len() != SIGNATURE_LEN * 8 {
        return None;
    }
    let mut sig = [0u32; SIGNATURE_LEN];
    for (i, slot) in sig.iter_mut().enumerate() {
        *slot = u32::from_str_radix(text.get(i * 8..i * 8 + 8)?, 16).ok()?;
    }
    Some(sig)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &str = "Kemeja batik tulis asli dari Solo dibuat oleh pengrajin berpengalaman \
        dengan bahan katun primisima yang adem dan nyaman dipakai seharian. Motif parang klasik \
        diwarnai dengan pewarna alami sehingga warnanya lembut dan tidak mudah luntur. Cocok \
        untuk acara kantor, kondangan, maupun santai di akhir pekan bersama keluarga.";

    #[test]
    fn a_copy_with_small_edits_is_found_and_a_different_text_is_not() {
        let copy = ORIGINAL
            .replace("Solo", "Pekalongan")
            .replace("keluarga", "teman");
        let other = "Sepatu lari ringan dengan sol karet anti slip dan bantalan busa yang \
            empuk untuk lari pagi maupun latihan di gym. Tersedia ukuran 38 sampai 44 dengan \
            pilihan warna hitam, putih, dan abu abu, dikemas dalam kotak yang kokoh.";
        let a = signature(ORIGINAL).unwrap();
        let b = signature(&copy).unwrap();
        let c = signature(other).unwrap();
        assert!(
            similarity(&a, &b) >= COPY_THRESHOLD,
            "{}",
            similarity(&a, &b)
        );
        assert!(similarity(&a, &c) < 0.2, "{}", similarity(&a, &c));
        let shared = band_keys(&a)
            .iter()
            .zip(band_keys(&b))
            .filter(|(x, y)| **x == *y)
            .count();
        assert!(shared > 0, "a copy shares a band");
        assert!(
            band_keys(&a)
                .iter()
                .zip(band_keys(&c))
                .all(|(x, y)| *x != y)
        );
    }

    #[test]
    fn case_and_punctuation_do_not_hide_a_copy() {
        let shouted = ORIGINAL.to_uppercase().replace('.', "!!");
        assert_eq!(signature(ORIGINAL), signature(&shouted));
    }

    #[test]
    fn short_texts_are_not_compared_and_signatures_round_trip() {
        assert_eq!(signature("Kemeja batik bagus"), None);
        let sig = signature(ORIGINAL).unwrap();
        assert_eq!(decode(&encode(&sig)), Some(sig));
        assert_eq!(decode("zz"), None);
    }
}

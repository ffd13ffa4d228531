//! The gateway's notification signature and the amounts it signs.
//!
//! `signature_key = hex(SHA-512(order_id + status_code + gross_amount +
//! server_key))`: whoever does not know the server key cannot sign, so a
//! notification that verifies came from the gateway (or the sandbox).

use sha2::{Digest, Sha256, Sha512};

/// The signature the gateway puts on a notification.
pub fn sign(order_id: &str, status_code: &str, gross_amount: &str, server_key: &str) -> String {
    let mut hash = Sha512::new();
    hash.update(order_id.as_bytes());
    hash.update(status_code.as_bytes());
    hash.update(gross_amount.as_bytes());
    hash.update(server_key.as_bytes());
    hex(&hash.finalize())
}

/// Whether `presented` is the signature of these values, compared in
/// constant time (a forger learns nothing from how long a refusal takes).
pub fn verify(
    order_id: &str,
    status_code: &str,
    gross_amount: &str,
    server_key: &str,
    presented: &str,
) -> bool {
    if server_key.is_empty() {
        return false;
    }
    let expected = sign(order_id, status_code, gross_amount, server_key);
    constant_time_eq(
        expected.as_bytes(),
        presented.trim().to_ascii_lowercase().as_bytes(),
    )
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether two secrets are equal, in constant time.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    constant_time_eq(&a, &b)
}

/// Lower-case hex, by table: a `write!` per byte was a visible share of
/// every checkout summary (its version).
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        text.push(char::from(DIGITS[usize::from(b >> 4)]));
        text.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    text
}

/// A gateway amount (`"150000.00"`, `"150000"`) in whole Rupiah; `None`
/// for anything else, a fraction of a Rupiah included — an amount that is
/// not exactly a whole number never matches a payment.
pub fn parse_gross_amount(text: &str) -> Option<i64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || whole.len() > 15 || !(fraction.is_empty() || digits(fraction)) {
        return None;
    }
    if fraction.bytes().any(|b| b != b'0') {
        return None;
    }
    whole.parse().ok()
}

/// How the gateway writes an amount in notifications.
pub fn format_gross_amount(rupiah: i64) -> String {
    format!("{rupiah}.00")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_sha512_of_the_four_values_in_hex() {
        // Worked by hand from the formula: the input is the plain
        // concatenation "pay_1" + "200" + "150000.00" + "SB-key".
        let concatenated = "pay_1200150000.00SB-key";
        let expected = hex(&Sha512::digest(concatenated.as_bytes()));
        assert_eq!(sign("pay_1", "200", "150000.00", "SB-key"), expected);
        assert_eq!(expected.len(), 128);
        // A known vector: SHA-512 of "abc" (FIPS 180-2, appendix C.1),
        // split over the four parts the way a notification splits it.
        assert_eq!(
            sign("a", "b", "c", ""),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
    }

    #[test]
    fn hex_is_two_lower_case_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xf0, 0xff, 0xa5]), "000ff0ffa5");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn verification_needs_every_value_and_the_key() {
        let good = sign("pay_1", "200", "150000.00", "SB-key");
        assert!(verify("pay_1", "200", "150000.00", "SB-key", &good));
        assert!(verify(
            "pay_1",
            "200",
            "150000.00",
            "SB-key",
            &good.to_ascii_uppercase()
        ));
        assert!(!verify("pay_1", "200", "150001.00", "SB-key", &good));
        assert!(!verify("pay_2", "200", "150000.00", "SB-key", &good));
        assert!(!verify("pay_1", "201", "150000.00", "SB-key", &good));
        assert!(!verify("pay_1", "200", "150000.00", "other", &good));
        assert!(!verify("pay_1", "200", "150000.00", "SB-key", ""));
        assert!(!verify("pay_1", "200", "150000.00", "SB-key", &good[..127]));
        // Without a configured key nothing verifies, not even a signature
        // made with the empty key.
        let unkeyed = sign("pay_1", "200", "150000.00", "");
        assert!(!verify("pay_1", "200", "150000.00", "", &unkeyed));
    }

    #[test]
    fn amounts_are_whole_rupiah_or_nothing() {
        assert_eq!(parse_gross_amount("150000.00"), Some(150_000));
        assert_eq!(parse_gross_amount("150000"), Some(150_000));
        assert_eq!(parse_gross_amount("150000.0"), Some(150_000));
        assert_eq!(parse_gross_amount("150000.50"), None);
        assert_eq!(parse_gross_amount("-5.00"), None);
        assert_eq!(parse_gross_amount("1e5"), None);
        assert_eq!(parse_gross_amount(""), None);
        assert_eq!(parse_gross_amount(".00"), None);
        assert_eq!(parse_gross_amount("150.000,00"), None);
        assert_eq!(parse_gross_amount("9999999999999999"), None);
        assert_eq!(format_gross_amount(150_000), "150000.00");
        assert_eq!(
            parse_gross_amount(&format_gross_amount(1_234_567)),
            Some(1_234_567)
        );
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}

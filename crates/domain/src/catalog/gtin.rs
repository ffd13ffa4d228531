//! Product identifiers printed under barcodes: GTIN-8 (EAN-8), GTIN-12
//! (UPC-A), GTIN-13 (EAN-13; ISBN-13 is an EAN-13 starting 978 or 979) and
//! GTIN-14. All end in the same mod-10 check digit (weights 3,1,3,… from the
//! right, excluding the check digit).

use crate::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GtinKind {
    Ean8,
    UpcA,
    Ean13,
    Isbn13,
    Gtin14,
}

impl GtinKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GtinKind::Ean8 => "EAN-8",
            GtinKind::UpcA => "UPC-A",
            GtinKind::Ean13 => "EAN-13",
            GtinKind::Isbn13 => "ISBN-13",
            GtinKind::Gtin14 => "GTIN-14",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gtin {
    digits: String,
    kind: GtinKind,
}

impl Gtin {
    /// Digits with or without spaces and hyphens (`978-602-03-1234-5`).
    pub fn parse(text: &str) -> Result<Gtin, ErrorCode> {
        let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ErrorCode::InvalidGtin);
        }
        let kind = match digits.len() {
            8 => GtinKind::Ean8,
            12 => GtinKind::UpcA,
            13 if digits.starts_with("978") || digits.starts_with("979") => GtinKind::Isbn13,
            13 => GtinKind::Ean13,
            14 => GtinKind::Gtin14,
            _ => return Err(ErrorCode::InvalidGtin),
        };
        let (body, check) = digits.split_at(digits.len() - 1);
        if check_digit(body) != check.as_bytes()[0] - b'0' {
            return Err(ErrorCode::InvalidGtin);
        }
        Ok(Gtin { digits, kind })
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }

    pub fn kind(&self) -> GtinKind {
        self.kind
    }
}

/// The check digit for the digits before it.
pub fn check_digit(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn real_world_codes() {
        // An EAN-13 from an Indonesian product (prefix 899), an ISBN, a UPC-A, an EAN-8.
        assert_eq!(
            Gtin::parse("8992761111113").map(|g| g.kind()),
            Ok(GtinKind::Ean13)
        );
        assert_eq!(
            Gtin::parse("978-0-306-40615-7").map(|g| g.kind()),
            Ok(GtinKind::Isbn13)
        );
        assert_eq!(
            Gtin::parse("036000291452").map(|g| g.kind()),
            Ok(GtinKind::UpcA)
        );
        assert_eq!(
            Gtin::parse("96385074").map(|g| g.kind()),
            Ok(GtinKind::Ean8)
        );
        assert_eq!(
            Gtin::parse("10012345678902").map(|g| g.kind()),
            Ok(GtinKind::Gtin14)
        );
        assert_eq!(
            Gtin::parse("978-0-306-40615-7").unwrap().as_str(),
            "9780306406157"
        );
    }

    #[test]
    fn wrong_codes_are_refused() {
        for bad in [
            "8992761111112",
            "12345",
            "97803064061x7",
            "",
            "123456789012345",
        ] {
            assert_eq!(Gtin::parse(bad), Err(ErrorCode::InvalidGtin), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn a_code_with_its_check_digit_passes_and_any_single_digit_change_fails(
            body in proptest::collection::vec(0u8..10, 12),
            position in 0usize..13,
            delta in 1u8..10,
        ) {
            let body: String = body.iter().map(|d| char::from(b'0' + d)).collect();
            let code = format!("{body}{}", check_digit(&body));
            prop_assert!(Gtin::parse(&code).is_ok());
            let mut bytes = code.into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let mutated = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(Gtin::parse(&mutated), Err(ErrorCode::InvalidGtin));
        }
    }
}

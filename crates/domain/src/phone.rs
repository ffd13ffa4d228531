//! Indonesian phone numbers, normalised to E.164 (`+62…`).

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Accepts what people type: `0812-3456-7890`, `62812…`, `+62 812…`,
    /// `(021) 555 1234`. The national number (after 0 / 62) has 8 to 12
    /// digits and does not start with 0.
    pub fn parse(text: &str) -> Result<PhoneNumber, ErrorCode> {
        let trimmed = text.trim();
        let plus = trimmed.starts_with('+');
        let digits: String = trimmed
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '+' | '\u{a0}'))
            .collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(ErrorCode::InvalidPhone);
        }
        let national = if let Some(rest) = digits.strip_prefix("62") {
            rest
        } else if plus {
            // Another country's code: etalase serves Indonesian numbers.
            return Err(ErrorCode::InvalidPhone);
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest
        } else {
            &digits
        };
        if !(8..=12).contains(&national.len()) || national.starts_with('0') {
            return Err(ErrorCode::InvalidPhone);
        }
        Ok(PhoneNumber(format!("+62{national}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_mobile(&self) -> bool {
        self.0.starts_with("+628")
    }

    /// The number with its middle hidden (`+62812****7890`), for people who
    /// need to recognise it but not to call it (the seller sees the
    /// buyer's; the courier's label carries the whole number).
    pub fn masked(&self) -> String {
        let (head, rest) = self.0.split_at(6);
        let tail = &rest[rest.len().saturating_sub(4)..];
        format!("{head}{}{tail}", "*".repeat(rest.len() - tail.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_number_keeps_its_start_and_end() {
        let phone = PhoneNumber::parse("0812-3456-7890").unwrap();
        assert_eq!(phone.masked(), "+62812****7890");
        let short = PhoneNumber::parse("021 5551234").unwrap();
        assert_eq!(short.masked(), "+62215**1234");
    }

    #[test]
    fn normalises_what_people_type() {
        for typed in [
            "0812-3456-7890",
            "081234567890",
            "62812 3456 7890",
            "+62 812-3456-7890",
            "812 3456 7890",
        ] {
            assert_eq!(
                PhoneNumber::parse(typed).unwrap().as_str(),
                "+6281234567890",
                "{typed}"
            );
        }
        let landline = PhoneNumber::parse("(021) 555-1234").unwrap();
        assert_eq!(landline.as_str(), "+62215551234");
        assert!(!landline.is_mobile());
    }

    #[test]
    fn refuses_what_cannot_be_dialled() {
        for bad in [
            "",
            "0812",
            "08123456789012345",
            "+1 415 555 0100",
            "0812-ABCD-7890",
            "00812345678",
        ] {
            assert_eq!(
                PhoneNumber::parse(bad),
                Err(ErrorCode::InvalidPhone),
                "{bad}"
            );
        }
    }
}

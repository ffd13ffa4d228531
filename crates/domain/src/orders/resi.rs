//! The resi (air waybill number) a package travels under. Sellers type it
//! or scan it, so spaces and lowercase are normalised away. Each courier's
//! usual shape is a heuristic only: a resi that does not look like its
//! courier's gets a warning, never a refusal (couriers change formats).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ErrorCode;
use crate::shipping::Courier;

/// A resi: 8 to 30 of A–Z and 0–9, uppercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Resi(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResiError {
    Empty,
    Length,
    Characters,
}

impl ResiError {
    pub fn code(self) -> ErrorCode {
        match self {
            ResiError::Empty => ErrorCode::ResiRequired,
            ResiError::Length | ResiError::Characters => ErrorCode::ResiInvalid,
        }
    }
}

impl Resi {
    pub const MIN: usize = 8;
    pub const MAX: usize = 30;

    /// Reads a resi as typed: whitespace and dashes dropped, letters
    /// uppercased.
    pub fn parse(text: &str) -> Result<Resi, ResiError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if cleaned.is_empty() {
            return Err(ResiError::Empty);
        }
        if !cleaned
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return Err(ResiError::Characters);
        }
        if !(Self::MIN..=Self::MAX).contains(&cleaned.len()) {
            return Err(ResiError::Length);
        }
        Ok(Resi(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the resi has the shape `courier` usually gives.
    pub fn looks_like(&self, courier: Courier) -> bool {
        let s = self.0.as_str();
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        match courier {
            Courier::Jnt => {
                (s.starts_with("JT") || s.starts_with("JX"))
                    && digits(&s[2..])
                    && (10..=14).contains(&(s.len() - 2))
            }
            Courier::Sicepat => s.len() == 12 && digits(s),
            Courier::Jne => {
                (digits(s) && (10..=16).contains(&s.len()))
                    || s.starts_with("TG")
                    || s.starts_with("CGK")
            }
            Courier::Anteraja => s.starts_with("TSA"),
            Courier::Pos => {
                (s.len() == 13 && digits(s))
                    || (s.len() == 13
                        && s.starts_with("RR")
                        && s.ends_with("ID")
                        && digits(&s[2..11]))
            }
        }
    }
}

impl Resi {
    /// A resi of `courier`'s usual shape made from `serial` (the sandbox
    /// courier issues these, so a demo's resis look like real ones).
    pub fn issued(courier: Courier, serial: u64) -> Resi {
        let text = match courier {
            Courier::Jne => format!("CGK{:010}", serial % 10_000_000_000),
            Courier::Jnt => format!("JX{:010}", serial % 10_000_000_000),
            Courier::Sicepat => format!("0026{:08}", serial % 100_000_000),
            Courier::Anteraja => format!("TSA{:011}", serial % 100_000_000_000),
            Courier::Pos => format!("RR{:09}ID", serial % 1_000_000_000),
        };
        Resi(text)
    }
}

impl fmt::Display for Resi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_dashes_and_lowercase_are_normalised() {
        let resi = Resi::parse("  jt 0012-3456 7890 ").unwrap();
        assert_eq!(resi.as_str(), "JT001234567890");
        assert!(resi.looks_like(Courier::Jnt));
        assert_eq!(
            Resi::parse("tsa 1234 5678").unwrap().as_str(),
            "TSA12345678"
        );
    }

    #[test]
    fn empty_short_long_and_odd_characters_are_refused() {
        assert_eq!(Resi::parse("  "), Err(ResiError::Empty));
        assert_eq!(Resi::parse("AB12"), Err(ResiError::Length));
        assert_eq!(Resi::parse(&"1".repeat(31)), Err(ResiError::Length));
        assert_eq!(Resi::parse("JT1234/5678"), Err(ResiError::Characters));
        assert_eq!(Resi::parse("JT12345678É"), Err(ResiError::Characters));
        assert_eq!(ResiError::Empty.code(), ErrorCode::ResiRequired);
        assert_eq!(ResiError::Characters.code(), ErrorCode::ResiInvalid);
    }

    #[test]
    fn issued_resis_have_their_couriers_shape() {
        for courier in Courier::ALL {
            for serial in [0, 7, 123_456_789, u64::MAX] {
                let resi = Resi::issued(courier, serial);
                assert!(resi.looks_like(courier), "{resi} for {courier:?}");
                assert_eq!(Resi::parse(resi.as_str()).as_ref(), Ok(&resi));
            }
        }
    }

    #[test]
    fn each_courier_has_its_usual_shape() {
        let cases = [
            ("JT1234567890", Courier::Jnt, true),
            ("JX12345678901234", Courier::Jnt, true),
            ("JT123456789", Courier::Jnt, false),
            ("001234567890", Courier::Sicepat, true),
            ("0012345678901", Courier::Sicepat, false),
            ("1234567890123", Courier::Jne, true),
            ("CGK1234AB567", Courier::Jne, true),
            ("TG12345678", Courier::Jne, true),
            ("JT1234567890", Courier::Jne, false),
            ("TSA0012345678", Courier::Anteraja, true),
            ("RR123456789ID", Courier::Pos, true),
            ("1234567890123", Courier::Pos, true),
            ("RR12345678XID", Courier::Pos, false),
        ];
        for (text, courier, expected) in cases {
            let resi = Resi::parse(text).unwrap();
            assert_eq!(resi.looks_like(courier), expected, "{text} for {courier:?}");
        }
    }
}

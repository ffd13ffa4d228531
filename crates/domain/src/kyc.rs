//! Indonesian identity and tax numbers: NIK (KTP), NPWP, NIB. Each parses
//! from what a person types (spaces, dots and dashes allowed) into a canonical
//! value, or says exactly what is wrong. See `reference/domain-facts.md`.

use time::{Date, Month};

use crate::ErrorCode;
use crate::regions::{DistrictCode, regions};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
}

/// The digits of a number typed with spaces, dots or dashes; `None` when
/// anything else is in it.
fn digits_only(text: &str) -> Option<String> {
    let kept: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}'))
        .collect();
    (!kept.is_empty() && kept.chars().all(|c| c.is_ascii_digit())).then_some(kept)
}

/// A NIK: `PP RR SS DDMMYY XXXX` — district of first registration, birth date
/// (day + 40 for women), serial. It has no check digit: a typo in the serial
/// cannot be caught, a typo in the date or province usually can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nik {
    digits: String,
    birth_date: Date,
    gender: Gender,
}

impl Nik {
    /// Parses a NIK; `today` decides the century of the two-digit year (the
    /// latest one that is not in the future).
    pub fn parse(text: &str, today: Date) -> Result<Nik, ErrorCode> {
        let digits = digits_only(text).ok_or(ErrorCode::InvalidNik)?;
        if digits.len() != 16 {
            return Err(ErrorCode::InvalidNik);
        }
        if regions().province(&digits[0..2]).is_none() {
            return Err(ErrorCode::InvalidNik);
        }
        let number = |range: std::ops::Range<usize>| digits[range].parse::<u8>().unwrap_or(0);
        let (raw_day, month, year) = (number(6..8), number(8..10), number(10..12));
        let (day, gender) = match raw_day {
            1..=31 => (raw_day, Gender::Male),
            41..=71 => (raw_day - 40, Gender::Female),
            _ => return Err(ErrorCode::InvalidNik),
        };
        let month = Month::try_from(month).map_err(|_| ErrorCode::InvalidNik)?;
        let in_century =
            |century: i32| Date::from_calendar_date(century + year as i32, month, day).ok();
        let birth_date = match in_century(2000) {
            Some(date) if date <= today => date,
            _ => in_century(1900).ok_or(ErrorCode::InvalidNik)?,
        };
        if digits[12..16] == *"0000" {
            return Err(ErrorCode::InvalidNik);
        }
        Ok(Nik {
            digits,
            birth_date,
            gender,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }

    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    pub fn gender(&self) -> Gender {
        self.gender
    }

    /// The district the NIK was issued in, as today's data knows it.
    pub fn district(&self) -> DistrictCode {
        regions().district_code(&self.digits[0..6])
    }

    /// What the NIK says against what the person entered: each mismatch.
    pub fn mismatches(&self, birth_date: Date, gender: Gender) -> Vec<ErrorCode> {
        let mut found = Vec::new();
        if self.birth_date != birth_date {
            found.push(ErrorCode::NikBirthDateMismatch);
        }
        if self.gender != gender {
            found.push(ErrorCode::NikGenderMismatch);
        }
        found
    }

    /// `3201••••••••0001`: enough to recognise, not enough to misuse.
    pub fn masked(&self) -> String {
        mask(&self.digits, 4, 4)
    }
}

/// Keeps the first `head` and last `tail` characters.
pub fn mask(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= head + tail {
        return "•".repeat(chars.len());
    }
    let hidden = chars.len() - head - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"•".repeat(hidden));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// A tax number. Stored in the 16-digit form in use since 2024: a legacy
/// 15-digit NPWP becomes `0` + its digits; an individual's is their NIK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Npwp {
    digits: String,
}

impl Npwp {
    pub fn parse(text: &str, today: Date) -> Result<Npwp, ErrorCode> {
        let digits = digits_only(text).ok_or(ErrorCode::InvalidNpwp)?;
        match digits.len() {
            15 if legacy_is_valid(&digits) => Ok(Npwp {
                digits: format!("0{digits}"),
            }),
            16 if digits.starts_with('0') && legacy_is_valid(&digits[1..]) => Ok(Npwp { digits }),
            16 if Nik::parse(&digits, today).is_ok() => Ok(Npwp { digits }),
            _ => Err(ErrorCode::InvalidNpwp),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The NIK this NPWP is, for a resident individual's 16-digit NPWP.
    pub fn is_nik(&self) -> bool {
        !self.digits.starts_with('0')
    }

    /// `XX.XXX.XXX.X-XXX.XXX` for a legacy number, else the 16 digits.
    pub fn display(&self) -> String {
        match self.digits.strip_prefix('0') {
            Some(d) => format!(
                "{}.{}.{}.{}-{}.{}",
                &d[0..2],
                &d[2..5],
                &d[5..8],
                &d[8..9],
                &d[9..12],
                &d[12..15]
            ),
            None => self.digits.clone(),
        }
    }

    pub fn masked(&self) -> String {
        mask(&self.digits, 4, 4)
    }
}

/// The old 15-digit NPWP: its 9th digit is the Luhn check digit of the first 8.
fn legacy_is_valid(digits: &str) -> bool {
    digits.len() == 15 && luhn_valid(&digits[0..9])
}

fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The Luhn check digit for `digits`.
pub fn luhn_check_digit(digits: &str) -> u32 {
    (0..10)
        .find(|d| luhn_valid(&format!("{digits}{d}")))
        .unwrap_or(0)
}

/// NIB, the business identification number of a company: 13 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nib(String);

impl Nib {
    pub fn parse(text: &str) -> Result<Nib, ErrorCode> {
        let digits = digits_only(text).ok_or(ErrorCode::InvalidNib)?;
        if digits.len() != 13 {
            return Err(ErrorCode::InvalidNib);
        }
        Ok(Nib(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 29);

    #[test]
    fn decodes_date_and_gender() {
        let man = Nik::parse("3201 0112 0590 0001", TODAY).unwrap();
        assert_eq!(man.birth_date(), date!(1990 - 05 - 12));
        assert_eq!(man.gender(), Gender::Male);
        let woman = Nik::parse("3201015205950002", TODAY).unwrap();
        assert_eq!(woman.birth_date(), date!(1995 - 05 - 12));
        assert_eq!(woman.gender(), Gender::Female);
        let young = Nik::parse("3201011203080003", TODAY).unwrap();
        assert_eq!(young.birth_date(), date!(2008 - 03 - 12));
        assert_eq!(woman.masked(), "3201••••••••0002");
        assert_eq!(
            woman.mismatches(date!(1995 - 05 - 12), Gender::Male),
            [ErrorCode::NikGenderMismatch]
        );
        assert!(
            woman
                .mismatches(date!(1995 - 05 - 12), Gender::Female)
                .is_empty()
        );
    }

    #[test]
    fn refuses_impossible_niks() {
        for bad in [
            "",
            "320101120590000",   // 15 digits
            "32010112059000011", // 17 digits
            "3201011205900O01",  // a letter O
            "0001011205900001",  // province 00
            "9901011205900001",  // province 99
            "3201013205900001",  // day 32
            "3201017205900001",  // day 72 (female 32)
            "3201014005900001",  // day 40
            "3201011213900001",  // month 13
            "3201013002900001",  // 30 February
            "3201012902010001",  // 29 February 2001 / 1901
            "3201011205900000",  // serial 0000
        ] {
            assert_eq!(Nik::parse(bad, TODAY), Err(ErrorCode::InvalidNik), "{bad}");
        }
        // 29 February of a leap year is a birthday.
        assert!(Nik::parse("3201012902960001", TODAY).is_ok());
    }

    #[test]
    fn knows_where_a_nik_was_issued() {
        let current = Nik::parse("3201011205900001", TODAY).unwrap();
        assert_eq!(current.district(), DistrictCode::Current);
        let merauke_before_2022 = Nik::parse("9101011205900001", TODAY).unwrap();
        assert_eq!(
            merauke_before_2022.district(),
            DistrictCode::Retired { current: "930101" }
        );
    }

    #[test]
    fn npwp_in_both_formats() {
        // 01.234.567.?-012.000 with its Luhn digit.
        let check = luhn_check_digit("01234567");
        let legacy = format!("01.234.567.{check}-012.000");
        let npwp = Npwp::parse(&legacy, TODAY).unwrap();
        assert_eq!(npwp.as_str(), format!("001234567{check}012000"));
        assert_eq!(npwp.display(), legacy);
        assert!(!npwp.is_nik());
        assert_eq!(Npwp::parse(npwp.as_str(), TODAY).unwrap(), npwp);
        let wrong = (check + 1) % 10;
        assert_eq!(
            Npwp::parse(&format!("01.234.567.{wrong}-012.000"), TODAY),
            Err(ErrorCode::InvalidNpwp)
        );
        let nik = Npwp::parse("3201011205900001", TODAY).unwrap();
        assert!(nik.is_nik());
        assert_eq!(Npwp::parse("1234", TODAY), Err(ErrorCode::InvalidNpwp));
        assert_eq!(
            Npwp::parse("01.234.567.x-012.000", TODAY),
            Err(ErrorCode::InvalidNpwp)
        );
    }

    #[test]
    fn nib_is_thirteen_digits() {
        assert_eq!(
            Nib::parse("1234 5678 90123").unwrap().as_str(),
            "1234567890123"
        );
        assert_eq!(Nib::parse("123456789012"), Err(ErrorCode::InvalidNib));
    }

    fn arb_nik() -> impl Strategy<Value = (String, Date, Gender)> {
        let provinces: Vec<&'static str> = regions().provinces().iter().map(|p| p.code).collect();
        (
            proptest::sample::select(provinces),
            0u32..10_000,
            0i32..(365 * 80),
            any::<bool>(),
            1u32..10_000,
        )
            .prop_map(|(province, area, age_days, female, serial)| {
                let born = TODAY - time::Duration::days(age_days as i64);
                let day = born.day() + if female { 40 } else { 0 };
                let text = format!(
                    "{province}{area:04}{day:02}{:02}{:02}{serial:04}",
                    born.month() as u8,
                    born.year() % 100
                );
                (
                    text,
                    born,
                    if female { Gender::Female } else { Gender::Male },
                )
            })
    }

    proptest! {
        #[test]
        fn generated_niks_parse_back_to_their_date_and_gender((text, born, gender) in arb_nik()) {
            let nik = Nik::parse(&text, TODAY).unwrap();
            prop_assert_eq!(nik.gender(), gender);
            // Only the last 100 years are told apart by a two-digit year.
            prop_assert_eq!(nik.birth_date(), born);
            prop_assert!(nik.mismatches(born, gender).is_empty());
        }

        #[test]
        fn impossible_days_always_fail((text, _, _) in arb_nik(), day in prop_oneof![32u8..=40, 72u8..=99]) {
            let broken = format!("{}{day:02}{}", &text[0..6], &text[8..]);
            prop_assert_eq!(Nik::parse(&broken, TODAY), Err(ErrorCode::InvalidNik));
        }

        #[test]
        fn every_single_digit_typo_in_a_legacy_npwp_is_caught(
            head in "[0-9]{8}", tail in "[0-9]{6}", position in 0usize..9, delta in 1u32..10,
        ) {
            let valid = format!("{head}{}{tail}", luhn_check_digit(&head));
            prop_assert!(Npwp::parse(&valid, TODAY).is_ok());
            let mut digits: Vec<u32> = valid.chars().map(|c| c.to_digit(10).unwrap()).collect();
            digits[position] = (digits[position] + delta) % 10;
            let typo: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            prop_assert_eq!(Npwp::parse(&typo, TODAY), Err(ErrorCode::InvalidNpwp));
        }
    }
}

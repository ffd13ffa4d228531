//! Banks sellers are paid into, with account-number lengths where they are
//! fixed and well known; for the others any 6 to 20 digits are accepted.

use crate::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bank {
    /// Stable code kept with the account (`bca`, `mandiri`).
    pub code: &'static str,
    pub name: &'static str,
    /// Exact number of digits of an account, when the bank has one length.
    pub account_digits: Option<usize>,
}

pub const BANKS: [Bank; 12] = [
    Bank {
        code: "bca",
        name: "Bank Central Asia (BCA)",
        account_digits: Some(10),
    },
    Bank {
        code: "mandiri",
        name: "Bank Mandiri",
        account_digits: Some(13),
    },
    Bank {
        code: "bri",
        name: "Bank Rakyat Indonesia (BRI)",
        account_digits: Some(15),
    },
    Bank {
        code: "bni",
        name: "Bank Negara Indonesia (BNI)",
        account_digits: Some(10),
    },
    Bank {
        code: "bsi",
        name: "Bank Syariah Indonesia (BSI)",
        account_digits: Some(10),
    },
    Bank {
        code: "btn",
        name: "Bank Tabungan Negara (BTN)",
        account_digits: Some(16),
    },
    Bank {
        code: "cimb",
        name: "CIMB Niaga",
        account_digits: None,
    },
    Bank {
        code: "permata",
        name: "PermataBank",
        account_digits: None,
    },
    Bank {
        code: "danamon",
        name: "Bank Danamon",
        account_digits: None,
    },
    Bank {
        code: "ocbc",
        name: "OCBC Indonesia",
        account_digits: None,
    },
    Bank {
        code: "jago",
        name: "Bank Jago",
        account_digits: None,
    },
    Bank {
        code: "seabank",
        name: "SeaBank Indonesia",
        account_digits: None,
    },
];

pub fn bank(code: &str) -> Option<&'static Bank> {
    BANKS.iter().find(|b| b.code == code)
}

impl Bank {
    /// The account number's digits, if they fit this bank.
    pub fn account_number(&self, typed: &str) -> Result<String, ErrorCode> {
        let digits: String = typed
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.'))
            .collect();
        let fits = match self.account_digits {
            Some(n) => digits.len() == n,
            None => (6..=20).contains(&digits.len()),
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || !fits {
            return Err(ErrorCode::InvalidAccountNumber);
        }
        Ok(digits)
    }
}

/// Whether an account holder's name plausibly is the person or company on
/// the documents. Banks print names in capitals, shorten them and add or drop
/// titles, so this only warns; a reviewer decides.
pub fn holder_name_matches(holder: &str, expected: &str) -> bool {
    const NOISE: [&str; 12] = [
        "PT", "CV", "TBK", "UD", "PD", "SDR", "SDRI", "BPK", "BAPAK", "IBU", "IR", "DR",
    ];
    let words = |text: &str| -> Vec<String> {
        text.to_uppercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !NOISE.contains(w))
            .map(str::to_owned)
            .collect()
    };
    let (holder, expected) = (words(holder), words(expected));
    if holder.is_empty() || expected.is_empty() {
        return false;
    }
    // Every word of the shorter name appears in the longer (or as its initial).
    let (short, long) = if holder.len() <= expected.len() {
        (&holder, &expected)
    } else {
        (&expected, &holder)
    };
    short.iter().all(|w| {
        long.iter()
            .any(|l| l == w || (w.len() == 1 && l.starts_with(w.as_str())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_numbers_follow_the_bank() {
        let bca = bank("bca").unwrap();
        assert_eq!(bca.account_number("123-456 7890").unwrap(), "1234567890");
        assert_eq!(
            bca.account_number("123456789"),
            Err(ErrorCode::InvalidAccountNumber)
        );
        assert_eq!(
            bank("mandiri")
                .unwrap()
                .account_number("1234567890123")
                .unwrap()
                .len(),
            13
        );
        assert!(bank("jago").unwrap().account_number("123456789012").is_ok());
        assert!(
            bank("jago")
                .unwrap()
                .account_number("12A456789012")
                .is_err()
        );
        assert!(bank("nope").is_none());
    }

    #[test]
    fn holder_names() {
        assert!(holder_name_matches("SARI WULANDARI", "Sari Wulandari"));
        assert!(holder_name_matches("SARI W", "Sari Wulandari"));
        assert!(holder_name_matches("IBU SARI WULANDARI", "Sari Wulandari"));
        assert!(holder_name_matches("PT BATIK SARI", "PT. Batik Sari Tbk"));
        assert!(!holder_name_matches("BUDI SANTOSO", "Sari Wulandari"));
        assert!(!holder_name_matches("", "Sari"));
    }
}

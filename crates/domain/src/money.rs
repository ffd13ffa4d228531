//! Money as integer minor units with a currency — never floats.

use serde::{Deserialize, Serialize};

use crate::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    /// Indonesian Rupiah. Its minor unit here is one whole Rupiah: sen are not
    /// in circulation and marketplaces price, charge and settle in whole Rupiah.
    Idr,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Idr => "IDR",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Amount in the currency's minor units (whole Rupiah for IDR).
    pub minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("currencies differ")]
    CurrencyMismatch,
    #[error("amount overflows")]
    Overflow,
}

impl Money {
    pub const fn idr(rupiah: i64) -> Self {
        Self {
            minor: rupiah,
            currency: Currency::Idr,
        }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money { minor, ..self })
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_sub(other.minor)
            .map(|minor| Money { minor, ..self })
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_mul(self, quantity: i64) -> Result<Money, MoneyError> {
        self.minor
            .checked_mul(quantity)
            .map(|minor| Money { minor, ..self })
            .ok_or(MoneyError::Overflow)
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch)
        }
    }

    /// `Rp150.000` in Indonesian, `IDR 150,000` in English.
    pub fn format(self, lang: Lang) -> String {
        let (prefix, separator) = match lang {
            Lang::Id => ("Rp", '.'),
            Lang::En => ("IDR ", ','),
        };
        let sign = if self.minor < 0 { "-" } else { "" };
        format!(
            "{sign}{prefix}{}",
            group_thousands(self.minor.unsigned_abs(), separator)
        )
    }
}

fn group_thousands(value: u64, separator: char) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_rupiah_per_language() {
        assert_eq!(Money::idr(150_000).format(Lang::Id), "Rp150.000");
        assert_eq!(Money::idr(1_500_000).format(Lang::Id), "Rp1.500.000");
        assert_eq!(Money::idr(150_000).format(Lang::En), "IDR 150,000");
        assert_eq!(Money::idr(100).format(Lang::Id), "Rp100");
        assert_eq!(Money::idr(0).format(Lang::Id), "Rp0");
        assert_eq!(Money::idr(-2_500).format(Lang::Id), "-Rp2.500");
    }

    #[test]
    fn refuses_overflow_instead_of_wrapping() {
        assert_eq!(
            Money::idr(i64::MAX).checked_add(Money::idr(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::idr(i64::MAX / 2 + 1).checked_mul(2),
            Err(MoneyError::Overflow)
        );
    }

    proptest! {
        #[test]
        fn formatting_keeps_every_digit(amount in 0i64..1_000_000_000_000) {
            let shown = Money::idr(amount).format(Lang::Id);
            let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
            prop_assert_eq!(digits.parse::<i64>().unwrap(), amount);
        }

        #[test]
        fn add_then_sub_is_identity(a in -1_000_000_000i64..1_000_000_000, b in -1_000_000_000i64..1_000_000_000) {
            let sum = Money::idr(a).checked_add(Money::idr(b)).unwrap();
            prop_assert_eq!(sum.checked_sub(Money::idr(b)).unwrap(), Money::idr(a));
        }
    }
}

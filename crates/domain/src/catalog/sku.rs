//! What one SKU (one sellable variant) carries: the seller's code, price,
//! stock, weight and package size — each a value that is always in range.

use crate::{ErrorCode, Money};

/// The seller's own code for a SKU (unique within the shop): up to 50
/// visible characters, no spaces at the ends, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SkuCode(String);

impl SkuCode {
    pub const MAX: usize = 50;

    pub fn parse(text: &str) -> Result<SkuCode, ErrorCode> {
        let code = text.trim();
        if code.is_empty()
            || code.chars().count() > Self::MAX
            || code.chars().any(|c| c.is_control())
        {
            return Err(ErrorCode::InvalidSkuCode);
        }
        Ok(SkuCode(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A SKU's price: Rp100 to Rp100.000.000 (the marketplace bounds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Price(i64);

impl Price {
    pub const MIN: i64 = 100;
    pub const MAX: i64 = 100_000_000;
    /// Below this a sale may cost the seller more in fees than it earns.
    pub const LOW_WARNING: i64 = 2_000;

    pub fn new(rupiah: i64) -> Result<Price, ErrorCode> {
        if (Self::MIN..=Self::MAX).contains(&rupiah) {
            Ok(Price(rupiah))
        } else {
            Err(ErrorCode::PriceOutOfRange)
        }
    }

    /// Parses what sellers type: `150000`, `150.000`, `Rp150.000`,
    /// `150rb`, `150 ribu`, `1,5jt`, `1.5 juta`.
    pub fn parse(text: &str) -> Result<Price, ErrorCode> {
        Self::new(parse_rupiah(text).ok_or(ErrorCode::PriceOutOfRange)?)
    }

    pub fn rupiah(self) -> i64 {
        self.0
    }

    pub fn money(self) -> Money {
        Money::idr(self.0)
    }
}

/// Rupiah written the ways Indonesians write it. `None` when it is not an
/// amount (or not a whole Rupiah).
pub fn parse_rupiah(text: &str) -> Option<i64> {
    let lower = text.trim().to_lowercase();
    let lower = lower
        .strip_prefix("rp")
        .or_else(|| lower.strip_prefix("idr"))
        .unwrap_or(&lower)
        .trim()
        .trim_start_matches('.')
        .trim();
    let (number, multiplier) = [
        ("juta", 1_000_000),
        ("jt", 1_000_000),
        ("ribu", 1_000),
        ("rb", 1_000),
        ("k", 1_000),
    ]
    .iter()
    .find_map(|(suffix, m)| lower.strip_suffix(suffix).map(|n| (n.trim(), *m)))
    .unwrap_or((lower, 1));
    if number.is_empty()
        || !number
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    if multiplier == 1 {
        // Whole Rupiah: dots (Indonesian) or commas (English) group thousands.
        let groups: Vec<&str> = number.split(['.', ',']).collect();
        let grouped = groups.len() > 1
            && !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if groups.len() > 1 && !grouped {
            // `150.000,00` or `150,000.00`: whole Rupiah with zero cents.
            let (whole, cents) = number.rsplit_once([',', '.'])?;
            if cents.len() == 2 && cents == "00" {
                return parse_rupiah(whole);
            }
            return None;
        }
        return groups.concat().parse().ok();
    }
    // With a multiplier one decimal separator is allowed: `1,5jt`, `1.5 juta`.
    let normalized = number.replace(',', ".");
    let (whole, fraction) = normalized.split_once('.').unwrap_or((&normalized, ""));
    if fraction.contains('.') || whole.is_empty() {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let mut amount = whole.checked_mul(multiplier)?;
    let mut scale = multiplier;
    for digit in fraction.chars() {
        scale /= 10;
        if scale == 0 {
            return None;
        }
        amount += i64::from(digit.to_digit(10)?) * scale;
    }
    Some(amount)
}

/// Units in stock: 0 to 999,999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Stock(i64);

impl Stock {
    pub const MAX: i64 = 999_999;

    pub fn new(units: i64) -> Result<Stock, ErrorCode> {
        if (0..=Self::MAX).contains(&units) {
            Ok(Stock(units))
        } else {
            Err(ErrorCode::StockOutOfRange)
        }
    }

    pub fn units(self) -> i64 {
        self.0
    }

    /// The level after a change; refused below zero or above the maximum.
    pub fn adjusted(self, delta: i64) -> Result<Stock, ErrorCode> {
        let next = self
            .0
            .checked_add(delta)
            .ok_or(ErrorCode::StockOutOfRange)?;
        if next < 0 {
            return Err(ErrorCode::StockWouldGoNegative);
        }
        Stock::new(next)
    }
}

/// Shipping weight in grams: 1 g to 500 kg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WeightGrams(u32);

impl WeightGrams {
    pub const MAX: u32 = 500_000;

    pub fn new(grams: i64) -> Result<WeightGrams, ErrorCode> {
        if (1..=i64::from(Self::MAX)).contains(&grams) {
            Ok(WeightGrams(grams as u32))
        } else {
            Err(ErrorCode::WeightOutOfRange)
        }
    }

    pub fn grams(self) -> u32 {
        self.0
    }
}

/// Package size in whole centimetres, each side 1–300 cm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dimensions {
    pub length_cm: u16,
    pub width_cm: u16,
    pub height_cm: u16,
}

impl Dimensions {
    pub const MAX_SIDE: u16 = 300;

    pub fn new(length: i64, width: i64, height: i64) -> Result<Dimensions, ErrorCode> {
        let side = |v: i64| {
            if (1..=i64::from(Self::MAX_SIDE)).contains(&v) {
                Ok(v as u16)
            } else {
                Err(ErrorCode::DimensionsOutOfRange)
            }
        };
        Ok(Dimensions {
            length_cm: side(length)?,
            width_cm: side(width)?,
            height_cm: side(height)?,
        })
    }

    /// Volume in cm³ (couriers divide it to get a volumetric weight).
    pub fn volume_cm3(self) -> u64 {
        u64::from(self.length_cm) * u64::from(self.width_cm) * u64::from(self.height_cm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn prices_as_sellers_type_them() {
        for (text, rupiah) in [
            ("150000", 150_000),
            ("150.000", 150_000),
            ("Rp150.000", 150_000),
            ("Rp 150.000", 150_000),
            ("IDR 150,000", 150_000),
            ("150.000,00", 150_000),
            ("1.250.000", 1_250_000),
            ("150rb", 150_000),
            ("150 ribu", 150_000),
            ("1,5jt", 1_500_000),
            ("1.5 juta", 1_500_000),
            ("2 juta", 2_000_000),
            ("25k", 25_000),
        ] {
            assert_eq!(parse_rupiah(text), Some(rupiah), "{text}");
        }
        for text in [
            "",
            "abc",
            "15.00.0",
            "1.5",
            "150.5",
            "1,2345678jt",
            "-100",
            "Rp",
        ] {
            assert_eq!(parse_rupiah(text), None, "{text}");
        }
    }

    #[test]
    fn prices_are_bounded() {
        assert_eq!(Price::parse("99"), Err(ErrorCode::PriceOutOfRange));
        assert_eq!(Price::parse("0"), Err(ErrorCode::PriceOutOfRange));
        assert!(Price::parse("100").is_ok());
        assert!(Price::parse("100.000.000").is_ok());
        assert_eq!(Price::parse("100.000.001"), Err(ErrorCode::PriceOutOfRange));
    }

    #[test]
    fn stock_weight_dimensions_and_codes() {
        assert_eq!(Stock::new(-1), Err(ErrorCode::StockOutOfRange));
        assert_eq!(Stock::new(1_000_000), Err(ErrorCode::StockOutOfRange));
        assert_eq!(
            Stock::new(3).unwrap().adjusted(-4),
            Err(ErrorCode::StockWouldGoNegative)
        );
        assert_eq!(Stock::new(3).unwrap().adjusted(-3).unwrap().units(), 0);
        assert_eq!(WeightGrams::new(0), Err(ErrorCode::WeightOutOfRange));
        assert_eq!(
            Dimensions::new(30, 20, 0),
            Err(ErrorCode::DimensionsOutOfRange)
        );
        assert_eq!(Dimensions::new(30, 20, 10).unwrap().volume_cm3(), 6000);
        assert_eq!(
            SkuCode::parse("  KMJ-BTK-M-01 ").unwrap().as_str(),
            "KMJ-BTK-M-01"
        );
        assert_eq!(
            SkuCode::parse(&"x".repeat(51)),
            Err(ErrorCode::InvalidSkuCode)
        );
        assert_eq!(SkuCode::parse("  "), Err(ErrorCode::InvalidSkuCode));
    }

    proptest! {
        #[test]
        fn written_with_dots_or_plain_is_the_same_amount(rupiah in 0i64..1_000_000_000_000) {
            let plain = rupiah.to_string();
            let dotted = Money::idr(rupiah).format(crate::Lang::Id);
            prop_assert_eq!(parse_rupiah(&plain), Some(rupiah));
            prop_assert_eq!(parse_rupiah(&dotted), Some(rupiah));
        }
    }
}

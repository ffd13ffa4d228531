//! Bulk edits of price and stock over selected SKUs: set a value, or adjust
//! by an amount or a percentage. Each line is computed (and previewed)
//! before anything is written; a line outside the limits is refused with
//! its reason, never clamped silently.

use super::sku::{Price, Stock};
use crate::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceEdit {
    Set(i64),
    /// Add (or with a negative amount, take off) Rupiah.
    Adjust(i64),
    /// Change by whole percent (−90 to +500), rounded to the nearest Rupiah.
    Percent(i32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockEdit {
    Set(i64),
    Adjust(i64),
}

impl PriceEdit {
    /// The new price, or why it cannot be.
    pub fn apply(self, current: Option<Price>) -> Result<Price, ErrorCode> {
        let base = |c: Option<Price>| c.map(Price::rupiah).ok_or(ErrorCode::PriceRequired);
        let next = match self {
            PriceEdit::Set(value) => value,
            PriceEdit::Adjust(amount) => base(current)?.saturating_add(amount),
            PriceEdit::Percent(percent) => {
                if !(-90..=500).contains(&percent) {
                    return Err(ErrorCode::PriceOutOfRange);
                }
                let scaled = i128::from(base(current)?) * i128::from(100 + percent);
                // Round half up to whole Rupiah.
                ((scaled + 50) / 100) as i64
            }
        };
        Price::new(next)
    }
}

impl StockEdit {
    pub fn apply(self, current: Stock) -> Result<Stock, ErrorCode> {
        match self {
            StockEdit::Set(level) => Stock::new(level),
            StockEdit::Adjust(delta) => current.adjusted(delta),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn price(v: i64) -> Option<Price> {
        Some(Price::new(v).unwrap())
    }

    #[test]
    fn prices_set_adjust_and_scale() {
        assert_eq!(PriceEdit::Set(99_000).apply(None).unwrap().rupiah(), 99_000);
        assert_eq!(
            PriceEdit::Adjust(-10_000)
                .apply(price(150_000))
                .unwrap()
                .rupiah(),
            140_000
        );
        assert_eq!(
            PriceEdit::Percent(-15)
                .apply(price(149_999))
                .unwrap()
                .rupiah(),
            127_499
        );
        assert_eq!(
            PriceEdit::Percent(10).apply(price(155)).unwrap().rupiah(),
            171
        );
        assert_eq!(
            PriceEdit::Adjust(-200).apply(price(250)),
            Err(ErrorCode::PriceOutOfRange)
        );
        assert_eq!(
            PriceEdit::Percent(10).apply(None),
            Err(ErrorCode::PriceRequired)
        );
        assert_eq!(
            PriceEdit::Percent(-95).apply(price(1000)),
            Err(ErrorCode::PriceOutOfRange)
        );
    }

    #[test]
    fn stock_set_and_adjust() {
        let five = Stock::new(5).unwrap();
        assert_eq!(StockEdit::Adjust(-5).apply(five).unwrap().units(), 0);
        assert_eq!(
            StockEdit::Adjust(-6).apply(five),
            Err(ErrorCode::StockWouldGoNegative)
        );
        assert_eq!(
            StockEdit::Set(1_000_000).apply(five),
            Err(ErrorCode::StockOutOfRange)
        );
    }

    proptest! {
        #[test]
        fn a_percentage_never_leaves_the_price_bounds(current in 100i64..=100_000_000, percent in -90i32..=500) {
            match PriceEdit::Percent(percent).apply(Some(Price::new(current).unwrap())) {
                Ok(p) => prop_assert!((Price::MIN..=Price::MAX).contains(&p.rupiah())),
                Err(code) => prop_assert_eq!(code, ErrorCode::PriceOutOfRange),
            }
        }
    }
}

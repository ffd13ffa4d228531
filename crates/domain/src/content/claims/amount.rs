//! Reading the digits of one number token, Indonesian style first.
//!
//! Indonesian writes `1.250.000` for a million and a quarter and `1,2jt`
//! for 1.2 million; English-style captions write `150,000` and `1.2jt`.
//! The rules that keep both readable without confusing a time (`19.00`) or
//! a date (`12.12`) with money:
//! - a `.` followed by exactly three digits groups thousands;
//! - a `.` followed by one or two digits is a decimal point only before a
//!   multiplier (`1.2jt`); without one it is a time or a date, not money;
//! - a `,` is a decimal comma (`1,2jt`, `2,5 juta`), except that without a
//!   multiplier `,` followed by three-digit groups groups thousands
//!   (`IDR 150,000`, the way etalase itself writes English prices);
//! - without a multiplier a fraction must be zero (`Rp150.000,00`): there
//!   are no sen;
//! - when both separators appear, the last one is the decimal one
//!   (`1.250.000,00`, `1,250,000.00`).

/// More digits than this is a code or a phone number, not a price (and
/// keeps every product below `i64::MAX` even times a million).
const MAX_DIGITS: usize = 13;

/// An amount read from a number token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Amount {
    /// Whole rupiah.
    pub value: i64,
    /// Written with thousand groups (`49.000`): a sign it is money.
    pub grouped: bool,
}

/// The whole-rupiah value of `text` (digits with `.`/`,`) times
/// `multiplier` (1 when no `rb`/`jt` follows), or `None` when the digits do
/// not read as an amount.
pub(super) fn read(text: &str, multiplier: i64) -> Option<Amount> {
    let (groups, fraction) = split(text, multiplier > 1)?;
    let whole = join_groups(&groups)?;
    let value = scale(whole, fraction, multiplier)?;
    Some(Amount {
        value,
        grouped: groups.len() > 1,
    })
}

/// A percent figure (`50`, `12,5`): its whole part, rounded down, when it
/// is a share that can be taken off (1 to 100).
pub(super) fn percent(text: &str) -> Option<u8> {
    let whole = text.split(['.', ',']).next()?;
    if text.matches(['.', ',']).count() > 1 || whole.len() > 3 || has_leading_zero(whole) {
        return None;
    }
    whole.parse::<u8>().ok().filter(|p| (1..=100).contains(p))
}

/// Thousand groups and the fraction, if any.
fn split(text: &str, has_multiplier: bool) -> Option<(Vec<&str>, Option<&str>)> {
    let separators: Vec<char> = text.chars().filter(|c| matches!(c, '.' | ',')).collect();
    let Some(&last) = separators.last() else {
        return Some((vec![text], None));
    };
    let others_differ = separators[..separators.len() - 1]
        .iter()
        .all(|&s| s != last);
    if separators.len() > 1 && others_differ {
        // `1.250.000,00` / `1,250,000.00`: the last separator is decimal.
        let (whole, fraction) = text.rsplit_once(last)?;
        let group_separator = separators[0];
        return Some((whole.split(group_separator).collect(), Some(fraction)));
    }
    if separators.iter().any(|&s| s != last) {
        return None;
    }
    split_uniform(text, last, separators.len(), has_multiplier)
}

/// Only one kind of separator, `count` times.
fn split_uniform(
    text: &str,
    separator: char,
    count: usize,
    has_multiplier: bool,
) -> Option<(Vec<&str>, Option<&str>)> {
    let groups: Vec<&str> = text.split(separator).collect();
    let tail_is_group = groups.last().is_some_and(|g| g.len() == 3);
    let groups_thousands = count > 1 || (tail_is_group && (separator == '.' || !has_multiplier));
    if groups_thousands {
        return Some((groups, None));
    }
    if separator == '.' && !has_multiplier {
        // `19.00`, `12.12`: a time or a date.
        return None;
    }
    let (whole, fraction) = text.split_once(separator)?;
    Some((vec![whole], Some(fraction)))
}

/// The integer the groups spell, checking they are real thousand groups.
fn join_groups(groups: &[&str]) -> Option<i64> {
    let first = groups.first()?;
    let rest_are_groups = groups[1..].iter().all(|g| g.len() == 3);
    let first_ok =
        !first.is_empty() && first.len() <= if groups.len() > 1 { 3 } else { MAX_DIGITS };
    let digits: String = groups.concat();
    if !rest_are_groups || !first_ok || digits.len() > MAX_DIGITS || has_leading_zero(first) {
        return None;
    }
    if groups.len() > 1 && first.starts_with('0') {
        return None;
    }
    digits.parse().ok()
}

/// `whole.fraction × multiplier` when that is a whole number of rupiah.
fn scale(whole: i64, fraction: Option<&str>, multiplier: i64) -> Option<i64> {
    let whole = whole.checked_mul(multiplier)?;
    let Some(fraction) = fraction.filter(|f| !f.is_empty()) else {
        return Some(whole);
    };
    if fraction.len() > 6 {
        return None;
    }
    let denominator = 10_i64.pow(fraction.len() as u32);
    let part = fraction.parse::<i64>().ok()?.checked_mul(multiplier)?;
    if part % denominator != 0 {
        return None;
    }
    whole.checked_add(part / denominator)
}

/// `0812`, `007`: codes and phone numbers, never amounts.
fn has_leading_zero(digits: &str) -> bool {
    digits.len() > 1 && digits.starts_with('0')
}

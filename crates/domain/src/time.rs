//! Instants in UTC, shown in WIB (Asia/Jakarta, UTC+7, no daylight saving).

use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, UtcOffset};

use crate::Lang;

/// An instant, stored as milliseconds since the Unix epoch in UTC. Both
/// backends keep it in a BIGINT: comparisons and ordering are then exact and
/// identical on SQLite and PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

/// Western Indonesia Time; Jakarta has not observed daylight saving since 1964.
pub const WIB: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+7 is a valid offset"),
};

const MONTHS_ID: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Timestamp {
    pub const fn from_unix_millis(millis: i64) -> Self {
        Self(millis)
    }

    pub const fn unix_millis(self) -> i64 {
        self.0
    }

    pub fn from_datetime(at: OffsetDateTime) -> Self {
        Self((at.unix_timestamp_nanos() / 1_000_000) as i64)
    }

    pub fn to_datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128 * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    pub const fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0 + seconds * 1000)
    }

    pub const fn seconds_since(self, earlier: Timestamp) -> i64 {
        (self.0 - earlier.0) / 1000
    }

    /// RFC 3339 in UTC, for APIs and logs.
    pub fn to_rfc3339(self) -> String {
        self.to_datetime()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }

    /// The WIB calendar day this instant falls on.
    pub fn wib_date(self) -> time::Date {
        self.to_datetime().to_offset(WIB).date()
    }

    /// The first instant of a WIB calendar day (its midnight).
    pub fn start_of_wib_day(date: time::Date) -> Timestamp {
        Self::from_datetime(
            time::PrimitiveDateTime::new(date, time::Time::MIDNIGHT).assume_offset(WIB),
        )
    }

    /// The last instant (millisecond) of a WIB calendar day: a deadline "by
    /// the end of the day" is kept up to and including it.
    pub fn end_of_wib_day(date: time::Date) -> Timestamp {
        match date.next_day() {
            Some(next) => Timestamp(Self::start_of_wib_day(next).0 - 1),
            None => Timestamp(i64::MAX),
        }
    }

    /// The local (WIB) date only: "31 Mar 2026".
    pub fn format_date(self, lang: Lang) -> String {
        let local = self.to_datetime().to_offset(WIB);
        let months = match lang {
            Lang::Id => MONTHS_ID,
            Lang::En => MONTHS_EN,
        };
        format!(
            "{} {} {}",
            local.day(),
            months[local.month() as usize - 1],
            local.year()
        )
    }

    /// "29 Nov 2026 09.35 WIB" (id) or "29 Nov 2026 09:35 WIB" (en).
    /// Reads an RFC 3339 instant (`2026-12-12T20:00:00+07:00`, `…Z`).
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
            .ok()
            .map(Self::from_datetime)
    }

    /// Reads what a `datetime-local` field sends (`2026-12-12T20:00`, or
    /// with seconds) as a time in WIB.
    pub fn parse_wib_local(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        let (date, clock) = text.split_once(['T', ' '])?;
        let mut d = date.splitn(3, '-').map(|p| p.parse::<i32>().ok());
        let (year, month, day) = (d.next()??, d.next()??, d.next()??);
        let mut c = clock.splitn(3, ':').map(|p| p.parse::<u8>().ok());
        let (hour, minute) = (c.next()??, c.next()??);
        let second = c.next().flatten().unwrap_or(0);
        let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
        let date = time::Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()?;
        let clock = time::Time::from_hms(hour, minute, second).ok()?;
        Some(Self::from_datetime(
            time::PrimitiveDateTime::new(date, clock).assume_offset(WIB),
        ))
    }

    /// The value of a `datetime-local` field in WIB (`2026-12-12T20:00`).
    pub fn to_wib_local(self) -> String {
        let l = self.to_datetime().to_offset(WIB);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            l.year(),
            l.month() as u8,
            l.day(),
            l.hour(),
            l.minute()
        )
    }

    pub fn format_wib(self, lang: Lang) -> String {
        let local = self.to_datetime().to_offset(WIB);
        let month = local.month() as usize - 1;
        let (months, separator) = match lang {
            Lang::Id => (MONTHS_ID, '.'),
            Lang::En => (MONTHS_EN, ':'),
        };
        format!(
            "{} {} {} {:02}{}{:02} WIB",
            local.day(),
            months[month],
            local.year(),
            local.hour(),
            separator,
            local.minute()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_wib_day_starts_and_ends_at_wib_midnight() {
        // 06:30 WIB on 27 Nov is still 26 Nov in UTC.
        let at = Timestamp::from_datetime(datetime!(2026-11-27 06:30 +7));
        let day = at.wib_date();
        assert_eq!(day, time::macros::date!(2026 - 11 - 27));
        assert_eq!(
            Timestamp::start_of_wib_day(day),
            Timestamp::from_datetime(datetime!(2026-11-27 00:00 +7))
        );
        assert_eq!(
            Timestamp::end_of_wib_day(day),
            Timestamp::from_datetime(datetime!(2026-11-27 23:59:59.999 +7))
        );
    }

    #[test]
    fn shows_utc_instants_in_wib() {
        let at = Timestamp::from_datetime(datetime!(2026-11-29 02:35 UTC));
        assert_eq!(at.format_wib(Lang::Id), "29 Nov 2026 09.35 WIB");
        assert_eq!(at.format_wib(Lang::En), "29 Nov 2026 09:35 WIB");
    }

    #[test]
    fn crosses_midnight_into_the_next_local_day() {
        let at = Timestamp::from_datetime(datetime!(2026-08-16 18:00 UTC));
        assert_eq!(at.format_wib(Lang::Id), "17 Agu 2026 01.00 WIB");
    }

    #[test]
    fn reads_rfc3339_with_any_offset() {
        let wib = Timestamp::parse_rfc3339("2026-12-12T20:00:00+07:00").unwrap();
        assert_eq!(Timestamp::parse_rfc3339("2026-12-12T13:00:00Z"), Some(wib));
        assert_eq!(Timestamp::parse_rfc3339("12/12/2026"), None);
    }

    #[test]
    fn reads_and_writes_datetime_local_fields_in_wib() {
        let t = Timestamp::parse_wib_local("2026-12-12T20:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-12T13:00:00Z");
        assert_eq!(t.to_wib_local(), "2026-12-12T20:00");
        assert_eq!(
            Timestamp::parse_wib_local("2026-12-12T20:00:30").map(|t| t.unix_millis() - 30_000),
            Some(t.unix_millis())
        );
        assert_eq!(Timestamp::parse_wib_local("2026-13-01T10:00"), None);
        assert_eq!(Timestamp::parse_wib_local("besok"), None);
    }

    #[test]
    fn round_trips_milliseconds() {
        let at = Timestamp::from_unix_millis(1_795_000_000_123);
        assert_eq!(Timestamp::from_datetime(at.to_datetime()), at);
        assert_eq!(at.plus_seconds(60).seconds_since(at), 60);
    }
}

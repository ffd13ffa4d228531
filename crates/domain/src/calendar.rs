//! Working days in Indonesia: weekends, national holidays and cuti bersama
//! are skipped. The holidays come from `crates/domain/data/holidays.csv`
//! (one decree per year; add the next year's rows when it is published).
//! Past the last year we know, only weekends are skipped, and the answer says
//! so, so a page can tell the user the estimate may move.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use time::{Date, Duration, Weekday};

use crate::Lang;

const HOLIDAYS: &str = include_str!("../data/holidays.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayKind {
    Holiday,
    CutiBersama,
}

#[derive(Debug, Clone)]
pub struct Holiday {
    pub date: Date,
    pub kind: HolidayKind,
    pub name_id: &'static str,
    pub name_en: &'static str,
}

impl Holiday {
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Id => self.name_id,
            Lang::En => self.name_en,
        }
    }
}

pub struct WorkingCalendar {
    holidays: BTreeMap<Date, Holiday>,
    last_known_year: i32,
}

/// A date reached by counting working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingDayCount {
    pub date: Date,
    /// Some counted day lies past the holiday data: only weekends were skipped.
    pub beyond_known_holidays: bool,
}

pub fn indonesia() -> &'static WorkingCalendar {
    static CALENDAR: OnceLock<WorkingCalendar> = OnceLock::new();
    CALENDAR.get_or_init(|| WorkingCalendar::from_csv(HOLIDAYS).expect("holidays.csv is valid"))
}

impl WorkingCalendar {
    pub fn from_csv(csv: &'static str) -> Result<WorkingCalendar, String> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let mut holidays = BTreeMap::new();
        for (n, line) in csv
            .lines()
            .enumerate()
            .skip(1)
            .filter(|(_, l)| !l.is_empty())
        {
            let fields: Vec<&'static str> = line.splitn(4, ',').collect();
            let [date, kind, name_id, name_en] = fields[..] else {
                return Err(format!("line {}: expected 4 fields", n + 1));
            };
            let date = Date::parse(date, format).map_err(|e| format!("line {}: {e}", n + 1))?;
            let kind = match kind {
                "holiday" => HolidayKind::Holiday,
                "cuti_bersama" => HolidayKind::CutiBersama,
                other => return Err(format!("line {}: unknown kind {other}", n + 1)),
            };
            holidays.insert(
                date,
                Holiday {
                    date,
                    kind,
                    name_id,
                    name_en,
                },
            );
        }
        let last_known_year = holidays.keys().next_back().map(|d| d.year()).unwrap_or(0);
        Ok(WorkingCalendar {
            holidays,
            last_known_year,
        })
    }

    pub fn holiday(&self, date: Date) -> Option<&Holiday> {
        self.holidays.get(&date)
    }

    pub fn knows(&self, date: Date) -> bool {
        date.year() <= self.last_known_year
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !self.holidays.contains_key(&date)
    }

    /// The date `days` working days after `start` (start itself not counted).
    pub fn add_working_days(&self, start: Date, days: u32) -> WorkingDayCount {
        let mut date = start;
        let mut counted = 0;
        let mut beyond = false;
        while counted < days {
            date += Duration::days(1);
            if self.is_working_day(date) {
                counted += 1;
                beyond |= !self.knows(date);
            }
        }
        WorkingDayCount {
            date,
            beyond_known_holidays: beyond,
        }
    }
}

impl WorkingCalendar {
    /// Working days from `from` (exclusive) to `to` (inclusive); negative
    /// when `to` is already past.
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        let (start, end, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut date = start;
        let mut count = 0;
        while date < end {
            date += Duration::days(1);
            if self.is_working_day(date) {
                count += 1;
            }
        }
        sign * count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_2026_decree_is_loaded() {
        let cal = indonesia();
        assert_eq!(cal.holidays.len(), 25);
        assert_eq!(
            cal.holiday(date!(2026 - 08 - 17)).unwrap().name_id,
            "Proklamasi Kemerdekaan"
        );
        assert_eq!(
            cal.holiday(date!(2026 - 02 - 16)).unwrap().kind,
            HolidayKind::CutiBersama
        );
    }

    #[test]
    fn skips_weekends() {
        // Friday 2026-10-02 + 1 working day = Monday 2026-10-05.
        let next = indonesia().add_working_days(date!(2026 - 10 - 02), 1);
        assert_eq!(next.date, date!(2026 - 10 - 05));
        assert!(!next.beyond_known_holidays);
    }

    #[test]
    fn skips_idul_fitri_and_its_cuti_bersama() {
        // Submitted Wednesday 18 March 2026: 19 Mar (Nyepi), 20 Mar (cuti),
        // 21–22 Mar (Idul Fitri, weekend), 23–24 Mar (cuti) are not working days.
        let cal = indonesia();
        for day in [19, 20, 23, 24] {
            let d = Date::from_calendar_date(2026, time::Month::March, day).unwrap();
            assert!(!cal.is_working_day(d), "{d}");
        }
        let decided = cal.add_working_days(date!(2026 - 03 - 18), 5);
        assert_eq!(decided.date, date!(2026 - 03 - 31));
    }

    #[test]
    fn counts_working_days_left_and_overdue() {
        let cal = indonesia();
        assert_eq!(
            cal.working_days_between(date!(2026 - 03 - 18), date!(2026 - 03 - 31)),
            5
        );
        assert_eq!(
            cal.working_days_between(date!(2026 - 03 - 31), date!(2026 - 03 - 18)),
            -5
        );
        assert_eq!(
            cal.working_days_between(date!(2026 - 10 - 05), date!(2026 - 10 - 05)),
            0
        );
    }

    #[test]
    fn past_the_known_years_it_says_so() {
        let later = indonesia().add_working_days(date!(2026 - 12 - 28), 5);
        assert!(later.beyond_known_holidays);
        assert_eq!(later.date.year(), 2027);
    }
}

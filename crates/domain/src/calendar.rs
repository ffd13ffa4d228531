//! Working days in Indonesia: weekends, national holidays and cuti bersama
//! are skipped. The holidays come from `crates/domain/data/holidays.csv`
//! (one decree per year), and an operator can add a year whose decree was
//! published after this build with [`WorkingCalendar::with_rows`] (the
//! `--holidays-file` setting). Past the last year we know, only weekends are
//! skipped, and the answer says so, so a page can tell the user the estimate
//! may move.

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
    pub name_id: String,
    pub name_en: String,
}

impl Holiday {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.name_id,
            Lang::En => &self.name_en,
        }
    }
}

#[derive(Debug, Clone)]
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
    /// A calendar from `date,kind,name_id,name_en` rows (with that header).
    pub fn from_csv(csv: &str) -> Result<WorkingCalendar, String> {
        WorkingCalendar {
            holidays: BTreeMap::new(),
            last_known_year: 0,
        }
        .with_rows(csv)
    }

    /// This calendar with more rows in the same format: a new year's decree,
    /// or a correction (a row for a date already known replaces it). A year
    /// is taken as known once any of its rows is given, so add a decree
    /// whole. Errors name the line.
    pub fn with_rows(mut self, csv: &str) -> Result<WorkingCalendar, String> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let csv = csv.strip_prefix('\u{feff}').unwrap_or(csv);
        let mut lines = csv.lines().enumerate();
        match lines.next() {
            Some((_, header)) if header.trim_end() == "date,kind,name_id,name_en" => {}
            _ => return Err("line 1: expected the header date,kind,name_id,name_en".into()),
        }
        for (n, line) in lines {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.splitn(4, ',').collect();
            let [date, kind, name_id, name_en] = fields[..] else {
                return Err(format!("line {}: expected 4 fields", n + 1));
            };
            let date = Date::parse(date, format).map_err(|e| format!("line {}: {e}", n + 1))?;
            let kind = match kind {
                "holiday" => HolidayKind::Holiday,
                "cuti_bersama" => HolidayKind::CutiBersama,
                other => return Err(format!("line {}: unknown kind {other}", n + 1)),
            };
            if name_id.trim().is_empty() || name_en.trim().is_empty() {
                return Err(format!("line {}: both names are needed", n + 1));
            }
            self.holidays.insert(
                date,
                Holiday {
                    date,
                    kind,
                    name_id: name_id.trim().to_owned(),
                    name_en: name_en.trim().to_owned(),
                },
            );
        }
        self.last_known_year = self
            .holidays
            .keys()
            .next_back()
            .map(|d| d.year())
            .unwrap_or(0);
        Ok(self)
    }

    /// The last year whose holidays are known.
    pub fn last_known_year(&self) -> i32 {
        self.last_known_year
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
    fn an_operator_adds_the_next_decree() {
        let extended = indonesia()
            .clone()
            .with_rows(
                "\u{feff}date,kind,name_id,name_en\r\n\
                 2027-01-01,holiday,Tahun Baru 2027 Masehi,New Year's Day 2027\r\n",
            )
            .unwrap();
        assert_eq!(extended.last_known_year(), 2027);
        // 28 Dec 2026 + 5 working days: 29–31 Dec, (1 Jan holiday), 4–5 Jan.
        let due = extended.add_working_days(date!(2026 - 12 - 28), 5);
        assert_eq!(due.date, date!(2027 - 01 - 05));
        assert!(!due.beyond_known_holidays);
        // The built-in calendar is untouched.
        assert_eq!(indonesia().last_known_year(), 2026);
    }

    #[test]
    fn a_bad_extension_names_its_line() {
        let base = indonesia().clone();
        for (csv, needle) in [
            ("tanggal,jenis\n", "line 1"),
            (
                "date,kind,name_id,name_en\n2027-02-30,holiday,a,b\n",
                "line 2",
            ),
            (
                "date,kind,name_id,name_en\n\n2027-01-01,libur,a,b\n",
                "line 3: unknown kind",
            ),
            (
                "date,kind,name_id,name_en\n2027-01-01,holiday,a\n",
                "line 2: expected 4",
            ),
            (
                "date,kind,name_id,name_en\n2027-01-01,holiday, ,b\n",
                "line 2: both names",
            ),
        ] {
            let error = base.clone().with_rows(csv).unwrap_err();
            assert!(error.contains(needle), "{csv:?}: {error}");
        }
    }

    #[test]
    fn past_the_known_years_it_says_so() {
        let later = indonesia().add_working_days(date!(2026 - 12 - 28), 5);
        assert!(later.beyond_known_holidays);
        assert_eq!(later.date.year(), 2027);
    }
}

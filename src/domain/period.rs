//! Forecast and planning periods: a month (`2026-11`), a quarter (`2026-Q4`) or a
//! year (`2026`), as sales teams name them.

use std::fmt;

use time::{Date, Month};

use crate::{Error, Result};

/// A calendar period, first and last day inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub first: Date,
    pub last: Date,
    kind: PeriodKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum PeriodKind {
    Month,
    Quarter,
    Year,
}

/// One month, the unit support capacity is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YearMonth {
    pub year: i32,
    pub month: u8,
}

impl YearMonth {
    pub fn of(d: Date) -> Self {
        YearMonth {
            year: d.year(),
            month: d.month() as u8,
        }
    }

    pub fn first_day(self) -> Date {
        let month = Month::try_from(self.month).unwrap_or(Month::January);
        Date::from_calendar_date(self.year, month, 1).unwrap_or(Date::MIN)
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Parses `2026-11`.
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                field,
                format!("'{raw}' is not a month; write it as YYYY-MM, e.g. 2026-11"),
            )
        };
        let (y, m) = raw.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        if !(1900..=9999).contains(&year) || !(1..=12).contains(&month) || m.len() != 2 {
            return Err(bad());
        }
        Ok(YearMonth { year, month })
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Period {
    /// Parses `2026-11`, `2026-Q4` or `2026`.
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let raw = raw.trim();
        let bad = || {
            Error::invalid(
                field,
                format!("'{raw}' is not a period; write a month (2026-11), a quarter (2026-Q4) or a year (2026)"),
            )
        };
        let year_of = |y: &str| -> Result<i32> {
            let year: i32 = y.parse().map_err(|_| bad())?;
            if y.len() == 4 && (1900..=9999).contains(&year) {
                Ok(year)
            } else {
                Err(bad())
            }
        };
        let months = |year: i32, first: u8, count: u8, kind| {
            let start = YearMonth { year, month: first };
            let mut end = start;
            for _ in 1..count {
                end = end.next();
            }
            let last = end.next().first_day().previous_day().unwrap_or(Date::MAX);
            Period {
                first: start.first_day(),
                last,
                kind,
            }
        };
        match raw.split_once('-') {
            None => Ok(months(year_of(raw)?, 1, 12, PeriodKind::Year)),
            Some((y, q)) if q.len() == 2 && (q.starts_with('Q') || q.starts_with('q')) => {
                let quarter: u8 = q[1..].parse().map_err(|_| bad())?;
                if !(1..=4).contains(&quarter) {
                    return Err(bad());
                }
                Ok(months(year_of(y)?, quarter * 3 - 2, 3, PeriodKind::Quarter))
            }
            Some(_) => {
                let ym = YearMonth::parse(field, raw).map_err(|_| bad())?;
                Ok(months(ym.year, ym.month, 1, PeriodKind::Month))
            }
        }
    }

    /// The period containing `d`, of the same kind as `self` (a quarter for a quarter).
    pub fn contains(&self, d: Date) -> bool {
        self.first <= d && d <= self.last
    }

    /// The months of the period, in order.
    pub fn months(&self) -> Vec<YearMonth> {
        let mut out = vec![YearMonth::of(self.first)];
        while let Some(&m) = out.last() {
            let n = m.next();
            if n.first_day() > self.last {
                break;
            }
            out.push(n);
        }
        out
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Year => write!(f, "{}", self.first.year()),
            PeriodKind::Quarter => {
                write!(
                    f,
                    "{}-Q{}",
                    self.first.year(),
                    (self.first.month() as u8).div_ceil(3)
                )
            }
            PeriodKind::Month => write!(f, "{}", YearMonth::of(self.first)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_parse_and_print() {
        let q = Period::parse("period", "2026-Q4").unwrap();
        assert_eq!(
            (q.first, q.last),
            (date!(2026 - 10 - 01), date!(2026 - 12 - 31))
        );
        assert_eq!(q.to_string(), "2026-Q4");
        assert_eq!(q.months().len(), 3);
        let m = Period::parse("period", "2024-02").unwrap();
        assert_eq!(m.last, date!(2024 - 02 - 29));
        assert_eq!(m.to_string(), "2024-02");
        let y = Period::parse("period", "2027").unwrap();
        assert_eq!(y.months().len(), 12);
        for bad in ["2026-Q5", "2026-13", "26-11", "", "2026-1", "Q4"] {
            assert!(Period::parse("period", bad).is_err(), "{bad}");
        }
    }
}

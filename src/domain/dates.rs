//! The days and moments guanxi accepts, the same on every path (API, import,
//! command line): a calendar window wide enough for any real record, and no
//! judgement or meeting recorded in the future.

use super::Phrase;
use time::{macros::date, Date, Duration, OffsetDateTime};

use crate::{Error, Result};

/// The earliest day accepted: before it, a date is a typo (year 0, 1 or -1).
pub const EARLIEST: Date = date!(1900 - 01 - 01);
/// The latest day accepted: deals are planned years ahead, not centuries.
pub const LATEST: Date = date!(2199 - 12 - 31);

/// `day` within [`EARLIEST`]..=[`LATEST`].
pub fn day(field: &str, day: Date) -> Result<Date> {
    if (EARLIEST..=LATEST).contains(&day) {
        Ok(day)
    } else {
        Err(Error::invalid_said(
            field,
            Phrase::new("error-date-outside")
                .arg("day", day.to_string())
                .arg("from", EARLIEST)
                .arg("to", LATEST),
        ))
    }
}

/// An optional day within the window.
pub fn optional_day(field: &str, d: Option<Date>) -> Result<Option<Date>> {
    d.map(|d| day(field, d)).transpose()
}

/// A day that has happened: within the window and not after tomorrow (a day's
/// grace for time zones ahead of the server's).
pub fn past_day(field: &str, d: Date, today: Date) -> Result<Date> {
    let d = day(field, d)?;
    if d > today + Duration::days(1) {
        return Err(Error::invalid_said(
            field,
            Phrase::new("error-future")
                .arg("day", d)
                .arg("today", today),
        ));
    }
    Ok(d)
}

/// A moment that has happened: its day within the window, and not more than a day
/// ahead of `now`.
pub fn past_moment(field: &str, at: OffsetDateTime, now: OffsetDateTime) -> Result<OffsetDateTime> {
    day(field, at.date())?;
    if at > now + Duration::days(1) {
        return Err(Error::invalid_said(
            field,
            Phrase::new("error-assessed-future").arg("at", at.to_string()),
        ));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_window_and_the_future_are_enforced() {
        let today = date!(2026 - 12 - 01);
        assert!(day("d", date!(0000 - 01 - 01)).is_err());
        assert!(day("d", date!(-0001 - 12 - 31)).is_err());
        assert!(day("d", date!(1899 - 12 - 31)).is_err());
        assert!(day("d", EARLIEST).is_ok());
        assert!(day("d", LATEST).is_ok());
        assert!(day("d", date!(3000 - 01 - 01)).is_err());
        assert!(past_day("d", today + Duration::days(1), today).is_ok());
        assert!(past_day("d", today + Duration::days(2), today).is_err());
        assert!(past_day("d", date!(2026 - 03 - 01), today).is_ok());
        let now = datetime!(2026-12-01 10:00 UTC);
        assert!(past_moment("a", datetime!(2026-12-02 09:00 UTC), now).is_ok());
        assert!(past_moment("a", datetime!(3000-01-01 00:00 UTC), now).is_err());
        assert!(past_moment("a", datetime!(9999-01-01 00:00 UTC), now).is_err());
        assert!(past_moment("a", datetime!(1800-01-01 00:00 UTC), now).is_err());
    }
}

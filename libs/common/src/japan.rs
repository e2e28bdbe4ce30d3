//! Japan's time. The city's dates (a consent, a birth date, a report's month) and the times staff
//! read are Asia/Tokyo's, wherever a server runs; this is the one place that knows it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

pub const ZONE: Tz = chrono_tz::Asia::Tokyo;

/// `t` on a clock in Japan.
#[must_use]
pub fn in_japan(t: DateTime<Utc>) -> DateTime<Tz> {
    t.with_timezone(&ZONE)
}

/// The date in Japan at `now`.
#[must_use]
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    in_japan(now).date_naive()
}

/// A wall-clock time in Japan (as a form's datetime field sends it) as an instant. Japan has no
/// summer time, so every local time names exactly one instant.
#[must_use]
pub fn from_local(t: NaiveDateTime) -> Option<DateTime<Utc>> {
    ZONE.from_local_datetime(&t)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// The instant a day begins in Japan.
#[must_use]
pub fn midnight(d: NaiveDate) -> Option<DateTime<Utc>> {
    d.and_hms_opt(0, 0, 0).and_then(from_local)
}

/// An RFC 3339 time (as the services send it), as people in Japan read it: `YYYY-MM-DD HH:MM`.
/// Empty when it is not one.
#[must_use]
pub fn display(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            in_japan(t.with_timezone(&Utc))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_evening_in_utc_is_the_next_morning_in_japan() {
        let t = Utc
            .with_ymd_and_hms(2026, 3, 31, 15, 30, 0)
            .single()
            .unwrap();
        assert_eq!(today(t), NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        assert_eq!(display("2026-03-31T15:30:00Z"), "2026-04-01 00:30");
        assert_eq!(display("not a time"), "");
    }

    #[test]
    fn a_day_in_japan_begins_at_three_in_the_afternoon_utc() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            midnight(d).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0)
                .single()
                .unwrap()
        );
    }
}

//! The operation report's periods (運営状況の報告): whole months in Japan's time, the same in
//! every service that counts, so the gateway can lay their figures side by side.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};

/// At most five years in one report.
pub const MAX_MONTHS: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthRange {
    first: NaiveDate,
    last: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("a month is written YYYY-MM")]
    Malformed,
    #[error("the period ends before it starts or is longer than {MAX_MONTHS} months")]
    Span,
}

fn month(raw: &str) -> Result<NaiveDate, RangeError> {
    NaiveDate::parse_from_str(&format!("{}-01", raw.trim()), "%Y-%m-%d")
        .map_err(|_| RangeError::Malformed)
}

fn next(m: NaiveDate) -> NaiveDate {
    m.checked_add_months(chrono::Months::new(1)).unwrap_or(m)
}

fn at_midnight(d: NaiveDate) -> DateTime<Utc> {
    crate::japan::midnight(d)
        .unwrap_or_else(|| Utc.from_utc_datetime(&d.and_time(chrono::NaiveTime::MIN)))
}

impl MonthRange {
    /// `from` and `to` as `YYYY-MM`; either may be empty: the report then covers the twelve
    /// months up to the one containing `now`.
    pub fn parse(from: &str, to: &str, now: DateTime<Utc>) -> Result<Self, RangeError> {
        let today = crate::japan::today(now);
        let this =
            NaiveDate::from_ymd_opt(today.year(), today.month(), 1).ok_or(RangeError::Malformed)?;
        let last = if to.trim().is_empty() {
            this
        } else {
            month(to)?
        };
        let first = if from.trim().is_empty() {
            last.checked_sub_months(chrono::Months::new(11))
                .unwrap_or(last)
        } else {
            month(from)?
        };
        let range = Self { first, last };
        if first > last || range.months().len() > MAX_MONTHS {
            return Err(RangeError::Span);
        }
        Ok(range)
    }

    /// Every month of the period, `YYYY-MM`.
    #[must_use]
    pub fn months(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut m = self.first;
        while m <= self.last && out.len() <= MAX_MONTHS {
            out.push(m.format("%Y-%m").to_string());
            m = next(m);
        }
        out
    }

    /// The period's start, midnight in Japan on the first day.
    #[must_use]
    pub fn start(&self) -> DateTime<Utc> {
        at_midnight(self.first)
    }

    /// The first instant after the period.
    #[must_use]
    pub fn end(&self) -> DateTime<Utc> {
        at_midnight(next(self.last))
    }

    /// Counts per month from a query that grouped by `YYYY-MM`, with every month present.
    #[must_use]
    pub fn fill(&self, counted: &[(String, i64)]) -> Vec<(String, u64)> {
        self.months()
            .into_iter()
            .map(|m| {
                let n = counted
                    .iter()
                    .find(|(k, _)| *k == m)
                    .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0));
                (m, n)
            })
            .collect()
    }
}

impl MonthRange {
    /// Each month with the first instant after it, as two lists to bind as SQL arrays: what
    /// existed before that instant is the month-end figure (for the current month, the figure
    /// now).
    #[must_use]
    pub fn month_ends(&self) -> (Vec<String>, Vec<DateTime<Utc>>) {
        let mut months = Vec::new();
        let mut ends = Vec::new();
        let mut m = self.first;
        while m <= self.last && months.len() <= MAX_MONTHS {
            months.push(m.format("%Y-%m").to_string());
            m = next(m);
            ends.push(at_midnight(m));
        }
        (months, ends)
    }

    /// Month-end counts per label from rows of `(YYYY-MM, label, count)`: every month present
    /// for every label, the labels largest at the period's end first.
    #[must_use]
    pub fn by_label(&self, counted: &[(String, String, i64)]) -> Vec<(String, Vec<(String, u64)>)> {
        let mut labels: Vec<&str> = counted.iter().map(|(_, l, _)| l.as_str()).collect();
        labels.sort_unstable();
        labels.dedup();
        let mut out: Vec<(String, Vec<(String, u64)>)> = labels
            .into_iter()
            .map(|label| {
                let rows: Vec<(String, i64)> = counted
                    .iter()
                    .filter(|(_, l, _)| l == label)
                    .map(|(m, _, n)| (m.clone(), *n))
                    .collect();
                (label.to_owned(), self.fill(&rows))
            })
            .collect();
        let last = |months: &[(String, u64)]| months.last().map_or(0, |(_, n)| *n);
        out.sort_by(|(a, am), (b, bm)| last(bm).cmp(&last(am)).then_with(|| a.cmp(b)));
        out
    }
}

/// The SQL that turns a `timestamptz` column into the report's `YYYY-MM`.
#[must_use]
pub fn month_of(column: &str) -> String {
    format!("to_char({column} AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM')")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap()
    }

    #[test]
    fn the_default_is_the_last_twelve_months_in_japan() {
        // 16:00 UTC on the 30th is already December 1st in Japan.
        let r = MonthRange::parse("", "", now()).unwrap();
        let months = r.months();
        assert_eq!(months.len(), 12);
        assert_eq!(months.first().unwrap(), "2026-01");
        assert_eq!(months.last().unwrap(), "2026-12");
        assert_eq!(
            r.start(),
            Utc.with_ymd_and_hms(2025, 12, 31, 15, 0, 0).unwrap()
        );
        assert_eq!(
            r.end(),
            Utc.with_ymd_and_hms(2026, 12, 31, 15, 0, 0).unwrap()
        );
    }

    #[test]
    fn month_ends_are_midnight_in_japan_after_each_month() {
        let r = MonthRange::parse("2026-10", "2026-11", now()).unwrap();
        let (months, ends) = r.month_ends();
        assert_eq!(months, vec!["2026-10", "2026-11"]);
        assert_eq!(
            ends,
            vec![
                Utc.with_ymd_and_hms(2026, 10, 31, 15, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap()
            ]
        );
    }

    #[test]
    fn labels_are_filled_and_ordered_by_their_latest_count() {
        let r = MonthRange::parse("2026-10", "2026-11", now()).unwrap();
        let rows = [
            ("2026-10".into(), "薬局".into(), 1),
            ("2026-11".into(), "薬局".into(), 2),
            ("2026-11".into(), "病院".into(), 3),
        ];
        assert_eq!(
            r.by_label(&rows),
            vec![
                (
                    "病院".to_owned(),
                    vec![("2026-10".into(), 0), ("2026-11".into(), 3)]
                ),
                (
                    "薬局".to_owned(),
                    vec![("2026-10".into(), 1), ("2026-11".into(), 2)]
                ),
            ]
        );
    }

    #[test]
    fn periods_are_checked_and_filled() {
        let r = MonthRange::parse("2026-03", "2026-05", now()).unwrap();
        assert_eq!(
            r.fill(&[("2026-04".into(), 7)]),
            vec![
                ("2026-03".into(), 0),
                ("2026-04".into(), 7),
                ("2026-05".into(), 0)
            ]
        );
        assert_eq!(
            MonthRange::parse("2026-05", "2026-03", now()),
            Err(RangeError::Span)
        );
        assert_eq!(
            MonthRange::parse("2020-01", "2026-03", now()),
            Err(RangeError::Span)
        );
        assert_eq!(
            MonthRange::parse("2026/03", "", now()),
            Err(RangeError::Malformed)
        );
    }
}

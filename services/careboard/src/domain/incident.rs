//! 報告義務: an incident report says what happened, when, on which device and what was done; the
//! city moves it through 受付 → 対応中 → 完了.

use chrono::{DateTime, NaiveDateTime, Utc};

pub use super::states::IncidentStatus;

/// Where every report starts.
pub const FILED: IncidentStatus = IncidentStatus::Received;

#[derive(Debug, Default, Clone)]
pub struct IncidentInput {
    pub occurred_at: String,
    pub device: String,
    pub what_happened: String,
    pub action_taken: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub occurred_at: DateTime<Utc>,
    pub device: String,
    pub what_happened: String,
    pub action_taken: String,
}

fn text(raw: &str, min: usize, max: usize) -> Option<String> {
    let s = common::text::normalize_newlines(raw);
    let s = s.trim();
    (min..=max)
        .contains(&s.chars().count())
        .then(|| s.to_owned())
}

/// `occurred_at` is Japan's local time as a form's datetime field sends it.
pub fn validate(input: &IncidentInput, now: DateTime<Utc>) -> Result<Incident, Vec<&'static str>> {
    let mut wrong = Vec::new();
    let at = NaiveDateTime::parse_from_str(input.occurred_at.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(common::japan::from_local)
        .filter(|t| *t <= now);
    if at.is_none() {
        wrong.push("occurred_at");
    }
    let device = text(&input.device, 1, 100);
    if device.is_none() {
        wrong.push("device");
    }
    let what = text(&input.what_happened, 1, 2000);
    if what.is_none() {
        wrong.push("what_happened");
    }
    let action = text(&input.action_taken, 0, 2000);
    if action.is_none() {
        wrong.push("action_taken");
    }
    match (at, device, what, action) {
        (Some(occurred_at), Some(device), Some(what_happened), Some(action_taken)) => {
            Ok(Incident {
                occurred_at,
                device,
                what_happened,
                action_taken,
            })
        }
        _ => Err(wrong),
    }
}

/// The note of a status change: at most 1,000 characters. (The status is one of
/// `IncidentStatus`, decoded with the request.)
pub fn status_note(note: &str) -> Result<String, Vec<&'static str>> {
    text(note, 0, 1000).ok_or_else(|| vec!["note"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 3, 0, 0).unwrap()
    }

    #[test]
    fn a_report_needs_a_past_time_a_device_and_what_happened() {
        let good = IncidentInput {
            occurred_at: "2026-11-24T11:30".into(),
            device: "事務所PC-2".into(),
            what_happened: "ノートPCを訪問先に置き忘れた".into(),
            action_taken: "証明書の失効を依頼".into(),
        };
        let r = validate(&good, now()).unwrap();
        assert_eq!(
            r.occurred_at,
            Utc.with_ymd_and_hms(2026, 11, 24, 2, 30, 0).unwrap()
        );
        let future = IncidentInput {
            occurred_at: "2026-11-24T12:30".into(),
            ..good.clone()
        };
        assert_eq!(validate(&future, now()).unwrap_err(), vec!["occurred_at"]);
        let empty = IncidentInput {
            device: " ".into(),
            what_happened: String::new(),
            ..good
        };
        assert_eq!(
            validate(&empty, now()).unwrap_err(),
            vec!["device", "what_happened"]
        );
    }

    #[test]
    fn statuses_come_from_the_list() {
        assert_eq!("完了".parse(), Ok(IncidentStatus::Done));
        assert!("終わり".parse::<IncidentStatus>().is_err());
        assert_eq!(FILED.as_str(), "受付");
        assert_eq!(status_note(" 対応済み ").unwrap(), "対応済み");
        assert_eq!(status_note(&"あ".repeat(1001)).unwrap_err(), vec!["note"]);
    }
}

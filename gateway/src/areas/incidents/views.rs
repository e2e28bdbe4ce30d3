//! Incident reports (事故・インシデント): the list with the form to file one, and one report
//! with its notes.

use crate::kit::pieces::{FieldError, tokyo_time};
use askama::Template;
use proto::careboard as pb;
use serde::Deserialize;

/// The city's statuses, in the order a report goes through them.
pub const STATUSES: [pb::IncidentStatus; 3] = [
    pb::IncidentStatus::Received,
    pb::IncidentStatus::InProgress,
    pb::IncidentStatus::Done,
];

/// The word a status is shown as, chosen by in the form and sent as in the API.
#[must_use]
pub fn status_word(s: pb::IncidentStatus) -> &'static str {
    match s {
        pb::IncidentStatus::Received => "受付",
        pb::IncidentStatus::InProgress => "対応中",
        pb::IncidentStatus::Done => "完了",
        pb::IncidentStatus::Unspecified => "不明",
    }
}

/// The status a chosen or sent word names; any other word names none, which careboard refuses
/// by its field.
#[must_use]
pub fn status_named(word: &str) -> pb::IncidentStatus {
    STATUSES
        .into_iter()
        .find(|s| status_word(*s) == word.trim())
        .unwrap_or(pb::IncidentStatus::Unspecified)
}

/// The incident form as typed: kept whole when something is wrong.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct IncidentForm {
    pub csrf_token: String,
    pub occurred_at: String,
    pub device: String,
    pub what_happened: String,
    pub action_taken: String,
}

pub struct IncidentLine {
    pub id: String,
    pub office: String,
    pub reporter: String,
    pub occurred_at: String,
    pub device: String,
    pub status: &'static str,
    pub filed_at: String,
}

impl From<pb::Incident> for IncidentLine {
    fn from(i: pb::Incident) -> Self {
        Self {
            occurred_at: tokyo_time(&i.occurred_at),
            filed_at: tokyo_time(&i.filed_at),
            status: status_word(i.status()),
            id: i.id,
            office: i.office_name,
            reporter: i.reporter_name,
            device: i.device,
        }
    }
}

#[derive(Template)]
#[template(path = "incidents.html")]
pub struct IncidentsPage<'a> {
    pub csrf: &'a str,
    pub is_operator: bool,
    pub incidents: Vec<IncidentLine>,
    pub form: &'a IncidentForm,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
}

impl IncidentsPage<'_> {
    /// The hint for `field` when it is wrong, else nothing.
    #[must_use]
    pub fn hint(&self, field: &str) -> &str {
        FieldError::hint(&self.errors, field)
    }
}

pub struct NoteLine {
    pub at: String,
    pub status: &'static str,
    pub note: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "incident.html")]
pub struct IncidentPage<'a> {
    pub csrf: &'a str,
    pub is_operator: bool,
    pub notice: Option<&'a str>,
    pub line: IncidentLine,
    pub what_happened: String,
    pub action_taken: String,
    pub notes: Vec<NoteLine>,
    pub statuses: [&'static str; 3],
}

impl<'a> IncidentPage<'a> {
    #[must_use]
    pub fn new(csrf: &'a str, is_operator: bool, notice: Option<&'a str>, i: pb::Incident) -> Self {
        let notes = i
            .notes
            .iter()
            .map(|n| NoteLine {
                at: tokyo_time(&n.at),
                status: status_word(n.status()),
                note: n.note.clone(),
                by: n.by_name.clone(),
            })
            .collect();
        let what_happened = i.what_happened.clone();
        let action_taken = i.action_taken.clone();
        Self {
            csrf,
            is_operator,
            notice,
            line: IncidentLine::from(i),
            what_happened,
            action_taken,
            notes,
            statuses: STATUSES.map(status_word),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_is_named_by_its_word_and_no_other_word_names_one() {
        for s in STATUSES {
            assert_eq!(status_named(status_word(s)), s);
        }
        assert_eq!(status_named(" 完了 "), pb::IncidentStatus::Done);
        for word in ["終わり", "", "不明", "INCIDENT_STATUS_DONE", "3"] {
            assert_eq!(
                status_named(word),
                pb::IncidentStatus::Unspecified,
                "{word}"
            );
        }
    }
}

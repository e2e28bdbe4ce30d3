//! The pages of the city's desk: the consent register, the audit viewer, incident reports and
//! the operation report.

use super::{FieldError, tokyo_time};
use crate::views::OfficeChoice;
use askama::Template;
use proto::careboard as pb;
use serde::Deserialize;

pub struct ConsentLine {
    pub recipient_id: String,
    pub name: String,
    pub kana: String,
    pub office: String,
    pub obtained_on: String,
    pub obtained_by: String,
    pub registered_by: String,
    pub recorded_at: String,
    pub fax_received_at: String,
    /// 控えは事業所、原本は本人: both confirmed at registration.
    pub copies_kept: bool,
    pub closed: bool,
}

impl From<pb::ConsentEntry> for ConsentLine {
    fn from(e: pb::ConsentEntry) -> Self {
        let c = e.consent.unwrap_or_default();
        Self {
            recipient_id: e.recipient_id,
            name: e.recipient_name,
            kana: e.recipient_kana,
            office: c.office_name,
            obtained_on: c.obtained_on,
            obtained_by: c.obtained_by,
            registered_by: e.registered_by_name,
            recorded_at: tokyo_time(&c.recorded_at),
            fax_received_at: tokyo_time(&c.fax_received_at),
            copies_kept: c.office_keeps_copy && c.recipient_keeps_original,
            closed: e.status == "closed",
        }
    }
}

#[derive(Template)]
#[template(path = "consents.html")]
pub struct ConsentsPage<'a> {
    pub csrf: &'a str,
    pub pending_only: bool,
    /// Showing an older page, not the newest registrations.
    pub paged: bool,
    /// Empty on the last page.
    pub next_cursor: &'a str,
    pub entries: Vec<ConsentLine>,
}

/// The viewer's filters, as the form sends them and the CSV link repeats them.
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// A login ID or user id.
    #[param(example = "sato.hanako")]
    pub user: String,
    #[param(example = "019d4657-2c10-7a3e-8b41-5f2d9c0e1a01")]
    pub office: String,
    /// The record's target, e.g. a recipient id.
    #[param(example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21")]
    pub target: String,
    /// An action or its start, e.g. `board.`.
    #[param(example = "board.")]
    pub action: String,
    /// `YYYY-MM-DD` in Japan, inclusive.
    #[param(example = "2026-11-01")]
    pub from: String,
    #[param(example = "2026-11-30")]
    pub to: String,
    /// The next page: older than this sequence number.
    #[param(example = 18343)]
    pub before: i64,
    /// `success`, `denied` or `failure`; empty for every outcome.
    #[param(example = "success")]
    pub outcome: String,
}

impl AuditFilter {
    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("user", &self.user),
            ("office", &self.office),
            ("target", &self.target),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
            ("outcome", &self.outcome),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", crate::kit::text::url_encode(v)));
            }
        }
        parts.join("&")
    }
}

/// A record of the audit trail as the viewer shows it.
pub struct AuditLine {
    pub seq: i64,
    pub at: String,
    pub action: String,
    pub code: String,
    pub outcome: String,
    pub who: String,
    pub office: String,
    /// What the record is about, in words; empty when nothing.
    pub target: String,
    /// The target's id: in the link that filters by it and the CSV, never as text on the page.
    pub target_id: String,
    pub device: String,
    /// The details as phrases (`views::details_words`).
    pub details: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage<'a> {
    pub csrf: &'a str,
    pub filter: &'a AuditFilter,
    pub offices: Vec<OfficeChoice>,
    pub actions: &'a [(&'a str, &'a str)],
    pub outcomes: &'a [(&'a str, &'a str)],
    pub entries: Vec<AuditLine>,
    pub next_page: Option<String>,
    pub csv: String,
    pub verdict: Option<&'a str>,
    pub error: Option<&'a str>,
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
    pub status: String,
    pub filed_at: String,
}

impl From<pb::Incident> for IncidentLine {
    fn from(i: pb::Incident) -> Self {
        Self {
            occurred_at: tokyo_time(&i.occurred_at),
            filed_at: tokyo_time(&i.filed_at),
            id: i.id,
            office: i.office_name,
            reporter: i.reporter_name,
            device: i.device,
            status: i.status,
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
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map_or("", |e| e.hint.as_ref())
    }
}

pub struct NoteLine {
    pub at: String,
    pub status: String,
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
                status: n.status.clone(),
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
            statuses: ["受付", "対応中", "完了"],
        }
    }
}

/// The report's figures as a table: one row per count, one column per month.
pub struct ReportTable {
    pub months: Vec<String>,
    pub rows: Vec<(String, Vec<u64>)>,
}

#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportPage<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub recipients_active: u64,
    pub recipients_closed: u64,
    /// Each chart's title and its SVG, built by `charts`, which escapes every text.
    pub charts: Vec<(String, String)>,
    /// Counts per month.
    pub table: ReportTable,
    /// What there was at each month's end.
    pub month_end: ReportTable,
}

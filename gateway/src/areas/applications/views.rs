//! Applying to be registered, and the city's review of the applications.

use crate::kit::pieces::{ApplyForm, FieldError};
use askama::Template;
use proto::offices::{ApplicationMode, ApplicationStatus};

#[derive(Template)]
#[template(path = "apply.html")]
pub struct ApplyPage<'a> {
    /// `form` or `confirm`.
    pub stage: &'static str,
    pub csrf: &'a str,
    pub form: ApplyForm<'a>,
    pub kinds: &'a [String],
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
    pub tiles: &'a str,
    pub mode: ApplicationMode,
}

impl ApplyPage<'_> {
    /// The hint for `field` when it is wrong, else nothing.
    #[must_use]
    pub fn hint(&self, field: &str) -> &str {
        FieldError::hint(&self.errors, field)
    }

    /// No form at all: the city accepts no application now.
    #[must_use]
    pub fn closed(&self) -> bool {
        self.mode == ApplicationMode::Closed
    }

    /// The form asks for the city's invitation code.
    #[must_use]
    pub fn by_invitation(&self) -> bool {
        self.mode == ApplicationMode::Invitation
    }
}

pub struct ApplicationLine {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub status: &'static str,
    pub submitted_at: String,
}

#[derive(Template)]
#[template(path = "applications.html")]
pub struct Applications<'a> {
    pub csrf: &'a str,
    /// How applications are accepted now, in words.
    pub mode: &'static str,
    pub items: Vec<ApplicationLine>,
}

#[derive(Template)]
#[template(path = "application.html")]
pub struct ApplicationDetail<'a> {
    pub csrf: &'a str,
    pub id: &'a str,
    pub status: &'static str,
    pub pending: bool,
    pub fields: &'a proto::offices::ApplicationFields,
    pub reason: &'a str,
    pub office_id: &'a str,
    /// A refused decision: the login id or the reason as typed.
    pub draft_login_id: &'a str,
    pub draft_reason: &'a str,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
}

#[must_use]
pub fn application_status(status: ApplicationStatus) -> &'static str {
    match status {
        ApplicationStatus::Pending => "審査待ち",
        ApplicationStatus::Approved => "登録済み",
        ApplicationStatus::Rejected => "却下",
        ApplicationStatus::Unspecified => "不明",
    }
}

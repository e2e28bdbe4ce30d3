//! What the city's register shows: the map of offices, applications, announcements and an office's profile.

use super::{ApplyForm, FieldError};
use askama::Template;

pub struct MapOffice {
    pub name: String,
    pub kind: String,
    pub address: String,
    pub phone: String,
    pub latitude: f64,
    pub longitude: f64,
}

impl From<proto::offices::Office> for MapOffice {
    fn from(o: proto::offices::Office) -> Self {
        Self {
            name: o.name,
            kind: o.kind,
            address: o.address,
            phone: o.phone,
            latitude: o.latitude,
            longitude: o.longitude,
        }
    }
}

#[derive(Template)]
#[template(path = "map.html")]
pub struct MapPage<'a> {
    pub kinds: &'a [String],
    pub kind: &'a str,
    pub tiles: &'a str,
    pub offices: Vec<MapOffice>,
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
pub fn application_status(status: &str) -> &'static str {
    match status {
        "pending" => "審査待ち",
        "approved" => "登録済み",
        "rejected" => "却下",
        _ => "不明",
    }
}

pub struct AnnouncementLine {
    pub id: String,
    pub title: String,
    pub date: String,
    pub published: bool,
}

#[derive(Template)]
#[template(path = "announcement.html")]
pub struct AnnouncementPage<'a> {
    pub title: &'a str,
    pub date: &'a str,
    /// Built by `text::announcement_html`, which escapes everything.
    pub body_html: &'a str,
}

#[derive(Template)]
#[template(path = "announcements.html")]
pub struct Announcements<'a> {
    pub csrf: &'a str,
    pub items: Vec<AnnouncementLine>,
}

#[derive(Template)]
#[template(path = "announcement_edit.html")]
pub struct AnnouncementEdit<'a> {
    pub csrf: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub published: bool,
    /// Built by `text::announcement_html`, which escapes everything.
    pub preview: &'a str,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "office_edit.html")]
pub struct OfficeEdit<'a> {
    pub csrf: &'a str,
    pub office_id: &'a str,
    pub form: ApplyForm<'a>,
    pub notice: Option<&'a str>,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
    pub tiles: &'a str,
}

impl OfficeEdit<'_> {
    /// The hint for `field` when it is wrong, else nothing.
    #[must_use]
    pub fn hint(&self, field: &str) -> &str {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map_or("", |e| e.hint.as_ref())
    }
}

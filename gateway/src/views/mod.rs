//! The pages, as askama templates in `templates/`. Escaping is on for every value.

mod audit;
mod board;
mod board_files;
pub mod board_reads;
mod board_writing;
mod certificates;
mod desk;
mod mail;
mod refusal;
mod register;
mod team;

pub use audit::*;
pub use board::*;
pub use board_writing::*;
pub use certificates::*;
pub use desk::*;
pub use mail::*;
pub use refusal::*;
pub use register::*;
pub use team::*;

use askama::Template;

pub use crate::edge::page::render;

#[derive(Template)]
#[template(path = "portal.html")]
pub struct Portal<'a> {
    pub announcements: Vec<AnnouncementLine>,
    pub contact_lines: &'a [String],
}

#[derive(Template)]
#[template(path = "login.html")]
#[expect(
    clippy::struct_field_names,
    reason = "login_id is the form field's name"
)]
pub struct Login<'a> {
    pub login_id: &'a str,
    /// A refusal of the pair, never saying which of the two was wrong.
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
    pub csrf: &'a str,
    /// The checked page to come back to once signed in; empty for the menu.
    pub next: &'a str,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct Home<'a> {
    pub name: &'a str,
    pub office: &'a str,
    pub role_label: &'a str,
    pub profession: &'a str,
    pub is_operator: bool,
    pub is_admin: bool,
    pub csrf: &'a str,
    pub recipients: Vec<RecipientLine>,
}

pub struct OfficeLine {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub created_at: String,
}

#[derive(Template)]
#[template(path = "operator_offices.html")]
pub struct OperatorOffices<'a> {
    pub csrf: &'a str,
    pub kinds: &'a [String],
    pub offices: Vec<OfficeLine>,
    pub notice: Option<&'a str>,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
    pub form_name: &'a str,
    pub form_kind: &'a str,
    pub form_email: &'a str,
}

/// A one-off result page; `secret` is shown once (an initial password, say).
#[derive(Template)]
#[template(path = "notice.html")]
pub struct Notice<'a> {
    pub title: &'a str,
    pub message: &'a str,
    pub secret: Option<(&'a str, &'a str)>,
    pub back_href: &'a str,
    pub back_label: &'a str,
}

#[derive(Template)]
#[template(path = "password.html")]
pub struct Password<'a> {
    pub csrf: &'a str,
    pub forced: bool,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
    /// The checked page to go on to once changed; empty for the menu.
    pub next: &'a str,
}

#[derive(Template)]
#[template(path = "enroll.html")]
pub struct Enroll<'a> {
    pub number: &'a str,
    pub label: &'a str,
    pub legacy: bool,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
    pub csrf: &'a str,
}

#[derive(Template)]
#[template(path = "enrolled.html")]
pub struct Enrolled<'a> {
    pub office: &'a str,
    pub label: &'a str,
    pub serial: &'a str,
    pub not_after: &'a str,
    pub file_name: &'a str,
    pub data_url: &'a str,
}

#[derive(Template)]
#[template(path = "admin_menu.html")]
pub struct AdminMenu<'a> {
    pub office: &'a str,
}

pub struct UserLine {
    pub id: String,
    pub login_id: String,
    pub name: String,
    pub kana: String,
    pub profession: String,
    pub role: &'static str,
    pub status: &'static str,
    pub status_reason: String,
    pub suspended: bool,
}

pub struct UserForm<'a> {
    pub login_id: &'a str,
    pub name: &'a str,
    pub kana: &'a str,
    pub profession: &'a str,
    pub email: &'a str,
    pub office_admin: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct Users<'a> {
    pub csrf: &'a str,
    pub office: &'a str,
    pub people: Vec<UserLine>,
    pub professions: &'a [String],
    pub form: UserForm<'a>,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
}

impl Users<'_> {
    /// The hint for `field` when it is wrong, else nothing.
    #[must_use]
    pub fn hint(&self, field: &str) -> &str {
        FieldError::hint(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "user_edit.html")]
pub struct UserEdit<'a> {
    pub csrf: &'a str,
    pub id: &'a str,
    pub status: &'a str,
    pub active: bool,
    pub professions: &'a [String],
    pub form: UserForm<'a>,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
}

impl UserEdit<'_> {
    /// The hint for `field` when it is wrong, else nothing.
    #[must_use]
    pub fn hint(&self, field: &str) -> &str {
        FieldError::hint(&self.errors, field)
    }
}

/// One office the operator may tick as a partner.
pub struct PartnerChoice {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub checked: bool,
}

/// What was typed into the office page's forms (its first admin, 利用廃止), kept when refused.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct OperatorOfficeDraft {
    pub csrf_token: String,
    pub login_id: String,
    pub name: String,
    pub kana: String,
    pub profession: String,
    pub email: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "operator_office.html")]
pub struct OperatorOffice<'a> {
    pub csrf: &'a str,
    pub id: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub admin_email: &'a str,
    pub users: Vec<UserLine>,
    pub certificates: Vec<CertificateLine>,
    pub professions: &'a [String],
    pub partners: Vec<PartnerChoice>,
    pub draft: &'a OperatorOfficeDraft,
    /// The admin's address as typed, else the one the office registered with.
    pub draft_email: &'a str,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "operator_users.html")]
pub struct OperatorUsers<'a> {
    pub csrf: &'a str,
    pub query: &'a str,
    pub users: Vec<UserLine>,
    /// A refused 一時停止: the user's id and the reason typed.
    pub draft: (&'a str, &'a str),
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
}

/// An RFC 3339 time from a service, as people in Japan read it.
#[must_use]
pub fn tokyo_time(rfc3339: &str) -> String {
    common::japan::display(rfc3339)
}

#[must_use]
pub fn role_label(role: proto::common::Role) -> &'static str {
    match role {
        proto::common::Role::Operator => "市（運営者）",
        proto::common::Role::OfficeAdmin => "事業所管理者",
        _ => "利用スタッフ",
    }
}

#[must_use]
pub fn status_label(status: &str) -> &'static str {
    match status {
        "active" => "利用中",
        "suspended" => "一時停止中",
        "deactivated" => "廃止",
        "revoked" => "失効",
        "expired" => "期限切れ",
        _ => "不明",
    }
}

impl UserLine {
    /// The name of this row's 一時停止の理由.
    #[must_use]
    pub fn reason_field(&self) -> String {
        FieldError::row_field("reason", &self.id)
    }
}

impl From<proto::identity::User> for UserLine {
    fn from(u: proto::identity::User) -> Self {
        Self {
            role: role_label(u.role()),
            status: status_label(&u.status),
            suspended: u.status == "suspended",
            id: u.id,
            login_id: u.login_id,
            name: u.name,
            kana: u.kana,
            profession: u.profession,
            status_reason: u.status_reason,
        }
    }
}

pub struct ApplyForm<'a> {
    pub name: &'a str,
    pub kana: &'a str,
    pub kind: &'a str,
    pub code: &'a str,
    pub postal_code: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub fax: &'a str,
    pub latitude: &'a str,
    pub longitude: &'a str,
    pub admin_name: &'a str,
    pub admin_kana: &'a str,
    pub admin_email: &'a str,
    pub admin_phone: &'a str,
    pub listed: bool,
    pub consent: bool,
    pub invitation_code: &'a str,
}

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
    /// `open`, `invitation` or `closed`.
    pub mode: &'a str,
}

impl ApplyPage<'_> {
    /// The hint for `field` when it is wrong, else nothing.
    #[must_use]
    pub fn hint(&self, field: &str) -> &str {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map_or("", |e| e.hint.as_ref())
    }
}

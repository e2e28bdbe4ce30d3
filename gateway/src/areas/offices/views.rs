//! The pages of the offices: the operator's list and one office (its admins, certificates and
//! partners), the operator's search of users, and an office's own profile.

use crate::kit::pieces::{ApplyForm, CertificateLine, FieldError, UserLine};
use askama::Template;

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
        FieldError::hint(&self.errors, field)
    }
}

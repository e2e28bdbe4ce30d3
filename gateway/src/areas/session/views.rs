//! The pages of signing in: the form, the menu after it (with the user's boards) and the
//! password change.

use crate::kit::pieces::{FieldError, tokyo_time};
use askama::Template;
use proto::careboard as pb;

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

/// A line of the staff home: one board the user is on.
pub struct RecipientLine {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub care_level: String,
    pub unread: u32,
    pub urgent: u32,
    pub last_post: String,
    pub representative: bool,
}

impl From<pb::RecipientSummary> for RecipientLine {
    fn from(r: pb::RecipientSummary) -> Self {
        Self {
            last_post: tokyo_time(&r.last_post_at),
            id: r.id,
            name: r.display_name,
            kana: r.kana,
            care_level: r.care_level,
            unread: r.unread_posts,
            urgent: r.urgent_unacknowledged,
            representative: r.is_representative,
        }
    }
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

//! What a support team's page shows: its members and the staff who may join.

use crate::kit::pieces::{MemberLine, OfficeChoice};
use askama::Template;

pub struct StaffLine {
    pub user_id: String,
    pub name: String,
    pub kana: String,
    pub profession: String,
    pub office: String,
    pub member: bool,
}

#[derive(Template)]
#[template(path = "team.html")]
pub struct TeamPage<'a> {
    pub csrf: &'a str,
    pub id: &'a str,
    pub name: &'a str,
    pub me: &'a str,
    pub members: Vec<MemberLine>,
    pub representative: bool,
    pub closed: bool,
    pub query: &'a str,
    pub office: &'a str,
    pub profession: &'a str,
    pub offices: Vec<OfficeChoice>,
    pub professions: &'a [String],
    /// `None` before a search.
    pub found: Option<Vec<StaffLine>>,
    pub notice: Option<&'a str>,
    pub error: Option<&'a str>,
}

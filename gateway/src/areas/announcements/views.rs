//! The city's announcements: one as the public reads it, and the desk's list and editor.

use crate::kit::pieces::{AnnouncementLine, FieldError};
use askama::Template;

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

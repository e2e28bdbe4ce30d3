//! The page pieces more than one area shows: how a page is rendered, the one-off `Notice`, a
//! refused form's fields (`Refused`, `FieldError`), times as Japan reads them, status words, and
//! the lines several areas list (users, certificates, team members, announcements, offices to
//! choose from, an office's application form). Everything else a page needs lives in its area's
//! `views`, and an area never imports another area's views: a piece two areas need is moved here.
//! It sits in `kit/` beside the other mechanisms the areas share (and that import no area), not as
//! a top-level `views`, so that the name `views` means one thing, an area's own pages.

mod lines;
mod refusal;

pub use lines::*;
pub use refusal::*;

use askama::Template;

pub use crate::edge::page::render;

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
pub fn user_status_label(status: proto::common::UserStatus) -> &'static str {
    use proto::common::UserStatus as S;
    match status {
        S::Active => "利用中",
        S::Suspended => "一時停止中",
        S::Deactivated => "廃止",
        S::Unspecified => "不明",
    }
}

#[must_use]
pub fn certificate_status_label(status: proto::identity::CertificateStatus) -> &'static str {
    use proto::identity::CertificateStatus as S;
    match status {
        S::Active => "利用中",
        S::Revoked => "失効",
        S::Expired => "期限切れ",
        S::Unspecified => "不明",
    }
}

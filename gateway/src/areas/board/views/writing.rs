//! The pages of writing on a board and finding in it: a post's correction and history, the
//! search, the print view.

use super::PostCard;
use crate::kit::pieces::{FieldError, tokyo_time};
use askama::Template;
use proto::careboard as pb;

/// 訂正・取り消し of one's own post or reply.
#[derive(Template)]
#[template(path = "post_edit.html")]
pub struct PostEditPage<'a> {
    pub csrf: &'a str,
    pub id: &'a str,
    pub post: PostCard,
    pub is_reply: bool,
    pub categories: &'a [String],
    pub limit: u32,
    /// The text in the form: the current one, or what was typed when refused.
    pub draft: &'a str,
    pub draft_category: &'a str,
    /// The refusal, beside the text or the category.
    pub errors: Vec<FieldError>,
}

/// A refused reply, kept on the card of the post it answers.
pub struct ReplyDraft {
    pub body: String,
    /// Always none: the reply's only field says it all, beside its box.
    pub message: Option<String>,
    pub errors: Vec<FieldError>,
}

impl PostCard {
    /// The name of this post's reply box: `reply-ID`.
    #[must_use]
    pub fn reply_field(&self) -> String {
        FieldError::row_field("reply", &self.id)
    }

    /// The refused reply's errors, for the box's summary and its field.
    #[must_use]
    pub fn reply_errors(&self) -> &[FieldError] {
        self.reply.as_ref().map_or(&[], |d| d.errors.as_slice())
    }

    #[must_use]
    pub fn reply_message(&self) -> Option<&str> {
        self.reply.as_ref().and_then(|d| d.message.as_deref())
    }

    /// The text in the reply box: empty unless a reply was refused.
    #[must_use]
    pub fn reply_body(&self) -> &str {
        self.reply.as_ref().map_or("", |d| d.body.as_str())
    }
}

pub struct RevisionLine {
    pub at: String,
    /// What replaced this text: 訂正 or 取り消し.
    pub what: &'static str,
    pub body: String,
    pub category: String,
}

impl From<pb::PostRevision> for RevisionLine {
    fn from(r: pb::PostRevision) -> Self {
        Self {
            at: tokyo_time(&r.changed_at),
            what: match r.kind() {
                pb::RevisionKind::Withdrawn => "取り消し",
                // A kind this gateway does not know yet reads as the milder of the two.
                pb::RevisionKind::Edited | pb::RevisionKind::Unspecified => "訂正",
            },
            body: r.body,
            category: r.category,
        }
    }
}

/// 編集履歴: what a post said before each correction, for the whole team.
#[derive(Template)]
#[template(path = "post_history.html")]
pub struct PostHistoryPage<'a> {
    pub id: &'a str,
    pub post: PostCard,
    pub revisions: Vec<RevisionLine>,
}

/// One search result: the text cut into pieces, the matching ones marked.
pub struct FoundLine {
    pub link: String,
    pub author: String,
    pub profession: String,
    pub office: String,
    pub at: String,
    pub category: String,
    pub urgent: bool,
    pub is_reply: bool,
    pub pieces: Vec<(String, bool)>,
}

/// The board's page that starts at `post` (its cursor is the next id up, as ids are ordered),
/// with the post (or reply) in view.
#[must_use]
pub fn post_link(board: &str, thread: &str, post: &str) -> String {
    let cursor = thread
        .parse::<uuid::Uuid>()
        .ok()
        .and_then(|u| u.as_u128().checked_add(1))
        .map(|n| format!("?cursor={}", uuid::Uuid::from_u128(n)))
        .unwrap_or_default();
    format!("/boards/{board}{cursor}#post-{post}")
}

impl FoundLine {
    #[must_use]
    pub fn new(board: &str, p: pb::Post, words: &[String]) -> Self {
        let thread = if p.parent_id.is_empty() {
            p.id.as_str()
        } else {
            p.parent_id.as_str()
        };
        Self {
            link: post_link(board, thread, &p.id),
            at: tokyo_time(&p.created_at),
            pieces: common::text::search_marks(&p.body, words),
            is_reply: !p.parent_id.is_empty(),
            author: p.author_name,
            profession: p.author_profession,
            office: p.author_office,
            category: p.category,
            urgent: p.urgent,
        }
    }
}

#[derive(Template)]
#[template(path = "board_search.html")]
pub struct BoardSearchPage<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub q: &'a str,
    pub category: &'a str,
    pub urgent: bool,
    pub categories: &'a [String],
    pub found: Vec<FoundLine>,
    /// The link to the next (older) results.
    pub next: Option<String>,
    /// A refused search: nothing found is shown.
    pub error: Option<&'a str>,
    /// The refusal, beside the words' box.
    pub errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "board_print.html")]
pub struct BoardPrintPage<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub care_level: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub posts: Vec<PostCard>,
    pub truncated: bool,
    pub printed_at: String,
    /// A refused period: nothing is shown to print.
    pub error: Option<&'a str>,
    /// The refusal, beside the period's start.
    pub errors: Vec<FieldError>,
}

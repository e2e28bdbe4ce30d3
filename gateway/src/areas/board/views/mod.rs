//! The pages of a board (連絡帳): the timeline and its posts, with their files (`files`), what a
//! reader sees first (`reads`), and writing and finding (`writing`).

mod files;
mod reads;
mod writing;

pub use reads::Reading;
pub use writing::*;

use crate::kit::pieces::{FieldError, tokyo_time};
use askama::Template;
use files::FileView;
use proto::careboard as pb;
use proto::common::UserStatus;

pub struct Stamp {
    pub name: String,
    pub office: String,
    pub at: String,
}

/// A post as the timeline shows it.
#[allow(clippy::struct_excessive_bools)] // each flag is a separate fact the card shows
pub struct PostCard {
    pub id: String,
    pub author: String,
    pub profession: String,
    pub office: String,
    /// 休止中 or 利用終了: the author's posts stay, marked.
    pub author_mark: &'static str,
    pub at: String,
    pub category: String,
    pub urgent: bool,
    pub body: String,
    pub read_by: Vec<Stamp>,
    pub readers_total: u32,
    pub acknowledged_by: Vec<Stamp>,
    /// Urgent and the actor's own: who has not pressed 確認しました yet.
    pub not_acknowledged: Vec<Stamp>,
    pub mine: bool,
    pub read_by_me: bool,
    pub acknowledged_by_me: bool,
    /// Replies under the post, oldest first.
    pub replies: Vec<PostCard>,
    /// 編集済み: corrected at least once.
    pub edited: bool,
    /// 取り消し: the text is only in the history.
    pub withdrawn: bool,
    /// The reader wrote it and may still correct or withdraw it.
    pub correctable: bool,
    /// Its photos and documents.
    pub files: Vec<FileView>,
    /// A refused reply to it: the reply box open again, the text kept beside its error.
    pub reply: Option<ReplyDraft>,
}

impl PostCard {
    #[must_use]
    pub fn new(p: pb::Post, me: &str) -> Self {
        let stamps = |people: Vec<pb::Person>| {
            people
                .into_iter()
                .map(|s| Stamp {
                    at: tokyo_time(&s.at),
                    name: s.name,
                    office: s.office_name,
                })
                .collect()
        };
        Self {
            mine: p.author_user_id == me,
            author_mark: match p.author_status() {
                UserStatus::Suspended => "（利用停止中）",
                UserStatus::Deactivated => "（利用終了）",
                UserStatus::Active | UserStatus::Unspecified => "",
            },
            at: tokyo_time(&p.created_at),
            read_by: stamps(p.read_by),
            acknowledged_by: stamps(p.acknowledged_by),
            not_acknowledged: stamps(p.not_acknowledged_by),
            id: p.id,
            author: p.author_name,
            profession: p.author_profession,
            office: p.author_office,
            category: p.category,
            urgent: p.urgent,
            body: p.body,
            readers_total: p.readers_total,
            read_by_me: p.read_by_actor,
            acknowledged_by_me: p.acknowledged_by_actor,
            replies: p
                .replies
                .into_iter()
                .map(|r| PostCard::new(r, me))
                .collect(),
            edited: !p.edited_at.is_empty(),
            withdrawn: p.withdrawn,
            correctable: p.correctable,
            files: p.files.into_iter().map(FileView::new).collect(),
            reply: None,
        }
    }
}

#[derive(Template)]
#[template(path = "board.html")]
pub struct BoardPage<'a> {
    pub csrf: &'a str,
    pub id: &'a str,
    pub name: &'a str,
    pub care_level: &'a str,
    pub closed: bool,
    pub posts: Vec<PostCard>,
    pub next_cursor: &'a str,
    pub older: bool,
    pub categories: &'a [String],
    /// The category the timeline is narrowed to (empty: every post).
    pub category: &'a str,
    pub limit: u32,
    /// What was typed when the post was refused: shown again, not lost.
    pub draft: &'a str,
    pub draft_category: &'a str,
    pub draft_urgent: bool,
    /// Files uploaded for a post that was refused, kept for the next try.
    pub draft_files: &'a str,
    pub draft_file_count: usize,
    /// A refusal that belongs to no form shown (a reply to a post that is not on this board).
    pub error: Option<&'a str>,
    /// The composer's refusal, tied to its text as `post` (the box is `post-body`, which its
    /// script knows it by); a reply's is on its own card.
    pub errors: Vec<FieldError>,
    /// What waits for this reader: unread posts, pinned urgent ones, the post a link led to.
    pub reading: Reading,
}

/// One post alone, for live updates.
#[derive(Template)]
#[template(path = "board_post_fragment.html")]
pub struct PostFragment<'a> {
    pub csrf: &'a str,
    pub id: &'a str,
    pub closed: bool,
    pub p: PostCard,
}

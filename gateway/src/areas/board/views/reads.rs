//! What a board page shows a reader first: the urgent posts waiting for their 確認しました, the
//! post a link led to, and where their unread posts begin.

use super::PostCard;
use proto::careboard as pb;

#[derive(Default)]
pub struct Reading {
    /// Others' urgent posts the reader has not acknowledged, above the timeline.
    pub pinned: Vec<PostCard>,
    /// The post a link led to, when it is neither pinned nor on this page.
    pub linked: Option<PostCard>,
    /// The id of the post a link led to: brought into view and focused.
    pub focus: String,
    /// Unread posts on the whole board (the home list's count).
    pub unread_total: u32,
    /// The oldest unread post on this page, where 「未読へ」 leads.
    pub oldest_unread: String,
    /// Some unread posts are older than this page.
    pub unread_beyond: bool,
}

fn unread(p: &PostCard) -> bool {
    !p.mine && !p.read_by_me
}

impl Reading {
    /// Takes the pinned posts out of `posts` (each post is on the page once, its anchor too).
    #[must_use]
    pub fn new(
        pinned: Vec<pb::Post>,
        posts: &mut Vec<PostCard>,
        me: &str,
        unread_total: u32,
        focus: &str,
    ) -> Self {
        let pinned: Vec<PostCard> = pinned.into_iter().map(|p| PostCard::new(p, me)).collect();
        posts.retain(|p| !pinned.iter().any(|q| q.id == p.id));
        let oldest_unread = posts
            .iter()
            .rev()
            .chain(pinned.iter().rev())
            .find(|p| unread(p))
            .map(|p| p.id.clone())
            .unwrap_or_default();
        let here = posts
            .iter()
            .chain(pinned.iter())
            .filter(|p| unread(p))
            .count();
        Self {
            unread_beyond: usize::try_from(unread_total).unwrap_or(usize::MAX) > here,
            pinned,
            linked: None,
            focus: focus.to_owned(),
            unread_total,
            oldest_unread,
        }
    }

    /// Whether the post `id` is on the page already.
    #[must_use]
    pub fn shows(&self, id: &str, posts: &[PostCard]) -> bool {
        self.pinned.iter().chain(posts).any(|p| p.id == id)
    }
}

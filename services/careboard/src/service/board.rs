//! 連絡帳: the timeline and posting (既読 and 確認しました are in `reads`).

use super::Careboard;
use super::write::{Once, Started};
use crate::domain::post::{self, PostError};
use crate::domain::{Actor, DomainError, may_read, may_write};
use crate::error::Result;
use crate::events::{POST_CREATED, POST_URGENT, PostCreated, PostUrgent, PostsMarked};
use crate::store::{Lock, MemberRow, PINNED_MAX, PageQuery, PostRow, Stamp, Store};
use common::ids::{FileId, PostId, RecipientId};
use common::states::UserStatus;
use serde_json::json;

pub const PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 100;

/// A post as its author wrote it.
pub struct NewPost<'a> {
    pub body: &'a str,
    pub category: &'a str,
    pub urgent: bool,
    /// Files the author uploaded to the board for it, in the order shown.
    pub files: &'a [FileId],
}

/// The team and the marks on a set of posts, read with them.
pub(super) struct Marks {
    pub members: Vec<MemberRow>,
    pub reads: Vec<Stamp>,
    pub acks: Vec<Stamp>,
}

/// A post with who has read and acknowledged it.
#[allow(clippy::struct_excessive_bools)] // each flag is a separate fact the post shows
pub struct PostView {
    pub post: PostRow,
    pub read_by: Vec<Stamp>,
    /// N of 既読 n/N: the current members other than the author.
    pub readers_total: u32,
    pub acknowledged_by: Vec<Stamp>,
    pub read_by_actor: bool,
    pub acknowledged_by_actor: bool,
    /// The board is closed: a post shown on its own (a live update) offers no marks.
    pub board_closed: bool,
    /// The replies under a post, oldest first (a reply has none).
    pub replies: Vec<PostView>,
    /// The actor wrote it and may still correct or withdraw it.
    pub correctable: bool,
    /// On an urgent post: the current members but the author who have not acknowledged it.
    pub not_acknowledged_by: Vec<MemberRow>,
}

pub struct Timeline {
    pub posts: Vec<PostView>,
    pub next_cursor: Option<PostId>,
    pub closed: bool,
    pub recipient_name: String,
    pub care_level: String,
    /// Others' urgent posts the actor has yet to acknowledge (newest page of an open board).
    pub pinned: Vec<PostView>,
    /// The actor's unread posts on the whole board.
    pub unread_total: u32,
}

pub(super) fn post_error(e: PostError) -> DomainError {
    match e {
        PostError::Empty | PostError::Nul => DomainError::invalid("body"),
        PostError::TooLong => DomainError::invalid("body_length"),
        PostError::UnknownCategory => DomainError::invalid("category"),
    }
}

impl Careboard {
    /// Read marks and acknowledgements for `posts`, counted against the current team.
    pub(super) async fn marked(
        &self,
        actor: &Actor,
        recipient: RecipientId,
        posts: Vec<PostRow>,
        closed: bool,
    ) -> Result<Vec<PostView>> {
        let ids: Vec<PostId> = posts.iter().map(|p| p.id).collect();
        let marks = Marks {
            members: self.store.members(recipient).await?,
            reads: self.store.reads(recipient, &ids).await?,
            acks: self.store.acks(recipient, &ids).await?,
        };
        Ok(self.with_marks(actor, posts, &marks, closed))
    }

    /// `posts` as the actor sees them, given the team and every mark on them.
    pub(super) fn with_marks(
        &self,
        actor: &Actor,
        posts: Vec<PostRow>,
        marks: &Marks,
        closed: bool,
    ) -> Vec<PostView> {
        let Marks {
            members,
            reads,
            acks,
        } = marks;
        posts
            .into_iter()
            .map(|p| {
                let of = |stamps: &[Stamp]| -> Vec<Stamp> {
                    stamps
                        .iter()
                        .filter(|s| s.post_id == p.id && s.user_id != p.author_user_id)
                        .cloned()
                        .collect()
                };
                let read_by = of(reads);
                let acknowledged_by = of(acks);
                let others = members
                    .iter()
                    .filter(|m| m.user_id != p.author_user_id)
                    .count();
                let not_acknowledged_by = if p.urgent {
                    members
                        .iter()
                        .filter(|m| {
                            m.user_id != p.author_user_id
                                && !acknowledged_by.iter().any(|s| s.user_id == m.user_id)
                        })
                        .cloned()
                        .collect()
                } else {
                    Vec::new()
                };
                PostView {
                    not_acknowledged_by,
                    read_by_actor: p.author_user_id == actor.user_id
                        || read_by.iter().any(|s| s.user_id == actor.user_id),
                    acknowledged_by_actor: acknowledged_by
                        .iter()
                        .any(|s| s.user_id == actor.user_id),
                    readers_total: u32::try_from(others).unwrap_or(u32::MAX),
                    read_by,
                    acknowledged_by,
                    correctable: !closed && self.correctable(actor, &p),
                    post: p,
                    board_closed: closed,
                    replies: Vec::new(),
                }
            })
            .collect()
    }

    /// Tells open pages (through the gateway) that marks changed. Only a hint for live updates:
    /// it follows the change instead of sharing its transaction.
    pub(super) async fn announce_reads(
        &self,
        kind: proto::events::Subject<PostsMarked>,
        actor: &Actor,
        recipient: RecipientId,
        posts: &[PostId],
    ) -> Result<()> {
        if posts.is_empty() {
            return Ok(());
        }
        let event = self.event(
            kind,
            recipient,
            &PostsMarked {
                recipient_id: recipient.to_string(),
                user_id: actor.user_id.to_string(),
                post_ids: posts.iter().map(PostId::to_string).collect(),
            },
        )?;
        self.store.record(&[event]).await?;
        Ok(())
    }

    /// A page of the timeline. It marks nothing read: a GET changes nothing, and a post is
    /// 既読 once the reader's screen has shown it (`mark_posts_read`).
    pub async fn timeline(
        &self,
        actor: &Actor,
        recipient: RecipientId,
        cursor: Option<PostId>,
        limit: u32,
        category: &str,
    ) -> Result<Timeline> {
        let category = post::filter(category).map_err(|_| DomainError::invalid("category"))?;
        let limit = match limit {
            0 => PAGE,
            n => n.min(MAX_PAGE),
        };
        let query = PageQuery {
            before: cursor,
            category,
            limit: i64::from(limit) + 1,
            pin: cursor.is_none(),
            pinned_max: PINNED_MAX,
        };
        let found = self
            .store
            .board_page(recipient, actor.user_id, &query)
            .await?;
        let access = self
            .judge(
                actor,
                recipient,
                "board.read",
                found.as_ref().map(|p| p.access),
                |a, x| may_read(a, x.membership),
            )
            .await?;
        let page = found.ok_or(DomainError::Forbidden)?;
        let mut rows = page.page;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = more.then(|| rows.last().map(|p| p.id)).flatten();
        self.audit_read(
            actor,
            "board.read",
            recipient,
            json!({ "cursor": cursor, "category": category, "posts": rows.len() }),
        )
        .await?;
        let mut shown = page.pinned;
        let pinned_count = shown.len();
        shown.extend(rows);
        let marks = Marks {
            members: page.members,
            reads: page.reads,
            acks: page.acks,
        };
        let mut pinned = self.threaded(actor, shown, page.replies, &marks, access.closed);
        let posts = pinned.split_off(pinned_count);
        Ok(Timeline {
            posts,
            next_cursor,
            closed: access.closed,
            recipient_name: page.recipient_name,
            care_level: page.care_level,
            pinned,
            unread_total: u32::try_from(page.unread).unwrap_or(u32::MAX),
        })
    }

    pub(super) async fn one(
        &self,
        actor: &Actor,
        recipient: RecipientId,
        post: PostId,
        closed: bool,
    ) -> Result<PostView> {
        let row = self
            .store
            .post(recipient, post)
            .await?
            .ok_or(DomainError::NotFound)?;
        self.views(actor, recipient, vec![row], closed)
            .await?
            .pop()
            .ok_or_else(|| DomainError::NotFound.into())
    }

    pub async fn post(
        &self,
        actor: &Actor,
        recipient: RecipientId,
        post: PostId,
    ) -> Result<PostView> {
        let access = self
            .access(actor, recipient, "board.read", |a, x| {
                may_read(a, x.membership)
            })
            .await?;
        let view = self.one(actor, recipient, post, access.closed).await?;
        self.audit_read(actor, "board.read", recipient, json!({ "post_id": post }))
            .await?;
        Ok(view)
    }

    pub async fn create_post(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
        new: &NewPost<'_>,
    ) -> Result<PostView> {
        let valid = post::validate(new.body, new.category, new.urgent).map_err(post_error);
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(post) => return self.post(actor, recipient, post.into()).await,
        };
        // The board stays open, and the author on its team, until this post is in.
        self.access_in(
            &mut w,
            actor,
            recipient,
            "post.create",
            Lock::Share,
            |a, x| may_write(a, x.membership, x.closed),
        )
        .await?;
        let valid = valid?;
        let members = Store::members_in(&mut w.tx, recipient).await?;
        let author: &MemberRow = members
            .iter()
            .find(|m| m.user_id == actor.user_id)
            .ok_or(DomainError::Forbidden)?;
        let files = self.files_for(&mut w, actor, recipient, new.files).await?;
        let row = PostRow {
            id: PostId::new_v7(),
            recipient_id: recipient,
            author_user_id: actor.user_id,
            author_name: author.name.clone(),
            author_profession: author.profession.clone(),
            author_office: author.office_name.clone(),
            author_status: UserStatus::Active,
            created_at: self.clock.now(),
            category: valid.category.map(str::to_owned),
            urgent: valid.urgent,
            body: valid.body,
            parent_id: None,
            edited_at: None,
            withdrawn_at: None,
            files: sqlx::types::Json(files),
        };
        let mut events = vec![
            self.event(
                POST_CREATED,
                recipient,
                &PostCreated {
                    post_id: row.id.to_string(),
                    recipient_id: recipient.to_string(),
                    author_user_id: actor.user_id.to_string(),
                    urgent: row.urgent,
                },
            )?,
            self.audit(
                actor,
                "post.create",
                "success",
                recipient,
                json!({ "post_id": row.id, "urgent": row.urgent, "files": row.files.len() }),
            )?,
        ];
        if row.urgent {
            let notify_user_ids = members
                .iter()
                .filter(|m| m.user_id != actor.user_id && m.status.is_active())
                .map(|m| m.user_id.to_string())
                .collect();
            events.push(self.event(
                POST_URGENT,
                recipient,
                &PostUrgent {
                    post_id: row.id.to_string(),
                    recipient_id: recipient.to_string(),
                    author_user_id: actor.user_id.to_string(),
                    notify_user_ids,
                },
            )?);
        }
        Store::insert_post(&mut w.tx, &row, &events).await?;
        Store::attach_files(&mut w.tx, row.id, new.files).await?;
        self.commit(w, row.id).await?;
        // Posting needs an open board.
        self.one(actor, recipient, row.id, false).await
    }
}

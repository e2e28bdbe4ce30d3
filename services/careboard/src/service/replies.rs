//! Replies: one level under a post, read, marked and found like a post, shown under it.

use super::Careboard;
use super::board::{Marks, PostView, post_error};
use super::write::{Once, Started};
use crate::domain::correction::BoardRule;
use crate::domain::post;
use crate::domain::{Actor, DomainError, may_write};
use crate::error::Result;
use crate::events::{POST_CHANGED, PostsMarked};
use crate::store::{Lock, PostRow, Store};
use common::ids::{FileId, PostId, RecipientId};
use common::states::UserStatus;
use serde_json::json;

/// Each reply moved under its post when that post is in `views`; a reply on its own (asked for
/// by id) stays where it is.
pub(super) fn threads(views: Vec<PostView>) -> Vec<PostView> {
    let roots: Vec<PostId> = views
        .iter()
        .filter(|v| v.post.parent_id.is_none())
        .map(|v| v.post.id)
        .collect();
    let (under, mut shown): (Vec<PostView>, Vec<PostView>) = views
        .into_iter()
        .partition(|v| v.post.parent().is_some_and(|p| roots.contains(&p)));
    for reply in under {
        if let Some(root) = shown
            .iter_mut()
            .find(|r| Some(r.post.id) == reply.post.parent())
        {
            root.replies.push(reply);
        }
    }
    shown
}

/// The replies whose post is among `posts`, each once: a reply asked for by itself (found by
/// a search) is not shown twice.
fn replies_to_show(posts: &[PostRow], mut replies: Vec<PostRow>) -> Vec<PostRow> {
    replies.retain(|r| {
        !posts.iter().any(|p| p.id == r.id)
            && r.parent()
                .is_some_and(|parent| posts.iter().any(|p| p.id == parent))
    });
    replies
}

impl Careboard {
    /// `posts` with their replies, each with its marks.
    pub(super) async fn views(
        &self,
        actor: &Actor,
        recipient: RecipientId,
        posts: Vec<PostRow>,
        closed: bool,
    ) -> Result<Vec<PostView>> {
        let roots: Vec<PostId> = posts
            .iter()
            .filter(|p| p.parent_id.is_none())
            .map(|p| p.id)
            .collect();
        let replies = self.store.replies(recipient, &roots).await?;
        let mut all = posts;
        all.extend(replies_to_show(&all, replies));
        Ok(threads(self.marked(actor, recipient, all, closed).await?))
    }

    /// `posts` and `replies` (to any of them, or to posts no longer among them), threaded and
    /// marked with what was read together with them.
    pub(super) fn threaded(
        &self,
        actor: &Actor,
        mut posts: Vec<PostRow>,
        replies: Vec<PostRow>,
        marks: &Marks,
        closed: bool,
    ) -> Vec<PostView> {
        let shown = replies_to_show(&posts, replies);
        posts.extend(shown);
        threads(self.with_marks(actor, posts, marks, closed))
    }

    /// A reply to `parent`, which must be a post (not a reply) that is still there.
    pub async fn create_reply(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
        parent: PostId,
        body: &str,
        files: &[FileId],
    ) -> Result<PostView> {
        let valid = post::validate(body, "", false).map_err(post_error);
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(reply) => return self.post(actor, recipient, reply.into()).await,
        };
        self.access_in(
            &mut w,
            actor,
            recipient,
            "post.reply",
            Lock::Share,
            |a, x| may_write(a, x.membership, x.closed),
        )
        .await?;
        let root = Store::post_locked(&mut w.tx, recipient, parent)
            .await?
            .ok_or(DomainError::NotFound)?;
        if root.parent_id.is_some() {
            return Err(DomainError::Rule(BoardRule::ReplyToReply).into());
        }
        if root.withdrawn_at.is_some() {
            return Err(DomainError::Rule(BoardRule::PostWithdrawn).into());
        }
        let valid = valid?;
        let members = Store::members_in(&mut w.tx, recipient).await?;
        let author = members
            .iter()
            .find(|m| m.user_id == actor.user_id)
            .ok_or(DomainError::Forbidden)?;
        let files_attached = self.files_for(&mut w, actor, recipient, files).await?;
        let row = PostRow {
            id: PostId::new_v7(),
            recipient_id: recipient,
            author_user_id: actor.user_id,
            author_name: author.name.clone(),
            author_profession: author.profession.clone(),
            author_office: author.office_name.clone(),
            author_status: UserStatus::Active,
            created_at: self.clock.now(),
            category: None,
            urgent: false,
            body: valid.body,
            parent_id: Some(parent.as_uuid()),
            edited_at: None,
            withdrawn_at: None,
            files: sqlx::types::Json(files_attached),
        };
        let events = [
            self.event(
                POST_CHANGED,
                recipient,
                &PostsMarked {
                    recipient_id: recipient.to_string(),
                    user_id: actor.user_id.to_string(),
                    post_ids: vec![parent.to_string(), row.id.to_string()],
                },
            )?,
            self.audit(
                actor,
                "post.reply",
                "success",
                recipient,
                json!({ "post_id": row.id, "parent_id": parent, "files": files.len() }),
            )?,
        ];
        Store::insert_post(&mut w.tx, &row, &events).await?;
        Store::attach_files(&mut w.tx, row.id, files).await?;
        self.commit(w, row.id).await?;
        // Replying needs an open board.
        self.one(actor, recipient, row.id, false).await
    }
}

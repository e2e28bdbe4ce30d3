//! 既読 as the reader's screen reports it: the page sends, in batches, the posts it has actually
//! shown, and only those become read. Opening a board marks nothing.

use super::write::{Once, Started};
use super::{Careboard, PostView};
use crate::domain::{Actor, DomainError, may_read, may_write};
use crate::error::Result;
use crate::events::{POST_ACKNOWLEDGED, POSTS_READ};
use crate::store::{Lock, Store};
use common::ids::{PostId, RecipientId};
use serde_json::json;

/// The most posts one report may name: a page shows at most 100 (and the pinned urgent ones), and
/// the page sends what it has shown every few seconds.
pub const MAX_BATCH: usize = 120;

impl Careboard {
    /// Marks read those of `posts` on the board that the actor did not write; returns those of
    /// `posts` the actor has now read (or wrote). Idempotent: a repeat marks nothing new and
    /// answers the same.
    pub async fn mark_posts_read(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
        posts: &[PostId],
    ) -> Result<Vec<PostId>> {
        let mut posts = posts.to_vec();
        posts.sort_unstable();
        posts.dedup();
        if posts.is_empty() || posts.len() > MAX_BATCH {
            return Err(DomainError::invalid("post_ids").into());
        }
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(_) => {
                self.access(actor, recipient, "post.read", |a, x| {
                    may_read(a, x.membership)
                })
                .await?;
                return Ok(self
                    .store
                    .read_among(recipient, actor.user_id, &posts)
                    .await?);
            }
        };
        self.access_in(
            &mut w,
            actor,
            recipient,
            "post.read",
            Lock::Share,
            |a, x| may_read(a, x.membership),
        )
        .await?;
        let audit = self.audit(
            actor,
            "post.read",
            "success",
            recipient,
            json!({ "post_ids": posts }),
        )?;
        let fresh = Store::mark_shown(
            &mut w.tx,
            recipient,
            actor.user_id,
            &posts,
            self.clock.now(),
            &[audit],
        )
        .await?;
        self.commit(w, recipient).await?;
        self.announce_reads(POSTS_READ, actor, recipient, &fresh)
            .await?;
        Ok(self
            .store
            .read_among(recipient, actor.user_id, &posts)
            .await?)
    }
}

impl Careboard {
    /// 既読にする: one post, as the button without the script marks it.
    pub async fn mark_read(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
        post: PostId,
    ) -> Result<PostView> {
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(post) => return self.post(actor, recipient, post.into()).await,
        };
        let access = self
            .access_in(
                &mut w,
                actor,
                recipient,
                "post.read",
                Lock::Share,
                |a, x| may_read(a, x.membership),
            )
            .await?;
        let row = self
            .store
            .post(recipient, post)
            .await?
            .ok_or(DomainError::NotFound)?;
        let mut fresh = Vec::new();
        if row.author_user_id != actor.user_id {
            let audit = self.audit(
                actor,
                "post.read",
                "success",
                recipient,
                json!({ "post_id": post }),
            )?;
            fresh = Store::mark_read(
                &mut w.tx,
                actor.user_id,
                &[post],
                self.clock.now(),
                &[audit],
            )
            .await?;
        }
        self.commit(w, post).await?;
        self.announce_reads(POSTS_READ, actor, recipient, &fresh)
            .await?;
        self.wake_relay();
        self.one(actor, recipient, post, access.closed).await
    }

    /// 確認しました: on someone else's urgent post, once.
    pub async fn acknowledge(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
        post: PostId,
    ) -> Result<PostView> {
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(post) => return self.post(actor, recipient, post.into()).await,
        };
        self.access_in(
            &mut w,
            actor,
            recipient,
            "post.acknowledge",
            Lock::Share,
            |a, x| may_write(a, x.membership, x.closed),
        )
        .await?;
        let row = self
            .store
            .post(recipient, post)
            .await?
            .ok_or(DomainError::NotFound)?;
        if !row.urgent || row.author_user_id == actor.user_id {
            return Err(DomainError::invalid("post").into());
        }
        let events = [self.audit(
            actor,
            "post.acknowledge",
            "success",
            recipient,
            json!({ "post_id": post }),
        )?];
        let first =
            Store::acknowledge(&mut w.tx, post, actor.user_id, self.clock.now(), &events).await?;
        self.commit(w, post).await?;
        if first {
            self.announce_reads(POST_ACKNOWLEDGED, actor, recipient, &[post])
                .await?;
            self.wake_relay();
        }
        // Acknowledging needs an open board.
        self.one(actor, recipient, post, false).await
    }
}

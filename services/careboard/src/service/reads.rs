//! 既読 as the reader's screen reports it: the page sends, in batches, the posts it has actually
//! shown, and only those become read. Opening a board marks nothing.

use super::Careboard;
use super::write::{Once, Started};
use crate::domain::{Actor, DomainError, may_read};
use crate::error::Result;
use crate::events::POSTS_READ;
use crate::store::{Lock, Store};
use serde_json::json;
use uuid::Uuid;

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
        recipient: Uuid,
        posts: &[Uuid],
    ) -> Result<Vec<Uuid>> {
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

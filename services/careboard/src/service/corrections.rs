//! Corrections (訂正) and withdrawals (取り消し) of one's own post or reply, within the city's
//! window; every earlier text is kept and shown to the team as the post's history.

use super::Careboard;
use super::board::{PostView, post_error};
use super::write::{Once, Started};
use crate::domain::correction::{Written, may_correct};
use crate::domain::post;
use crate::domain::states::RevisionKind;
use crate::domain::{Actor, DomainError, may_read, may_write};
use crate::error::Result;
use crate::events::{POST_CHANGED, PostsMarked};
use crate::store::{Change, Lock, PostRow, RevisionRow, Store};
use common::ids::{PostId, RecipientId};
use serde_json::json;
use uuid::Uuid;

/// A post as it is now, and what it said before, oldest first.
pub struct PostHistory {
    pub post: PostView,
    pub revisions: Vec<RevisionRow>,
}

/// What the author asks: a new text (and category, for a post), or withdrawal.
enum Wanted<'a> {
    Correct { body: &'a str, category: &'a str },
    Withdraw,
}

fn written(p: &PostRow) -> Written {
    Written {
        author: p.author_user_id,
        created_at: p.created_at,
        withdrawn: p.withdrawn_at.is_some(),
    }
}

impl Careboard {
    /// Whether the actor may still correct or withdraw `p` (shown as the post's actions).
    pub(super) fn correctable(&self, actor: &Actor, p: &PostRow) -> bool {
        may_correct(
            actor.user_id,
            &written(p),
            self.correction_window,
            self.clock.now(),
        )
        .is_ok()
    }

    pub async fn correct_post(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
        post: PostId,
        body: &str,
        category: &str,
    ) -> Result<PostView> {
        self.change(
            once,
            actor,
            recipient,
            post,
            Wanted::Correct { body, category },
        )
        .await
    }

    pub async fn withdraw_post(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
        post: PostId,
    ) -> Result<PostView> {
        self.change(once, actor, recipient, post, Wanted::Withdraw)
            .await
    }

    async fn change(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
        post: PostId,
        wanted: Wanted<'_>,
    ) -> Result<PostView> {
        let (action, kind) = match wanted {
            Wanted::Correct { .. } => ("post.edit", RevisionKind::Edited),
            Wanted::Withdraw => ("post.withdraw", RevisionKind::Withdrawn),
        };
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(post) => return self.post(actor, recipient, post.into()).await,
        };
        self.access_in(&mut w, actor, recipient, action, Lock::Share, |a, x| {
            may_write(a, x.membership, x.closed)
        })
        .await?;
        let row = Store::post_locked(&mut w.tx, recipient, post)
            .await?
            .ok_or(DomainError::NotFound)?;
        let now = self.clock.now();
        if let Err(refused) =
            may_correct(actor.user_id, &written(&row), self.correction_window, now)
        {
            if refused == DomainError::NotAuthor {
                let record = self.audit(
                    actor,
                    action,
                    "denied",
                    recipient,
                    json!({ "post_id": post }),
                )?;
                self.store.record(&[record]).await?;
                self.wake_relay();
            }
            return Err(refused.into());
        }
        let valid = match wanted {
            Wanted::Correct { body, category } => {
                // A reply has no category.
                let category = if row.parent_id.is_some() {
                    ""
                } else {
                    category
                };
                Some(post::validate(body, category, row.urgent).map_err(post_error)?)
            }
            Wanted::Withdraw => None,
        };
        let revision = RevisionRow {
            id: Uuid::now_v7(),
            post_id: row.id,
            kind,
            body: row.body.clone(),
            category: row.category.clone(),
            changed_at: now,
        };
        let thread = row.parent().unwrap_or(row.id);
        let events = [
            self.event(
                POST_CHANGED,
                recipient,
                &PostsMarked {
                    recipient_id: recipient.to_string(),
                    user_id: actor.user_id.to_string(),
                    post_ids: vec![thread.to_string(), row.id.to_string()],
                },
            )?,
            self.audit(
                actor,
                action,
                "success",
                recipient,
                json!({ "post_id": row.id, "revision_id": revision.id }),
            )?,
        ];
        let change = Change {
            revision: &revision,
            changed_by: actor.user_id,
            now: valid.as_ref().map(|v| (v.body.as_str(), v.category)),
        };
        Store::change_post(&mut w.tx, &change, &events).await?;
        self.commit(w, row.id).await?;
        // Changing needs an open board.
        self.one(actor, recipient, row.id, false).await
    }

    /// 編集履歴: for every member, withdrawn posts included; a read like any other.
    pub async fn post_history(
        &self,
        actor: &Actor,
        recipient: RecipientId,
        post: PostId,
    ) -> Result<PostHistory> {
        let access = self
            .access(actor, recipient, "post.history", |a, x| {
                may_read(a, x.membership)
            })
            .await?;
        let view = self.one(actor, recipient, post, access.closed).await?;
        let revisions = self.store.revisions(post).await?;
        self.audit_read(actor, "post.history", recipient, json!({ "post_id": post }))
            .await?;
        Ok(PostHistory {
            post: view,
            revisions,
        })
    }
}

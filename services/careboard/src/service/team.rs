//! 支援チーム: the representative adds people from any office, removes them, hands over.

use super::Careboard;
use super::write::{Once, Started, Write};
use crate::domain::team::{may_hand_over, may_join, may_remove};
use crate::domain::{Actor, may_manage, may_read};
use crate::error::Result;
use crate::events::{MEMBER_REMOVED, MemberRemoved};
use crate::store::{Lock, MemberRow, Store};
use common::ids::{RecipientId, UserId};
use serde_json::json;

/// A team change begun: the write with the current team, or a repeat's team as it is now.
enum Managing {
    Fresh(Write, Vec<MemberRow>),
    Repeat(Vec<MemberRow>),
}

impl Careboard {
    /// The representative's write on the team, the recipient's row locked so team changes (and
    /// the posts that depend on who is on it) take turns.
    async fn manage(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
        action: &str,
    ) -> Result<Managing> {
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(_) => {
                self.access(actor, recipient, "team.read", |a, x| {
                    may_read(a, x.membership)
                })
                .await?;
                return Ok(Managing::Repeat(self.store.members(recipient).await?));
            }
        };
        self.access_in(&mut w, actor, recipient, action, Lock::Update, |a, x| {
            may_manage(a, x.membership, x.closed)
        })
        .await?;
        let members = Store::members_in(&mut w.tx, recipient).await?;
        Ok(Managing::Fresh(w, members))
    }

    pub async fn add_member(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
        user: UserId,
    ) -> Result<Vec<MemberRow>> {
        let (mut w, members) = match self.manage(once, actor, recipient, "team.add").await? {
            Managing::Fresh(w, m) => (w, m),
            Managing::Repeat(m) => return Ok(m),
        };
        let person = self.person(actor, user).await?;
        may_join(&person.candidate, members.iter().any(|m| m.user_id == user))?;
        let row = self.member_row(person, false);
        let events = [self.audit(
            actor,
            "team.add",
            "success",
            recipient,
            json!({ "user_id": user, "office_id": row.office_id }),
        )?];
        Store::add_member(&mut w.tx, recipient, &row, actor.user_id, &events).await?;
        self.commit(w, recipient).await?;
        Ok(self.store.members(recipient).await?)
    }

    pub async fn remove_member(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
        user: UserId,
    ) -> Result<Vec<MemberRow>> {
        let (mut w, members) = match self.manage(once, actor, recipient, "team.remove").await? {
            Managing::Fresh(w, m) => (w, m),
            Managing::Repeat(m) => return Ok(m),
        };
        may_remove(
            actor.user_id,
            user,
            members.iter().any(|m| m.user_id == user),
        )?;
        let events = [
            self.audit(
                actor,
                "team.remove",
                "success",
                recipient,
                json!({ "user_id": user }),
            )?,
            self.event(
                MEMBER_REMOVED,
                recipient,
                &MemberRemoved {
                    recipient_id: recipient.to_string(),
                    user_id: user.to_string(),
                },
            )?,
        ];
        Store::remove_member(&mut w.tx, recipient, user, self.clock.now(), &events).await?;
        self.commit(w, recipient).await?;
        Ok(self.store.members(recipient).await?)
    }

    pub async fn hand_over(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
        user: UserId,
    ) -> Result<Vec<MemberRow>> {
        let (mut w, members) = match self
            .manage(once, actor, recipient, "team.hand_over")
            .await?
        {
            Managing::Fresh(w, m) => (w, m),
            Managing::Repeat(m) => return Ok(m),
        };
        let target_active = members
            .iter()
            .any(|m| m.user_id == user && m.status.is_active());
        may_hand_over(actor.user_id, user, target_active)?;
        let events = [self.audit(
            actor,
            "team.hand_over",
            "success",
            recipient,
            json!({ "user_id": user }),
        )?];
        Store::hand_over(&mut w.tx, recipient, actor.user_id, user, &events).await?;
        self.commit(w, recipient).await?;
        Ok(self.store.members(recipient).await?)
    }
}

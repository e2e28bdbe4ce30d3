//! 支援チーム: the representative adds people from any office, removes them, hands over.

use super::Careboard;
use crate::domain::team::{may_hand_over, may_join, may_remove};
use crate::domain::{Actor, may_manage};
use crate::error::Result;
use crate::events::{MEMBER_REMOVED, MemberRemoved};
use crate::store::MemberRow;
use serde_json::json;
use uuid::Uuid;

impl Careboard {
    async fn manage(&self, actor: &Actor, recipient: Uuid, action: &str) -> Result<Vec<MemberRow>> {
        self.access(actor, recipient, action, |a, x| {
            may_manage(a, x.membership, x.closed)
        })
        .await?;
        Ok(self.store.members(recipient).await?)
    }

    pub async fn add_member(
        &self,
        actor: &Actor,
        recipient: Uuid,
        user: Uuid,
    ) -> Result<Vec<MemberRow>> {
        let members = self.manage(actor, recipient, "team.add").await?;
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
        self.store
            .add_member(recipient, &row, actor.user_id, &events)
            .await?;
        self.wake_relay();
        Ok(self.store.members(recipient).await?)
    }

    pub async fn remove_member(
        &self,
        actor: &Actor,
        recipient: Uuid,
        user: Uuid,
    ) -> Result<Vec<MemberRow>> {
        let members = self.manage(actor, recipient, "team.remove").await?;
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
                    recipient_id: recipient,
                    user_id: user,
                },
            )?,
        ];
        self.store
            .remove_member(recipient, user, self.clock.now(), &events)
            .await?;
        self.wake_relay();
        Ok(self.store.members(recipient).await?)
    }

    pub async fn hand_over(
        &self,
        actor: &Actor,
        recipient: Uuid,
        user: Uuid,
    ) -> Result<Vec<MemberRow>> {
        let members = self.manage(actor, recipient, "team.hand_over").await?;
        let target_active = members
            .iter()
            .any(|m| m.user_id == user && m.status == "active");
        may_hand_over(actor.user_id, user, target_active)?;
        let events = [self.audit(
            actor,
            "team.hand_over",
            "success",
            recipient,
            json!({ "user_id": user }),
        )?];
        self.store
            .hand_over(recipient, actor.user_id, user, &events)
            .await?;
        self.wake_relay();
        Ok(self.store.members(recipient).await?)
    }
}

//! お知らせ: the city writes, publishes and withdraws them; the public reads the published ones.

use super::{Actor, Offices};
use crate::domain::{ActorRole, DomainError, may_register_office};
use crate::error::Result;
use crate::store::AnnouncementRow;
use common::ids::AnnouncementId;

/// お知らせ: the city writes, publishes and withdraws them; the public reads the published ones.
impl Offices {
    pub async fn announcements(
        &self,
        actor: Option<&Actor>,
        drafts: bool,
    ) -> Result<Vec<AnnouncementRow>> {
        let drafts = drafts && actor.is_some_and(|a| a.role == ActorRole::Operator);
        Ok(self.store.announcements(drafts).await?)
    }

    pub async fn announcement(
        &self,
        actor: Option<&Actor>,
        id: AnnouncementId,
    ) -> Result<AnnouncementRow> {
        let row = self
            .store
            .announcement(id)
            .await?
            .ok_or(DomainError::NotFound)?;
        let operator = actor.is_some_and(|a| a.role == ActorRole::Operator);
        if row.published_at.is_none() && !operator {
            return Err(DomainError::NotFound.into());
        }
        Ok(row)
    }

    pub async fn save_announcement(
        &self,
        actor: &Actor,
        id: Option<AnnouncementId>,
        title: &str,
        body: &str,
    ) -> Result<AnnouncementRow> {
        may_register_office(actor.role)?;
        let title = title.trim();
        let body = body.trim();
        let mut wrong = Vec::new();
        if title.is_empty() || title.chars().count() > 100 {
            wrong.push("title");
        }
        if body.is_empty() || body.chars().count() > 5000 {
            wrong.push("body");
        }
        if !wrong.is_empty() {
            return Err(DomainError::Fields(wrong).into());
        }
        let id = match id {
            Some(id) => {
                self.store
                    .announcement(id)
                    .await?
                    .ok_or(DomainError::NotFound)?;
                id
            }
            None => AnnouncementId::new_v7(),
        };
        let events = [self.audit(Some(actor), "announcement.save", id)?];
        self.store
            .save_announcement(id, title, body, actor.user_id, self.clock.now(), &events)
            .await?;
        self.announcement(Some(actor), id).await
    }

    pub async fn publish_announcement(
        &self,
        actor: &Actor,
        id: AnnouncementId,
        published: bool,
    ) -> Result<AnnouncementRow> {
        may_register_office(actor.role)?;
        let at = published.then(|| self.clock.now());
        let events = [self.audit(
            Some(actor),
            if published {
                "announcement.publish"
            } else {
                "announcement.unpublish"
            },
            id,
        )?];
        if !self.store.publish_announcement(id, at, &events).await? {
            return Err(DomainError::NotFound.into());
        }
        self.announcement(Some(actor), id).await
    }
}

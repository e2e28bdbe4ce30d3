//! お知らせ: drafts and published ones.

use super::{AnnouncementRow, Result, Store, enqueue_all};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{AnnouncementId, UserId};
use service_runtime::idempotency::begin_write;

impl Store {
    /// Published announcements newest first, or (for the city) every one, drafts first.
    pub async fn announcements(&self, drafts: bool) -> Result<Vec<AnnouncementRow>> {
        Ok(sqlx::query_as(
            "SELECT id, title, body, published_at, updated_at FROM announcements \
             WHERE $1 OR published_at IS NOT NULL ORDER BY published_at DESC NULLS FIRST, updated_at DESC LIMIT 200",
        )
        .bind(drafts)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn announcement(&self, id: AnnouncementId) -> Result<Option<AnnouncementRow>> {
        Ok(sqlx::query_as(
            "SELECT id, title, body, published_at, updated_at FROM announcements WHERE id = $1",
        )
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Creates or edits; an edit keeps the announcement's publication state.
    pub async fn save_announcement(
        &self,
        id: AnnouncementId,
        title: &str,
        body: &str,
        by: UserId,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query(
            "INSERT INTO announcements (id, title, body, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (id) DO UPDATE SET title = $2, body = $3, updated_at = $5",
        )
        .bind(id.as_uuid())
        .bind(title)
        .bind(body)
        .bind(by.as_uuid())
        .bind(at)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn publish_announcement(
        &self,
        id: AnnouncementId,
        published: Option<DateTime<Utc>>,
        events: &[CloudEvent],
    ) -> Result<bool> {
        let mut tx = begin_write(&self.pool).await?;
        let done = sqlx::query("UPDATE announcements SET published_at = $2 WHERE id = $1")
            .bind(id.as_uuid())
            .bind(published)
            .execute(&mut *tx)
            .await?;
        // No such announcement: nothing was published, so nothing is recorded as published.
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(true)
    }
}

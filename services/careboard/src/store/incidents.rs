//! 報告義務: incident reports and the city's notes on them.

use super::{Result, Store, enqueue_all};
use crate::domain::states::IncidentStatus;
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{IncidentId, OfficeId, UserId};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IncidentRow {
    #[sqlx(try_from = "Uuid")]
    pub id: IncidentId,
    #[sqlx(try_from = "Uuid")]
    pub office_id: OfficeId,
    pub office_name: String,
    #[sqlx(try_from = "Uuid")]
    pub reporter_user_id: UserId,
    pub reporter_name: String,
    pub occurred_at: DateTime<Utc>,
    pub device: String,
    pub what_happened: String,
    pub action_taken: String,
    #[sqlx(try_from = "String")]
    pub status: IncidentStatus,
    pub filed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IncidentNoteRow {
    pub at: DateTime<Utc>,
    pub by_name: String,
    #[sqlx(try_from = "String")]
    pub status: IncidentStatus,
    pub note: String,
}

const INCIDENT: &str = "id, office_id, office_name, reporter_user_id, reporter_name, occurred_at, device, what_happened, \
                        action_taken, status, filed_at, updated_at";

impl Store {
    pub async fn insert_incident(
        tx: &mut PgConnection,
        i: &IncidentRow,
        events: &[CloudEvent],
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO incidents (id, office_id, office_name, reporter_user_id, reporter_name, occurred_at, device, \
             what_happened, action_taken, status, filed_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(i.id.as_uuid())
        .bind(i.office_id.as_uuid())
        .bind(&i.office_name)
        .bind(i.reporter_user_id.as_uuid())
        .bind(&i.reporter_name)
        .bind(i.occurred_at)
        .bind(&i.device)
        .bind(&i.what_happened)
        .bind(&i.action_taken)
        .bind(i.status.as_str())
        .bind(i.filed_at)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut *tx, events).await?;
        Ok(())
    }

    pub async fn incident(&self, id: IncidentId) -> Result<Option<IncidentRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {INCIDENT} FROM incidents WHERE id = $1"
        )))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Newest first: all of them (`office` and `reporter` both `None`), an office's, or one
    /// reporter's.
    pub async fn incidents(
        &self,
        office: Option<OfficeId>,
        reporter: Option<UserId>,
    ) -> Result<Vec<IncidentRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {INCIDENT} FROM incidents WHERE ($1::uuid IS NULL OR office_id = $1) \
             AND ($2::uuid IS NULL OR reporter_user_id = $2) ORDER BY filed_at DESC LIMIT 500"
        )))
        .bind(office.map(Uuid::from))
        .bind(reporter.map(Uuid::from))
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn incident_notes(&self, id: IncidentId) -> Result<Vec<IncidentNoteRow>> {
        Ok(sqlx::query_as(
            "SELECT at, by_name, status, note FROM incident_notes WHERE incident_id = $1 ORDER BY at",
        )
        .bind(id.as_uuid())
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn track_incident(
        tx: &mut PgConnection,
        id: IncidentId,
        by: UserId,
        note: &IncidentNoteRow,
        events: &[CloudEvent],
    ) -> Result<()> {
        sqlx::query("UPDATE incidents SET status = $2, updated_at = $3 WHERE id = $1")
            .bind(id.as_uuid())
            .bind(note.status.as_str())
            .bind(note.at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO incident_notes (id, incident_id, at, by_user_id, by_name, status, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::now_v7())
        .bind(id.as_uuid())
        .bind(note.at)
        .bind(by.as_uuid())
        .bind(&note.by_name)
        .bind(note.status.as_str())
        .bind(&note.note)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut *tx, events).await?;
        Ok(())
    }
}

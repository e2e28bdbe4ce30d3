//! 事業所登録申請 and the invitation codes that may be required for one.

use super::{
    APPLICATION, ApplicationRow, OfficeRow, Result, Store, enqueue_all, insert_application,
    insert_office,
};
use crate::domain::ApplicationStatus;
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{ApplicationId, UserId};
use service_runtime::idempotency::begin_write;

impl Store {
    pub async fn insert_application(
        &self,
        a: &ApplicationRow,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        insert_application(&mut tx, a).await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn application(&self, id: ApplicationId) -> Result<Option<ApplicationRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {APPLICATION} FROM applications WHERE id = $1"
        )))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn applications(
        &self,
        status: Option<ApplicationStatus>,
    ) -> Result<Vec<ApplicationRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {APPLICATION} FROM applications WHERE ($1::text IS NULL OR status = $1) ORDER BY submitted_at DESC LIMIT 500"
        )))
        .bind(status.map(ApplicationStatus::as_str))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Decides a pending application; false when it was decided already (by this or another
    /// operator), in which case nothing is written. On approval the office is created in the same
    /// transaction, so one application makes at most one office, and the first admin's ユーザーID
    /// is kept beside it.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide(
        &self,
        id: ApplicationId,
        status: ApplicationStatus,
        by: UserId,
        reason: Option<&str>,
        approved: Option<(&OfficeRow, &str)>,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<bool> {
        let mut tx = begin_write(&self.pool).await?;
        let done = sqlx::query(
            "UPDATE applications SET status = $2, decided_by = $3, reason = $4, decided_at = $5, office_id = $6, \
             admin_login_id = $7 WHERE id = $1 AND status = 'pending'",
        )
        .bind(id.as_uuid())
        .bind(status.as_str())
        .bind(by.as_uuid())
        .bind(reason)
        .bind(at)
        .bind(approved.map(|(o, _)| o.id.as_uuid()))
        .bind(approved.map(|(_, login)| login))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        if let Some((o, _)) = approved {
            insert_office(&mut tx, o, false).await?;
        }
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn insert_invitation(
        &self,
        code_hash: &[u8],
        note: &str,
        by: UserId,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query("INSERT INTO invitations (code_hash, note, created_by, created_at) VALUES ($1, $2, $3, $4)")
            .bind(code_hash)
            .bind(note)
            .bind(by.as_uuid())
            .bind(at)
            .execute(&mut *tx)
            .await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn invitation_unused(&self, code_hash: &[u8]) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM invitations WHERE code_hash = $1 AND used_at IS NULL",
        )
        .bind(code_hash)
        .fetch_one(&self.pool)
        .await?;
        Ok(n == 1)
    }

    /// Stores the application and uses the invitation in one transaction; false (nothing stored)
    /// when the invitation was used meanwhile.
    pub async fn insert_invited_application(
        &self,
        code_hash: &[u8],
        a: &ApplicationRow,
        events: &[CloudEvent],
    ) -> Result<bool> {
        let mut tx = begin_write(&self.pool).await?;
        let used = sqlx::query("UPDATE invitations SET used_at = $2, application_id = $3 WHERE code_hash = $1 AND used_at IS NULL")
            .bind(code_hash)
            .bind(a.submitted_at)
            .bind(a.id.as_uuid())
            .execute(&mut *tx)
            .await?;
        if used.rows_affected() == 0 {
            return Ok(false);
        }
        insert_application(&mut tx, a).await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(true)
    }
}

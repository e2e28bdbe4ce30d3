//! Offices: registered, found, listed, edited and withdrawn.

use super::{OFFICE, OfficeRow, Result, Store, enqueue_all, insert_office};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::OfficeId;
use service_runtime::idempotency::begin_write;

impl Store {
    /// Stores the office and its events in one transaction, so an event exists exactly when the
    /// office does.
    pub async fn insert_office(
        &self,
        office: &OfficeRow,
        operator_office: bool,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        insert_office(&mut tx, office, operator_office).await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn office(&self, id: OfficeId) -> Result<Option<OfficeRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFICE} FROM offices WHERE id = $1"
        )))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn operator_office(&self) -> Result<Option<OfficeRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFICE} FROM offices WHERE is_operator_office"
        )))
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn list(&self, limit: i64) -> Result<Vec<OfficeRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFICE} FROM offices ORDER BY created_at DESC, id DESC LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every active office, for finding people to work with: in kana order, then the offices
    /// registered before kana was asked for (their kana is empty) by name.
    pub async fn directory(&self) -> Result<Vec<OfficeRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFICE} FROM offices WHERE status = 'active' ORDER BY kana = '', kana, name, id"
        )))
        .fetch_all(&self.pool)
        .await?)
    }

    /// What the public map shows: active offices that chose to be listed (index `offices_on_map`).
    pub async fn on_map(&self, kind: Option<&str>) -> Result<Vec<OfficeRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFICE} FROM offices WHERE listed AND status = 'active' AND ($1::text IS NULL OR kind = $1) \
             AND latitude IS NOT NULL ORDER BY kind, kana"
        )))
        .bind(kind)
        .fetch_all(&self.pool)
        .await?)
    }

    /// 利用廃止: the office stays (its history is kept) but is withdrawn; false if it was already.
    pub async fn withdraw(
        &self,
        id: OfficeId,
        reason: &str,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<bool> {
        let mut tx = begin_write(&self.pool).await?;
        let done = sqlx::query(
            "UPDATE offices SET status = 'withdrawn', withdrawn_at = $2, withdrawn_reason = $3, updated_at = $2 \
             WHERE id = $1 AND status = 'active' AND NOT is_operator_office",
        )
        .bind(id.as_uuid())
        .bind(at)
        .bind(reason)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn update_office(
        &self,
        o: &OfficeRow,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query(
            "UPDATE offices SET name = $2, kana = $3, kind = $4, code = $5, postal_code = $6, address = $7, phone = $8, \
             fax = $9, latitude = $10, longitude = $11, listed = $12, updated_at = $13 WHERE id = $1",
        )
        .bind(o.id.as_uuid())
        .bind(&o.name)
        .bind(&o.kana)
        .bind(&o.kind)
        .bind(&o.code)
        .bind(&o.postal_code)
        .bind(&o.address)
        .bind(&o.phone)
        .bind(&o.fax)
        .bind(o.latitude)
        .bind(o.longitude)
        .bind(o.listed)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }
}

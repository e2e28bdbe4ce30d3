//! Offices' queries. sqlx errors stop here, as `StoreError`.

use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
#[error("database: {0}")]
pub struct StoreError(#[from] sqlx::Error);

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfficeRow {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub admin_email: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct Store {
    pool: PgPool,
}

impl Store {
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Stores the office and its event in one transaction, so the event exists exactly when the
    /// office does.
    pub async fn insert_office(
        &self,
        office: &OfficeRow,
        operator_office: bool,
        event: &CloudEvent,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO offices (id, name, kind, admin_email, status, is_operator_office, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(office.id)
        .bind(&office.name)
        .bind(&office.kind)
        .bind(&office.admin_email)
        .bind(&office.status)
        .bind(operator_office)
        .bind(office.created_at)
        .execute(&mut *tx)
        .await?;
        common::outbox::enqueue(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn office(&self, id: Uuid) -> Result<Option<OfficeRow>> {
        Ok(sqlx::query_as(
            "SELECT id, name, kind, admin_email, status, created_at FROM offices WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn operator_office(&self) -> Result<Option<OfficeRow>> {
        Ok(sqlx::query_as(
            "SELECT id, name, kind, admin_email, status, created_at FROM offices WHERE is_operator_office",
        )
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn list(&self, limit: i64) -> Result<Vec<OfficeRow>> {
        Ok(sqlx::query_as(
            "SELECT id, name, kind, admin_email, status, created_at FROM offices \
             ORDER BY created_at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}

//! Notify's queries. sqlx errors stop here, as `StoreError`.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
#[error("database: {0}")]
pub struct StoreError(#[from] sqlx::Error);

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Clone)]
pub struct Store {
    pool: PgPool,
}

pub struct Delivery<'a> {
    pub event_id: Uuid,
    pub template: &'a str,
    pub recipient: &'a str,
    pub message_id: &'a str,
    pub sent_at: DateTime<Utc>,
}

impl Store {
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }

    pub async fn claim(conn: &mut PgConnection, consumer: &str, event_id: Uuid) -> Result<bool> {
        Ok(common::outbox::claim(conn, consumer, event_id).await?)
    }

    pub async fn record(conn: &mut PgConnection, d: &Delivery<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO deliveries (event_id, template, recipient, message_id, sent_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT DO NOTHING",
        )
        .bind(d.event_id)
        .bind(d.template)
        .bind(d.recipient)
        .bind(d.message_id)
        .bind(d.sent_at)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn commit(tx: sqlx::Transaction<'static, sqlx::Postgres>) -> Result<()> {
        Ok(tx.commit().await?)
    }
}

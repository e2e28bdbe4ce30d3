//! Notify's queries. sqlx errors stop here, as `StoreError`.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
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

    /// Whether every email of the event has gone out already.
    pub async fn processed(&self, consumer: &str, event_id: Uuid) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2)",
        )
        .bind(consumer)
        .bind(event_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Marks the event done once all its emails are sent.
    pub async fn claim(&self, consumer: &str, event_id: Uuid) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        service_runtime::outbox::claim(&mut conn, consumer, event_id).await?;
        Ok(())
    }

    /// Whether this address got its email for the event: a redelivery after a partial failure
    /// sends only what is missing.
    pub async fn delivered(&self, event_id: Uuid, recipient: &str) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM deliveries WHERE event_id = $1 AND recipient = $2)",
        )
        .bind(event_id)
        .bind(recipient)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Recorded right after each email is handed to the server.
    pub async fn record(&self, d: &Delivery<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO deliveries (event_id, template, recipient, message_id, sent_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT DO NOTHING",
        )
        .bind(d.event_id)
        .bind(d.template)
        .bind(d.recipient)
        .bind(d.message_id)
        .bind(d.sent_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

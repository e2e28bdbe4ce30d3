//! Notify's queries. sqlx errors stop here, as `StoreError`.

mod deliveries;
mod schedule;
mod undelivered;

pub use deliveries::{DeliveryRow, NewDelivery};
pub use undelivered::UndeliveredRow;

use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::Notify;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
#[error("database: {0}")]
pub struct StoreError(#[from] sqlx::Error);

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Clone)]
pub struct Store {
    pool: PgPool,
    /// Wakes the outbox relay when a dead letter is written.
    relay: Arc<Notify>,
}

impl Store {
    #[must_use]
    pub fn new(pool: PgPool, relay: Arc<Notify>) -> Self {
        Self { pool, relay }
    }

    /// Whether every email of the event has been settled already.
    pub async fn processed(&self, consumer: &str, event_id: Uuid) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2)",
        )
        .bind(consumer)
        .bind(event_id)
        .fetch_one(&self.pool)
        .await?)
    }
}

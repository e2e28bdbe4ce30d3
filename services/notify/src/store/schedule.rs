//! The retry schedule: events whose emails wait for a later try, kept until every email is
//! settled, and the due emails the scheduler sends (`crate::schedule`).

use super::deliveries::COLUMNS;
use super::{DeliveryRow, Result, Store};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use uuid::Uuid;

impl Store {
    /// Keeps `event` for its emails' later tries (once, whichever replica comes first).
    pub async fn keep(&self, event: &CloudEvent, now: DateTime<Utc>) -> Result<()> {
        let json = serde_json::to_value(event).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query(
            "INSERT INTO scheduled_events (event_id, event, kept_at) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(event.id)
        .bind(json)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Up to `limit` emails due at `now`, soonest first, each with its event.
    pub async fn due(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(CloudEvent, DeliveryRow)>> {
        let columns = COLUMNS
            .split(", ")
            .map(|c| format!("d.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows: Vec<DueRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT s.event, {columns} FROM deliveries d \
             JOIN scheduled_events s ON s.event_id = d.event_id \
             WHERE d.state = 'pending' AND d.next_attempt_at <= $1 \
             ORDER BY d.next_attempt_at LIMIT $2"
        )))
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut due = Vec::with_capacity(rows.len());
        for row in rows {
            match serde_json::from_value::<CloudEvent>(row.event) {
                Ok(event) => due.push((event, row.delivery)),
                // Written by this service from an event it read: not reached; were it reached,
                // the email would wait forever, so it is said.
                Err(e) => tracing::error!(error = %e, "a kept event does not read back"),
            }
        }
        Ok(due)
    }

    /// When the next pending email is due, if any is.
    pub async fn next_due(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(sqlx::query_scalar(
            "SELECT min(next_attempt_at) FROM deliveries d \
             JOIN scheduled_events s ON s.event_id = d.event_id WHERE d.state = 'pending'",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// Once no email of the event is pending: the event is marked done for `consumer` and no
    /// longer kept. Does nothing while one is.
    pub async fn settle(&self, consumer: &str, event_id: Uuid) -> Result<()> {
        sqlx::query(
            "WITH open AS (SELECT EXISTS (SELECT 1 FROM deliveries \
                 WHERE event_id = $1 AND state = 'pending') AS pending), \
             dropped AS (DELETE FROM scheduled_events \
                 WHERE event_id = $1 AND NOT (SELECT pending FROM open)) \
             INSERT INTO processed_events (consumer, event_id) \
             SELECT $2, $1 WHERE NOT (SELECT pending FROM open) ON CONFLICT DO NOTHING",
        )
        .bind(event_id)
        .bind(consumer)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
struct DueRow {
    event: serde_json::Value,
    #[sqlx(flatten)]
    delivery: DeliveryRow,
}

//! One row per email: planned when its event is first handled, then leased for each try and
//! settled as sent, refused for good, or given up.

use super::{Result, Store};
use crate::domain::delivery::DeliveryState;
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{OfficeId, UserId};
use uuid::Uuid;

/// An email an event causes, before its first try.
pub struct NewDelivery<'a> {
    pub template: &'a str,
    pub recipient: &'a str,
    pub user_id: Option<UserId>,
    pub office_id: Option<OfficeId>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub template: String,
    pub recipient: String,
    pub message_id: String,
    #[sqlx(try_from = "String")]
    pub state: DeliveryState,
    pub next_attempt_at: DateTime<Utc>,
    /// UUIDs, not typed ids: sqlx's row derive cannot wrap an optional column.
    pub user_id: Option<Uuid>,
    pub office_id: Option<Uuid>,
}

pub(super) const COLUMNS: &str =
    "template, recipient, message_id, state, next_attempt_at, user_id, office_id";

impl Store {
    /// The emails already planned for the event (none on its first handling).
    pub async fn deliveries(&self, event_id: Uuid) -> Result<Vec<DeliveryRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM deliveries WHERE event_id = $1 ORDER BY created_at, recipient"
        )))
        .bind(event_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Plans the event's emails in one statement. A replica that planned them first wins: its
    /// rows are kept, and both go on from what is stored.
    pub async fn plan(
        &self,
        event_id: Uuid,
        emails: &[NewDelivery<'_>],
        now: DateTime<Utc>,
    ) -> Result<Vec<DeliveryRow>> {
        let templates: Vec<&str> = emails.iter().map(|e| e.template).collect();
        let recipients: Vec<&str> = emails.iter().map(|e| e.recipient).collect();
        let users: Vec<Option<Uuid>> = emails.iter().map(|e| e.user_id.map(Uuid::from)).collect();
        let offices: Vec<Option<Uuid>> =
            emails.iter().map(|e| e.office_id.map(Uuid::from)).collect();
        let message_ids: Vec<String> = emails
            .iter()
            .map(|_| format!("<{}@renrakucho>", Uuid::now_v7()))
            .collect();
        let inserted: Vec<DeliveryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "INSERT INTO deliveries (event_id, template, recipient, message_id, user_id, office_id, \
             state, attempts, next_attempt_at, created_at, updated_at) \
             SELECT $1, t, r, m, u, o, 'pending', 0, $7, $7, $7 \
             FROM UNNEST($2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[]) AS p(t, r, m, u, o) \
             ON CONFLICT DO NOTHING RETURNING {COLUMNS}"
        )))
        .bind(event_id)
        .bind(&templates)
        .bind(&recipients)
        .bind(&message_ids)
        .bind(&users)
        .bind(&offices)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        if inserted.len() == emails.len() {
            return Ok(inserted);
        }
        self.deliveries(event_id).await
    }

    /// Takes a due email for one try until `until`, counting the try; `None` when it is not
    /// due or another replica holds it.
    pub async fn lease(
        &self,
        event_id: Uuid,
        recipient: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Option<i32>> {
        Ok(sqlx::query_scalar(
            "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = $4, updated_at = $3 \
             WHERE event_id = $1 AND recipient = $2 AND state = 'pending' AND next_attempt_at <= $3 \
             RETURNING attempts",
        )
        .bind(event_id)
        .bind(recipient)
        .bind(now)
        .bind(until)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn sent(&self, event_id: Uuid, recipient: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE deliveries SET state = 'sent', sent_at = $3, updated_at = $3, last_error = NULL \
             WHERE event_id = $1 AND recipient = $2 AND state = 'pending'",
        )
        .bind(event_id)
        .bind(recipient)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A refusal that will not change: recorded, never tried again.
    pub async fn refused(
        &self,
        event_id: Uuid,
        recipient: &str,
        failure: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE deliveries SET state = 'failed_permanent', last_error = $3, updated_at = $4 \
             WHERE event_id = $1 AND recipient = $2 AND state = 'pending'",
        )
        .bind(event_id)
        .bind(recipient)
        .bind(failure)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A passing failure with tries left: the next one at `next`.
    pub async fn reschedule(
        &self,
        event_id: Uuid,
        recipient: &str,
        failure: &str,
        next: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE deliveries SET next_attempt_at = $4, last_error = $3, updated_at = $5 \
             WHERE event_id = $1 AND recipient = $2 AND state = 'pending'",
        )
        .bind(event_id)
        .bind(recipient)
        .bind(failure)
        .bind(next)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The tries are spent: given up, and the dead letter (`dead_letter`) written to the outbox
    /// in the same transaction.
    pub async fn give_up(
        &self,
        event_id: Uuid,
        recipient: &str,
        failure: &str,
        now: DateTime<Utc>,
        dead_letter: &CloudEvent,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE deliveries SET state = 'dead', last_error = $3, updated_at = $4 \
             WHERE event_id = $1 AND recipient = $2 AND state = 'pending'",
        )
        .bind(event_id)
        .bind(recipient)
        .bind(failure)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            service_runtime::outbox::enqueue(&mut tx, dead_letter).await?;
        }
        tx.commit().await?;
        self.relay.notify_one();
        Ok(())
    }

    /// An event nobody can turn into mail: its dead letter, once.
    pub async fn dead_event(
        &self,
        consumer: &str,
        dead_letter: &CloudEvent,
        event_id: Uuid,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        if service_runtime::outbox::claim(&mut tx, consumer, event_id).await? {
            service_runtime::outbox::enqueue(&mut tx, dead_letter).await?;
        }
        tx.commit().await?;
        self.relay.notify_one();
        Ok(())
    }
}

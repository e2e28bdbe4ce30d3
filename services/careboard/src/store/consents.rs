//! The city's consent register: metadata of each 同意書 and whether its FAX copy arrived.

use super::{Result, Store, enqueue_all};
use crate::domain::states::RecipientStatus;
use chrono::{DateTime, NaiveDate, Utc};
use common::events::CloudEvent;
use common::ids::{OfficeId, RecipientId, UserId};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsentRow {
    #[sqlx(try_from = "Uuid")]
    pub recipient_id: RecipientId,
    pub recipient_name: String,
    pub recipient_kana: String,
    #[sqlx(try_from = "String")]
    pub status: RecipientStatus,
    #[sqlx(try_from = "Uuid")]
    pub office_id: OfficeId,
    pub office_name: String,
    pub obtained_on: NaiveDate,
    pub obtained_by: String,
    pub recorded_by_name: String,
    pub recorded_at: DateTime<Utc>,
    pub fax_received_at: Option<DateTime<Utc>>,
    pub office_keeps_copy: bool,
    pub recipient_keeps_original: bool,
}

const CONSENT: &str = "c.recipient_id, r.display_name AS recipient_name, r.kana AS recipient_kana, r.status, \
                       c.office_id, c.office_name, c.obtained_on, c.obtained_by, c.recorded_by_name, c.recorded_at, \
                       c.fax_received_at, c.office_keeps_copy, c.recipient_keeps_original";

impl Store {
    pub async fn consent(&self, recipient: RecipientId) -> Result<Option<ConsentRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CONSENT} FROM consents c JOIN recipients r ON r.id = c.recipient_id WHERE c.recipient_id = $1"
        )))
        .bind(recipient.as_uuid())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Newest registration first (recipient ids are `UUIDv7`s, taken when the consent was
    /// recorded), older than `before` when paging on.
    pub async fn consents(
        &self,
        fax_pending_only: bool,
        before: Option<RecipientId>,
        limit: usize,
    ) -> Result<Vec<ConsentRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CONSENT} FROM consents c JOIN recipients r ON r.id = c.recipient_id \
             WHERE (NOT $1 OR c.fax_received_at IS NULL) AND ($2::uuid IS NULL OR c.recipient_id < $2) \
             ORDER BY c.recipient_id DESC LIMIT $3"
        )))
        .bind(fax_pending_only)
        .bind(before.map(Uuid::from))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Confirming twice keeps the first date.
    pub async fn confirm_fax(
        tx: &mut PgConnection,
        recipient: RecipientId,
        by: UserId,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let changed = sqlx::query(
            "UPDATE consents SET fax_received_at = $2, fax_confirmed_by = $3 \
             WHERE recipient_id = $1 AND fax_received_at IS NULL",
        )
        .bind(recipient.as_uuid())
        .bind(at)
        .bind(by.as_uuid())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 {
            enqueue_all(&mut *tx, events).await?;
        }
        Ok(())
    }
}

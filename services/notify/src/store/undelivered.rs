//! Mail that did not arrive, for the operator (every office's) and an office's admins (their
//! own staff's): who, when and why, never what.

use super::{Result, Store};
use crate::domain::access::Scope;
use crate::domain::delivery::DeliveryState;
use chrono::{DateTime, Utc};
use uuid::Uuid;

fn office(scope: Scope) -> Option<Uuid> {
    match scope {
        Scope::Everyone => None,
        Scope::Office(o) => Some(o.as_uuid()),
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UndeliveredRow {
    pub event_id: Uuid,
    pub template: String,
    pub recipient: String,
    /// UUIDs, not typed ids: sqlx's row derive cannot wrap an optional column.
    pub user_id: Option<Uuid>,
    pub office_id: Option<Uuid>,
    /// `FailedPermanent` or `Dead`: the queries below read no other.
    #[sqlx(try_from = "String")]
    pub state: DeliveryState,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// When the mail was due (its event handled).
    pub created_at: DateTime<Utc>,
    /// When it was settled as undelivered.
    pub updated_at: DateTime<Utc>,
    /// How many mails to this address did not arrive (in `bouncing`; 1 otherwise).
    pub failures: i64,
}

/// The newest this many; older ones stay in the table.
const LIMIT: i64 = 200;

impl Store {
    /// Every undelivered mail, newest first.
    pub async fn undelivered(&self, scope: Scope) -> Result<Vec<UndeliveredRow>> {
        Ok(sqlx::query_as(
            "SELECT event_id, template, recipient, user_id, office_id, state, attempts, last_error, \
             created_at, updated_at, 1::bigint AS failures FROM deliveries \
             WHERE state IN ('failed_permanent', 'dead') AND ($1::uuid IS NULL OR office_id = $1) \
             ORDER BY updated_at DESC LIMIT $2",
        )
        .bind(office(scope))
        .bind(LIMIT)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The addresses that bounce: for each, its latest undelivered mail, unless a mail reached
    /// it since (the address was fixed, or the mailbox works again).
    pub async fn bouncing(&self, scope: Scope) -> Result<Vec<UndeliveredRow>> {
        Ok(sqlx::query_as(
            "SELECT * FROM ( \
               SELECT DISTINCT ON (d.recipient) d.event_id, d.template, d.recipient, d.user_id, \
                 d.office_id, d.state, d.attempts, d.last_error, d.created_at, d.updated_at, \
                 count(*) OVER (PARTITION BY d.recipient) AS failures \
               FROM deliveries d \
               WHERE d.state IN ('failed_permanent', 'dead') AND ($1::uuid IS NULL OR d.office_id = $1) \
                 AND NOT EXISTS (SELECT 1 FROM deliveries s WHERE s.recipient = d.recipient \
                   AND s.state = 'sent' AND s.sent_at > d.updated_at) \
               ORDER BY d.recipient, d.updated_at DESC \
             ) latest ORDER BY updated_at DESC LIMIT $2",
        )
        .bind(office(scope))
        .bind(LIMIT)
        .fetch_all(&self.pool)
        .await?)
    }
}

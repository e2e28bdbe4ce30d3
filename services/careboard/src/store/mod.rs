//! Careboard's queries. sqlx errors stop here, as `StoreError`. Every write goes with its events
//! (board events and audit records) into the outbox in the same transaction.

mod consents;
mod files;
mod incidents;
mod locks;
mod page;
mod posts;
mod reads;
mod recipients;
mod search;
mod stats;
mod team;
mod writing;

pub use consents::ConsentRow;
pub use files::{FileCard, NewFile, StoredFile};
pub use incidents::{IncidentNoteRow, IncidentRow};
pub use locks::{Lock, Tx};
pub use page::{BoardPage, PINNED_MAX, PageQuery};
pub use posts::{PostRow, Stamp};
pub use recipients::{ChangeRow, DuplicateRow, NewRecipient, RecipientRow, SummaryRow};
pub use search::Filter;
pub use team::MemberRow;
pub use writing::{Change, RevisionRow};

use crate::domain::Membership;
use crate::domain::states::{RecipientStatus, UnknownState};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{RecipientId, UserId};
use common::states::UserStatus;
use sqlx::{PgConnection, PgPool};

#[derive(Debug, thiserror::Error)]
#[error("database: {0}")]
pub struct StoreError(#[from] sqlx::Error);

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Clone)]
pub struct Store {
    pool: PgPool,
}

/// The actor's standing on one board: whether they are on the team, and whether it is closed.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    pub membership: Membership,
    pub closed: bool,
}

impl Access {
    fn of(status: RecipientStatus, representative: Option<bool>) -> Self {
        Self {
            closed: status == RecipientStatus::Closed,
            membership: match representative {
                None => Membership::None,
                Some(false) => Membership::Member,
                Some(true) => Membership::Representative,
            },
        }
    }
}

/// A state read from its text column outside a row type: a text none of its values is a
/// decoding error, as in a row.
fn state<T: TryFrom<String, Error = UnknownState>>(text: String) -> Result<T> {
    T::try_from(text).map_err(|e| StoreError(sqlx::Error::Decode(Box::new(e))))
}

async fn enqueue_all(conn: &mut PgConnection, events: &[CloudEvent]) -> Result<()> {
    for e in events {
        service_runtime::outbox::enqueue(conn, e).await?;
    }
    Ok(())
}

impl Store {
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Events without a change of their own: the audit records of reads.
    pub async fn record(&self, events: &[CloudEvent]) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        enqueue_all(&mut conn, events).await
    }

    /// `None` when the recipient does not exist. A removed member, and anyone identity has
    /// suspended or deactivated, has no membership.
    pub async fn access(&self, recipient: RecipientId, user: UserId) -> Result<Option<Access>> {
        let row: Option<(String, Option<bool>)> = sqlx::query_as(
            "SELECT r.status, m.is_representative FROM recipients r \
             LEFT JOIN team_members m ON m.recipient_id = r.id AND m.user_id = $2 AND m.removed_at IS NULL \
               AND NOT EXISTS (SELECT 1 FROM inactive_users i WHERE i.user_id = $2) \
             WHERE r.id = $1",
        )
        .bind(recipient.as_uuid())
        .bind(user.as_uuid())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(status, rep)| Ok(Access::of(state(status)?, rep)))
            .transpose()
    }

    /// Whether identity has reported the user suspended or deactivated.
    pub async fn is_inactive(&self, user: UserId) -> Result<bool> {
        Ok(
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM inactive_users WHERE user_id = $1)")
                .bind(user.as_uuid())
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// identity's word on a user; an older event never overrides a newer one.
    pub async fn set_user_status(
        &self,
        user: UserId,
        status: UserStatus,
        at: DateTime<Utc>,
    ) -> Result<()> {
        if status.is_active() {
            sqlx::query("DELETE FROM inactive_users WHERE user_id = $1 AND changed_at <= $2")
                .bind(user.as_uuid())
                .bind(at)
                .execute(&self.pool)
                .await?;
        } else {
            sqlx::query(
                "INSERT INTO inactive_users (user_id, status, changed_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET status = $2, changed_at = $3 \
                 WHERE inactive_users.changed_at <= $3",
            )
            .bind(user.as_uuid())
            .bind(status.as_str())
            .bind(at)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }
}

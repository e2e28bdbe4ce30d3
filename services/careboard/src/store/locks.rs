//! Reads inside a write's transaction that the write depends on, with the rows locked, so the
//! standing checked is the standing written against: a post cannot land on a board closed
//! meanwhile, nor by a member removed meanwhile, and an update diffs against the row it replaces.

use super::recipients::{RECIPIENT, RecipientRow};
use super::team::MemberRow;
use super::{Access, Result, Store, state};
use common::ids::{RecipientId, UserId};
use sqlx::{PgConnection, Postgres, Transaction};

pub type Tx = Transaction<'static, Postgres>;

/// How a write holds the recipient's row until it commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// The write depends on the board (open, the team): closing and team changes wait for it.
    Share,
    /// The write changes the board itself (its info, status or team): everything else waits.
    Update,
}

impl Store {
    pub async fn begin(&self) -> Result<Tx> {
        Ok(self.pool.begin().await?)
    }

    #[must_use]
    pub fn pool(&self) -> &sqlx::PgPool {
        &self.pool
    }

    /// `access`, with the recipient's row locked as `lock` says and the actor's membership row
    /// shared, until `conn`'s transaction ends.
    pub async fn access_locked(
        conn: &mut PgConnection,
        recipient: RecipientId,
        user: UserId,
        lock: Lock,
    ) -> Result<Option<Access>> {
        let status: Option<String> = sqlx::query_scalar(match lock {
            Lock::Share => "SELECT status FROM recipients WHERE id = $1 FOR SHARE",
            Lock::Update => "SELECT status FROM recipients WHERE id = $1 FOR UPDATE",
        })
        .bind(recipient.as_uuid())
        .fetch_optional(&mut *conn)
        .await?;
        let Some(status) = status else {
            return Ok(None);
        };
        let rep: Option<bool> = sqlx::query_scalar(
            "SELECT m.is_representative FROM team_members m \
             WHERE m.recipient_id = $1 AND m.user_id = $2 AND m.removed_at IS NULL \
               AND NOT EXISTS (SELECT 1 FROM inactive_users i WHERE i.user_id = $2) \
             FOR SHARE OF m",
        )
        .bind(recipient.as_uuid())
        .bind(user.as_uuid())
        .fetch_optional(&mut *conn)
        .await?;
        Ok(Some(Access::of(state(status)?, rep)))
    }

    /// The recipient as the write's transaction sees it (after `access_locked`).
    pub async fn recipient_in(
        conn: &mut PgConnection,
        id: RecipientId,
    ) -> Result<Option<RecipientRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RECIPIENT} FROM recipients WHERE id = $1"
        )))
        .bind(id.as_uuid())
        .fetch_optional(conn)
        .await?)
    }

    /// The current team as the write's transaction sees it.
    pub async fn members_in(
        conn: &mut PgConnection,
        recipient: RecipientId,
    ) -> Result<Vec<MemberRow>> {
        Ok(sqlx::query_as(super::team::MEMBERS)
            .bind(recipient.as_uuid())
            .fetch_all(conn)
            .await?)
    }
}

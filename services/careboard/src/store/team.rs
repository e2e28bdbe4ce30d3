//! 支援チーム: current members have no `removed_at`; a removed member's row stays for the record.

use super::{Result, Store, enqueue_all};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{OfficeId, RecipientId, UserId};
use common::states::UserStatus;
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct MemberRow {
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    pub name: String,
    pub kana: String,
    pub profession: String,
    #[sqlx(try_from = "Uuid")]
    pub office_id: OfficeId,
    pub office_name: String,
    pub is_representative: bool,
    pub added_at: DateTime<Utc>,
    /// As identity last said.
    #[sqlx(try_from = "String")]
    pub status: UserStatus,
}

pub(super) async fn insert_member(
    conn: &mut PgConnection,
    recipient: RecipientId,
    m: &MemberRow,
    added_by: UserId,
) -> Result<()> {
    // A member removed earlier comes back on the same row.
    sqlx::query(
        "INSERT INTO team_members (recipient_id, user_id, office_id, is_representative, added_at, removed_at, \
         name, kana, profession, office_name, added_by) VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9, $10) \
         ON CONFLICT (recipient_id, user_id) DO UPDATE SET office_id = $3, is_representative = $4, added_at = $5, \
         removed_at = NULL, name = $6, kana = $7, profession = $8, office_name = $9, added_by = $10",
    )
    .bind(recipient.as_uuid())
    .bind(m.user_id.as_uuid())
    .bind(m.office_id.as_uuid())
    .bind(m.is_representative)
    .bind(m.added_at)
    .bind(&m.name)
    .bind(&m.kana)
    .bind(&m.profession)
    .bind(&m.office_name)
    .bind(added_by.as_uuid())
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) const MEMBERS: &str = "SELECT m.user_id, m.name, m.kana, m.profession, m.office_id, m.office_name, \
     m.is_representative, m.added_at, coalesce(i.status, 'active') AS status FROM team_members m \
     LEFT JOIN inactive_users i ON i.user_id = m.user_id \
     WHERE m.recipient_id = $1 AND m.removed_at IS NULL \
     ORDER BY m.is_representative DESC, m.added_at";

impl Store {
    pub async fn members(&self, recipient: RecipientId) -> Result<Vec<MemberRow>> {
        Ok(sqlx::query_as(MEMBERS)
            .bind(recipient.as_uuid())
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn add_member(
        tx: &mut PgConnection,
        recipient: RecipientId,
        member: &MemberRow,
        added_by: UserId,
        events: &[CloudEvent],
    ) -> Result<()> {
        insert_member(&mut *tx, recipient, member, added_by).await?;
        enqueue_all(&mut *tx, events).await?;
        Ok(())
    }

    /// From this moment the member's every call is refused (`access` reads `removed_at`).
    pub async fn remove_member(
        tx: &mut PgConnection,
        recipient: RecipientId,
        user: UserId,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        sqlx::query(
            "UPDATE team_members SET removed_at = $3, is_representative = false \
             WHERE recipient_id = $1 AND user_id = $2 AND removed_at IS NULL",
        )
        .bind(recipient.as_uuid())
        .bind(user.as_uuid())
        .bind(at)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut *tx, events).await?;
        Ok(())
    }

    pub async fn hand_over(
        tx: &mut PgConnection,
        recipient: RecipientId,
        from: UserId,
        to: UserId,
        events: &[CloudEvent],
    ) -> Result<()> {
        // The unique index on the representative requires the old one to step down first.
        sqlx::query(
            "UPDATE team_members SET is_representative = false WHERE recipient_id = $1 AND user_id = $2",
        )
        .bind(recipient.as_uuid())
        .bind(from.as_uuid())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE team_members SET is_representative = true \
             WHERE recipient_id = $1 AND user_id = $2 AND removed_at IS NULL",
        )
        .bind(recipient.as_uuid())
        .bind(to.as_uuid())
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut *tx, events).await?;
        Ok(())
    }
}

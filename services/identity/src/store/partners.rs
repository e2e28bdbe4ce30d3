use super::{Result, Store, enqueue_all};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{OfficeId, UserId, uuids};
use service_runtime::idempotency::begin_write;
use uuid::Uuid;

impl Store {
    /// The offices on whose devices people of `office` may also sign in.
    pub async fn partners_of(&self, office: OfficeId) -> Result<Vec<OfficeId>> {
        let partners: Vec<Uuid> = sqlx::query_scalar(
            "SELECT partner_office_id FROM office_partners WHERE office_id = $1 \
             ORDER BY partner_office_id",
        )
        .bind(office.as_uuid())
        .fetch_all(&self.pool)
        .await?;
        Ok(partners.into_iter().map(OfficeId::from).collect())
    }

    /// Whether people of `office` may sign in on devices of `device_office` by a partnership.
    pub async fn is_partner(&self, office: OfficeId, device_office: OfficeId) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM office_partners WHERE office_id = $1 AND partner_office_id = $2)",
        )
        .bind(office.as_uuid())
        .bind(device_office.as_uuid())
        .fetch_one(&self.pool)
        .await?)
    }

    /// Replaces the partner list of `office`.
    pub async fn set_partners(
        &self,
        office: OfficeId,
        partners: &[OfficeId],
        by: UserId,
        now: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query("DELETE FROM office_partners WHERE office_id = $1")
            .bind(office.as_uuid())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO office_partners (office_id, partner_office_id, set_by, set_at) \
             SELECT $1, p, $3, $4 FROM unnest($2::uuid[]) AS p ON CONFLICT DO NOTHING",
        )
        .bind(office.as_uuid())
        .bind(uuids(partners))
        .bind(by.as_uuid())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(())
    }
}

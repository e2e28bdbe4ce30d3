use super::certificates::{NewDevice, insert_device};
use super::{Result, Store, enqueue_all};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{OfficeId, UserId};
use service_runtime::idempotency::begin_write;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeRow {
    pub secret_hash: Vec<u8>,
    #[sqlx(try_from = "Uuid")]
    pub office_id: OfficeId,
    pub office_name: String,
    pub expires_at: DateTime<Utc>,
    pub failures: i32,
    pub used_at: Option<DateTime<Utc>>,
}

/// An enrollment secret waiting to be mailed, as sealed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnmailedRow {
    pub id: Uuid,
    pub number: String,
    pub office_name: String,
    pub mail_to: String,
    pub mail_nonce: Vec<u8>,
    pub mail_sealed: Vec<u8>,
    pub expires_at: DateTime<Utc>,
}

/// The sealed secret and where it goes, kept until notify has mailed it.
pub struct SealedMail<'a> {
    pub to: &'a str,
    pub nonce: &'a [u8],
    pub sealed: &'a [u8],
}

pub struct NewCode<'a> {
    pub id: Uuid,
    pub number: &'a str,
    pub secret_hash: &'a [u8],
    pub office_id: OfficeId,
    pub office_name: &'a str,
    pub issued_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub mail: SealedMail<'a>,
}

impl Store {
    /// Whether any code was ever issued for `office`.
    pub async fn has_code_for(&self, office: OfficeId) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM enrollment_codes WHERE office_id = $1)",
        )
        .bind(office.as_uuid())
        .fetch_one(&self.pool)
        .await?)
    }

    /// Stores a code; false when the number is taken (the caller draws another).
    pub async fn insert_code(&self, c: &NewCode<'_>, events: &[CloudEvent]) -> Result<bool> {
        let mut tx = begin_write(&self.pool).await?;
        let done = sqlx::query(
            "INSERT INTO enrollment_codes (number, secret_hash, office_id, office_name, issued_by, created_at, expires_at, \
             id, mail_to, mail_nonce, mail_sealed) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (number) DO NOTHING",
        )
        .bind(c.number)
        .bind(c.secret_hash)
        .bind(c.office_id.as_uuid())
        .bind(c.office_name)
        .bind(c.issued_by.as_uuid())
        .bind(c.created_at)
        .bind(c.expires_at)
        .bind(c.id)
        .bind(c.mail.to)
        .bind(c.mail.nonce)
        .bind(c.mail.sealed)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(true)
    }

    pub async fn code(&self, number: &str) -> Result<Option<CodeRow>> {
        Ok(sqlx::query_as(
            "SELECT secret_hash, office_id, office_name, expires_at, failures, used_at \
             FROM enrollment_codes WHERE number = $1",
        )
        .bind(number)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Counts an enrollment attempt from `source` and returns how many it made in the window.
    pub async fn count_enrollment_attempt(
        &self,
        source: &str,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query("DELETE FROM enrollment_attempts WHERE at < $1")
            .bind(now - chrono::Duration::days(1))
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO enrollment_attempts (source, at) VALUES ($1, $2)")
            .bind(source)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let n = sqlx::query_scalar(
            "SELECT count(*) FROM enrollment_attempts WHERE source = $1 AND at > $2",
        )
        .bind(source)
        .bind(since)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    pub async fn record_code_failure(&self, number: &str, events: &[CloudEvent]) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query("UPDATE enrollment_codes SET failures = failures + 1 WHERE number = $1")
            .bind(number)
            .execute(&mut *tx)
            .await?;
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Uses the code and records the device, atomically: of two uploads racing with one code,
    /// only one gets a certificate.
    pub async fn redeem_code(
        &self,
        number: &str,
        device: &NewDevice<'_>,
        events: &[CloudEvent],
    ) -> Result<bool> {
        let mut tx = begin_write(&self.pool).await?;
        let used = sqlx::query(
            "UPDATE enrollment_codes SET used_at = $2, used_serial = $3, mail_to = NULL, mail_nonce = NULL, mail_sealed = NULL \
             WHERE number = $1 AND used_at IS NULL",
        )
        .bind(number)
        .bind(device.issued_at)
        .bind(device.serial)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() == 0 {
            return Ok(false);
        }
        insert_device(&mut tx, device).await?;
        sqlx::query(
            "UPDATE certificate_requests SET done_at = $2 WHERE office_id = $1 AND done_at IS NULL",
        )
        .bind(device.office_id.as_uuid())
        .bind(device.issued_at)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(true)
    }
}

impl Store {
    /// The sealed secret of a code still waiting to be mailed: not mailed, used or expired.
    pub async fn unmailed(&self, id: Uuid, now: DateTime<Utc>) -> Result<Option<UnmailedRow>> {
        Ok(sqlx::query_as(
            "SELECT id, number, office_name, mail_to, mail_nonce, mail_sealed, expires_at \
             FROM enrollment_codes WHERE id = $1 AND mail_sealed IS NOT NULL AND used_at IS NULL \
             AND expires_at > $2",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// notify has mailed the code: its sealed secret and the address are destroyed. False when
    /// there was nothing left to destroy (mailed before, used, or expired).
    pub async fn forget_mailed(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<bool> {
        let mut tx = begin_write(&self.pool).await?;
        let done = sqlx::query(
            "UPDATE enrollment_codes SET mailed_at = $2, mail_to = NULL, mail_nonce = NULL, mail_sealed = NULL \
             WHERE id = $1 AND mail_sealed IS NOT NULL",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(true)
    }

    /// Destroys the sealed secrets of codes that expired unmailed; returns how many.
    pub async fn forget_expired_mail(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE enrollment_codes SET mail_to = NULL, mail_nonce = NULL, mail_sealed = NULL WHERE mail_sealed IS NOT NULL AND expires_at <= $1",
        )
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Every sealed secret still waiting, for re-sealing under a new key-encryption key.
    pub async fn all_unmailed(&self) -> Result<Vec<UnmailedRow>> {
        Ok(sqlx::query_as(
            "SELECT id, number, office_name, mail_to, mail_nonce, mail_sealed, expires_at \
             FROM enrollment_codes WHERE mail_sealed IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

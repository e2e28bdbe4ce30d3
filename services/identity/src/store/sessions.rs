use super::{Result, Store, enqueue_all};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::UserId;
use service_runtime::idempotency::begin_write;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    pub cert_serial: String,
    pub csrf_token: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// The lock on a login ID, if any: (failures so far, locked until).
    pub async fn login_lock(&self, login_id: &str) -> Result<(i32, Option<DateTime<Utc>>)> {
        let row: Option<(i32, Option<DateTime<Utc>>)> =
            sqlx::query_as("SELECT failures, locked_until FROM login_locks WHERE login_id = $1")
                .bind(login_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.unwrap_or((0, None)))
    }

    pub async fn failures_from_device(&self, serial: &str, since: DateTime<Utc>) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT count(*) FROM login_failures WHERE cert_serial = $1 AND at > $2",
        )
        .bind(serial)
        .bind(since)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn record_login_failure(
        &self,
        login_id: &str,
        serial: &str,
        failures: i32,
        locked_until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query(
            "INSERT INTO login_locks (login_id, failures, locked_until) VALUES ($1, $2, $3) \
             ON CONFLICT (login_id) DO UPDATE SET failures = $2, locked_until = $3",
        )
        .bind(login_id)
        .bind(failures)
        .bind(locked_until)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO login_failures (cert_serial, at) VALUES ($1, $2)")
            .bind(serial)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(now - chrono::Duration::days(1))
            .execute(&mut *tx)
            .await?;
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn open_session(
        &self,
        user_id: UserId,
        login_id: &str,
        token_hash: &[u8],
        serial: &str,
        csrf: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query("DELETE FROM login_locks WHERE login_id = $1")
            .bind(login_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, cert_serial, csrf_token, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id.as_uuid())
        .bind(serial)
        .bind(csrf)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRow>> {
        Ok(sqlx::query_as(
            "SELECT user_id, cert_serial, csrf_token, last_seen_at, expires_at FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn touch_session(&self, token_hash: &[u8], now: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &[u8], events: &[CloudEvent]) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(())
    }
}

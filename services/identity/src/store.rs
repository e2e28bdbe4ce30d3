//! Identity's queries. sqlx errors stop here, as `StoreError`.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
#[error("database: {0}")]
pub struct StoreError(#[from] sqlx::Error);

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub login_id: String,
    pub name: String,
    pub office_id: Uuid,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub status: String,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: Uuid,
    pub cert_serial: String,
    pub csrf_token: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaRow {
    pub cert_pem: String,
    pub key_nonce: Vec<u8>,
    pub key_sealed: Vec<u8>,
}

pub struct NewDevice<'a> {
    pub serial: &'a str,
    pub office_id: Uuid,
    pub label: &'a str,
    pub fingerprint: &'a str,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct Store {
    pool: PgPool,
}

impl Store {
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub async fn load_ca(&self) -> Result<Option<CaRow>> {
        Ok(
            sqlx::query_as("SELECT cert_pem, key_nonce, key_sealed FROM device_ca WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Stores the CA unless one exists already (two replicas starting at once keep the first).
    pub async fn insert_ca(&self, row: &CaRow, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "INSERT INTO device_ca (id, cert_pem, key_nonce, key_sealed, created_at) VALUES (1, $1, $2, $3, $4) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&row.cert_pem)
        .bind(&row.key_nonce)
        .bind(&row.key_sealed)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn user_by_login(&self, login_id: &str) -> Result<Option<UserRow>> {
        Ok(sqlx::query_as(
            "SELECT id, login_id, name, office_id, role, password_hash, must_change_password, status, failed_logins, locked_until FROM users WHERE login_id = $1",
        )
            .bind(login_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRow>> {
        Ok(sqlx::query_as(
            "SELECT id, login_id, name, office_id, role, password_hash, must_change_password, status, failed_logins, locked_until FROM users WHERE id = $1",
        )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn record_login_failure(
        &self,
        user_id: Uuid,
        locked_until: Option<DateTime<Utc>>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE users SET failed_logins = failed_logins + 1, locked_until = $2 WHERE id = $1",
        )
        .bind(user_id)
        .bind(locked_until)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn open_session(
        &self,
        user_id: Uuid,
        token_hash: &[u8],
        serial: &str,
        csrf: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, cert_serial, csrf_token, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(serial)
        .bind(csrf)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
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

    pub async fn delete_session(&self, token_hash: &[u8]) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn device_in_use(&self, serial: &str, now: DateTime<Utc>) -> Result<bool> {
        let row = sqlx::query(
            "UPDATE device_certificates SET last_used_at = $2 WHERE serial = $1 AND revoked_at IS NULL",
        )
        .bind(serial)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(row.rows_affected() == 1)
    }

    pub async fn insert_device(&self, d: &NewDevice<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO device_certificates (serial, office_id, label, fingerprint_sha256, not_before, not_after, issued_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(d.serial)
        .bind(d.office_id)
        .bind(d.label)
        .bind(d.fingerprint)
        .bind(d.not_before)
        .bind(d.not_after)
        .bind(d.issued_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Creates the user unless the login ID exists; returns whether it was created.
    pub async fn insert_user_if_absent(&self, user: &UserRow, now: DateTime<Utc>) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO users (id, login_id, name, office_id, role, password_hash, must_change_password, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $8) ON CONFLICT (login_id) DO NOTHING",
        )
        .bind(user.id)
        .bind(&user.login_id)
        .bind(&user.name)
        .bind(user.office_id)
        .bind(&user.role)
        .bind(&user.password_hash)
        .bind(user.must_change_password)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

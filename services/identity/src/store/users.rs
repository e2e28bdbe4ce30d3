use super::{Result, Store, conflict, enqueue_all};
use crate::domain::UserStatus;
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{OfficeId, UserId, uuids};
use service_runtime::idempotency::begin_write;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    #[sqlx(try_from = "Uuid")]
    pub id: UserId,
    pub login_id: String,
    pub name: String,
    pub kana: String,
    pub profession: String,
    pub email: String,
    #[sqlx(try_from = "Uuid")]
    pub office_id: OfficeId,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: bool,
    #[sqlx(try_from = "String")]
    pub status: UserStatus,
    pub status_reason: String,
    pub created_at: DateTime<Utc>,
}

pub struct NewUser<'a> {
    pub id: UserId,
    pub login_id: &'a str,
    pub name: &'a str,
    pub kana: &'a str,
    pub profession: &'a str,
    pub email: &'a str,
    pub office_id: OfficeId,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

pub struct UserPatch<'a> {
    pub name: &'a str,
    pub kana: &'a str,
    pub profession: &'a str,
    pub email: &'a str,
    pub role: &'a str,
}

const COLUMNS: &str = "id, login_id, name, kana, profession, email, office_id, role, password_hash, \
                       must_change_password, status, status_reason, created_at";

impl Store {
    pub async fn user_by_login(&self, login_id: &str) -> Result<Option<UserRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM users WHERE login_id = $1"
        )))
        .bind(login_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn user_by_id(&self, id: UserId) -> Result<Option<UserRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM users WHERE id = $1"
        )))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Active staff and office admins of every office, for the team directory. Name and kana are
    /// compared without their spaces, as the search's text is (`translate` drops both widths).
    pub async fn search_staff(
        &self,
        text: Option<&str>,
        kana: Option<&str>,
        office: Option<OfficeId>,
        profession: Option<&str>,
    ) -> Result<Vec<UserRow>> {
        let like = |t: Option<&str>| t.map(|t| format!("%{t}%"));
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM users WHERE status = 'active' AND role IN ('staff', 'office_admin') \
             AND ($1::text IS NULL OR translate(name, ' \u{3000}', '') ILIKE $1 \
                  OR translate(kana, ' \u{3000}', '') ILIKE $1 OR translate(kana, ' \u{3000}', '') LIKE $2) \
             AND ($3::uuid IS NULL OR office_id = $3) AND ($4::text IS NULL OR profession = $4) \
             ORDER BY kana, id LIMIT 50"
        )))
        .bind(like(text))
        .bind(like(kana))
        .bind(office.map(|o| o.as_uuid()))
        .bind(profession)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Addresses of the active ones among `ids`, and of the active admins of `admins_of`.
    pub async fn mail_addresses(
        &self,
        ids: &[UserId],
        admins_of: Option<OfficeId>,
    ) -> Result<Vec<(UserId, String, OfficeId)>> {
        let rows: Vec<(Uuid, String, Uuid)> = sqlx::query_as(
            "SELECT id, email, office_id FROM users WHERE status = 'active' AND email <> '' \
             AND (id = ANY($1) OR (role = 'office_admin' AND office_id = $2))",
        )
        .bind(uuids(ids))
        .bind(admins_of.map(|o| o.as_uuid()))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, email, office)| (id.into(), email, office.into()))
            .collect())
    }

    /// People of one office, or of every office; `query` matches login ID, name or kana.
    pub async fn list_users(&self, office: Option<OfficeId>, query: &str) -> Result<Vec<UserRow>> {
        let pattern = format!("%{}%", query.replace(['%', '_', '\\'], ""));
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM users WHERE ($1::uuid IS NULL OR office_id = $1) \
             AND ($2 = '%%' OR login_id ILIKE $2 OR name ILIKE $2 OR kana ILIKE $2) \
             ORDER BY office_id, kana, login_id LIMIT 500"
        )))
        .bind(office.map(|o| o.as_uuid()))
        .bind(pattern)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Creates the user; a taken login ID is `Conflict`.
    pub async fn insert_user(
        &self,
        u: &NewUser<'_>,
        now: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query(
            "INSERT INTO users (id, login_id, name, kana, profession, email, office_id, role, password_hash, \
             must_change_password, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', $11, $11)",
        )
        .bind(u.id.as_uuid())
        .bind(u.login_id)
        .bind(u.name)
        .bind(u.kana)
        .bind(u.profession)
        .bind(u.email)
        .bind(u.office_id.as_uuid())
        .bind(u.role)
        .bind(u.password_hash)
        .bind(u.must_change_password)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(conflict)?;
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(())
    }

    pub async fn update_user(
        &self,
        id: UserId,
        p: &UserPatch<'_>,
        now: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query(
            "UPDATE users SET name = $2, kana = $3, profession = $4, email = $5, role = $6, updated_at = $7 WHERE id = $1",
        )
        .bind(id.as_uuid())
        .bind(p.name)
        .bind(p.kana)
        .bind(p.profession)
        .bind(p.email)
        .bind(p.role)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Sets a new password hash; `must_change` for one issued by an admin.
    pub async fn set_password(
        &self,
        id: UserId,
        hash: &str,
        must_change: bool,
        now: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query("UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = $4 WHERE id = $1")
            .bind(id.as_uuid())
            .bind(hash)
            .bind(must_change)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if must_change {
            // A reset password must not leave old sessions alive.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.as_uuid())
                .execute(&mut *tx)
                .await?;
        }
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Changes status; anything but active ends every session of the user in the same
    /// transaction.
    pub async fn set_status(
        &self,
        id: UserId,
        status: UserStatus,
        reason: &str,
        now: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query(
            "INSERT INTO user_status_changes (user_id, status, at) \
             SELECT id, $2::text, $3::timestamptz FROM users WHERE id = $1 AND status <> $2",
        )
        .bind(id.as_uuid())
        .bind(status.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE users SET status = $2, status_reason = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(id.as_uuid())
        .bind(status.as_str())
        .bind(reason)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if !status.is_active() {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.as_uuid())
                .execute(&mut *tx)
                .await?;
        }
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(())
    }
}

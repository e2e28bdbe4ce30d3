//! Offices' queries. sqlx errors stop here, as `StoreError`.

use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
#[error("database: {0}")]
pub struct StoreError(#[from] sqlx::Error);

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct OfficeRow {
    pub id: Uuid,
    pub name: String,
    pub kana: String,
    pub kind: String,
    pub code: Option<String>,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub listed: bool,
    pub admin_email: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnnouncementRow {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub status: String,
    pub name: String,
    pub kana: String,
    pub kind: String,
    pub code: Option<String>,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub listed: bool,
    pub admin_name: String,
    pub admin_kana: String,
    pub admin_email: String,
    pub admin_phone: String,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub office_id: Option<Uuid>,
}

const OFFICE: &str = "id, name, kana, kind, code, postal_code, address, phone, fax, latitude, longitude, listed, \
                      admin_email, status, created_at";
const APPLICATION: &str = "id, status, name, kana, kind, code, postal_code, address, phone, fax, latitude, longitude, \
                           listed, admin_name, admin_kana, admin_email, admin_phone, submitted_at, decided_at, reason, office_id";

async fn enqueue_all(conn: &mut PgConnection, events: &[CloudEvent]) -> Result<()> {
    for e in events {
        common::outbox::enqueue(conn, e).await?;
    }
    Ok(())
}

async fn insert_office(
    conn: &mut PgConnection,
    o: &OfficeRow,
    operator_office: bool,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO offices (id, name, kana, kind, code, postal_code, address, phone, fax, latitude, longitude, listed, \
         admin_email, status, is_operator_office, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)",
    )
    .bind(o.id)
    .bind(&o.name)
    .bind(&o.kana)
    .bind(&o.kind)
    .bind(&o.code)
    .bind(&o.postal_code)
    .bind(&o.address)
    .bind(&o.phone)
    .bind(&o.fax)
    .bind(o.latitude)
    .bind(o.longitude)
    .bind(o.listed)
    .bind(&o.admin_email)
    .bind(&o.status)
    .bind(operator_office)
    .bind(o.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_application(conn: &mut PgConnection, a: &ApplicationRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO applications (id, status, name, kana, kind, code, postal_code, address, phone, fax, latitude, \
         longitude, listed, admin_name, admin_kana, admin_email, admin_phone, submitted_at) \
         VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(a.id)
    .bind(&a.name)
    .bind(&a.kana)
    .bind(&a.kind)
    .bind(&a.code)
    .bind(&a.postal_code)
    .bind(&a.address)
    .bind(&a.phone)
    .bind(&a.fax)
    .bind(a.latitude)
    .bind(a.longitude)
    .bind(a.listed)
    .bind(&a.admin_name)
    .bind(&a.admin_kana)
    .bind(&a.admin_email)
    .bind(&a.admin_phone)
    .bind(a.submitted_at)
    .execute(conn)
    .await?;
    Ok(())
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

    /// Stores the office and its events in one transaction, so an event exists exactly when the
    /// office does.
    pub async fn insert_office(
        &self,
        office: &OfficeRow,
        operator_office: bool,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        insert_office(&mut tx, office, operator_office).await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn office(&self, id: Uuid) -> Result<Option<OfficeRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFICE} FROM offices WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn operator_office(&self) -> Result<Option<OfficeRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFICE} FROM offices WHERE is_operator_office"
        )))
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn list(&self, limit: i64) -> Result<Vec<OfficeRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFICE} FROM offices ORDER BY created_at DESC, id DESC LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Active offices by kind, for the operation report.
    pub async fn by_kind(&self) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT kind, count(*) FROM offices WHERE status = 'active' GROUP BY kind ORDER BY count(*) DESC, kind",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Offices active at each of `ends` (registered before it, not withdrawn by then), by kind:
    /// rows of `(month, kind, count)`.
    pub async fn active_by_kind_at(
        &self,
        months: &[String],
        ends: &[DateTime<Utc>],
    ) -> Result<Vec<(String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT t.m, o.kind, count(*) FROM unnest($1::text[], $2::timestamptz[]) AS t(m, e) \
             JOIN offices o ON o.created_at < t.e AND (o.withdrawn_at IS NULL OR o.withdrawn_at >= t.e) \
             GROUP BY t.m, o.kind",
        )
        .bind(months)
        .bind(ends)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Offices registered per month in `[from, until)`.
    pub async fn registered(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>> {
        let month = common::stats::month_of("created_at");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {month} AS m, count(*) FROM offices WHERE created_at >= $1 AND created_at < $2 GROUP BY m"
        )))
        .bind(from)
        .bind(until)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every active office, for finding people to work with: in kana order, then the offices
    /// registered before kana was asked for (their kana is empty) by name.
    pub async fn directory(&self) -> Result<Vec<OfficeRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFICE} FROM offices WHERE status = 'active' ORDER BY kana = '', kana, name, id"
        )))
        .fetch_all(&self.pool)
        .await?)
    }

    /// What the public map shows: active offices that chose to be listed (index `offices_on_map`).
    pub async fn on_map(&self, kind: Option<&str>) -> Result<Vec<OfficeRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OFFICE} FROM offices WHERE listed AND status = 'active' AND ($1::text IS NULL OR kind = $1) \
             AND latitude IS NOT NULL ORDER BY kind, kana"
        )))
        .bind(kind)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn insert_application(
        &self,
        a: &ApplicationRow,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        insert_application(&mut tx, a).await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn application(&self, id: Uuid) -> Result<Option<ApplicationRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {APPLICATION} FROM applications WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn applications(&self, status: Option<&str>) -> Result<Vec<ApplicationRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {APPLICATION} FROM applications WHERE ($1::text IS NULL OR status = $1) ORDER BY submitted_at DESC LIMIT 500"
        )))
        .bind(status)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Decides a pending application; false when it was decided already (by this or another
    /// operator), in which case nothing is written. On approval the office is created in the same
    /// transaction, so one application makes at most one office.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide(
        &self,
        id: Uuid,
        status: &str,
        by: Uuid,
        reason: Option<&str>,
        office: Option<&OfficeRow>,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE applications SET status = $2, decided_by = $3, reason = $4, decided_at = $5, office_id = $6 \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(status)
        .bind(by)
        .bind(reason)
        .bind(at)
        .bind(office.map(|o| o.id))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        if let Some(o) = office {
            insert_office(&mut tx, o, false).await?;
        }
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// 利用廃止: the office stays (its history is kept) but is withdrawn; false if it was already.
    pub async fn withdraw(
        &self,
        id: Uuid,
        reason: &str,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE offices SET status = 'withdrawn', withdrawn_at = $2, withdrawn_reason = $3, updated_at = $2 \
             WHERE id = $1 AND status = 'active' AND NOT is_operator_office",
        )
        .bind(id)
        .bind(at)
        .bind(reason)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(true)
    }
}

impl Store {
    /// Published announcements newest first, or (for the city) every one, drafts first.
    pub async fn announcements(&self, drafts: bool) -> Result<Vec<AnnouncementRow>> {
        Ok(sqlx::query_as(
            "SELECT id, title, body, published_at, updated_at FROM announcements \
             WHERE $1 OR published_at IS NOT NULL ORDER BY published_at DESC NULLS FIRST, updated_at DESC LIMIT 200",
        )
        .bind(drafts)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn announcement(&self, id: Uuid) -> Result<Option<AnnouncementRow>> {
        Ok(sqlx::query_as(
            "SELECT id, title, body, published_at, updated_at FROM announcements WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Creates or edits; an edit keeps the announcement's publication state.
    pub async fn save_announcement(
        &self,
        id: Uuid,
        title: &str,
        body: &str,
        by: Uuid,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO announcements (id, title, body, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (id) DO UPDATE SET title = $2, body = $3, updated_at = $5",
        )
        .bind(id)
        .bind(title)
        .bind(body)
        .bind(by)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn publish_announcement(
        &self,
        id: Uuid,
        published: Option<DateTime<Utc>>,
        events: &[CloudEvent],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE announcements SET published_at = $2 WHERE id = $1")
            .bind(id)
            .bind(published)
            .execute(&mut *tx)
            .await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    pub async fn update_office(
        &self,
        o: &OfficeRow,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE offices SET name = $2, kana = $3, kind = $4, code = $5, postal_code = $6, address = $7, phone = $8, \
             fax = $9, latitude = $10, longitude = $11, listed = $12, updated_at = $13 WHERE id = $1",
        )
        .bind(o.id)
        .bind(&o.name)
        .bind(&o.kana)
        .bind(&o.kind)
        .bind(&o.code)
        .bind(&o.postal_code)
        .bind(&o.address)
        .bind(&o.phone)
        .bind(&o.fax)
        .bind(o.latitude)
        .bind(o.longitude)
        .bind(o.listed)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    pub async fn insert_invitation(
        &self,
        code_hash: &[u8],
        note: &str,
        by: Uuid,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO invitations (code_hash, note, created_by, created_at) VALUES ($1, $2, $3, $4)")
            .bind(code_hash)
            .bind(note)
            .bind(by)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn invitation_unused(&self, code_hash: &[u8]) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM invitations WHERE code_hash = $1 AND used_at IS NULL",
        )
        .bind(code_hash)
        .fetch_one(&self.pool)
        .await?;
        Ok(n == 1)
    }

    /// Stores the application and uses the invitation in one transaction; false (nothing stored)
    /// when the invitation was used meanwhile.
    pub async fn insert_invited_application(
        &self,
        code_hash: &[u8],
        a: &ApplicationRow,
        events: &[CloudEvent],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let used = sqlx::query("UPDATE invitations SET used_at = $2, application_id = $3 WHERE code_hash = $1 AND used_at IS NULL")
            .bind(code_hash)
            .bind(a.submitted_at)
            .bind(a.id)
            .execute(&mut *tx)
            .await?;
        if used.rows_affected() == 0 {
            return Ok(false);
        }
        insert_application(&mut tx, a).await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(true)
    }
}

use super::{Result, Store, enqueue_all};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{OfficeId, UserId};
use service_runtime::idempotency::begin_write;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CertificateRow {
    pub serial: String,
    #[sqlx(try_from = "Uuid")]
    pub office_id: OfficeId,
    pub office_name: String,
    pub label: String,
    pub fingerprint_sha256: String,
    pub issued_at: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
}

pub struct NewDevice<'a> {
    pub serial: &'a str,
    pub office_id: OfficeId,
    pub office_name: &'a str,
    pub label: &'a str,
    pub fingerprint: &'a str,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRow {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub office_id: OfficeId,
    pub office_name: String,
    #[sqlx(try_from = "Uuid")]
    pub requested_by: UserId,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "serial, office_id, office_name, label, fingerprint_sha256, issued_at, not_after, \
                       last_used_at, revoked_at, revoked_reason";

impl Store {
    /// Marks the device as used now and returns its office (id and name); `None` when it is
    /// unknown, revoked or expired.
    pub async fn device_in_use(
        &self,
        serial: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(OfficeId, String)>> {
        let row: Option<(Uuid, String)> = sqlx::query_as(
            "UPDATE device_certificates SET last_used_at = $2 \
             WHERE serial = $1 AND revoked_at IS NULL AND not_after > $2 \
             RETURNING office_id, office_name",
        )
        .bind(serial)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(office, name)| (office.into(), name)))
    }

    pub async fn insert_device(&self, d: &NewDevice<'_>, events: &[CloudEvent]) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        insert_device(&mut tx, d).await?;
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(())
    }

    pub async fn certificate(&self, serial: &str) -> Result<Option<CertificateRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM device_certificates WHERE serial = $1"
        )))
        .bind(serial)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Certificates of one office or of all; `query` matches label, office name or serial.
    pub async fn list_certificates(
        &self,
        office: Option<OfficeId>,
        query: &str,
    ) -> Result<Vec<CertificateRow>> {
        let pattern = format!("%{}%", query.replace(['%', '_', '\\'], ""));
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM device_certificates WHERE ($1::uuid IS NULL OR office_id = $1) \
             AND ($2 = '%%' OR label ILIKE $2 OR office_name ILIKE $2 OR serial ILIKE $2) \
             ORDER BY issued_at DESC LIMIT 500"
        )))
        .bind(office.map(|o| o.as_uuid()))
        .bind(pattern)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Revokes unless already revoked; returns whether this call revoked it.
    pub async fn revoke(
        &self,
        serial: &str,
        reason: &str,
        now: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<bool> {
        let mut tx = begin_write(&self.pool).await?;
        let done = sqlx::query(
            "UPDATE device_certificates SET revoked_at = $2, revoked_reason = $3 WHERE serial = $1 AND revoked_at IS NULL",
        )
        .bind(serial)
        .bind(now)
        .bind(reason)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            // Sessions opened with the device end with it.
            sqlx::query("DELETE FROM sessions WHERE cert_serial = $1")
                .bind(serial)
                .execute(&mut *tx)
                .await?;
            enqueue_all(&mut tx, events).await?;
        }
        self.commit(tx).await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn revoked_with_times(&self) -> Result<Vec<(String, DateTime<Utc>)>> {
        Ok(sqlx::query_as(
            "SELECT serial, revoked_at FROM device_certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn revoked_serials(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT serial FROM device_certificates WHERE revoked_at IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn insert_request(&self, r: &RequestRow, events: &[CloudEvent]) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query(
            "INSERT INTO certificate_requests (id, office_id, office_name, requested_by, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(r.id)
        .bind(r.office_id.as_uuid())
        .bind(&r.office_name)
        .bind(r.requested_by.as_uuid())
        .bind(&r.note)
        .bind(r.created_at)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(())
    }

    pub async fn open_requests(&self) -> Result<Vec<RequestRow>> {
        Ok(sqlx::query_as(
            "SELECT id, office_id, office_name, requested_by, note, created_at, done_at FROM certificate_requests \
             WHERE done_at IS NULL ORDER BY created_at",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

pub(super) async fn insert_device(conn: &mut sqlx::PgConnection, d: &NewDevice<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO device_certificates (serial, office_id, office_name, label, fingerprint_sha256, not_before, not_after, issued_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(d.serial)
    .bind(d.office_id.as_uuid())
    .bind(d.office_name)
    .bind(d.label)
    .bind(d.fingerprint)
    .bind(d.not_before)
    .bind(d.not_after)
    .bind(d.issued_at)
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// 利用廃止 of an office: every user deactivated (sessions gone), every certificate revoked,
    /// once per event; `revoked_event` makes the event for each revoked serial.
    pub async fn withdraw_office(
        &self,
        consumer: &str,
        event_id: Uuid,
        office: OfficeId,
        now: DateTime<Utc>,
        revoked_event: impl Fn(&str) -> Option<CloudEvent>,
    ) -> Result<usize> {
        let mut tx = begin_write(&self.pool).await?;
        if !service_runtime::outbox::claim(&mut tx, consumer, event_id).await? {
            return Ok(0);
        }
        sqlx::query(
            "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE office_id = $1)",
        )
        .bind(office.as_uuid())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO user_status_changes (user_id, status, at) \
             SELECT id, 'deactivated', $2::timestamptz FROM users WHERE office_id = $1 AND status <> 'deactivated'",
        )
        .bind(office.as_uuid())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE users SET status = 'deactivated', status_reason = '利用廃止', updated_at = $2 \
             WHERE office_id = $1 AND status <> 'deactivated'",
        )
        .bind(office.as_uuid())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let serials: Vec<String> = sqlx::query_scalar(
            "UPDATE device_certificates SET revoked_at = $2, revoked_reason = '利用廃止' \
             WHERE office_id = $1 AND revoked_at IS NULL RETURNING serial",
        )
        .bind(office.as_uuid())
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        let events: Vec<CloudEvent> = serials.iter().filter_map(|s| revoked_event(s)).collect();
        enqueue_all(&mut tx, &events).await?;
        self.commit(tx).await?;
        Ok(serials.len())
    }

    /// Certificates expiring before `before` that nobody was warned of yet: marked warned, with
    /// the events `events_for` builds for them, in one transaction (two identity instances
    /// never warn twice).
    pub async fn warn_expiring<F>(
        &self,
        now: DateTime<Utc>,
        before: DateTime<Utc>,
        events_for: F,
    ) -> Result<usize>
    where
        F: Fn(&CertificateRow) -> Option<CloudEvent>,
    {
        let mut tx = begin_write(&self.pool).await?;
        let rows: Vec<CertificateRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM device_certificates WHERE revoked_at IS NULL AND expiry_warned_at IS NULL \
             AND not_after > $1 AND not_after <= $2 ORDER BY not_after LIMIT 500 FOR UPDATE SKIP LOCKED"
        )))
        .bind(now)
        .bind(before)
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            sqlx::query("UPDATE device_certificates SET expiry_warned_at = $2 WHERE serial = $1")
                .bind(&row.serial)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        let events: Vec<CloudEvent> = rows.iter().filter_map(&events_for).collect();
        enqueue_all(&mut tx, &events).await?;
        self.commit(tx).await?;
        Ok(rows.len())
    }
}

//! Offices' queries. sqlx errors stop here, as `StoreError`.

mod announcements;
mod applications;
mod offices;
mod stats;

use crate::domain::{ApplicationStatus, OfficeStatus};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{AnnouncementId, ApplicationId, OfficeId};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
#[error("database: {0}")]
pub struct StoreError(#[from] sqlx::Error);

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfficeRow {
    #[sqlx(try_from = "Uuid")]
    pub id: OfficeId,
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
    #[sqlx(try_from = "String")]
    pub status: OfficeStatus,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnnouncementRow {
    #[sqlx(try_from = "Uuid")]
    pub id: AnnouncementId,
    pub title: String,
    pub body: String,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    #[sqlx(try_from = "Uuid")]
    pub id: ApplicationId,
    #[sqlx(try_from = "String")]
    pub status: ApplicationStatus,
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
    pub admin_login_id: Option<String>,
}

const OFFICE: &str = "id, name, kana, kind, code, postal_code, address, phone, fax, latitude, longitude, listed, \
                      admin_email, status, created_at";
const APPLICATION: &str = "id, status, name, kana, kind, code, postal_code, address, phone, fax, latitude, longitude, \
                           listed, admin_name, admin_kana, admin_email, admin_phone, submitted_at, decided_at, reason, office_id, \
                           admin_login_id";

async fn enqueue_all(conn: &mut PgConnection, events: &[CloudEvent]) -> Result<()> {
    for e in events {
        service_runtime::outbox::enqueue(conn, e).await?;
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
    .bind(o.id.as_uuid())
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
    .bind(o.status.as_str())
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
    .bind(a.id.as_uuid())
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
}

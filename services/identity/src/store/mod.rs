//! Identity's queries. sqlx errors stop here, as `StoreError`. Every write that others must learn
//! of takes its events and enqueues them in the same transaction.

mod audit;
mod certificates;
mod enrollment;
mod partners;
mod sessions;
mod stats;
mod users;

pub use audit::{AuditFilter, AuditLine, AuditRow};
pub use certificates::{CertificateRow, NewDevice, RequestRow};
pub use enrollment::{NewCode, SealedMail};
pub use users::{NewUser, UserPatch, UserRow};

use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use service_runtime::idempotency::begin_write;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("unique constraint {0}")]
    Conflict(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Unique violations become `Conflict` so use cases can say "taken" instead of "unavailable".
fn conflict(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(db.constraint().unwrap_or_default().to_owned())
        }
        _ => StoreError::Database(e),
    }
}

async fn enqueue_all(conn: &mut PgConnection, events: &[CloudEvent]) -> Result<()> {
    for event in events {
        service_runtime::outbox::enqueue(conn, event).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaRow {
    pub cert_pem: String,
    pub key_nonce: Vec<u8>,
    pub key_sealed: Vec<u8>,
}

#[derive(Clone)]
pub struct Store {
    pool: PgPool,
    /// Wakes the outbox relay, so that what a write enqueued (a revocation above all) leaves
    /// at once rather than at the relay's next poll.
    relay: Arc<Notify>,
    /// The audit chain's last link as this process last wrote or read it (`audit::Head`).
    audit_head: audit::Head,
}

impl Store {
    #[must_use]
    pub fn new(pool: PgPool, relay: Arc<Notify>) -> Self {
        Self {
            pool,
            relay,
            audit_head: audit::Head::default(),
        }
    }

    /// Commits a write that enqueued events and wakes the relay for them.
    async fn commit(&self, tx: Transaction<'_, Postgres>) -> Result<()> {
        tx.commit().await?;
        self.relay.notify_one();
        Ok(())
    }

    /// Events alone (audit of a refused attempt, for instance).
    pub async fn publish(&self, events: &[CloudEvent]) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        enqueue_all(&mut tx, events).await?;
        self.commit(tx).await?;
        Ok(())
    }

    pub async fn load_ca(&self) -> Result<Option<CaRow>> {
        Ok(
            sqlx::query_as("SELECT cert_pem, key_nonce, key_sealed FROM device_ca WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The CA key and the enrollment secrets waiting to be mailed, sealed anew (key-encryption
    /// key rotation), in one transaction: either everything opens with the new key or nothing
    /// changed. The certificate does not change.
    pub async fn reseal(
        &self,
        ca_nonce: &[u8],
        ca_sealed: &[u8],
        secrets: &[(uuid::Uuid, Vec<u8>, Vec<u8>)],
    ) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query("UPDATE device_ca SET key_nonce = $1, key_sealed = $2 WHERE id = 1")
            .bind(ca_nonce)
            .bind(ca_sealed)
            .execute(&mut *tx)
            .await?;
        for (id, nonce, sealed) in secrets {
            sqlx::query(
                "UPDATE enrollment_codes SET mail_nonce = $2, mail_sealed = $3 WHERE id = $1 \
                 AND mail_sealed IS NOT NULL",
            )
            .bind(id)
            .bind(nonce)
            .bind(sealed)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
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
}

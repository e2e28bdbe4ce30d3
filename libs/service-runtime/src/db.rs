//! Database connection with patience: in a cluster the service may start before its database.

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;

/// One attempt: a pool whose first connection is open. A serving process retries this for as
/// long as it takes (`runtime::Runtime::start`); a one-off command uses `connect`.
pub async fn connect_once(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url)
        .await
}

/// A pool for a one-off command, trying for about 15 seconds.
pub async fn connect(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    let mut attempt = 0u32;
    loop {
        match connect_once(url, max_connections).await {
            Ok(pool) => return Ok(pool),
            Err(e) if attempt < 30 => {
                attempt += 1;
                tracing::warn!(error = %e, attempt, "database not reachable yet");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Applies the tables every service shares (events, idempotency keys; idempotent) and then the service's own
/// migrations.
pub async fn migrate(pool: &PgPool, service: &sqlx::migrate::Migrator) -> Result<(), MigrateError> {
    sqlx::raw_sql(crate::outbox::OUTBOX_DDL)
        .execute(pool)
        .await?;
    sqlx::raw_sql(crate::idempotency::IDEMPOTENCY_DDL)
        .execute(pool)
        .await?;
    service.run(pool).await?;
    Ok(())
}

/// `/readyz`'s question to the database: does it answer a query now?
#[must_use]
pub fn probe(pool: PgPool) -> common::admin::Probe {
    std::sync::Arc::new(move || {
        let pool = pool.clone();
        Box::pin(async move {
            sqlx::query("SELECT 1")
                .execute(&pool)
                .await
                .map(|_| ())
                .map_err(|_| "database unreachable")
        })
    })
}

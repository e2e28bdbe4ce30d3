//! Database connection with patience: in a cluster the service may start before its database.

use sqlx::PgPool;
use sqlx::migrate::{Migration, Migrator};
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
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The tables every service shares (the outbox and handled events, idempotency keys), as
/// migrations of every service's database. Their versions are below any service's own, so a
/// new database has them first; the files are append-only like any migration.
fn shared_migrations() -> Vec<Migration> {
    use sqlx::SqlSafeStr;
    use sqlx::migrate::MigrationType;
    [
        (-2, "shared outbox", crate::outbox::OUTBOX_DDL),
        (
            -1,
            "shared idempotency",
            crate::idempotency::IDEMPOTENCY_DDL,
        ),
    ]
    .into_iter()
    .map(|(version, description, sql)| {
        Migration::new(
            version,
            description.into(),
            MigrationType::Simple,
            sql.into_sql_str(),
            false,
        )
    })
    .collect()
}

/// Applies the shared tables and then the service's own migrations, all under the migration
/// lock and each once: replicas starting together do not race on the same `CREATE TABLE`.
pub async fn migrate(pool: &PgPool, service: &Migrator) -> Result<(), MigrateError> {
    let mut all = shared_migrations();
    all.extend(service.iter().cloned());
    Migrator::with_migrations(all).run(pool).await?;
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

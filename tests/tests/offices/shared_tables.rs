//! The tables every service shares are migrations of its database: applied under the migration
//! lock with the service's own, once, however many replicas start together.

use sqlx::PgPool;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use system_tests::free_port;
use system_tests::postgres::Postgres;

fn a_service() -> Migrator {
    use sqlx::SqlSafeStr;
    Migrator::with_migrations(vec![Migration::new(
        1,
        "work".into(),
        MigrationType::Simple,
        "CREATE TABLE work (n int NOT NULL)".into_sql_str(),
        false,
    )])
}

#[tokio::test(flavor = "multi_thread")]
async fn replicas_starting_together_apply_the_shared_tables_once_under_the_lock() {
    let dir = tempfile::Builder::new()
        .prefix("rk-shared-")
        .tempdir()
        .unwrap();
    let pg = Postgres::start(
        &dir.path().join("pg"),
        dir.path(),
        free_port().unwrap(),
        false,
    )
    .await
    .unwrap();
    pg.create_databases(&["fresh"]).await.unwrap();
    let pool = PgPool::connect(&pg.url("fresh")).await.unwrap();
    let service = a_service();
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let (pool, service) = (pool.clone(), a_service());
            tokio::spawn(async move { service_runtime::db::migrate(&pool, &service).await })
        })
        .collect();
    for s in starts {
        s.await.unwrap().unwrap();
    }
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        versions,
        [-2, -1, 1],
        "the shared tables are recorded migrations"
    );
    for table in [
        "outbox",
        "processed_events",
        "idempotency_keys",
        "idempotency_done",
        "work",
    ] {
        let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
            .bind(table)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(exists, "{table}");
    }
    // A database made before the shared tables were migrations: it has them already, and the
    // service's own migrations applied; a start records them without failing.
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version < 0")
        .execute(&pool)
        .await
        .unwrap();
    service_runtime::db::migrate(&pool, &service).await.unwrap();
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 3);
}

//! identity and offices commit a keyed call's work in the use case's own transaction and its
//! claim right after: the work's transaction leaves a mark, so a call that died between the two
//! commits is not run again by its retry, and a call that failed runs again as the first.

use service_runtime::idempotency::{IdempotencyError, Keep, Once, begin_write};
use sqlx::PgPool;
use system_tests::free_port;
use system_tests::postgres::Postgres;

async fn database(dir: &std::path::Path) -> (Postgres, PgPool) {
    let pg = Postgres::start(&dir.join("pg"), dir, free_port().unwrap(), false)
        .await
        .unwrap();
    pg.create_databases(&["claims"]).await.unwrap();
    let pool = PgPool::connect(&pg.url("claims")).await.unwrap();
    sqlx::raw_sql(service_runtime::idempotency::IDEMPOTENCY_DDL)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::raw_sql("CREATE TABLE work (n int NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    (pg, pool)
}

/// A use case's write, in its own transaction as identity's and offices' stores make them.
async fn write(pool: &PgPool) -> Result<(), IdempotencyError> {
    let mut tx = begin_write(pool).await?;
    sqlx::query("INSERT INTO work (n) VALUES (1)")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn writes(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM work")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_that_died_between_its_work_and_its_claim_is_not_run_again() {
    let dir = tempfile::Builder::new()
        .prefix("rk-claim-")
        .tempdir()
        .unwrap();
    let (_pg, pool) = database(dir.path()).await;
    let once = Once::new(pool.clone());
    let claim = common::idempotency::Claim::new("died-1", "PUT /office").unwrap();

    // The first call commits its work, then its process dies before the claim commits.
    let (committed, work_done) = tokio::sync::oneshot::channel();
    let first = tokio::spawn({
        let (once, pool, claim) = (once.clone(), pool.clone(), claim.clone());
        async move {
            let work = async {
                write(&pool).await?;
                let _ = committed.send(());
                std::future::pending::<Result<(), IdempotencyError>>().await
            };
            once.run(Some(&claim), "t.write", None, Keep::Answer, work)
                .await
        }
    });
    work_done.await.unwrap();
    first.abort();
    assert!(first.await.unwrap_err().is_cancelled());

    let again = once
        .run(Some(&claim), "t.write", None, Keep::Answer, write(&pool))
        .await;
    assert!(
        matches!(again, Err(IdempotencyError::AnswerNotKept)),
        "the retry is told the call was made: {again:?}"
    );
    assert_eq!(writes(&pool).await, 1, "the work ran once");

    // A call that failed after a part of it committed runs again as the first.
    let claim = common::idempotency::Claim::new("failed-1", "PUT /office").unwrap();
    let failed = once
        .run(Some(&claim), "t.write", None, Keep::Answer, async {
            write(&pool).await?;
            Err::<(), _>(IdempotencyError::InProgress)
        })
        .await;
    assert!(failed.is_err());
    let retried = once
        .run(Some(&claim), "t.write", None, Keep::Answer, write(&pool))
        .await;
    assert!(retried.is_ok(), "{retried:?}");
    let repeat = once
        .run(Some(&claim), "t.write", None, Keep::Answer, write(&pool))
        .await;
    assert!(repeat.is_ok(), "the first answer again: {repeat:?}");
    assert_eq!(
        writes(&pool).await,
        3,
        "the failed call, its retry, no repeat"
    );
}

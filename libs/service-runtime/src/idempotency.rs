//! The service's side of idempotency keys: the claim row, taken in the transaction of the write.
//!
//! `begin` inserts the row before any work. A concurrent repeat's insert then waits on the
//! uncommitted row (PostgreSQL holds it until the first transaction ends): if the first commits,
//! the repeat finds its answer; if it rolls back, the repeat runs as the first. So nothing runs
//! twice, across replicas and restarts, and a repeat that waits too long is told the first is
//! still being processed.

mod once;

pub use once::{Keep, Once, begin_write};

use common::idempotency::Claim;
use sqlx::{PgPool, Postgres, Transaction};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// How long a key is honoured; a client retries within minutes, not days.
pub const RETENTION: Duration = Duration::from_hours(24);
const PRUNE_EVERY: Duration = Duration::from_mins(10);

pub type Tx = Transaction<'static, Postgres>;

pub enum Begun {
    /// The first request with this key: do the write in this transaction, then `finish` it.
    Fresh(Tx),
    /// A repeat: what `finish` kept of the first request's answer.
    Answered(Vec<u8>),
}

#[derive(Debug, thiserror::Error)]
pub enum IdempotencyError {
    /// The first request with this key is still running.
    #[error("a request with this key is in progress")]
    InProgress,
    /// The key was used by someone else or for another operation.
    #[error("idempotency key reused for another actor or operation")]
    Reused,
    /// The first request's answer held a secret and was not kept.
    #[error("already answered; the answer was not kept")]
    AnswerNotKept,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// `lock_not_available`: the repeat waited `lock_timeout` for the first request.
fn waited(e: sqlx::Error) -> IdempotencyError {
    match &e {
        sqlx::Error::Database(d) if d.code().as_deref() == Some("55P03") => {
            IdempotencyError::InProgress
        }
        _ => IdempotencyError::Database(e),
    }
}

/// Claims `claim` for `method` by `actor` (`None` for public calls), or finds the first answer.
pub async fn begin(
    pool: &PgPool,
    claim: &Claim,
    method: &str,
    actor: Option<Uuid>,
) -> Result<Begun, IdempotencyError> {
    let mut tx = pool.begin().await?;
    // Only the wait on a first request's claim is bounded, not the work that follows.
    sqlx::query("SET LOCAL lock_timeout = '15s'")
        .execute(&mut *tx)
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (key, method, actor, operation) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(&claim.key)
    .bind(method)
    .bind(actor)
    .bind(&claim.operation)
    .execute(&mut *tx)
    .await
    .map_err(waited)?
    .rows_affected()
        == 1;
    if inserted {
        if work_committed(&mut tx, claim, method).await? {
            // The first call's work committed and it died before its claim did.
            tx.rollback().await?;
            return Err(IdempotencyError::AnswerNotKept);
        }
        // One request may make several calls under its key; another request may not.
        let elsewhere: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM idempotency_keys WHERE key = $1 AND method <> $2 \
             AND (actor IS DISTINCT FROM $3 OR operation <> $4))",
        )
        .bind(&claim.key)
        .bind(method)
        .bind(actor)
        .bind(&claim.operation)
        .fetch_one(&mut *tx)
        .await?;
        if elsewhere {
            return Err(IdempotencyError::Reused);
        }
        sqlx::query("SET LOCAL lock_timeout = DEFAULT")
            .execute(&mut *tx)
            .await?;
        return Ok(Begun::Fresh(tx));
    }
    let first: Option<(Option<Uuid>, String, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT actor, operation, answer FROM idempotency_keys WHERE key = $1 AND method = $2",
    )
    .bind(&claim.key)
    .bind(method)
    .fetch_optional(&mut *tx)
    .await?;
    tx.rollback().await?;
    match first {
        Some((a, op, answer)) if a == actor && op == claim.operation => answer
            .map(Begun::Answered)
            .ok_or(IdempotencyError::AnswerNotKept),
        Some(_) => Err(IdempotencyError::Reused),
        // Pruned in between: rare, and the client may simply retry.
        None => Err(IdempotencyError::InProgress),
    }
}

async fn work_committed(tx: &mut Tx, claim: &Claim, method: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM idempotency_done WHERE key = $1 AND method = $2)",
    )
    .bind(&claim.key)
    .bind(method)
    .fetch_one(&mut **tx)
    .await
}

/// Keeps `answer` (`None` when it holds a secret that must not rest here) and commits the claim
/// with whatever the caller wrote in `tx`.
pub async fn finish(
    mut tx: Tx,
    claim: &Claim,
    method: &str,
    answer: Option<&[u8]>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE idempotency_keys SET answer = $3 WHERE key = $1 AND method = $2")
        .bind(&claim.key)
        .bind(method)
        .bind(answer)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Forgets keys older than `RETENTION`, every few minutes until shutdown.
pub async fn prune_forever(pool: PgPool, shutdown: CancellationToken) {
    loop {
        let done = sqlx::query(
            "WITH marks AS (DELETE FROM idempotency_done \
                            WHERE created_at < now() - make_interval(secs => $1)) \
             DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)",
        )
        .bind(RETENTION.as_secs_f64())
        .execute(&pool)
        .await;
        match done {
            Ok(r) if r.rows_affected() > 0 => {
                tracing::info!(pruned = r.rows_affected(), "idempotency keys pruned");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "idempotency keys not pruned; will retry"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(PRUNE_EVERY) => {}
        }
    }
}

/// The table every service has; applied by `db::migrate` with the event tables.
pub const IDEMPOTENCY_DDL: &str = include_str!("../sql/idempotency.sql");

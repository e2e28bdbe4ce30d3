//! Idempotency for a service whose use cases open their own transactions (identity, offices):
//! the key's claim is taken before the call and committed with its answer right after the use
//! case's own commit. A repeat waits for the first and gets its answer; a repeat after a failure
//! runs as the first. The use case's stores open their transactions with `begin_write`, which
//! marks the key as done inside the work's own commit: a crash between the two commits leaves
//! the mark without the claim, and the retry is told the call was made instead of running it
//! again. careboard, which needs no such window, writes in the claim's own transaction.

use super::{Begun, IdempotencyError, Tx, begin, finish};
use common::idempotency::Claim;
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::Semaphore;
use uuid::Uuid;

tokio::task_local! {
    /// The key (and method) the running use case was claimed under. A task-local rather than a
    /// parameter: the claim belongs to the call, and every store of the use case would
    /// otherwise pass it along.
    static CLAIMED: (String, String);
}

/// A transaction for a use case's write: under a claimed key, it carries the key's done mark.
pub async fn begin_write(pool: &PgPool) -> Result<Tx, sqlx::Error> {
    let mut tx = pool.begin().await?;
    if let Ok((key, method)) = CLAIMED.try_with(Clone::clone) {
        sqlx::query(
            "INSERT INTO idempotency_done (key, method) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(key)
        .bind(method)
        .execute(&mut *tx)
        .await?;
    }
    Ok(tx)
}

/// Whether a repeat gets the first answer again, or only a refusal that says it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    Answer,
    /// The answer holds a secret (an initial password, a key's password): not stored here.
    Nothing,
}

/// Runs keyed calls once each.
#[derive(Clone)]
pub struct Once {
    pool: PgPool,
    /// A keyed call holds one connection for its claim while its use case takes others: at most
    /// half the pool is held so, lest claims starve the work they wait on.
    gate: Arc<Semaphore>,
}

impl Once {
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        let held = (pool.options().get_max_connections() / 2).max(1);
        Self {
            pool,
            gate: Arc::new(Semaphore::new(held as usize)),
        }
    }

    /// `work`'s answer, or the first answer to `claim` for `method` by `actor`. Without a key,
    /// `work` simply runs.
    pub async fn run<R, E, Fut>(
        &self,
        claim: Option<&Claim>,
        method: &str,
        actor: Option<Uuid>,
        keep: Keep,
        work: Fut,
    ) -> Result<R, E>
    where
        R: prost::Message + Default,
        E: From<IdempotencyError>,
        Fut: std::future::Future<Output = Result<R, E>>,
    {
        let Some(claim) = claim else {
            return work.await;
        };
        let _held = self
            .gate
            .acquire()
            .await
            .map_err(|_| E::from(IdempotencyError::InProgress))?;
        match begin(&self.pool, claim, method, actor).await? {
            Begun::Answered(bytes) => R::decode(bytes.as_slice())
                .map_err(|e| E::from(IdempotencyError::Database(sqlx::Error::Decode(Box::new(e))))),
            Begun::Fresh(tx) => {
                let scope = (claim.key.clone(), method.to_owned());
                let answer = match CLAIMED.scope(scope, work).await {
                    Ok(answer) => answer,
                    Err(e) => {
                        // A failure rolls the claim back with the work: the retry runs as the
                        // first, so a mark left by a part that did commit must not stop it.
                        self.unmark(claim, method).await;
                        return Err(e);
                    }
                };
                let kept = (keep == Keep::Answer).then(|| answer.encode_to_vec());
                finish(tx, claim, method, kept.as_deref())
                    .await
                    .map_err(|e| E::from(IdempotencyError::Database(e)))?;
                Ok(answer)
            }
        }
    }

    async fn unmark(&self, claim: &Claim, method: &str) {
        let removed = sqlx::query("DELETE FROM idempotency_done WHERE key = $1 AND method = $2")
            .bind(&claim.key)
            .bind(method)
            .execute(&self.pool)
            .await;
        if let Err(e) = removed {
            tracing::warn!(error = %e, method, "an idempotency mark was not removed");
        }
    }
}

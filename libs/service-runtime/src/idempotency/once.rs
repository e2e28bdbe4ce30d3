//! Idempotency for a service whose use cases open their own transactions (identity, offices):
//! the key's claim is taken before the call and committed with its answer right after the use
//! case's own commit. A repeat waits for the first and gets its answer; a repeat after a failure
//! runs as the first. Only a crash between the two commits (one statement apart) lets a retry
//! run again; careboard, which needs no such window, writes in the claim's own transaction.

use super::{Begun, IdempotencyError, begin, finish};
use common::idempotency::Claim;
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::Semaphore;
use uuid::Uuid;

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
                // A failure rolls the claim back with the work: the retry runs as the first.
                let answer = work.await?;
                let kept = (keep == Keep::Answer).then(|| answer.encode_to_vec());
                finish(tx, claim, method, kept.as_deref())
                    .await
                    .map_err(|e| E::from(IdempotencyError::Database(e)))?;
                Ok(answer)
            }
        }
    }
}

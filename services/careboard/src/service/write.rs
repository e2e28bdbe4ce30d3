//! How every write runs: in one transaction that holds the idempotency key's claim (when the
//! caller sent a key), the locked rows the write depends on, the change and its events.

use super::Careboard;
use crate::domain::{Actor, DomainError};
use crate::error::{Error, Result};
use crate::store::{Access, Lock, Store, Tx};
use common::idempotency::Claim;
use common::ids::RecipientId;
use service_runtime::idempotency::{self as claims, Begun};
use uuid::Uuid;

/// An idempotency key sent with a call, and the call it came with.
#[derive(Debug, Clone)]
pub struct Once {
    pub claim: Claim,
    pub method: &'static str,
}

/// A write under way.
pub struct Write {
    pub tx: Tx,
    once: Option<Once>,
}

/// How a write began.
pub enum Started {
    Fresh(Write),
    /// A repeat of a write already made: what it answered (the id of what it made or changed,
    /// kept as bytes by the claim; each use case knows which kind of id it answered).
    Repeat(Uuid),
}

impl Careboard {
    /// Opens the write's transaction, with the key's claim in it; a repeat waits for the first
    /// request with its key to end and gets its answer instead.
    pub(super) async fn begin(&self, once: Option<&Once>, actor: &Actor) -> Result<Started> {
        let Some(once) = once else {
            return Ok(Started::Fresh(Write {
                tx: self.store.begin().await?,
                once: None,
            }));
        };
        match claims::begin(
            self.store.pool(),
            &once.claim,
            once.method,
            Some(actor.user_id.as_uuid()),
        )
        .await?
        {
            Begun::Fresh(tx) => Ok(Started::Fresh(Write {
                tx,
                once: Some(once.clone()),
            })),
            Begun::Answered(bytes) => Uuid::from_slice(&bytes)
                .map(Started::Repeat)
                .map_err(|e| Error::Internal(format!("idempotency answer: {e}"))),
        }
    }

    /// Commits the write with `answer` kept for repeats of its key.
    pub(super) async fn commit(&self, w: Write, answer: impl Into<Uuid>) -> Result<()> {
        let answer: Uuid = answer.into();
        match w.once {
            None => {
                w.tx.commit()
                    .await
                    .map_err(crate::store::StoreError::from)?;
            }
            Some(once) => {
                claims::finish(w.tx, &once.claim, once.method, Some(answer.as_bytes()))
                    .await
                    .map_err(crate::store::StoreError::from)?;
            }
        }
        self.wake_relay();
        Ok(())
    }

    /// `access` inside the write's transaction, the recipient's row locked as `lock` says. A
    /// refusal is recorded on its own, since the write's transaction will not commit.
    pub(super) async fn access_in(
        &self,
        w: &mut Write,
        actor: &Actor,
        recipient: RecipientId,
        action: &str,
        lock: Lock,
        rule: impl Fn(&Actor, Access) -> std::result::Result<(), DomainError>,
    ) -> Result<Access> {
        let access = Store::access_locked(&mut w.tx, recipient, actor.user_id, lock).await?;
        self.judge(actor, recipient, action, access, rule).await
    }
}

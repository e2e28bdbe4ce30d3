//! Idempotency keys on identity's writes (`service_runtime::idempotency::Once`): a retried
//! call with the key of the first gets the first answer, or, when that answer held a secret (an
//! initial password, a certificate, an enrollment code), a refusal saying it was given.

use super::{IdentityGrpc, Reply};
use crate::error::Error;
use common::idempotency::Claim;
use service_runtime::idempotency::{IdempotencyError, Keep};
use tonic::{Request, Response, Status};
use uuid::Uuid;

/// A call's refusal, carried through the key's claim.
pub(super) struct Refused(Status);

impl From<IdempotencyError> for Refused {
    fn from(e: IdempotencyError) -> Self {
        Self(Error::Idempotency(e).into())
    }
}

/// Who the call is made for, as the claim records it; the call itself decodes the actor (and
/// refuses a missing one).
pub(super) fn who(actor: Option<&proto::common::Actor>) -> Option<Uuid> {
    actor.and_then(|a| a.user_id.parse().ok())
}

impl IdentityGrpc {
    /// `call` once per idempotency key the request carries (`method` names it in the claim).
    pub(super) async fn once<T, R, Fut>(
        &self,
        request: Request<T>,
        who: Option<Uuid>,
        method: &str,
        keep: Keep,
        call: impl FnOnce(Request<T>) -> Fut,
    ) -> Reply<R>
    where
        R: prost::Message + Default,
        Fut: Future<Output = Reply<R>>,
    {
        let claim = Claim::from_metadata(request.metadata())
            .map_err(|_| crate::error::invalid("idempotency_key"))?;
        // Boxed: the use cases' futures are large, and this one would hold them inline.
        let work = Box::pin(async {
            call(request)
                .await
                .map(Response::into_inner)
                .map_err(Refused)
        });
        self.once
            .run(claim.as_ref(), method, who, keep, work)
            .await
            .map(Response::new)
            .map_err(|r| r.0)
    }
}

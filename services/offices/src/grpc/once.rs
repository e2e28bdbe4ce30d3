//! Idempotency keys on offices' writes (`service_runtime::idempotency::Once`).

use super::{OfficesGrpc, Reply};
use crate::error::invalid;
use common::idempotency::Claim;
use service_runtime::idempotency::Keep;
use tonic::{Request, Response, Status};

impl OfficesGrpc {
    /// A write a retry may repeat: with the caller's idempotency key, a repeat gets the first
    /// answer (`Keep::Answer`) and changes nothing.
    pub(super) async fn once<R: prost::Message + Default>(
        &self,
        claim: Option<&Claim>,
        method: &str,
        actor: Option<common::ids::UserId>,
        keep: Keep,
        work: impl Future<Output = crate::error::Result<R>>,
    ) -> Reply<R> {
        let answer = self
            .once
            .run(claim, method, actor.map(uuid::Uuid::from), keep, work)
            .await?;
        Ok(Response::new(answer))
    }
}

/// The idempotency key a call carries.
pub(super) fn key<T>(request: &Request<T>) -> Result<Option<Claim>, Status> {
    Claim::from_metadata(request.metadata()).map_err(|_| invalid("idempotency_key"))
}

//! What a caller sent, checked before a use case sees it: the actor and ids.

use crate::domain::{Actor, Role};
use crate::error::{Error, invalid};
use crate::service::Once;
use common::idempotency::Claim;
use tonic::Status;
use uuid::Uuid;

pub(super) fn actor(a: Option<&proto::common::Actor>) -> Result<Actor, Status> {
    let bad = || Status::from(Error::NoActor);
    let a = a.ok_or_else(bad)?;
    let role = match a.role() {
        proto::common::Role::Staff => Role::Staff,
        proto::common::Role::OfficeAdmin => Role::OfficeAdmin,
        proto::common::Role::Operator => Role::Operator,
        proto::common::Role::Unspecified => return Err(bad()),
    };
    Ok(Actor {
        user_id: a.user_id.parse().map_err(|_| bad())?,
        office_id: a.office_id.parse().map_err(|_| bad())?,
        role,
        cert_serial: a.cert_serial.clone(),
    })
}

pub(super) fn id(raw: &str, field: &'static str) -> Result<Uuid, Status> {
    raw.parse().map_err(|_| invalid(field))
}

/// A list of ids, refused whole when one is not an id.
pub(super) fn ids(raw: &[String], field: &'static str) -> Result<Vec<Uuid>, Status> {
    raw.iter().map(|r| id(r, field)).collect()
}

/// The idempotency key the call carries, for `method`.
pub(super) fn once<T>(
    request: &tonic::Request<T>,
    method: &'static str,
) -> Result<Option<Once>, Status> {
    Claim::from_metadata(request.metadata())
        .map(|c| c.map(|claim| Once { claim, method }))
        .map_err(|_| invalid("idempotency_key"))
}

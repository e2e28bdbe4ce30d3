//! What a caller sent, checked before a use case sees it: the actor and ids.

use crate::domain::{Actor, Role};
use tonic::Status;
use uuid::Uuid;

pub(super) fn actor(a: Option<&proto::common::Actor>) -> Result<Actor, Status> {
    let a = a.ok_or_else(|| Status::unauthenticated("no_actor"))?;
    let bad = || Status::unauthenticated("no_actor");
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
    raw.parse()
        .map_err(|_| Status::invalid_argument(format!("invalid:{field}")))
}

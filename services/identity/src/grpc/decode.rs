//! What a caller sent, checked before a use case sees it: actors, ids, bounded text, and which
//! service is asking.

use crate::domain::Role;
use crate::domain::access::Actor;
use crate::error::{Error, invalid};
use crate::service::accounts::UserInput;
use proto::common::Role as ProtoRole;
use proto::identity as pb;
use tonic::Status;
use uuid::Uuid;

pub(super) fn serial(cert: Option<&pb::ClientCertificate>) -> Result<&str, Status> {
    cert.map(|c| c.serial.as_str())
        .filter(|s| !s.is_empty() && s.len() <= 64)
        .ok_or_else(|| invalid("certificate"))
}

pub(super) fn actor(a: Option<&proto::common::Actor>) -> Result<Actor, Status> {
    let bad = || Status::from(Error::NoActor);
    let a = a.ok_or_else(bad)?;
    let role = match a.role() {
        ProtoRole::Staff => Role::Staff,
        ProtoRole::OfficeAdmin => Role::OfficeAdmin,
        ProtoRole::Operator => Role::Operator,
        ProtoRole::Unspecified => return Err(bad()),
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

pub(super) fn optional_id(raw: &str, field: &'static str) -> Result<Option<Uuid>, Status> {
    if raw.is_empty() {
        Ok(None)
    } else {
        id(raw, field).map(Some)
    }
}

/// Field lengths checked before anything else, so no input is large enough to cost much.
pub(super) fn bounded(fields: &[(&str, usize, &'static str)]) -> Result<(), Status> {
    match fields.iter().find(|(v, max, _)| v.len() > *max) {
        Some((_, _, name)) => Err(invalid(name)),
        None => Ok(()),
    }
}

/// What an admin typed about a person, bounded before anything else reads it.
pub(super) fn user_input<'a>(
    name: &'a str,
    kana: &'a str,
    profession: &'a str,
    email: &'a str,
    office_admin: bool,
) -> Result<UserInput<'a>, Status> {
    bounded(&[
        (name, 400, "name"),
        (kana, 400, "kana"),
        (profession, 100, "profession"),
        (email, 254, "email"),
    ])?;
    Ok(UserInput {
        name,
        kana,
        profession,
        email,
        office_admin,
    })
}

pub(super) use common::grpc::peer::peer_common_name;

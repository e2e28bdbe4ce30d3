//! What a caller sent, checked before a use case sees it: actors, ids, bounded text, and which
//! service is asking.

use crate::domain::Role;
use crate::domain::access::Actor;
use crate::error::{Error, invalid};
use crate::service::accounts::UserInput;
use common::ids::CertSerial;
use proto::common::Role as ProtoRole;
use proto::identity as pb;
use tonic::Status;
use uuid::Uuid;

/// The device certificate's serial the gateway read from the TLS session: bounded hexadecimal.
pub(super) fn serial(cert: Option<&pb::ClientCertificate>) -> Result<CertSerial, Status> {
    cert.and_then(|c| c.serial.parse().ok())
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_device_serial_is_bounded_hexadecimal_or_a_wrong_certificate_field() {
        let cert = |serial: &str| super::pb::ClientCertificate {
            serial: serial.into(),
            ..Default::default()
        };
        let good = super::serial(Some(&cert("3f9a1c0e5b7d42a8b6c1e0f29d4a7b35"))).unwrap();
        assert_eq!(good.as_str(), "3f9a1c0e5b7d42a8b6c1e0f29d4a7b35");
        let too_long = "a".repeat(65);
        for bad in ["", "not hex", "3f9a\0", too_long.as_str()] {
            let status = super::serial(Some(&cert(bad))).unwrap_err();
            assert_eq!(status.code(), tonic::Code::InvalidArgument, "{bad:?}");
        }
        assert_eq!(
            super::serial(None).unwrap_err().code(),
            tonic::Code::InvalidArgument
        );
    }
}

//! What a caller sent, checked before a use case sees it: actors, ids, bounded text, and which
//! service is asking.

use crate::domain::Role;
use crate::domain::access::Actor;
use crate::domain::audit::AuditOutcome;
use crate::error::{Error, invalid};
use crate::service::accounts::UserInput;
use common::ids::CertSerial;
use proto::common::Role as ProtoRole;
use proto::identity as pb;
use std::str::FromStr;
use tonic::Status;

/// The device certificate's serial the gateway read from the TLS session: bounded hexadecimal.
pub(super) fn serial(cert: Option<&pb::ClientCertificate>) -> Result<CertSerial, Status> {
    cert.and_then(|c| c.serial.parse().ok())
        .ok_or_else(|| invalid("certificate"))
}

pub fn actor(a: Option<&proto::common::Actor>) -> Result<Actor, Status> {
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
        // A service acting for itself sends no certificate; a wrong one is a wrong actor.
        cert_serial: match a.cert_serial.as_str() {
            "" => None,
            s => Some(s.parse().map_err(|_| bad())?),
        },
    })
}

/// One id of the kind the use case takes (`UserId`, `OfficeId`, a code's `Uuid`); a wrong one
/// names `field`.
pub(super) fn id<T: FromStr>(raw: &str, field: &'static str) -> Result<T, Status> {
    raw.parse().map_err(|_| invalid(field))
}

pub(super) fn optional_id<T: FromStr>(raw: &str, field: &'static str) -> Result<Option<T>, Status> {
    if raw.is_empty() {
        Ok(None)
    } else {
        id(raw, field).map(Some)
    }
}

/// The audit viewer's outcome filter: UNSPECIFIED is every outcome; a number the contract does
/// not define is a wrong field.
pub(super) fn outcome_filter(number: i32) -> Result<Option<AuditOutcome>, Status> {
    let outcome = pb::AuditOutcome::try_from(number).map_err(|_| invalid("outcome"))?;
    Ok(match outcome {
        pb::AuditOutcome::Unspecified => None,
        pb::AuditOutcome::Success => Some(AuditOutcome::Success),
        pb::AuditOutcome::Denied => Some(AuditOutcome::Denied),
        pb::AuditOutcome::Failure => Some(AuditOutcome::Failure),
    })
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
    use crate::domain::audit::AuditOutcome;
    use crate::domain::certificate::{CertificateStatus, RequestStatus};
    use proto::errors::Refusal;
    use std::collections::HashSet;

    #[test]
    fn every_outcome_round_trips_through_the_contract_and_its_stored_text() {
        for outcome in AuditOutcome::ALL {
            let number = i32::from(super::pb::AuditOutcome::from(outcome));
            assert_eq!(super::outcome_filter(number).unwrap(), Some(outcome));
            assert_eq!(outcome.as_str().parse::<AuditOutcome>(), Ok(outcome));
        }
        assert_eq!(super::outcome_filter(0).unwrap(), None, "every outcome");
    }

    #[test]
    fn an_unknown_outcome_number_is_a_wrong_field() {
        for number in [4, -1, i32::MAX] {
            let status = super::outcome_filter(number).unwrap_err();
            assert_eq!(status.code(), tonic::Code::InvalidArgument);
            let refusal = Refusal::from_status(&status).unwrap();
            assert_eq!(refusal.fields, ["outcome"]);
        }
    }

    #[test]
    fn each_certificate_and_request_status_has_its_own_value_in_the_contract() {
        use super::pb::{CertificateRequestStatus as PbRequest, CertificateStatus as PbStatus};
        let sent: HashSet<PbStatus> = CertificateStatus::ALL.map(PbStatus::from).into();
        assert_eq!(sent.len(), CertificateStatus::ALL.len());
        assert!(!sent.contains(&PbStatus::Unspecified));
        let sent: HashSet<PbRequest> = RequestStatus::ALL.map(PbRequest::from).into();
        assert_eq!(sent.len(), RequestStatus::ALL.len());
        assert!(!sent.contains(&PbRequest::Unspecified));
    }

    fn proto_actor(user: &str, office: &str, serial: &str) -> proto::common::Actor {
        proto::common::Actor {
            user_id: user.into(),
            office_id: office.into(),
            role: proto::common::Role::OfficeAdmin.into(),
            cert_serial: serial.into(),
        }
    }

    const USER: &str = "0190abcd-0001-7000-8000-123456789abc";
    const OFFICE: &str = "0190abcd-0002-7000-8000-123456789abc";

    #[test]
    fn an_actor_is_decoded_into_its_typed_ids_once() {
        let a = super::actor(Some(&proto_actor(USER, OFFICE, "3f9a"))).unwrap();
        assert_eq!(a.user_id.to_string(), USER);
        assert_eq!(a.office_id.to_string(), OFFICE);
        assert_eq!(
            a.cert_serial.as_ref().map(common::ids::CertSerial::as_str),
            Some("3f9a")
        );
        let by_service = super::actor(Some(&proto_actor(USER, OFFICE, ""))).unwrap();
        assert_eq!(by_service.cert_serial, None);
        for wrong in [
            proto_actor(OFFICE, "not an office", "3f9a"),
            proto_actor("", OFFICE, "3f9a"),
            proto_actor(USER, OFFICE, "not hex"),
        ] {
            let status = super::actor(Some(&wrong)).unwrap_err();
            assert_eq!(status.code(), tonic::Code::Unauthenticated, "{wrong:?}");
        }
        let office: common::ids::OfficeId = super::id(OFFICE, "office_id").unwrap();
        assert_eq!(office.to_string(), OFFICE);
        let refused = super::id::<common::ids::UserId>("x", "user_id").unwrap_err();
        assert_eq!(Refusal::from_status(&refused).unwrap().fields, ["user_id"]);
        assert_eq!(
            super::optional_id::<common::ids::OfficeId>("", "office_id").unwrap(),
            None
        );
    }

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

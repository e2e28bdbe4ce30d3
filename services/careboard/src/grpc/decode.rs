//! What a caller sent, checked before a use case sees it: the actor, ids and states, each decoded
//! into its type here and nowhere else.

use crate::domain::states::IncidentStatus;
use crate::domain::{Actor, Role};
use crate::error::{Error, invalid};
use crate::service::Once;
use common::idempotency::Claim;
use std::str::FromStr;
use tonic::Status;

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
        // A service acting for itself sends no certificate; a wrong one is a wrong actor.
        cert_serial: match a.cert_serial.as_str() {
            "" => None,
            s => Some(s.parse().map_err(|_| bad())?),
        },
    })
}

/// One id of the kind the use case takes (`RecipientId`, `PostId`…); a wrong one names `field`.
pub(super) fn id<T: FromStr>(raw: &str, field: &'static str) -> Result<T, Status> {
    raw.parse().map_err(|_| invalid(field))
}

/// A list of ids, refused whole when one is not an id.
pub(super) fn ids<T: FromStr>(raw: &[String], field: &'static str) -> Result<Vec<T>, Status> {
    raw.iter().map(|r| id(r, field)).collect()
}

/// The incident status a request sets, as its number travelled: an unknown number or
/// UNSPECIFIED names `field`.
pub(super) fn incident_status(raw: i32, field: &'static str) -> Result<IncidentStatus, Status> {
    proto::careboard::IncidentStatus::try_from(raw)
        .ok()
        .and_then(|s| IncidentStatus::try_from(s).ok())
        .ok_or_else(|| invalid(field))
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

#[cfg(test)]
mod tests {
    use super::*;
    use common::ids::{CertSerial, PostId, RecipientId};
    use proto::errors::{Reason, Refusal};
    use tonic::Code;

    fn proto_actor(serial: &str) -> proto::common::Actor {
        proto::common::Actor {
            user_id: "0190abcd-0001-7000-8000-123456789abc".into(),
            office_id: "0190abcd-0002-7000-8000-123456789abc".into(),
            role: proto::common::Role::Staff.into(),
            cert_serial: serial.into(),
        }
    }

    #[test]
    fn a_wrong_id_is_the_callers_mistake_and_names_its_field() {
        for raw in [
            "",
            "nope",
            "0190abcd-0001-7000-8000-123456789ab\0",
            &"f".repeat(5000),
        ] {
            let status = id::<RecipientId>(raw, "recipient_id").unwrap_err();
            assert_eq!(status.code(), Code::InvalidArgument, "{raw:?}");
            let refusal = Refusal::from_status(&status).expect("a refusal");
            assert_eq!(refusal.fields, ["recipient_id"]);
        }
        let good: RecipientId = id("0190abcd-0001-7000-8000-123456789abc", "recipient_id").unwrap();
        assert_eq!(good.to_string(), "0190abcd-0001-7000-8000-123456789abc");
    }

    #[test]
    fn an_unknown_or_unspecified_status_is_the_callers_mistake_and_names_its_field() {
        for raw in [0, 4, 99, -1, i32::MAX] {
            let status = incident_status(raw, "status").unwrap_err();
            assert_eq!(status.code(), Code::InvalidArgument, "{raw}");
            let refusal = Refusal::from_status(&status).expect("a refusal");
            assert_eq!(
                refusal.reason,
                Reason::Common(proto::common::ErrorReason::InvalidField)
            );
            assert_eq!(refusal.fields, ["status"]);
        }
        let done = proto::careboard::IncidentStatus::Done.into();
        assert_eq!(
            incident_status(done, "status").unwrap(),
            IncidentStatus::Done
        );
    }

    #[test]
    fn a_list_with_one_wrong_id_is_refused_whole() {
        let raw = vec![
            "0190abcd-0001-7000-8000-123456789abc".to_owned(),
            "not-an-id".to_owned(),
        ];
        let status = ids::<PostId>(&raw, "post_ids").unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(ids::<PostId>(&raw[..1], "post_ids").unwrap().len(), 1);
    }

    #[test]
    fn the_actors_certificate_is_optional_but_never_malformed() {
        assert_eq!(actor(Some(&proto_actor(""))).unwrap().cert_serial, None);
        let with = actor(Some(&proto_actor("3f9a1c0e5b7d42a8"))).unwrap();
        assert_eq!(
            with.cert_serial.as_ref().map(CertSerial::as_str),
            Some("3f9a1c0e5b7d42a8")
        );
        for serial in ["not hex", "3f9a\0", &"a".repeat(65)] {
            let status = actor(Some(&proto_actor(serial))).unwrap_err();
            assert_eq!(status.code(), Code::Unauthenticated, "{serial:?}");
        }
        let mut no_user = proto_actor("");
        no_user.user_id = "x".into();
        assert_eq!(
            actor(Some(&no_user)).unwrap_err().code(),
            Code::Unauthenticated
        );
    }
}

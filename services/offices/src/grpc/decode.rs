//! What a caller sent, checked before a use case sees it: actors, ids and application forms.

use crate::domain::application::ApplicationInput;
use crate::domain::{ActorRole, ApplicationStatus};
use crate::error::{Error, invalid};
use crate::service::Actor;
use proto::common::Role;
use proto::offices as pb;
use std::str::FromStr;
use tonic::Status;

pub fn actor(a: Option<&proto::common::Actor>) -> Result<Actor, Status> {
    let bad = || Status::from(Error::NoActor);
    let a = a.ok_or_else(bad)?;
    let role = match a.role() {
        Role::Staff => ActorRole::Staff,
        Role::OfficeAdmin => ActorRole::OfficeAdmin,
        Role::Operator => ActorRole::Operator,
        Role::Unspecified => return Err(bad()),
    };
    Ok(Actor {
        user_id: a.user_id.parse().map_err(|_| bad())?,
        office_id: a.office_id.parse().map_err(|_| bad())?,
        role,
    })
}

/// One id of the kind the use case takes (`OfficeId`, `AnnouncementId`…); a wrong one names
/// `field`.
pub(super) fn id<T: FromStr>(raw: &str, field: &'static str) -> Result<T, Status> {
    raw.parse().map_err(|_| invalid(field))
}

/// A filter of applications by state: UNSPECIFIED for every one; a number the contract does not
/// know names `status`.
pub(super) fn status_filter(raw: i32) -> Result<Option<ApplicationStatus>, Status> {
    match pb::ApplicationStatus::try_from(raw) {
        Ok(pb::ApplicationStatus::Unspecified) => Ok(None),
        Ok(status) => ApplicationStatus::try_from(status)
            .map(Some)
            .map_err(|_| invalid("status")),
        Err(_) => Err(invalid("status")),
    }
}

/// Every typed field is bounded before anything else, so no input is large enough to cost much.
pub(super) fn input(f: pb::ApplicationFields) -> Result<ApplicationInput, Status> {
    let fields = [
        (&f.name, "name"),
        (&f.kana, "kana"),
        (&f.kind, "kind"),
        (&f.code, "code"),
        (&f.postal_code, "postal_code"),
        (&f.address, "address"),
        (&f.phone, "phone"),
        (&f.fax, "fax"),
        (&f.latitude, "location"),
        (&f.longitude, "location"),
        (&f.admin_name, "admin_name"),
        (&f.admin_kana, "admin_kana"),
        (&f.admin_email, "admin_email"),
        (&f.admin_phone, "admin_phone"),
    ];
    if let Some((_, name)) = fields.iter().find(|(v, _)| v.len() > 1000) {
        return Err(invalid(name));
    }
    Ok(ApplicationInput {
        name: f.name,
        kana: f.kana,
        kind: f.kind,
        code: f.code,
        postal_code: f.postal_code,
        address: f.address,
        phone: f.phone,
        fax: f.fax,
        latitude: f.latitude,
        longitude: f.longitude,
        admin_name: f.admin_name,
        admin_kana: f.admin_kana,
        admin_email: f.admin_email,
        admin_phone: f.admin_phone,
        listed: f.listed,
        consent: f.consent,
    })
}

/// Public calls may come with no actor at all.
pub(super) fn optional_actor(a: Option<&proto::common::Actor>) -> Result<Option<Actor>, Status> {
    match a {
        None => Ok(None),
        Some(_) => actor(a).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proto::errors::{Domain, Refusal};
    use tonic::Code;

    #[test]
    fn a_status_filter_is_every_application_unless_it_names_a_state() {
        assert_eq!(status_filter(0).ok(), Some(None));
        assert_eq!(
            status_filter(pb::ApplicationStatus::Rejected.into()).ok(),
            Some(Some(ApplicationStatus::Rejected))
        );
    }

    #[test]
    fn an_unknown_status_number_is_a_wrong_field_not_a_failure() {
        for raw in [4, -1, i32::MAX] {
            let status = status_filter(raw).expect_err("no such state");
            assert_eq!(status.code(), Code::InvalidArgument, "{raw}");
            let refusal = Refusal::from_status(&status).expect("a refusal");
            assert_eq!(refusal.domain, Domain::Offices);
            assert_eq!(
                refusal.reason,
                proto::common::ErrorReason::InvalidField.into()
            );
            assert_eq!(refusal.fields, ["status"]);
        }
    }
}

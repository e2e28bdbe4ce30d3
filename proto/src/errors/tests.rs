use super::*;
use std::collections::HashSet;

/// Every value of every reason enum (prost enums are `i32`s without gaps here).
fn all_reasons() -> Vec<Reason> {
    let mut all = Vec::new();
    for i in 0..64 {
        all.extend(common::ErrorReason::try_from(i).ok().map(Reason::Common));
        all.extend(
            identity::ErrorReason::try_from(i)
                .ok()
                .map(Reason::Identity),
        );
        all.extend(offices::ErrorReason::try_from(i).ok().map(Reason::Offices));
        all.extend(
            careboard::ErrorReason::try_from(i)
                .ok()
                .map(Reason::Careboard),
        );
        all.extend(notify::ErrorReason::try_from(i).ok().map(Reason::Notify));
    }
    all.retain(|r| !r.is_unspecified());
    all
}

fn domain_of(r: Reason) -> Domain {
    match r {
        Reason::Common(_) => Domain::Identity,
        Reason::Identity(_) => Domain::Identity,
        Reason::Offices(_) => Domain::Offices,
        Reason::Careboard(_) => Domain::Careboard,
        Reason::Notify(_) => Domain::Notify,
    }
}

#[test]
fn no_reason_name_is_defined_twice() {
    let all = all_reasons();
    let names: HashSet<&str> = all.iter().map(|r| r.name()).collect();
    assert_eq!(names.len(), all.len(), "a reason name appears in two enums");
    assert!(all.len() > 25, "{} reasons", all.len());
}

#[test]
fn every_reason_survives_the_trip_through_a_status() {
    for reason in all_reasons() {
        let domain = domain_of(reason);
        let sent = Refusal::new(domain, reason)
            .field("name")
            .with(DEVICE_OFFICE_NAME, "高萩訪問看護ステーション");
        let status = sent.clone().into_status();
        assert_eq!(status.code(), reason.code(), "{reason:?}");
        assert_ne!(status.code(), Code::Unknown, "{reason:?}");
        assert_eq!(Refusal::from_status(&status), Some(sent), "{reason:?}");
    }
}

#[test]
fn a_field_refusal_names_each_field_and_logs_them() {
    let status = Refusal::invalid(Domain::Offices, ["name", "kana"]).into_status();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(status.message(), "invalid:name,kana");
    let read = Refusal::from_status(&status).expect("a refusal");
    assert_eq!(read.domain, Domain::Offices);
    assert_eq!(
        read.reason,
        Reason::Common(common::ErrorReason::InvalidField)
    );
    assert_eq!(read.fields, ["name", "kana"]);
    let info = status.get_error_details();
    assert_eq!(
        info.error_info()
            .map(|i| (i.reason.as_str(), i.domain.as_str())),
        Some(("INVALID_FIELD", "renrakucho.offices"))
    );
}

#[test]
fn a_reason_of_another_domain_or_no_details_is_no_refusal() {
    let careboard_reason_from_identity = Status::with_error_details(
        Code::FailedPrecondition,
        "board_closed",
        ErrorDetails::with_error_info("BOARD_CLOSED", "renrakucho.identity", HashMap::new()),
    );
    assert_eq!(Refusal::from_status(&careboard_reason_from_identity), None);
    let unknown_domain = Status::with_error_details(
        Code::PermissionDenied,
        "forbidden",
        ErrorDetails::with_error_info("FORBIDDEN", "example.com", HashMap::new()),
    );
    assert_eq!(Refusal::from_status(&unknown_domain), None);
    let unspecified = Status::with_error_details(
        Code::Internal,
        "x",
        ErrorDetails::with_error_info(
            "ERROR_REASON_UNSPECIFIED",
            "renrakucho.careboard",
            HashMap::new(),
        ),
    );
    assert_eq!(Refusal::from_status(&unspecified), None);
    // A message alone says nothing, however much it looks like a reason.
    assert_eq!(
        Refusal::from_status(&Status::failed_precondition("board_closed")),
        None
    );
    assert_eq!(
        Refusal::from_status(&Status::invalid_argument("invalid:name")),
        None
    );
}

#[test]
fn domains_round_trip() {
    for d in Domain::ALL {
        assert_eq!(Domain::parse(d.as_str()), Some(d));
    }
    assert_eq!(Domain::parse("renrakucho"), None);
}

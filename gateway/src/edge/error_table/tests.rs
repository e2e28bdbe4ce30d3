use super::*;
use proto::errors::Domain;

/// Two forms that both have a `name`, as `routes/labels.rs` words them.
mod labels {
    use crate::edge::error::Field;
    pub const STAFF: &[Field] = &[Field {
        name: "name",
        hint: "氏名を50文字以内で入力してください。",
    }];
    pub const OFFICE: &[Field] = &[
        Field {
            name: "name",
            hint: "事業所名を100文字以内で入力してください。",
        },
        Field {
            name: "kana",
            hint: "事業所名（カナ）を全角カタカナで入力してください。",
        },
        Field {
            name: "invitation_code",
            hint: "市から届いた招待コードを入力してください。",
        },
    ];
}

fn told(refusal: Refusal) -> Failure {
    Failure::from(refusal.into_status())
}

/// Every reason of every enum, as the services can send it.
fn every_reason() -> Vec<(Domain, Reason)> {
    let mut all = Vec::new();
    for i in 1..64 {
        let common = Common::try_from(i).ok().map(Reason::Common);
        all.extend(common.map(|r| (Domain::Careboard, r)));
        let own = Identity::try_from(i).ok().map(Reason::Identity);
        all.extend(own.map(|r| (Domain::Identity, r)));
        let own = Offices::try_from(i).ok().map(Reason::Offices);
        all.extend(own.map(|r| (Domain::Offices, r)));
        let own = Board::try_from(i).ok().map(Reason::Careboard);
        all.extend(own.map(|r| (Domain::Careboard, r)));
        let own = Notify::try_from(i).ok().map(Reason::Notify);
        all.extend(own.map(|r| (Domain::Notify, r)));
    }
    all
}

#[test]
fn every_reason_is_told_in_japanese_with_a_stable_code() {
    for (domain, reason) in every_reason() {
        let f = told(Refusal::new(domain, reason));
        assert!(
            f.message
                .chars()
                .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
            "{reason:?}: {}",
            f.message
        );
        assert!(
            !f.code.is_empty() && f.code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{reason:?}"
        );
        assert!(f.status.is_client_error() || f.status.is_server_error());
        // Only failures of the system itself are 5xx; every refusal of a request is 4xx.
        let system = matches!(
            reason,
            Reason::Common(Common::Unavailable | Common::Internal)
        );
        assert_eq!(f.status.is_server_error(), system, "{reason:?}");
    }
}

#[test]
fn the_codes_the_api_has_always_answered_stay() {
    let cases = [
        (
            Reason::from(Identity::BadCredentials),
            401,
            "bad_credentials",
        ),
        (Identity::SessionInvalid.into(), 401, "login_required"),
        (Common::NoActor.into(), 401, "login_required"),
        (Identity::Locked.into(), 429, "locked"),
        (Identity::RateLimited.into(), 429, "rate_limited"),
        (Identity::WeakPasswordTooShort.into(), 422, "weak_password"),
        (Common::IdempotencyInProgress.into(), 409, "in_progress"),
        (Common::IdempotencyAnswered.into(), 409, "already_done"),
        (
            Common::IdempotencyKeyReused.into(),
            422,
            "idempotency_key_reused",
        ),
        (Offices::AlreadyDecided.into(), 409, "already_decided"),
        (
            Offices::ApplicationsClosed.into(),
            403,
            "applications_closed",
        ),
        (Board::BoardClosed.into(), 409, "board_closed"),
        (Notify::NotGateway.into(), 403, "forbidden"),
        (Common::NotFound.into(), 404, "not_found"),
        (Common::Unavailable.into(), 503, "unavailable"),
    ];
    for (reason, status, code) in cases {
        let domain = match reason {
            Reason::Offices(_) => Domain::Offices,
            Reason::Careboard(_) => Domain::Careboard,
            Reason::Notify(_) => Domain::Notify,
            Reason::Common(_) | Reason::Identity(_) => Domain::Identity,
        };
        let f = told(Refusal::new(domain, reason));
        assert_eq!((f.status.as_u16(), f.code), (status, code), "{reason:?}");
    }
}

#[test]
fn each_weakness_of_a_password_has_its_own_advice() {
    let advice: std::collections::HashSet<String> = [
        Identity::WeakPasswordTooShort,
        Identity::WeakPasswordTooLong,
        Identity::WeakPasswordCommon,
        Identity::WeakPasswordReused,
    ]
    .into_iter()
    .map(|w| told(Refusal::new(Domain::Identity, w)).message)
    .collect();
    assert_eq!(advice.len(), 4);
}

#[test]
fn wrong_fields_are_labelled_by_the_form_they_were_typed_into() {
    let refusal = || Refusal::invalid(Domain::Identity, ["name"]);
    let staff = told(refusal()).labelled(labels::STAFF);
    assert_eq!((staff.status.as_u16(), staff.code), (422, "invalid_field"));
    assert_eq!(
        staff.fields,
        [("name".to_owned(), "氏名を50文字以内で入力してください。")]
    );
    assert_eq!(
        staff.message,
        "入力内容を確認してください。氏名を50文字以内で入力してください。"
    );
    let office = told(refusal()).labelled(labels::OFFICE);
    assert_eq!(
        office.fields[0].1,
        "事業所名を100文字以内で入力してください。"
    );
    let two = told(Refusal::invalid(Domain::Offices, ["name", "kana"]));
    assert_eq!(two.message, MANY_FIELDS);
    assert_eq!(two.labelled(labels::OFFICE).fields.len(), 2);
    // A field no form names still gets a sentence, never its contract name alone.
    let unknown =
        told(Refusal::invalid(Domain::Offices, ["partner_office_ids"])).labelled(labels::OFFICE);
    assert_eq!(unknown.message, ANY_FIELD_HINT);
}

#[test]
fn a_refused_invitation_points_at_its_box() {
    let refusal =
        Refusal::new(Domain::Offices, Offices::InvitationInvalid).field("invitation_code");
    let f = told(refusal).labelled(labels::OFFICE);
    assert_eq!((f.status.as_u16(), f.code), (422, "invitation_invalid"));
    assert_eq!(
        f.fields,
        [(
            "invitation_code".to_owned(),
            "市から届いた招待コードを入力してください。"
        )]
    );
    assert!(f.message.starts_with("招待コードが正しくないか"));
}

#[test]
fn a_sign_in_on_another_office_device_names_the_device_office_only() {
    let refusal = Refusal::new(Domain::Identity, Identity::OtherOfficeDevice)
        .with(DEVICE_OFFICE_NAME, "高萩訪問看護ステーション");
    let f = told(refusal);
    assert_eq!((f.status.as_u16(), f.code), (403, "other_office_device"));
    assert_eq!(
        f.message,
        "この端末は高萩訪問看護ステーションの端末のため、ログインできません。所属事業所の端末からログインしてください。"
    );
    // Without the office's name, still a sentence a care worker understands.
    let bare = told(Refusal::new(Domain::Identity, Identity::OtherOfficeDevice));
    assert!(bare.message.starts_with("この端末は他の事業所の端末のため"));
}

#[test]
fn a_status_message_alone_is_never_read() {
    // What used to be parsed: now a status without details is told by its code only.
    let f = Failure::from(tonic::Status::invalid_argument("invalid:name"));
    assert_eq!((f.status.as_u16(), f.code), (500, "internal"));
    assert!(f.fields.is_empty());
    let f = Failure::from(tonic::Status::failed_precondition("board_closed"));
    assert_eq!(f.code, "internal");
    let f = Failure::from(tonic::Status::unavailable("tcp connect error"));
    assert_eq!((f.status.as_u16(), f.code), (503, "unavailable"));
    let f = Failure::from(tonic::Status::deadline_exceeded("timeout"));
    assert_eq!(f.code, "unavailable");
    // A connection broken mid-call: the service did not answer, it did not fail.
    let f = Failure::from(tonic::Status::unknown("connection reset"));
    assert_eq!((f.status.as_u16(), f.code), (503, "unavailable"));
}

#[test]
fn a_field_the_gateway_refuses_itself_reads_as_a_service_refusing_it() {
    let own = Failure::invalid_field("outcome");
    let service = told(Refusal::invalid(Domain::Identity, ["outcome"]));
    assert_eq!(
        (own.status, own.code, own.message, own.fields),
        (
            service.status,
            service.code,
            service.message,
            service.fields
        )
    );
}

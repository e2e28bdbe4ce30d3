//! Identity's rows as the contract's messages, and its errors as gRPC statuses (mapped once).

use crate::domain::{DomainError, Role};
use crate::error::Error;
use crate::store::{CertificateRow, RequestRow, UserRow};
use chrono::{DateTime, Utc};
use proto::common::Role as ProtoRole;
use proto::identity as pb;
use tonic::Status;

/// The status message is a stable machine code; the gateway turns it into words for people.
impl From<Error> for Status {
    fn from(e: Error) -> Self {
        match e {
            Error::Domain(d) => match d {
                DomainError::BadCredentials => Status::unauthenticated("bad_credentials"),
                DomainError::SessionInvalid => Status::unauthenticated("session_invalid"),
                DomainError::Locked => Status::failed_precondition("locked"),
                DomainError::Suspended => Status::permission_denied("suspended"),
                DomainError::Certificate(why) => {
                    tracing::warn!(reason = %why, "certificate refused");
                    Status::permission_denied("device_not_registered")
                }
                DomainError::WeakPassword(w) => {
                    Status::invalid_argument(format!("weak_password:{w}"))
                }
                DomainError::InvalidLoginId => Status::invalid_argument("invalid:login_id"),
                DomainError::Invalid(field) => Status::invalid_argument(format!("invalid:{field}")),
                DomainError::Forbidden => Status::permission_denied("forbidden"),
                DomainError::NotFound => Status::not_found("not_found"),
                DomainError::LoginIdTaken => Status::already_exists("login_id_taken"),
                DomainError::RateLimited => Status::resource_exhausted("rate_limited"),
                DomainError::EnrollmentRefused => Status::permission_denied("enrollment_refused"),
                DomainError::WrongCurrentPassword => {
                    Status::invalid_argument("wrong_current_password")
                }
                DomainError::OtherOfficeDevice(office) => pb::OtherOfficeDevice {
                    device_office_name: office,
                }
                .into_status(),
            },
            Error::Store(e) => {
                tracing::error!(error = %e, "store failure");
                Status::unavailable("unavailable")
            }
            Error::Internal(e) => {
                tracing::error!(error = %e, "internal failure");
                Status::internal("internal")
            }
        }
    }
}

pub(super) fn proto_role(role: &str) -> ProtoRole {
    match Role::parse(role) {
        Some(Role::Staff) => ProtoRole::Staff,
        Some(Role::OfficeAdmin) => ProtoRole::OfficeAdmin,
        Some(Role::Operator) => ProtoRole::Operator,
        None => ProtoRole::Unspecified,
    }
}

pub(super) fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

pub(super) fn principal(user: &UserRow) -> pb::Principal {
    pb::Principal {
        user_id: user.id.to_string(),
        login_id: user.login_id.clone(),
        name: user.name.clone(),
        office_id: user.office_id.to_string(),
        role: proto_role(&user.role).into(),
        must_change_password: user.must_change_password,
        profession: user.profession.clone(),
    }
}

pub(super) fn user(u: UserRow) -> pb::User {
    pb::User {
        id: u.id.to_string(),
        role: proto_role(&u.role).into(),
        login_id: u.login_id,
        name: u.name,
        kana: u.kana,
        profession: u.profession,
        email: u.email,
        office_id: u.office_id.to_string(),
        status: u.status,
        must_change_password: u.must_change_password,
        status_reason: u.status_reason,
        created_at: time(u.created_at),
    }
}

pub(super) fn certificate(c: CertificateRow, now: DateTime<Utc>) -> pb::Certificate {
    let status = if c.revoked_at.is_some() {
        "revoked"
    } else if c.not_after <= now {
        "expired"
    } else {
        "active"
    };
    pb::Certificate {
        serial: c.serial,
        office_id: c.office_id.to_string(),
        office_name: c.office_name,
        label: c.label,
        fingerprint_sha256: c.fingerprint_sha256,
        issued_at: time(c.issued_at),
        not_after: time(c.not_after),
        last_used_at: c.last_used_at.map(time).unwrap_or_default(),
        status: status.into(),
        revoked_at: c.revoked_at.map(time).unwrap_or_default(),
        revoked_reason: c.revoked_reason.unwrap_or_default(),
    }
}

pub(super) fn certificate_request(r: RequestRow) -> pb::CertificateRequest {
    pb::CertificateRequest {
        id: r.id.to_string(),
        office_id: r.office_id.to_string(),
        office_name: r.office_name,
        requested_by: r.requested_by.to_string(),
        note: r.note,
        created_at: time(r.created_at),
        status: if r.done_at.is_some() { "done" } else { "open" }.into(),
    }
}

pub(super) fn staff_card(u: UserRow) -> pb::StaffCard {
    pb::StaffCard {
        user_id: u.id.to_string(),
        name: u.name,
        kana: u.kana,
        profession: u.profession,
        office_id: u.office_id.to_string(),
        status: u.status,
    }
}

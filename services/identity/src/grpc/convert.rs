//! Identity's rows as the contract's messages (its errors become refusals in `crate::error`).

use crate::domain::Role;
use crate::domain::audit::AuditOutcome;
use crate::domain::certificate::{CertificateStatus, RequestStatus};
use crate::store::{CertificateRow, RequestRow, UserRow};
use chrono::{DateTime, Utc};
use proto::common::{Role as ProtoRole, UserStatus as ProtoUserStatus};
use proto::identity as pb;

impl From<CertificateStatus> for pb::CertificateStatus {
    fn from(status: CertificateStatus) -> Self {
        match status {
            CertificateStatus::Active => Self::Active,
            CertificateStatus::Revoked => Self::Revoked,
            CertificateStatus::Expired => Self::Expired,
        }
    }
}

impl From<RequestStatus> for pb::CertificateRequestStatus {
    fn from(status: RequestStatus) -> Self {
        match status {
            RequestStatus::Open => Self::Open,
            RequestStatus::Done => Self::Done,
        }
    }
}

impl From<AuditOutcome> for pb::AuditOutcome {
    fn from(outcome: AuditOutcome) -> Self {
        match outcome {
            AuditOutcome::Success => Self::Success,
            AuditOutcome::Denied => Self::Denied,
            AuditOutcome::Failure => Self::Failure,
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
        status: ProtoUserStatus::from(u.status).into(),
        must_change_password: u.must_change_password,
        status_reason: u.status_reason,
        created_at: time(u.created_at),
    }
}

pub(super) fn certificate(c: CertificateRow, now: DateTime<Utc>) -> pb::Certificate {
    let status = CertificateStatus::of(c.revoked_at.is_some(), c.not_after, now);
    pb::Certificate {
        serial: c.serial,
        office_id: c.office_id.to_string(),
        office_name: c.office_name,
        label: c.label,
        fingerprint_sha256: c.fingerprint_sha256,
        issued_at: time(c.issued_at),
        not_after: time(c.not_after),
        last_used_at: c.last_used_at.map(time).unwrap_or_default(),
        status: pb::CertificateStatus::from(status).into(),
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
        status: pb::CertificateRequestStatus::from(RequestStatus::of(r.done_at.is_some())).into(),
    }
}

pub(super) fn staff_card(u: UserRow) -> pb::StaffCard {
    pb::StaffCard {
        user_id: u.id.to_string(),
        name: u.name,
        kana: u.kana,
        profession: u.profession,
        office_id: u.office_id.to_string(),
        status: ProtoUserStatus::from(u.status).into(),
    }
}

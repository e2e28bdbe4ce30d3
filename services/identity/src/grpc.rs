//! The gRPC surface of identity: decode, call the use case, map errors to a status once.

use crate::domain::access::Actor;
use crate::domain::audit::ChainVerdict;
use crate::domain::{DomainError, Role};
use crate::error::Error;
use crate::service::Identity;
use crate::service::accounts::UserInput;
use crate::store::{CertificateRow, RequestRow, UserRow};
use chrono::{DateTime, Utc};
use proto::common::Role as ProtoRole;
use proto::identity as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};
use uuid::Uuid;

pub struct IdentityGrpc {
    identity: Arc<Identity>,
}

impl IdentityGrpc {
    #[must_use]
    pub fn new(identity: Arc<Identity>) -> Self {
        Self { identity }
    }
}

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

fn proto_role(role: &str) -> ProtoRole {
    match Role::parse(role) {
        Some(Role::Staff) => ProtoRole::Staff,
        Some(Role::OfficeAdmin) => ProtoRole::OfficeAdmin,
        Some(Role::Operator) => ProtoRole::Operator,
        None => ProtoRole::Unspecified,
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

fn principal(user: &UserRow) -> pb::Principal {
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

fn user(u: UserRow) -> pb::User {
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

fn certificate(c: CertificateRow, now: DateTime<Utc>) -> pb::Certificate {
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

fn certificate_request(r: RequestRow) -> pb::CertificateRequest {
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

fn serial(cert: Option<&pb::ClientCertificate>) -> Result<&str, Status> {
    cert.map(|c| c.serial.as_str())
        .filter(|s| !s.is_empty() && s.len() <= 64)
        .ok_or_else(|| Status::invalid_argument("invalid:certificate"))
}

fn actor(a: Option<&proto::common::Actor>) -> Result<Actor, Status> {
    let a = a.ok_or_else(|| Status::unauthenticated("no_actor"))?;
    let bad = || Status::unauthenticated("no_actor");
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

fn id(raw: &str, field: &'static str) -> Result<Uuid, Status> {
    raw.parse()
        .map_err(|_| Status::invalid_argument(format!("invalid:{field}")))
}

fn optional_id(raw: &str, field: &'static str) -> Result<Option<Uuid>, Status> {
    if raw.is_empty() {
        Ok(None)
    } else {
        id(raw, field).map(Some)
    }
}

/// Field lengths checked before anything else, so no input is large enough to cost much.
fn bounded(fields: &[(&str, usize, &'static str)]) -> Result<(), Status> {
    match fields.iter().find(|(v, max, _)| v.len() > *max) {
        Some((_, _, name)) => Err(Status::invalid_argument(format!("invalid:{name}"))),
        None => Ok(()),
    }
}

/// What an admin typed about a person, bounded before anything else reads it.
fn user_input<'a>(
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

type Reply<T> = Result<Response<T>, Status>;

fn staff_card(u: UserRow) -> pb::StaffCard {
    pb::StaffCard {
        user_id: u.id.to_string(),
        name: u.name,
        kana: u.kana,
        profession: u.profession,
        office_id: u.office_id.to_string(),
        status: u.status,
    }
}

/// The subject common name of a DER certificate; `None` if it has none or does not parse.
fn common_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    cert.subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_owned)
}

/// Which service is asking: the common name of its client certificate. The TLS layer has already
/// verified the chain to the internal CA, which issues service certificates only.
fn peer_common_name<T>(request: &Request<T>) -> Option<String> {
    common_name(request.peer_certs()?.first()?.as_ref())
}

#[tonic::async_trait]
impl pb::identity_server::Identity for IdentityGrpc {
    #[tracing::instrument(skip_all)]
    async fn login(&self, request: Request<pb::LoginRequest>) -> Reply<pb::LoginResponse> {
        let req = request.into_inner();
        if req.login_id.len() > 256 || req.password.len() > 1024 {
            return Err(Error::Domain(DomainError::BadCredentials).into());
        }
        let opened = self
            .identity
            .login(
                &req.login_id,
                &req.password,
                serial(req.certificate.as_ref())?,
            )
            .await?;
        Ok(Response::new(pb::LoginResponse {
            session_token: opened.token,
            csrf_token: opened.csrf,
            principal: Some(principal(&opened.user)),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn authenticate(
        &self,
        request: Request<pb::AuthenticateRequest>,
    ) -> Reply<pb::AuthenticateResponse> {
        let req = request.into_inner();
        let auth = self
            .identity
            .authenticate(&req.session_token, serial(req.certificate.as_ref())?)
            .await?;
        Ok(Response::new(pb::AuthenticateResponse {
            principal: Some(principal(&auth.user)),
            csrf_token: auth.csrf,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn logout(&self, request: Request<pb::LogoutRequest>) -> Reply<pb::LogoutResponse> {
        self.identity
            .logout(&request.into_inner().session_token)
            .await?;
        Ok(Response::new(pb::LogoutResponse {}))
    }

    async fn get_device_ca(
        &self,
        _request: Request<pb::GetDeviceCaRequest>,
    ) -> Reply<pb::GetDeviceCaResponse> {
        Ok(Response::new(pb::GetDeviceCaResponse {
            ca_pem: self.identity.ca_pem().to_owned(),
        }))
    }

    async fn list_professions(
        &self,
        _request: Request<pb::ListProfessionsRequest>,
    ) -> Reply<pb::ListProfessionsResponse> {
        Ok(Response::new(pb::ListProfessionsResponse {
            professions: crate::domain::profession::PROFESSIONS
                .iter()
                .map(|p| (*p).to_owned())
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn change_password(
        &self,
        request: Request<pb::ChangePasswordRequest>,
    ) -> Reply<pb::ChangePasswordResponse> {
        let req = request.into_inner();
        bounded(&[
            (&req.current_password, 1024, "current_password"),
            (&req.new_password, 1024, "new_password"),
        ])?;
        self.identity
            .change_password(
                &req.session_token,
                serial(req.certificate.as_ref())?,
                &req.current_password,
                &req.new_password,
            )
            .await?;
        Ok(Response::new(pb::ChangePasswordResponse {}))
    }

    #[tracing::instrument(skip_all)]
    async fn create_user(
        &self,
        request: Request<pb::CreateUserRequest>,
    ) -> Reply<pb::IssuedPassword> {
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        bounded(&[(&req.login_id, 64, "login_id")])?;
        let input = user_input(
            &req.name,
            &req.kana,
            &req.profession,
            &req.email,
            req.office_admin,
        )?;
        let office = optional_id(&req.office_id, "office_id")?;
        let (u, initial) = self
            .identity
            .create_user(&actor, office, &req.login_id, &input)
            .await?;
        Ok(Response::new(pb::IssuedPassword {
            user: Some(user(u)),
            initial_password: initial,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_user(&self, request: Request<pb::UpdateUserRequest>) -> Reply<pb::User> {
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let input = user_input(
            &req.name,
            &req.kana,
            &req.profession,
            &req.email,
            req.office_admin,
        )?;
        let u = self
            .identity
            .update_user(&actor, id(&req.user_id, "user_id")?, &input)
            .await?;
        Ok(Response::new(user(u)))
    }

    #[tracing::instrument(skip_all)]
    async fn reset_password(&self, request: Request<pb::UserRef>) -> Reply<pb::IssuedPassword> {
        let req = request.into_inner();
        let (u, initial) = self
            .identity
            .reset_password(&actor(req.actor.as_ref())?, id(&req.user_id, "user_id")?)
            .await?;
        Ok(Response::new(pb::IssuedPassword {
            user: Some(user(u)),
            initial_password: initial,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn set_user_active(&self, request: Request<pb::SetUserActiveRequest>) -> Reply<pb::User> {
        let req = request.into_inner();
        let u = self
            .identity
            .set_active(
                &actor(req.actor.as_ref())?,
                id(&req.user_id, "user_id")?,
                req.active,
            )
            .await?;
        Ok(Response::new(user(u)))
    }

    #[tracing::instrument(skip_all)]
    async fn get_identity_stats(
        &self,
        request: Request<proto::common::StatsRequest>,
    ) -> Reply<pb::IdentityStats> {
        let req = request.into_inner();
        let s = self
            .identity
            .stats(&actor(req.actor.as_ref())?, &req.from_month, &req.to_month)
            .await?;
        let months = |rows: Vec<(String, u64)>| {
            rows.into_iter()
                .map(|(month, value)| proto::common::MonthCount { month, value })
                .collect()
        };
        Ok(Response::new(pb::IdentityStats {
            staff_by_profession: s
                .staff_by_profession
                .into_iter()
                .map(|(label, value)| proto::common::LabelCount { label, value })
                .collect(),
            active_users: months(s.active_users),
            certificates_issued: months(s.certificates_issued),
            certificates_revoked: months(s.certificates_revoked),
            staff_by_profession_monthly: proto::common::LabelMonths::from_rows(
                s.staff_by_profession_monthly,
            ),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_audit(
        &self,
        request: Request<pb::ListAuditRequest>,
    ) -> Reply<pb::ListAuditResponse> {
        let req = request.into_inner();
        bounded(&[
            (&req.user, 100, "user"),
            (&req.target_id, 100, "target_id"),
            (&req.action, 100, "action"),
            (&req.from, 20, "from"),
            (&req.to, 20, "to"),
        ])?;
        let query = crate::service::audit::AuditQuery {
            user: &req.user,
            office: optional_id(&req.office_id, "office_id")?,
            target_id: &req.target_id,
            action: &req.action,
            from: &req.from,
            to: &req.to,
            before_seq: req.before_seq,
            limit: req.limit,
        };
        let lines = self
            .identity
            .audit_lines(&actor(req.actor.as_ref())?, &query)
            .await?;
        let asked = match req.limit {
            0 => 200,
            n => n.min(5000) as usize,
        };
        let next_before_seq = if lines.len() == asked {
            lines.last().map_or(0, |l| l.seq)
        } else {
            0
        };
        let opt = |v: Option<Uuid>| v.map(|u| u.to_string()).unwrap_or_default();
        Ok(Response::new(pb::ListAuditResponse {
            entries: lines
                .into_iter()
                .map(|l| pb::AuditEntry {
                    seq: l.seq,
                    at: time(l.at),
                    source: l.source,
                    action: l.action,
                    actor_user_id: opt(l.actor_user_id),
                    actor_login_id: l.actor_login_id.unwrap_or_default(),
                    actor_name: l.actor_name.unwrap_or_default(),
                    actor_office_id: opt(l.actor_office_id),
                    cert_serial: l.cert_serial.unwrap_or_default(),
                    target_type: l.target_type.unwrap_or_default(),
                    target_id: l.target_id.unwrap_or_default(),
                    outcome: l.outcome,
                    details: l.details.to_string(),
                })
                .collect(),
            next_before_seq,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn search_staff(
        &self,
        request: Request<pb::SearchStaffRequest>,
    ) -> Reply<pb::SearchStaffResponse> {
        let req = request.into_inner();
        bounded(&[
            (&req.query, 200, "query"),
            (&req.profession, 100, "profession"),
        ])?;
        let rows = self
            .identity
            .search_staff(
                &actor(req.actor.as_ref())?,
                &req.query,
                optional_id(&req.office_id, "office_id")?,
                &req.profession,
            )
            .await?;
        Ok(Response::new(pb::SearchStaffResponse {
            staff: rows.into_iter().map(staff_card).collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_staff_card(&self, request: Request<pb::UserRef>) -> Reply<pb::StaffCard> {
        let req = request.into_inner();
        let u = self
            .identity
            .staff_card(&actor(req.actor.as_ref())?, id(&req.user_id, "user_id")?)
            .await?;
        Ok(Response::new(staff_card(u)))
    }

    #[tracing::instrument(skip_all)]
    async fn list_mail_addresses(
        &self,
        request: Request<pb::ListMailAddressesRequest>,
    ) -> Reply<pb::ListMailAddressesResponse> {
        let caller = peer_common_name(&request);
        let req = request.into_inner();
        let ids = req
            .user_ids
            .iter()
            .map(|raw| id(raw, "user_ids"))
            .collect::<Result<Vec<_>, _>>()?;
        let admins_of = optional_id(&req.office_admins_of, "office_admins_of")?;
        let rows = self
            .identity
            .mail_addresses(caller.as_deref(), &ids, admins_of)
            .await?;
        Ok(Response::new(pb::ListMailAddressesResponse {
            addresses: rows
                .into_iter()
                .map(|(id, email)| pb::MailAddress {
                    user_id: id.to_string(),
                    email,
                })
                .collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_user(&self, request: Request<pb::UserRef>) -> Reply<pb::User> {
        let req = request.into_inner();
        let u = self
            .identity
            .get_user(&actor(req.actor.as_ref())?, id(&req.user_id, "user_id")?)
            .await?;
        Ok(Response::new(user(u)))
    }

    #[tracing::instrument(skip_all)]
    async fn list_users(
        &self,
        request: Request<pb::ListUsersRequest>,
    ) -> Reply<pb::ListUsersResponse> {
        let req = request.into_inner();
        bounded(&[(&req.query, 200, "query")])?;
        let rows = self
            .identity
            .list_users(
                &actor(req.actor.as_ref())?,
                optional_id(&req.office_id, "office_id")?,
                &req.query,
            )
            .await?;
        Ok(Response::new(pb::ListUsersResponse {
            users: rows.into_iter().map(user).collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn set_user_suspended(
        &self,
        request: Request<pb::SetUserSuspendedRequest>,
    ) -> Reply<pb::User> {
        let req = request.into_inner();
        bounded(&[(&req.reason, 1000, "reason")])?;
        let u = self
            .identity
            .set_suspended(
                &actor(req.actor.as_ref())?,
                id(&req.user_id, "user_id")?,
                req.suspended,
                &req.reason,
            )
            .await?;
        Ok(Response::new(user(u)))
    }

    #[tracing::instrument(skip_all)]
    async fn issue_enrollment_code(
        &self,
        request: Request<pb::IssueEnrollmentCodeRequest>,
    ) -> Reply<pb::EnrollmentCode> {
        let req = request.into_inner();
        bounded(&[
            (&req.office_name, 400, "office_id"),
            (&req.email, 254, "email"),
        ])?;
        let (number, secret, expires_at) = self
            .identity
            .issue_enrollment_code(
                &actor(req.actor.as_ref())?,
                id(&req.office_id, "office_id")?,
                &req.office_name,
                &req.email,
            )
            .await?;
        Ok(Response::new(pb::EnrollmentCode {
            number,
            secret,
            expires_at: time(expires_at),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn enroll(&self, request: Request<pb::EnrollRequest>) -> Reply<pb::EnrollResponse> {
        let req = request.into_inner();
        bounded(&[
            (&req.number, 64, "number"),
            (&req.secret, 64, "secret"),
            (&req.device_label, 400, "device_label"),
            (&req.p12_password, 1024, "p12_password"),
            (&req.source, 128, "source"),
        ])?;
        let e = self
            .identity
            .enroll(
                &req.number,
                &req.secret,
                &req.device_label,
                &req.p12_password,
                req.legacy_p12,
                &req.source,
            )
            .await?;
        Ok(Response::new(pb::EnrollResponse {
            p12: e.p12,
            serial: e.serial,
            device_label: e.label,
            office_name: e.office_name,
            not_after: time(e.not_after),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_certificates(
        &self,
        request: Request<pb::ListCertificatesRequest>,
    ) -> Reply<pb::ListCertificatesResponse> {
        let req = request.into_inner();
        bounded(&[(&req.query, 200, "query")])?;
        let rows = self
            .identity
            .list_certificates(
                &actor(req.actor.as_ref())?,
                optional_id(&req.office_id, "office_id")?,
                &req.query,
            )
            .await?;
        let now = common::clock::Clock::now(&common::clock::SystemClock);
        Ok(Response::new(pb::ListCertificatesResponse {
            certificates: rows.into_iter().map(|c| certificate(c, now)).collect(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn revoke_certificate(
        &self,
        request: Request<pb::RevokeCertificateRequest>,
    ) -> Reply<pb::Certificate> {
        let req = request.into_inner();
        bounded(&[(&req.serial, 64, "serial"), (&req.reason, 1000, "reason")])?;
        let c = self
            .identity
            .revoke_certificate(&actor(req.actor.as_ref())?, &req.serial, &req.reason)
            .await?;
        let now = common::clock::Clock::now(&common::clock::SystemClock);
        Ok(Response::new(certificate(c, now)))
    }

    #[tracing::instrument(skip_all)]
    async fn request_certificate(
        &self,
        request: Request<pb::RequestCertificateRequest>,
    ) -> Reply<pb::CertificateRequest> {
        let req = request.into_inner();
        bounded(&[
            (&req.office_name, 400, "office_id"),
            (&req.note, 1000, "note"),
        ])?;
        let r = self
            .identity
            .request_certificate(&actor(req.actor.as_ref())?, &req.office_name, &req.note)
            .await?;
        Ok(Response::new(certificate_request(r)))
    }

    #[tracing::instrument(skip_all)]
    async fn list_certificate_requests(
        &self,
        request: Request<pb::ListCertificateRequestsRequest>,
    ) -> Reply<pb::ListCertificateRequestsResponse> {
        let rows = self
            .identity
            .list_requests(&actor(request.get_ref().actor.as_ref())?)
            .await?;
        Ok(Response::new(pb::ListCertificateRequestsResponse {
            requests: rows.into_iter().map(certificate_request).collect(),
        }))
    }

    async fn get_revocations(
        &self,
        _request: Request<pb::GetRevocationsRequest>,
    ) -> Reply<pb::GetRevocationsResponse> {
        Ok(Response::new(pb::GetRevocationsResponse {
            serials: self.identity.revocations().await?,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn verify_audit_chain(
        &self,
        request: Request<pb::VerifyAuditChainRequest>,
    ) -> Reply<pb::VerifyAuditChainResponse> {
        let verdict = self
            .identity
            .verify_audit(&actor(request.get_ref().actor.as_ref())?)
            .await?;
        Ok(Response::new(match verdict {
            ChainVerdict::Intact { records } => pb::VerifyAuditChainResponse {
                intact: true,
                records: records as u64,
                first_broken_seq: 0,
            },
            ChainVerdict::BrokenAt { seq, checked } => pb::VerifyAuditChainResponse {
                intact: false,
                records: checked as u64,
                first_broken_seq: seq,
            },
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::common_name;
    use rcgen::{CertificateParams, DnType, KeyPair};

    fn certificate(cn: Option<&str>) -> Vec<u8> {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(vec!["notify".into()]).expect("params");
        params.distinguished_name = rcgen::DistinguishedName::new();
        if let Some(cn) = cn {
            params.distinguished_name.push(DnType::CommonName, cn);
        }
        params
            .self_signed(&key)
            .expect("certificate")
            .der()
            .to_vec()
    }

    #[test]
    fn the_caller_is_named_by_its_certificate_common_name() {
        assert_eq!(
            common_name(&certificate(Some("notify"))).as_deref(),
            Some("notify")
        );
        assert_eq!(
            common_name(&certificate(Some("gateway"))).as_deref(),
            Some("gateway")
        );
        // A name in the SAN alone does not count: the subject says who the service is.
        assert_eq!(common_name(&certificate(None)), None);
        assert_eq!(common_name(b"not a certificate"), None);
    }
}

//! The gRPC surface of identity: decode, call the use case; its errors become the contract's
//! refusals once, in `crate::error`.

use crate::domain::DomainError;
use crate::error::Error;
use crate::service::Identity;
use proto::identity as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

mod accounts;
mod audit;
mod certificates;
mod convert;
mod decode;

/// The acting person as every RPC of this service reads it, for in-process callers too.
pub use decode::actor;
mod directory;
mod mail;
mod once;
mod partners;

use convert::{principal, user};
use decode::{bounded, id, optional_id, serial};
use once::who;
use service_runtime::idempotency::{Keep, Once};

pub struct IdentityGrpc {
    identity: Arc<Identity>,
    once: Once,
}

impl IdentityGrpc {
    #[must_use]
    pub fn new(identity: Arc<Identity>, once: Once) -> Self {
        Self { identity, once }
    }
}

type Reply<T> = Result<Response<T>, Status>;

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
                &serial(req.certificate.as_ref())?,
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
        let used = if req.passive {
            crate::service::Use::Passive
        } else {
            crate::service::Use::Active
        };
        let auth = self
            .identity
            .check_session(&req.session_token, &serial(req.certificate.as_ref())?, used)
            .await?;
        Ok(Response::new(pb::AuthenticateResponse {
            principal: Some(principal(&auth.user)),
            csrf_token: auth.csrf,
            ends_at_ms: auth.ends_at.timestamp_millis(),
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
                &serial(req.certificate.as_ref())?,
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
        let by = who(request.get_ref().actor.as_ref());
        // The answer holds the initial password: a repeat is told it was given.
        let call = |r| accounts::create_user(&self.identity, r);
        self.once(request, by, "identity.create_user", Keep::Nothing, call)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn update_user(&self, request: Request<pb::UpdateUserRequest>) -> Reply<pb::User> {
        let by = who(request.get_ref().actor.as_ref());
        let call = |r| accounts::update_user(&self.identity, r);
        self.once(request, by, "identity.update_user", Keep::Answer, call)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn reset_password(&self, request: Request<pb::UserRef>) -> Reply<pb::IssuedPassword> {
        let by = who(request.get_ref().actor.as_ref());
        let call = |r| accounts::reset_password(&self.identity, r);
        self.once(request, by, "identity.reset_password", Keep::Nothing, call)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn set_user_active(&self, request: Request<pb::SetUserActiveRequest>) -> Reply<pb::User> {
        let by = who(request.get_ref().actor.as_ref());
        let call = |r| accounts::set_user_active(&self.identity, r);
        self.once(request, by, "identity.set_user_active", Keep::Answer, call)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn get_identity_stats(
        &self,
        request: Request<proto::common::StatsRequest>,
    ) -> Reply<pb::IdentityStats> {
        audit::get_identity_stats(&self.identity, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_audit(
        &self,
        request: Request<pb::ListAuditRequest>,
    ) -> Reply<pb::ListAuditResponse> {
        audit::list_audit(&self.identity, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn search_staff(
        &self,
        request: Request<pb::SearchStaffRequest>,
    ) -> Reply<pb::SearchStaffResponse> {
        directory::search_staff(&self.identity, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_staff_card(&self, request: Request<pb::UserRef>) -> Reply<pb::StaffCard> {
        directory::get_staff_card(&self.identity, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_mail_addresses(
        &self,
        request: Request<pb::ListMailAddressesRequest>,
    ) -> Reply<pb::ListMailAddressesResponse> {
        directory::list_mail_addresses(&self.identity, request).await
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
        let by = who(request.get_ref().actor.as_ref());
        let call = |r| accounts::set_user_suspended(&self.identity, r);
        self.once(
            request,
            by,
            "identity.set_user_suspended",
            Keep::Answer,
            call,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn issue_enrollment_code(
        &self,
        request: Request<pb::IssueEnrollmentCodeRequest>,
    ) -> Reply<pb::EnrollmentCode> {
        let by = who(request.get_ref().actor.as_ref());
        let call = |r| certificates::issue_enrollment_code(&self.identity, r);
        self.once(
            request,
            by,
            "identity.issue_enrollment_code",
            Keep::Nothing,
            call,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn check_login_id(
        &self,
        request: Request<pb::CheckLoginIdRequest>,
    ) -> Reply<pb::CheckLoginIdResponse> {
        accounts::check_login_id(&self.identity, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn enroll(&self, request: Request<pb::EnrollRequest>) -> Reply<pb::EnrollResponse> {
        // The answer holds the certificate and its key: a repeat is told it was given.
        let call = |r| certificates::enroll(&self.identity, r);
        self.once(request, None, "identity.enroll", Keep::Nothing, call)
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn list_certificates(
        &self,
        request: Request<pb::ListCertificatesRequest>,
    ) -> Reply<pb::ListCertificatesResponse> {
        certificates::list_certificates(&self.identity, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn revoke_certificate(
        &self,
        request: Request<pb::RevokeCertificateRequest>,
    ) -> Reply<pb::Certificate> {
        let by = who(request.get_ref().actor.as_ref());
        let call = |r| certificates::revoke_certificate(&self.identity, r);
        self.once(
            request,
            by,
            "identity.revoke_certificate",
            Keep::Answer,
            call,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn request_certificate(
        &self,
        request: Request<pb::RequestCertificateRequest>,
    ) -> Reply<pb::CertificateRequest> {
        let by = who(request.get_ref().actor.as_ref());
        let call = |r| certificates::request_certificate(&self.identity, r);
        self.once(
            request,
            by,
            "identity.request_certificate",
            Keep::Answer,
            call,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn list_certificate_requests(
        &self,
        request: Request<pb::ListCertificateRequestsRequest>,
    ) -> Reply<pb::ListCertificateRequestsResponse> {
        certificates::list_certificate_requests(&self.identity, request).await
    }

    async fn get_revocations(
        &self,
        request: Request<pb::GetRevocationsRequest>,
    ) -> Reply<pb::GetRevocationsResponse> {
        certificates::get_revocations(&self.identity, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn verify_audit_chain(
        &self,
        request: Request<pb::VerifyAuditChainRequest>,
    ) -> Reply<pb::VerifyAuditChainResponse> {
        audit::verify_audit_chain(&self.identity, request).await
    }

    #[tracing::instrument(skip_all, fields(code_id = %request.get_ref().code_id))]
    async fn get_enrollment_mail(
        &self,
        request: Request<pb::EnrollmentMailRef>,
    ) -> Reply<pb::EnrollmentMail> {
        mail::get(&self.identity, request).await
    }

    #[tracing::instrument(skip_all, fields(code_id = %request.get_ref().code_id))]
    async fn mark_enrollment_mailed(
        &self,
        request: Request<pb::EnrollmentMailRef>,
    ) -> Reply<pb::MarkEnrollmentMailedResponse> {
        mail::mailed(&self.identity, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_office_partners(
        &self,
        request: Request<pb::GetOfficePartnersRequest>,
    ) -> Reply<pb::OfficePartners> {
        partners::get(&self.identity, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_office_partners(
        &self,
        request: Request<pb::SetOfficePartnersRequest>,
    ) -> Reply<pb::OfficePartners> {
        let by = who(request.get_ref().actor.as_ref());
        let call = |r| partners::set(&self.identity, r);
        self.once(
            request,
            by,
            "identity.set_office_partners",
            Keep::Answer,
            call,
        )
        .await
    }
}

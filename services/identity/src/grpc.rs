//! The gRPC surface of identity: decode, call the use case, map errors to a status once.

use crate::domain::{DomainError, Role};
use crate::error::Error;
use crate::service::Identity;
use crate::store::UserRow;
use proto::common::Role as ProtoRole;
use proto::identity as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

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
                DomainError::WeakPassword(_) => Status::invalid_argument("weak_password"),
                DomainError::InvalidLoginId => Status::invalid_argument("invalid_login_id"),
            },
            Error::Invalid(field) => Status::invalid_argument(format!("invalid:{field}")),
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

fn principal(user: &UserRow) -> pb::Principal {
    let role = match Role::parse(&user.role) {
        Some(Role::Staff) => ProtoRole::Staff,
        Some(Role::OfficeAdmin) => ProtoRole::OfficeAdmin,
        Some(Role::Operator) => ProtoRole::Operator,
        None => ProtoRole::Unspecified,
    };
    pb::Principal {
        user_id: user.id.to_string(),
        login_id: user.login_id.clone(),
        name: user.name.clone(),
        office_id: user.office_id.to_string(),
        role: role.into(),
        must_change_password: user.must_change_password,
    }
}

fn serial(cert: Option<&pb::ClientCertificate>) -> Result<&str, Status> {
    cert.map(|c| c.serial.as_str())
        .filter(|s| !s.is_empty() && s.len() <= 64)
        .ok_or_else(|| Status::invalid_argument("invalid:certificate"))
}

#[tonic::async_trait]
impl pb::identity_server::Identity for IdentityGrpc {
    #[tracing::instrument(skip_all)]
    async fn login(
        &self,
        request: Request<pb::LoginRequest>,
    ) -> Result<Response<pb::LoginResponse>, Status> {
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
    ) -> Result<Response<pb::AuthenticateResponse>, Status> {
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
    async fn logout(
        &self,
        request: Request<pb::LogoutRequest>,
    ) -> Result<Response<pb::LogoutResponse>, Status> {
        self.identity
            .logout(&request.into_inner().session_token)
            .await?;
        Ok(Response::new(pb::LogoutResponse {}))
    }

    async fn get_device_ca(
        &self,
        _request: Request<pb::GetDeviceCaRequest>,
    ) -> Result<Response<pb::GetDeviceCaResponse>, Status> {
        Ok(Response::new(pb::GetDeviceCaResponse {
            ca_pem: self.identity.ca_pem().to_owned(),
        }))
    }
}

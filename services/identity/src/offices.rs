//! What identity asks offices, which owns every office's name and address: the office a code is
//! mailed for, and an approved application's first admin. identity never takes either from the
//! gateway's word.

use crate::domain::Role;
use crate::domain::access::Actor;
use common::config::TlsFiles;
use common::grpc::{ChannelError, GrpcOptions, TracePropagation, channel};
use common::ids::{ApplicationId, CertSerial, OfficeId};
use proto::offices as pb;
use proto::offices::offices_client::OfficesClient;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

type Traced = InterceptedService<Channel, TracePropagation>;

#[derive(Debug, thiserror::Error)]
pub enum OfficesError {
    #[error("no such office or application")]
    NotFound,
    #[error("offices unavailable: {0}")]
    Unavailable(String),
}

fn status(e: &tonic::Status) -> OfficesError {
    match e.code() {
        tonic::Code::NotFound | tonic::Code::InvalidArgument => OfficesError::NotFound,
        _ => OfficesError::Unavailable(proto::errors::describe(e)),
    }
}

/// An office as a code's mail names it.
#[derive(Debug, Clone)]
pub struct Office {
    pub id: OfficeId,
    pub name: String,
    pub admin_email: String,
}

/// The first admin of an approved office, as the applicant named them.
#[derive(Debug, Clone)]
pub struct ApprovedAdmin {
    pub office: Office,
    pub login_id: String,
    pub name: String,
    pub kana: String,
}

#[derive(Clone)]
pub struct Offices {
    client: OfficesClient<Traced>,
}

fn proto_actor(actor: &Actor) -> proto::common::Actor {
    let role = match actor.role {
        Role::Staff => proto::common::Role::Staff,
        Role::OfficeAdmin => proto::common::Role::OfficeAdmin,
        Role::Operator => proto::common::Role::Operator,
    };
    proto::common::Actor {
        user_id: actor.user_id.to_string(),
        office_id: actor.office_id.to_string(),
        role: role.into(),
        cert_serial: actor
            .cert_serial
            .as_ref()
            .map(CertSerial::to_string)
            .unwrap_or_default(),
    }
}

fn parsed(raw: &str) -> Result<OfficeId, OfficesError> {
    raw.parse()
        .map_err(|_| OfficesError::Unavailable(format!("offices answered an id {raw:?}")))
}

impl Offices {
    pub fn connect(url: &str, tls: &TlsFiles, grpc: &GrpcOptions) -> Result<Self, ChannelError> {
        Ok(Self {
            client: OfficesClient::with_interceptor(channel(url, tls, grpc)?, TracePropagation),
        })
    }

    /// Asked with the actor's own credentials, so offices applies its rules to them too.
    pub async fn office(&self, actor: &Actor, id: OfficeId) -> Result<Office, OfficesError> {
        let o = self
            .client
            .clone()
            .get_office(pb::GetOfficeRequest {
                actor: Some(proto_actor(actor)),
                office_id: id.to_string(),
            })
            .await
            .map_err(|e| status(&e))?
            .into_inner();
        Ok(Office {
            id: parsed(&o.id)?,
            name: o.name,
            admin_email: o.admin_email,
        })
    }

    /// offices tells this to identity alone, known by its service certificate.
    pub async fn approved_admin(
        &self,
        application: ApplicationId,
    ) -> Result<ApprovedAdmin, OfficesError> {
        let a = self
            .client
            .clone()
            .get_approved_admin(pb::ApprovedAdminRef {
                application_id: application.to_string(),
            })
            .await
            .map_err(|e| status(&e))?
            .into_inner();
        Ok(ApprovedAdmin {
            office: Office {
                id: parsed(&a.office_id)?,
                name: a.office_name,
                admin_email: a.email,
            },
            login_id: a.login_id,
            name: a.name,
            kana: a.kana,
        })
    }
}

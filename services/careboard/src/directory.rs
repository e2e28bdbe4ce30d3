//! Who people are comes from identity (name, profession, status) and offices (office name): the
//! team keeps a copy taken when someone joins, and each post a copy taken when it is written.
//! The use cases ask a [`Directory`]; the service's is [`GrpcDirectory`], identity and offices
//! called over mutual TLS.

use crate::domain::team::Candidate;
use common::config::TlsFiles;
use common::grpc::{ChannelError, GrpcOptions, TracePropagation, channel};
use common::ids::{OfficeId, UserId};
use futures::future::BoxFuture;
use proto::identity::identity_client::IdentityClient;
use proto::offices::offices_client::OfficesClient;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

type Traced = InterceptedService<Channel, TracePropagation>;

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("no such staff member")]
    NotFound,
    #[error("directory unavailable: {0}")]
    Unavailable(String),
}

/// A person as the team shows them.
#[derive(Debug, Clone)]
pub struct Person {
    pub candidate: Candidate,
    pub name: String,
    pub kana: String,
    pub profession: String,
    pub office_id: OfficeId,
    pub office_name: String,
}

/// Who people are, as the use cases ask it. A boxed future keeps it a trait object, so
/// `Careboard` holds any directory without being generic over it.
pub trait Directory: Send + Sync {
    /// Asked with the actor's own credentials, so identity applies its rules to them too.
    fn person<'a>(
        &'a self,
        actor: &'a proto::common::Actor,
        user: UserId,
    ) -> BoxFuture<'a, Result<Person, DirectoryError>>;
}

/// A refusal of identity or offices: a person they do not know (or an id they cannot read) is
/// not found; anything else is the directory failing.
impl From<&tonic::Status> for DirectoryError {
    fn from(e: &tonic::Status) -> Self {
        match e.code() {
            tonic::Code::NotFound | tonic::Code::InvalidArgument => DirectoryError::NotFound,
            _ => DirectoryError::Unavailable(proto::errors::describe(e)),
        }
    }
}

/// identity's `GetStaffCard` and offices' `GetOffice`, over gRPC.
#[derive(Clone)]
pub struct GrpcDirectory {
    identity: IdentityClient<Traced>,
    offices: OfficesClient<Traced>,
}

impl Directory for GrpcDirectory {
    fn person<'a>(
        &'a self,
        actor: &'a proto::common::Actor,
        user: UserId,
    ) -> BoxFuture<'a, Result<Person, DirectoryError>> {
        Box::pin(self.ask(actor, user))
    }
}

impl GrpcDirectory {
    pub fn connect(
        identity: &str,
        offices: &str,
        tls: &TlsFiles,
        grpc: &GrpcOptions,
    ) -> Result<Self, ChannelError> {
        Ok(Self {
            identity: IdentityClient::with_interceptor(
                channel(identity, tls, grpc)?,
                TracePropagation,
            ),
            offices: OfficesClient::with_interceptor(
                channel(offices, tls, grpc)?,
                TracePropagation,
            ),
        })
    }

    async fn ask(
        &self,
        actor: &proto::common::Actor,
        user: UserId,
    ) -> Result<Person, DirectoryError> {
        let card = self
            .identity
            .clone()
            .get_staff_card(proto::identity::UserRef {
                actor: Some(actor.clone()),
                user_id: user.to_string(),
            })
            .await
            .map_err(|e| DirectoryError::from(&e))?
            .into_inner();
        let office = self
            .offices
            .clone()
            .get_office(proto::offices::GetOfficeRequest {
                actor: Some(actor.clone()),
                office_id: card.office_id.clone(),
            })
            .await
            .map_err(|e| DirectoryError::from(&e))?
            .into_inner();
        Ok(Person {
            candidate: Candidate {
                user_id: user,
                status: card
                    .status
                    .try_into()
                    .map_err(|_| DirectoryError::NotFound)?,
            },
            name: card.name,
            kana: card.kana,
            profession: card.profession,
            office_id: card
                .office_id
                .parse()
                .map_err(|_| DirectoryError::NotFound)?,
            office_name: office.name,
        })
    }
}

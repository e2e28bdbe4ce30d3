//! careboard's directory over identity's and offices' use cases, in-process: what identity's
//! `GetStaffCard` and offices' `GetOffice` answer, from the service functions those handlers
//! call, asked with the actor careboard sends and decoded as each service's gRPC edge decodes
//! it. A refusal becomes the status the handler would have sent, read as careboard reads one.

use careboard::directory::{Directory, DirectoryError, Person};
use careboard::domain::team::Candidate;
use common::ids::{OfficeId, UserId};
use futures::future::BoxFuture;
use identity::service::Identity;
use offices::service::Offices;
use std::sync::Arc;

pub struct InProcess {
    pub identity: Arc<Identity>,
    pub offices: Arc<Offices>,
}

/// A service's refusal as its gRPC edge sends it, as careboard's gRPC directory reads it.
fn refused(e: impl Into<tonic::Status>) -> DirectoryError {
    DirectoryError::from(&e.into())
}

/// The actor as identity's RPCs read it.
fn identity_actor(
    a: &proto::common::Actor,
) -> Result<identity::domain::access::Actor, DirectoryError> {
    identity::grpc::actor(Some(a)).map_err(|e| DirectoryError::from(&e))
}

/// The actor as offices' RPCs read it: `GetOffice` refuses a call without one.
fn offices_actor(a: &proto::common::Actor) -> Result<offices::service::Actor, DirectoryError> {
    offices::grpc::actor(Some(a)).map_err(|e| DirectoryError::from(&e))
}

impl InProcess {
    async fn ask(
        &self,
        actor: &proto::common::Actor,
        user: UserId,
    ) -> Result<Person, DirectoryError> {
        let card = self
            .identity
            .staff_card(&identity_actor(actor)?, user)
            .await
            .map_err(refused)?;
        offices_actor(actor)?;
        let office_id: OfficeId = card.office_id;
        let office = self.offices.get(office_id).await.map_err(refused)?;
        Ok(Person {
            candidate: Candidate {
                user_id: user,
                status: card.status,
            },
            name: card.name,
            kana: card.kana,
            profession: card.profession,
            office_id,
            office_name: office.name,
        })
    }
}

impl Directory for InProcess {
    fn person<'a>(
        &'a self,
        actor: &'a proto::common::Actor,
        user: UserId,
    ) -> BoxFuture<'a, Result<Person, DirectoryError>> {
        Box::pin(self.ask(actor, user))
    }
}

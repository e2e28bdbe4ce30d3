//! The gRPC surface of offices: decode, call the use case, map errors to a status once.

use crate::domain::{ActorRole, DomainError};
use crate::error::Error;
use crate::service::{NewOffice, Offices};
use crate::store::OfficeRow;
use proto::common::{Actor, Role};
use proto::offices as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};
use uuid::Uuid;

pub struct OfficesGrpc {
    offices: Arc<Offices>,
}

impl OfficesGrpc {
    #[must_use]
    pub fn new(offices: Arc<Offices>) -> Self {
        Self { offices }
    }
}

impl From<Error> for Status {
    fn from(e: Error) -> Self {
        match e {
            Error::Domain(DomainError::Invalid(field)) => {
                Status::invalid_argument(format!("invalid:{field}"))
            }
            Error::Domain(DomainError::Forbidden) => Status::permission_denied("forbidden"),
            Error::Domain(DomainError::NotFound) => Status::not_found("not_found"),
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

fn role(actor: Option<&Actor>) -> Result<ActorRole, Status> {
    match actor.map(Actor::role) {
        Some(Role::Staff) => Ok(ActorRole::Staff),
        Some(Role::OfficeAdmin) => Ok(ActorRole::OfficeAdmin),
        Some(Role::Operator) => Ok(ActorRole::Operator),
        _ => Err(Status::unauthenticated("no_actor")),
    }
}

fn office(row: OfficeRow) -> pb::Office {
    pb::Office {
        id: row.id.to_string(),
        name: row.name,
        kind: row.kind,
        admin_email: row.admin_email,
        status: row.status,
        created_at: row.created_at.to_rfc3339(),
    }
}

#[tonic::async_trait]
impl pb::offices_server::Offices for OfficesGrpc {
    #[tracing::instrument(skip_all)]
    async fn register_office(
        &self,
        request: Request<pb::RegisterOfficeRequest>,
    ) -> Result<Response<pb::Office>, Status> {
        let req = request.into_inner();
        let role = role(req.actor.as_ref())?;
        let new = NewOffice {
            name: &req.name,
            kind: &req.kind,
            admin_email: &req.admin_email,
        };
        let row = self.offices.register(role, &new).await?;
        Ok(Response::new(office(row)))
    }

    #[tracing::instrument(skip_all)]
    async fn get_office(
        &self,
        request: Request<pb::GetOfficeRequest>,
    ) -> Result<Response<pb::Office>, Status> {
        let req = request.into_inner();
        role(req.actor.as_ref())?;
        let id: Uuid = req
            .office_id
            .parse()
            .map_err(|_| Status::invalid_argument("invalid:office_id"))?;
        let mut row = self.offices.get(id).await?;
        // Only the operator sees where the city writes to an office.
        if req.actor.as_ref().map(Actor::role) != Some(Role::Operator) {
            row.admin_email.clear();
        }
        Ok(Response::new(office(row)))
    }

    #[tracing::instrument(skip_all)]
    async fn list_offices(
        &self,
        request: Request<pb::ListOfficesRequest>,
    ) -> Result<Response<pb::ListOfficesResponse>, Status> {
        let role = role(request.get_ref().actor.as_ref())?;
        let rows = self.offices.list(role).await?;
        Ok(Response::new(pb::ListOfficesResponse {
            offices: rows.into_iter().map(office).collect(),
        }))
    }
}

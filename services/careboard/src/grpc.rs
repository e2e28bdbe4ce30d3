//! The gRPC surface of careboard: decode, call the use case, map errors to a status once.

use crate::domain::{Actor, DomainError};
use crate::error::Error;
use crate::service::Careboard;
use proto::careboard as pb;
use proto::common::Role;
use std::sync::Arc;
use tonic::{Request, Response, Status};

pub struct CareboardGrpc {
    careboard: Arc<Careboard>,
}

impl CareboardGrpc {
    #[must_use]
    pub fn new(careboard: Arc<Careboard>) -> Self {
        Self { careboard }
    }
}

impl From<Error> for Status {
    fn from(e: Error) -> Self {
        match e {
            Error::Domain(DomainError::Forbidden) => Status::permission_denied("forbidden"),
            Error::Store(e) => {
                tracing::error!(error = %e, "store failure");
                Status::unavailable("unavailable")
            }
        }
    }
}

fn actor(actor: Option<&proto::common::Actor>) -> Result<Actor, Status> {
    let a = actor.ok_or_else(|| Status::unauthenticated("no_actor"))?;
    let bad = || Status::unauthenticated("no_actor");
    Ok(Actor {
        user_id: a.user_id.parse().map_err(|_| bad())?,
        is_operator: a.role() == Role::Operator,
    })
}

#[tonic::async_trait]
impl pb::careboard_server::Careboard for CareboardGrpc {
    #[tracing::instrument(skip_all)]
    async fn list_my_recipients(
        &self,
        request: Request<pb::ListMyRecipientsRequest>,
    ) -> Result<Response<pb::ListMyRecipientsResponse>, Status> {
        let actor = actor(request.get_ref().actor.as_ref())?;
        let rows = self.careboard.my_recipients(&actor).await?;
        Ok(Response::new(pb::ListMyRecipientsResponse {
            recipients: rows
                .into_iter()
                .map(|r| pb::RecipientSummary {
                    id: r.id.to_string(),
                    display_name: r.display_name,
                    unread_posts: 0,
                })
                .collect(),
        }))
    }
}

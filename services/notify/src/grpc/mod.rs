//! The gRPC surface of notify: decode, read, map errors to a status once. Only the gateway
//! calls it, to show undelivered mail.

use crate::domain::access::{self, Scope};
use crate::store::Store;
use proto::notify as pb;
use tonic::{Request, Response, Status};

mod convert;
mod decode;

pub struct NotifyGrpc {
    store: Store,
    /// `MAIL_FROM`'s domain, for the pages' advice on mobile carriers' filters.
    sender_domain: String,
}

impl NotifyGrpc {
    #[must_use]
    pub fn new(store: Store, sender_domain: String) -> Self {
        Self {
            store,
            sender_domain,
        }
    }

    fn reply(&self, rows: Vec<crate::store::UndeliveredRow>) -> pb::ListUndeliveredResponse {
        pb::ListUndeliveredResponse {
            mails: rows.into_iter().map(convert::mail).collect(),
            sender_domain: self.sender_domain.clone(),
        }
    }
}

type Reply<T> = Result<Response<T>, Status>;

fn scope(request: &Request<pb::ListUndeliveredRequest>) -> Result<Scope, Status> {
    let peer = decode::peer_common_name(request);
    let reader = decode::reader(request.get_ref().actor.as_ref())?;
    Ok(access::scope(peer.as_deref(), reader)?)
}

#[tonic::async_trait]
impl pb::notify_server::Notify for NotifyGrpc {
    #[tracing::instrument(skip_all)]
    async fn list_undelivered(
        &self,
        request: Request<pb::ListUndeliveredRequest>,
    ) -> Reply<pb::ListUndeliveredResponse> {
        let scope = scope(&request)?;
        Ok(Response::new(
            self.reply(self.store.undelivered(scope).await?),
        ))
    }

    #[tracing::instrument(skip_all)]
    async fn list_bouncing_addresses(
        &self,
        request: Request<pb::ListUndeliveredRequest>,
    ) -> Reply<pb::ListUndeliveredResponse> {
        let scope = scope(&request)?;
        Ok(Response::new(self.reply(self.store.bouncing(scope).await?)))
    }
}

//! The gRPC clients of the services, each carrying the caller's trace context.

use common::config::TlsFiles;
use common::grpc::{ChannelError, TracePropagation, channel};
use proto::careboard::careboard_client::CareboardClient;
use proto::identity::identity_client::IdentityClient;
use proto::offices::offices_client::OfficesClient;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

pub type Traced = InterceptedService<Channel, TracePropagation>;

#[derive(Clone)]
pub struct Clients {
    pub identity: IdentityClient<Traced>,
    pub offices: OfficesClient<Traced>,
    pub careboard: CareboardClient<Traced>,
}

impl Clients {
    pub fn connect(
        identity: &str,
        offices: &str,
        careboard: &str,
        tls: &TlsFiles,
    ) -> Result<Self, ChannelError> {
        Ok(Self {
            identity: IdentityClient::with_interceptor(channel(identity, tls)?, TracePropagation),
            offices: OfficesClient::with_interceptor(channel(offices, tls)?, TracePropagation),
            careboard: CareboardClient::with_interceptor(
                channel(careboard, tls)?,
                TracePropagation,
            ),
        })
    }
}

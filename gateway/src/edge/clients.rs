//! The gRPC clients of the services, each carrying the caller's trace context.

use common::config::TlsFiles;
use common::grpc::{ChannelError, GrpcOptions, TracePropagation, channel};
use proto::careboard::board_files_client::BoardFilesClient;
use proto::careboard::careboard_client::CareboardClient;
use proto::identity::identity_client::IdentityClient;
use proto::notify::notify_client::NotifyClient;
use proto::offices::offices_client::OfficesClient;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

pub type Traced = InterceptedService<Channel, TracePropagation>;

/// How long one upload or download of a board file may take.
const FILE_DEADLINE: std::time::Duration = std::time::Duration::from_mins(10);

#[derive(Clone)]
pub struct Clients {
    pub identity: IdentityClient<Traced>,
    pub offices: OfficesClient<Traced>,
    pub careboard: CareboardClient<Traced>,
    /// Board files, streamed both ways.
    pub board_files: BoardFilesClient<Traced>,
    /// Undelivered mail, for the operator's and office admins' pages.
    pub notify: NotifyClient<Traced>,
}

/// Where each service listens.
pub struct Urls<'a> {
    pub identity: &'a str,
    pub offices: &'a str,
    pub careboard: &'a str,
    pub notify: &'a str,
}

impl Clients {
    /// Every channel has keepalive and a deadline on each call (`GrpcOptions`); the services end
    /// connections at their maximum age, so a channel to a Service's address reaches the
    /// replicas added since it first connected.
    pub fn connect(
        urls: &Urls<'_>,
        tls: &TlsFiles,
        grpc: &GrpcOptions,
    ) -> Result<Self, ChannelError> {
        let open = |url: &str| channel(url, tls, grpc);
        Ok(Self {
            identity: IdentityClient::with_interceptor(open(urls.identity)?, TracePropagation),
            offices: OfficesClient::with_interceptor(open(urls.offices)?, TracePropagation),
            careboard: CareboardClient::with_interceptor(open(urls.careboard)?, TracePropagation),
            // A phone on a weak signal takes minutes over 10 MB: the calls' bound is the
            // transfer's, not a query's.
            board_files: BoardFilesClient::with_interceptor(
                channel(
                    urls.careboard,
                    tls,
                    &GrpcOptions {
                        deadline: FILE_DEADLINE,
                        ..*grpc
                    },
                )?,
                TracePropagation,
            ),
            notify: NotifyClient::with_interceptor(open(urls.notify)?, TracePropagation),
        })
    }
}

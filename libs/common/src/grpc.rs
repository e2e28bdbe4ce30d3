//! gRPC wiring shared by servers and clients: TLS, trace propagation, the per-request span and
//! the request metrics.

pub mod metrics;

use crate::config::TlsFiles;
use crate::tls::{TlsError, client_config};
use tonic::service::Interceptor;
use tonic::transport::{Channel, Endpoint};

#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error("invalid service URL {url}: {reason}")]
    Url { url: String, reason: String },
    #[error(transparent)]
    Tls(#[from] TlsError),
}

/// A lazily connected channel to `url` (`https://host:port`), verified against the internal CA
/// with the host as the expected certificate name.
pub fn channel(url: &str, tls: &TlsFiles) -> Result<Channel, ChannelError> {
    let bad = |reason: String| ChannelError::Url {
        url: url.to_owned(),
        reason,
    };
    let uri: http::Uri = url
        .parse()
        .map_err(|e: http::uri::InvalidUri| bad(e.to_string()))?;
    let host = uri.host().ok_or_else(|| bad("no host".into()))?.to_owned();
    let endpoint = Endpoint::from_shared(url.to_owned())
        .map_err(|e| bad(e.to_string()))?
        .connect_timeout(std::time::Duration::from_secs(3))
        .tls_config(client_config(tls, &host)?)
        .map_err(|e| bad(e.to_string()))?;
    Ok(endpoint.connect_lazy())
}

/// Carries the caller's trace context, and the idempotency key of the request being handled (see
/// `idempotency::scope`), in the request metadata.
#[derive(Debug, Clone, Copy, Default)]
pub struct TracePropagation;

impl Interceptor for TracePropagation {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        crate::telemetry::inject_metadata(request.metadata_mut());
        crate::idempotency::inject(request.metadata_mut());
        Ok(request)
    }
}

/// The span of one incoming gRPC call, child of the caller's trace. Used as tonic's `trace_fn`.
pub fn request_span(request: &http::Request<()>) -> tracing::Span {
    let span = tracing::info_span!(
        "grpc",
        rpc = %request.uri().path(),
        trace_id = tracing::field::Empty
    );
    crate::telemetry::set_parent_from_headers(&span, request.headers());
    span
}

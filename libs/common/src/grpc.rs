//! gRPC wiring shared by servers and clients: TLS, trace propagation, the per-request span and
//! the request metrics.

pub mod metrics;
pub mod peer;

use crate::config::{ConfigError, TlsFiles, Vars};
use crate::tls::{Reloading, TlsError};
use std::time::Duration;
use tonic::service::Interceptor;
use tonic::transport::{Channel, Endpoint};

#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error("invalid service URL {url}: {reason}")]
    Url { url: String, reason: String },
    #[error(transparent)]
    Tls(#[from] TlsError),
}

/// How gRPC connections behave under scaling and loss, the same for every client and server:
/// `GRPC_DEADLINE_MS` bounds every call, HTTP/2 pings every `GRPC_KEEPALIVE_SECS` find a peer
/// that vanished (a lost node never answers, never closes), and servers end each connection
/// after `GRPC_MAX_CONNECTION_AGE_SECS` so clients connect again and reach replicas added since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrpcOptions {
    pub deadline: Duration,
    pub keepalive: Duration,
    pub max_connection_age: Duration,
}

impl Default for GrpcOptions {
    fn default() -> Self {
        Self {
            // Above the 15 s a repeated request may wait for the first one (idempotency keys).
            deadline: Duration::from_secs(20),
            keepalive: Duration::from_secs(10),
            max_connection_age: Duration::from_mins(5),
        }
    }
}

impl GrpcOptions {
    pub fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        let default = Self::default();
        let positive = |name: &str, value: u64| {
            if value == 0 {
                Err(ConfigError::Invalid {
                    name: name.to_owned(),
                    reason: "must be more than 0".into(),
                })
            } else {
                Ok(value)
            }
        };
        let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Ok(Self {
            deadline: Duration::from_millis(positive(
                "GRPC_DEADLINE_MS",
                vars.parse_or("GRPC_DEADLINE_MS", millis(default.deadline))?,
            )?),
            keepalive: Duration::from_secs(positive(
                "GRPC_KEEPALIVE_SECS",
                vars.parse_or("GRPC_KEEPALIVE_SECS", default.keepalive.as_secs())?,
            )?),
            max_connection_age: Duration::from_secs(positive(
                "GRPC_MAX_CONNECTION_AGE_SECS",
                vars.parse_or(
                    "GRPC_MAX_CONNECTION_AGE_SECS",
                    default.max_connection_age.as_secs(),
                )?,
            )?),
        })
    }

    /// A server with these keepalive and connection-age settings; the caller adds TLS and
    /// services. A connection past its age gets a GOAWAY: calls under way finish, new ones go
    /// to a fresh connection, wherever the client's balancer sends it. No
    /// `max_connection_age_grace`: with one, tonic drops the connection at age + grace without
    /// any GOAWAY, cutting the calls on it.
    #[must_use]
    pub fn server(&self) -> tonic::transport::Server {
        tonic::transport::Server::builder()
            .http2_keepalive_interval(Some(self.keepalive))
            .http2_keepalive_timeout(Some(self.keepalive))
            .max_connection_age(self.max_connection_age)
    }
}

/// A lazily connected channel to `url` (`https://host:port`), verified against the internal CA
/// with the host as the expected certificate name; every call on it has `options.deadline`.
/// Each connection reads the certificate files as they are then, so a renewed certificate is
/// presented from the next connection on.
pub fn channel(url: &str, tls: &TlsFiles, options: &GrpcOptions) -> Result<Channel, ChannelError> {
    let bad = |reason: String| ChannelError::Url {
        url: url.to_owned(),
        reason,
    };
    let uri: http::Uri = url
        .parse()
        .map_err(|e: http::uri::InvalidUri| bad(e.to_string()))?;
    if uri.scheme_str() != Some("https") {
        return Err(bad("must be https://".into()));
    }
    let host = uri.host().ok_or_else(|| bad("no host".into()))?;
    // The connector makes the TLS connection itself; tonic is told plain HTTP/2 so that it does
    // not try to add its own.
    let plain = format!("http://{host}:{}", uri.port_u16().unwrap_or(443));
    let endpoint = Endpoint::from_shared(plain)
        .map_err(|e| bad(e.to_string()))?
        .origin(uri.clone())
        .connect_timeout(Duration::from_secs(3))
        .timeout(options.deadline)
        .http2_keep_alive_interval(options.keepalive)
        .keep_alive_timeout(options.keepalive)
        .keep_alive_while_idle(true);
    Ok(endpoint.connect_with_connector_lazy(crate::tls::connector(Reloading::client(tls)?)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_read_and_zero_is_refused() {
        let vars = Vars::from_pairs([
            ("GRPC_DEADLINE_MS", "2500"),
            ("GRPC_MAX_CONNECTION_AGE_SECS", "1"),
        ]);
        let options = GrpcOptions::from_vars(&vars).unwrap();
        assert_eq!(options.deadline, Duration::from_millis(2500));
        assert_eq!(options.keepalive, GrpcOptions::default().keepalive);
        assert_eq!(options.max_connection_age, Duration::from_secs(1));
        let zero = Vars::from_pairs([("GRPC_KEEPALIVE_SECS", "0")]);
        assert!(GrpcOptions::from_vars(&zero).is_err());
    }
}

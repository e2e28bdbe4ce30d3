//! Prometheus metrics served on the admin port, named `renrakucho_<area>_<what>`.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResultLabel {
    pub result: &'static str,
}

pub type ResultCounter = Family<ResultLabel, Counter>;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ConsumerLabel {
    pub consumer: String,
}

/// An HTTP answer by method and status class (`2xx`…`5xx`): the route is left out so that ids
/// in paths never become label values.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabel {
    pub method: String,
    pub status: &'static str,
}

/// A gRPC call by full method path (`/package.Service/Method`) and status code name (`Ok`,
/// `NotFound`…).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct GrpcLabel {
    pub method: String,
    pub code: String,
}

/// What a certificate is for: `grpc` (the service's own, served and presented), `https` (the
/// gateway's browser-facing one).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CertificateLabel {
    pub purpose: &'static str,
}

/// Seconds, from a millisecond to ten seconds.
fn latency_buckets() -> impl Iterator<Item = f64> {
    prometheus_client::metrics::histogram::exponential_buckets(0.001, 2.0, 14)
}

/// The metrics every binary has, plus the registry a service adds its own to.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Mutex<Registry>>,
    pub outbox_published: Counter,
    pub outbox_backlog: Gauge,
    pub events_consumed: Family<ResultLabel, Counter>,
    /// Events in the stream a consumer has not yet been handed (its lag).
    pub events_pending: Family<ConsumerLabel, Gauge>,
    pub http_requests: Family<HttpLabel, Counter>,
    pub http_duration: Histogram,
    pub grpc_requests: Family<GrpcLabel, Counter>,
    pub grpc_duration: Histogram,
    /// When each certificate in use stops being valid, in Unix seconds: renewed in place, it
    /// moves on; stuck, the alert sees it coming.
    pub tls_not_after: Family<CertificateLabel, Gauge>,
}

impl Metrics {
    #[must_use]
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("renrakucho");
        let outbox_published = Counter::default();
        let outbox_backlog = Gauge::default();
        let events_consumed = Family::<ResultLabel, Counter>::default();
        let events_pending = Family::<ConsumerLabel, Gauge>::default();
        let http_requests = Family::<HttpLabel, Counter>::default();
        let http_duration = Histogram::new(latency_buckets());
        let grpc_requests = Family::<GrpcLabel, Counter>::default();
        let grpc_duration = Histogram::new(latency_buckets());
        let tls_not_after = Family::<CertificateLabel, Gauge>::default();
        registry.register(
            "tls_certificate_not_after_timestamp_seconds",
            "When the certificate in use expires (Unix seconds), by purpose",
            tls_not_after.clone(),
        );
        registry.register(
            "outbox_published",
            "Events relayed from the outbox to JetStream",
            outbox_published.clone(),
        );
        registry.register(
            "outbox_backlog",
            "Events in the outbox not yet acknowledged by JetStream",
            outbox_backlog.clone(),
        );
        registry.register(
            "events_consumed",
            "Events handled by this service's consumers, by result",
            events_consumed.clone(),
        );
        registry.register(
            "events_pending",
            "Events a durable consumer has not been handed yet",
            events_pending.clone(),
        );
        registry.register(
            "http_requests",
            "HTTP requests answered, by method and status class",
            http_requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            http_duration.clone(),
        );
        registry.register(
            "grpc_requests",
            "gRPC calls answered, by method and status code",
            grpc_requests.clone(),
        );
        registry.register(
            "grpc_request_duration_seconds",
            "Time to answer a gRPC call",
            grpc_duration.clone(),
        );
        Self {
            registry: Arc::new(Mutex::new(registry)),
            outbox_published,
            outbox_backlog,
            events_consumed,
            events_pending,
            http_requests,
            http_duration,
            grpc_requests,
            grpc_duration,
            tls_not_after,
        }
    }

    /// A counter by result (`sent`, `failed`…) of the service's own, under the common prefix.
    #[must_use]
    pub fn result_counter(&self, name: &str, help: &str) -> ResultCounter {
        let counter = ResultCounter::default();
        self.register(name, help, counter.clone());
        counter
    }

    /// Adds a service's own metric under the common prefix.
    pub fn register(
        &self,
        name: &str,
        help: &str,
        metric: impl prometheus_client::registry::Metric,
    ) {
        self.registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .register(name, help, metric);
    }

    #[must_use]
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let registry = self
            .registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &registry) {
            tracing::error!(error = %e, "metrics encoding failed");
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// `2xx`, `3xx`, `4xx` or `5xx`.
#[must_use]
pub fn status_class(status: u16) -> &'static str {
    match status {
        0..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

//! OTLP export of the metrics `/metrics` serves, for clusters that collect over OTLP rather than
//! scrape. One registry feeds both, so the two never disagree. Pushed every
//! `OTEL_METRIC_EXPORT_INTERVAL` milliseconds to the OTLP endpoint, and once more at shutdown so
//! the last interval is not lost.

mod convert;

use crate::clock::{Clock, SystemClock};
use crate::metrics::Metrics;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_client::MetricsServiceClient;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{ResourceMetrics, ScopeMetrics};
use opentelemetry_proto::tonic::resource::v1::Resource;
use std::sync::OnceLock;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub use convert::{Times, to_otlp};

/// Where and how often this process pushes its metrics.
#[derive(Clone, Debug)]
pub struct MetricsPush {
    pub endpoint: String,
    pub service: &'static str,
    pub interval: Duration,
}

static CONFIGURED: OnceLock<MetricsPush> = OnceLock::new();

/// Set once, by telemetry's init, from the environment.
pub(crate) fn configure(push: MetricsPush) {
    let _ = CONFIGURED.set(push);
}

/// The push this process was configured with, if any.
#[must_use]
pub fn configured() -> Option<&'static MetricsPush> {
    CONFIGURED.get()
}

fn now_nanos() -> u64 {
    SystemClock
        .now()
        .timestamp_nanos_opt()
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or_default()
}

impl MetricsPush {
    /// Pushes until `shutdown`, then once more. A collector that is away costs a warning per
    /// interval, never the process.
    pub async fn run(&self, metrics: Metrics, shutdown: CancellationToken) {
        let channel = match tonic::transport::Endpoint::from_shared(self.endpoint.clone()) {
            Ok(endpoint) => endpoint.timeout(Duration::from_secs(10)).connect_lazy(),
            Err(e) => {
                tracing::error!(error = %e, "OTLP metrics endpoint is not a URI; not exporting");
                return;
            }
        };
        let mut client = MetricsServiceClient::new(channel);
        let start = now_nanos();
        let mut ticks = tokio::time::interval(self.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            let last = tokio::select! {
                () = shutdown.cancelled() => true,
                _ = ticks.tick() => false,
            };
            let request = self.request(&metrics, start);
            if let Err(status) = client.export(request).await {
                tracing::warn!(code = ?status.code(), message = status.message(), "OTLP metrics export failed");
            }
            if last {
                return;
            }
        }
    }

    fn request(&self, metrics: &Metrics, start: u64) -> ExportMetricsServiceRequest {
        let times = Times {
            start,
            now: now_nanos(),
        };
        let service_name = KeyValue {
            key: "service.name".into(),
            value: Some(AnyValue {
                value: Some(any_value::Value::StringValue(self.service.into())),
            }),
            ..KeyValue::default()
        };
        ExportMetricsServiceRequest {
            resource_metrics: vec![ResourceMetrics {
                resource: Some(Resource {
                    attributes: vec![service_name],
                    ..Resource::default()
                }),
                scope_metrics: vec![ScopeMetrics {
                    scope: Some(InstrumentationScope {
                        name: "renrakucho".into(),
                        version: env!("CARGO_PKG_VERSION").into(),
                        ..InstrumentationScope::default()
                    }),
                    metrics: to_otlp(&metrics.encode(), times),
                    schema_url: String::new(),
                }],
                schema_url: String::new(),
            }],
        }
    }
}

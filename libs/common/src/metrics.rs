//! Prometheus metrics served on the admin port, named `renrakucho_<area>_<what>`.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResultLabel {
    pub result: &'static str,
}

/// The metrics every binary has, plus the registry a service adds its own to.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Mutex<Registry>>,
    pub outbox_published: Counter,
    pub outbox_backlog: Gauge,
    pub events_consumed: Family<ResultLabel, Counter>,
}

impl Metrics {
    #[must_use]
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("renrakucho");
        let outbox_published = Counter::default();
        let outbox_backlog = Gauge::default();
        let events_consumed = Family::<ResultLabel, Counter>::default();
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
        Self {
            registry: Arc::new(Mutex::new(registry)),
            outbox_published,
            outbox_backlog,
            events_consumed,
        }
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

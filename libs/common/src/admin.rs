//! The admin port: `/healthz` (the process is alive), `/readyz` (its database and NATS answer),
//! `/metrics` (Prometheus text). Plain HTTP, for probes and scrapers inside the cluster. The same
//! metrics are pushed over OTLP alongside, when telemetry was configured to.

use crate::metrics::Metrics;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;
use tokio_util::sync::CancellationToken;

/// A readiness condition of the binary's own (the gateway's revocation list, for one).
pub type Check = std::sync::Arc<dyn Fn() -> Result<(), &'static str> + Send + Sync>;

/// A readiness condition that must ask something over the network (a service's database);
/// each probe is given two seconds.
pub type Probe = std::sync::Arc<
    dyn Fn() -> futures::future::BoxFuture<'static, Result<(), &'static str>> + Send + Sync,
>;

/// What must answer for the process to take traffic.
#[derive(Clone, Default)]
pub struct Readiness {
    pub check: Option<Check>,
    pub probes: Vec<Probe>,
    pub nats: Option<async_nats::Client>,
}

impl Readiness {
    pub async fn check(&self) -> Result<(), &'static str> {
        if let Some(check) = &self.check {
            check()?;
        }
        for probe in &self.probes {
            match tokio::time::timeout(std::time::Duration::from_secs(2), probe()).await {
                Ok(answer) => answer?,
                Err(_) => return Err("probe timed out"),
            }
        }
        if let Some(nats) = &self.nats
            && nats.connection_state() != async_nats::connection::State::Connected
        {
            return Err("nats unreachable");
        }
        Ok(())
    }
}

#[derive(Clone)]
struct AdminState {
    readiness: Readiness,
    metrics: Metrics,
}

pub async fn serve(
    addr: SocketAddr,
    readiness: Readiness,
    metrics: Metrics,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .with_state(AdminState {
            readiness,
            metrics: metrics.clone(),
        });
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "admin endpoints listening");
    let push = crate::otlp_metrics::configured()
        .map(|push| tokio::spawn(push.run(metrics, shutdown.clone())));
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await;
    if let Some(push) = push {
        let _ = push.await;
    }
    served
}

async fn readyz(State(state): State<AdminState>) -> impl IntoResponse {
    match state.readiness.check().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, why),
    }
}

async fn metrics_text(State(state): State<AdminState>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
}

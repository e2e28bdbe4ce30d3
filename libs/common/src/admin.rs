//! The admin port: `/healthz` (the process is alive), `/readyz` (it can serve a request now),
//! `/metrics` (Prometheus text). Plain HTTP, for probes and scrapers inside the cluster. The same
//! metrics are pushed over OTLP alongside, when telemetry was configured to.
//!
//! The port opens first, before the database, migrations or any peer: a process that waits for
//! them answers `/healthz` (so a startup probe does not kill it) and says on `/readyz` what it is
//! waiting for. NATS is never a readiness condition: writes wait in the outbox while it is away.

use crate::metrics::Metrics;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::{Arc, PoisonError, RwLock};
use tokio_util::sync::CancellationToken;

/// A readiness condition of the binary's own (the gateway's revocation list, for one).
pub type Check = Arc<dyn Fn() -> Result<(), &'static str> + Send + Sync>;

/// A readiness condition that must ask something over the network (a service's database);
/// each probe is given two seconds.
pub type Probe =
    Arc<dyn Fn() -> futures::future::BoxFuture<'static, Result<(), &'static str>> + Send + Sync>;

#[derive(Clone)]
enum Stage {
    /// Still starting: what it waits for.
    Starting(&'static str),
    /// Serving, while these hold.
    Serving {
        check: Option<Check>,
        probes: Vec<Probe>,
    },
}

/// What must hold for the process to take traffic; shared by the admin port and the start-up
/// that moves it from one stage to the next.
#[derive(Clone)]
pub struct Readiness(Arc<RwLock<Stage>>);

impl Readiness {
    /// Not ready yet, waiting for `what` (shown on `/readyz`).
    #[must_use]
    pub fn starting(what: &'static str) -> Self {
        Self(Arc::new(RwLock::new(Stage::Starting(what))))
    }

    /// Still starting, now waiting for `what`.
    pub fn waiting_for(&self, what: &'static str) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = Stage::Starting(what);
    }

    /// Started: ready whenever `check` and every probe answer.
    pub fn serving(&self, check: Option<Check>, probes: Vec<Probe>) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = Stage::Serving { check, probes };
    }

    pub async fn check(&self) -> Result<(), &'static str> {
        let stage = self
            .0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let (check, probes) = match stage {
            Stage::Starting(what) => return Err(what),
            Stage::Serving { check, probes } => (check, probes),
        };
        if let Some(check) = &check {
            check()?;
        }
        for probe in &probes {
            match tokio::time::timeout(std::time::Duration::from_secs(2), probe()).await {
                Ok(answer) => answer?,
                Err(_) => return Err("probe timed out"),
            }
        }
        Ok(())
    }
}

#[derive(Clone)]
struct AdminState {
    readiness: Readiness,
    metrics: Metrics,
}

/// Opens the admin port (failing at once if it cannot be bound) and serves it until shutdown.
pub async fn start(
    addr: SocketAddr,
    readiness: Readiness,
    metrics: Metrics,
    shutdown: CancellationToken,
) -> std::io::Result<tokio::task::JoinHandle<std::io::Result<()>>> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "admin endpoints listening");
    Ok(tokio::spawn(serve(listener, readiness, metrics, shutdown)))
}

async fn serve(
    listener: tokio::net::TcpListener,
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

//! careboard: recipients, consent, teams and the shared board.

mod domain;
mod error;
mod events;
mod grpc;
mod service;
mod store;

use anyhow::Context;
use common::config::{ServiceConfig, Vars};
use std::sync::Arc;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let vars = Vars::from_process();
    let telemetry = common::telemetry::init("careboard", &vars)?;
    let result = serve(&vars).await;
    if let Err(e) = &result {
        tracing::error!(error = format!("{e:#}"), "careboard stopped");
    }
    telemetry.shutdown();
    result
}

async fn serve(vars: &Vars) -> anyhow::Result<()> {
    let cfg = ServiceConfig::from_vars(vars)?;
    let pool = common::db::connect(&cfg.database_url, 10)
        .await
        .context("database")?;
    common::db::migrate(&pool, &MIGRATOR)
        .await
        .context("migrations")?;
    let shutdown = common::shutdown::on_signal();
    let metrics = common::metrics::Metrics::new();
    let nats = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connect(&cfg.nats_url)
        .await
        .context("nats")?;
    let relay = common::outbox::OutboxRelay::new(
        pool.clone(),
        async_nats::jetstream::new(nats.clone()),
        metrics.clone(),
    );
    let relay_task = tokio::spawn(relay.run(shutdown.clone()));
    let careboard = Arc::new(service::Careboard::new(store::Store::new(pool.clone())));
    let readiness = common::admin::Readiness {
        check: None,
        database: Some(pool),
        nats: Some(nats),
    };
    let admin = tokio::spawn(common::admin::serve(
        cfg.admin_addr,
        readiness,
        metrics,
        shutdown.clone(),
    ));

    tracing::info!(addr = %cfg.grpc_addr, "careboard gRPC listening");
    tonic::transport::Server::builder()
        .tls_config(common::tls::server_config(&cfg.tls)?)?
        .trace_fn(common::grpc::request_span)
        .add_service(proto::careboard::careboard_server::CareboardServer::new(
            grpc::CareboardGrpc::new(careboard),
        ))
        .serve_with_shutdown(cfg.grpc_addr, shutdown.clone().cancelled_owned())
        .await?;
    shutdown.cancel();
    let _ = relay_task.await;
    admin.await??;
    Ok(())
}

//! careboard: recipients, consent, teams and the shared board.

mod domain;
mod error;
mod events;
mod grpc;
mod service;
mod store;

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
    let rt = common::runtime::Runtime::start(
        &cfg.database_url,
        &cfg.nats_url,
        cfg.admin_addr,
        &MIGRATOR,
    )
    .await?;
    let careboard = Arc::new(service::Careboard::new(store::Store::new(rt.pool.clone())));
    tracing::info!(addr = %cfg.grpc_addr, "careboard gRPC listening");
    tonic::transport::Server::builder()
        .tls_config(common::tls::server_config(&cfg.tls)?)?
        .trace_fn(common::grpc::request_span)
        .add_service(proto::careboard::careboard_server::CareboardServer::new(
            grpc::CareboardGrpc::new(careboard),
        ))
        .serve_with_shutdown(cfg.grpc_addr, rt.shutdown.clone().cancelled_owned())
        .await?;
    rt.finish().await?;
    Ok(())
}

//! careboard: recipients, consent, teams and the shared board.

pub mod config;
pub mod directory;
pub mod domain;
pub mod error;
pub mod events;
pub mod files;
pub mod grpc;
pub mod service;
pub mod store;

use common::clock::{SharedClock, SystemClock};
use common::config::Vars;
use service_runtime::config::ServiceConfig;
use std::sync::Arc;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

pub async fn serve(vars: &Vars) -> anyhow::Result<()> {
    let cfg = ServiceConfig::from_vars(vars)?;
    let mut rt = service_runtime::runtime::Runtime::start(
        "careboard",
        &cfg.database_url,
        &cfg.nats,
        cfg.admin_addr,
        &MIGRATOR,
    )
    .await?;
    let directory = Arc::new(directory::GrpcDirectory::connect(
        &vars.required("IDENTITY_URL")?,
        &vars.required("OFFICES_URL")?,
        &cfg.tls,
        &cfg.grpc,
    )?);
    let clock: SharedClock = Arc::new(SystemClock);
    let store = store::Store::new(rt.pool.clone());
    let (bounds, grace, rebuilds) = config::files(vars)?;
    let objects = files::objects::Objects::from_vars(vars)?;
    let shelf = service::Shelf::new(objects, bounds, grace, rebuilds);
    let careboard = Arc::new(
        service::Careboard::new(store.clone(), directory, clock, rt.relay_waker(), shelf)
            .with_correction_window(config::correction_window(vars)?)
            .with_export_by(config::export_by(vars)?),
    );
    rt.spawn(service::sweep_files_forever(
        careboard.clone(),
        rt.shutdown.clone(),
    ));
    rt.spawn(service::index_pending_posts(
        store.clone(),
        rt.shutdown.clone(),
    ));
    rt.spawn(common::events::consume_forever(
        rt.jetstream(),
        events::IDENTITY_CONSUMER,
        &events::IDENTITY_SUBJECTS,
        rt.metrics.clone(),
        rt.shutdown.clone(),
        move |e| {
            let store = store.clone();
            async move { events::user_status_changed(&store, e).await }
        },
    ));
    let incoming = rt.grpc_listener(cfg.grpc_addr, &cfg.tls)?;
    cfg.grpc
        .server()
        .trace_fn(common::grpc::request_span)
        .layer(common::grpc::metrics::MetricsLayer::new(rt.metrics.clone()))
        .add_service(proto::careboard::careboard_server::CareboardServer::new(
            grpc::CareboardGrpc::new(careboard.clone()),
        ))
        .add_service(proto::careboard::board_files_server::BoardFilesServer::new(
            grpc::BoardFilesGrpc::new(careboard),
        ))
        .serve_with_incoming_shutdown(incoming, rt.shutdown.clone().cancelled_owned())
        .await?;
    rt.finish().await?;
    Ok(())
}

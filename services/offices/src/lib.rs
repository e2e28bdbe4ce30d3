//! offices: office profiles, kinds, applications. `offices` serves; `offices
//! bootstrap-operator-office` creates the city's own office once and prints its id (and writes
//! it to `BOOTSTRAP_OUT_DIR`, for the next step of the install).

pub mod domain;
pub mod error;
pub mod events;
pub mod grpc;
pub mod service;
pub mod store;

use anyhow::Context;
use common::clock::{SharedClock, SystemClock};
use common::config::Vars;
use service_runtime::config::ServiceConfig;
use std::sync::Arc;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

pub async fn serve(vars: &Vars) -> anyhow::Result<()> {
    let cfg = ServiceConfig::from_vars(vars)?;
    let mode = application_mode(vars)?;
    let rt = service_runtime::runtime::Runtime::start(
        "offices",
        &cfg.database_url,
        &cfg.nats,
        cfg.admin_addr,
        &MIGRATOR,
    )
    .await?;
    let clock: SharedClock = Arc::new(SystemClock);
    let offices = Arc::new(service::Offices::new(
        store::Store::new(rt.pool.clone()),
        clock,
        rt.relay_waker(),
        mode,
    ));
    let incoming = rt.grpc_listener(cfg.grpc_addr, &cfg.tls)?;
    cfg.grpc
        .server()
        .trace_fn(common::grpc::request_span)
        .layer(common::grpc::metrics::MetricsLayer::new(rt.metrics.clone()))
        .add_service(proto::offices::offices_server::OfficesServer::new(
            grpc::OfficesGrpc::new(
                offices,
                service_runtime::idempotency::Once::new(rt.pool.clone()),
            ),
        ))
        .serve_with_incoming_shutdown(incoming, rt.shutdown.clone().cancelled_owned())
        .await?;
    rt.finish().await?;
    Ok(())
}

pub async fn bootstrap(vars: &Vars) -> anyhow::Result<()> {
    let pool = service_runtime::db::connect(&vars.required("DATABASE_URL")?, 2)
        .await
        .context("database")?;
    service_runtime::db::migrate(&pool, &MIGRATOR)
        .await
        .context("migrations")?;
    let clock: SharedClock = Arc::new(SystemClock);
    // The relay of the serving process publishes the event; nobody waits on this waker.
    let offices = service::Offices::new(
        store::Store::new(pool),
        clock,
        Arc::new(tokio::sync::Notify::new()),
        service::ApplicationMode::Closed,
    );
    let office = offices
        .ensure_operator_office(&service::NewOffice {
            name: &vars
                .get("BOOTSTRAP_OFFICE_NAME")?
                .unwrap_or_else(|| "高萩市 高齢福祉課".into()),
            kind: "市町村",
            admin_email: &vars.required("BOOTSTRAP_ADMIN_EMAIL")?,
        })
        .await?;
    // Files beside the printed line: the install Job's next step reads them as
    // BOOTSTRAP_OFFICE_ID_FILE and BOOTSTRAP_OFFICE_NAME_FILE, with no shell to parse JSON.
    if let Some(dir) = vars.get("BOOTSTRAP_OUT_DIR")? {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        write_private(&dir.join("office_id"), &office.id.to_string())?;
        write_private(&dir.join("office_name"), &office.name)?;
    }
    println!(
        "{}",
        serde_json::json!({ "office_id": office.id, "name": office.name })
    );
    Ok(())
}

/// Writes `text` readable by this user only, naming the file when it cannot.
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    service_runtime::files::write_private(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `APPLICATION_MODE`: `open` (default), `invitation` or `closed`.
fn application_mode(vars: &Vars) -> anyhow::Result<service::ApplicationMode> {
    match vars.get("APPLICATION_MODE")? {
        None => Ok(service::ApplicationMode::Open),
        Some(word) => word.parse().map_err(|_| {
            anyhow::anyhow!("APPLICATION_MODE must be open, invitation or closed, not {word}")
        }),
    }
}

//! identity: users, sessions, the device CA. `identity` serves; `identity bootstrap-operator`
//! creates the operator account and its first device certificate (see the README).

mod config;
mod domain;
mod error;
mod events;
mod grpc;
mod service;
mod store;

use anyhow::Context;
use common::clock::{SharedClock, SystemClock};
use common::config::Vars;
use std::sync::Arc;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let vars = Vars::from_process();
    let telemetry = common::telemetry::init("identity", &vars)?;
    let result = match std::env::args().nth(1).as_deref() {
        None | Some("serve") => serve(&vars).await,
        Some("bootstrap-operator") => bootstrap(&vars).await,
        Some("export-crl") => export_crl(&vars).await,
        Some(other) => Err(anyhow::anyhow!(
            "unknown command {other}; use serve or bootstrap-operator"
        )),
    };
    if let Err(e) = &result {
        tracing::error!(error = format!("{e:#}"), "identity stopped");
    }
    telemetry.shutdown();
    result
}

async fn open(
    vars: &Vars,
) -> anyhow::Result<(config::Config, sqlx::PgPool, Arc<service::Identity>)> {
    let cfg = config::Config::from_vars(vars)?;
    let pool = common::db::connect(&cfg.service.database_url, 10)
        .await
        .context("database")?;
    common::db::migrate(&pool, &MIGRATOR)
        .await
        .context("migrations")?;
    let clock: SharedClock = Arc::new(SystemClock);
    let store = store::Store::new(pool.clone());
    let ca = service::load_or_create_ca(&store, &cfg.kek, &clock).await?;
    let identity = service::Identity::new(
        store,
        clock,
        cfg.session,
        ca,
        cfg.device_cert_days,
        cfg.enrollment_code_days,
    );
    Ok((cfg, pool, Arc::new(identity)))
}

async fn serve(vars: &Vars) -> anyhow::Result<()> {
    let (cfg, pool, identity) = open(vars).await?;
    let shutdown = common::shutdown::on_signal();
    let metrics = common::metrics::Metrics::new();
    let nats = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connect(&cfg.service.nats_url)
        .await
        .context("nats")?;
    let relay = common::outbox::OutboxRelay::new(
        pool.clone(),
        async_nats::jetstream::new(nats.clone()),
        metrics.clone(),
    );
    let relay_task = tokio::spawn(relay.run(shutdown.clone()));
    let js = async_nats::jetstream::new(nats.clone());
    let auditor = identity.clone();
    let audit_task = tokio::spawn(common::events::consume_forever(
        js.clone(),
        service::audit::CONSUMER,
        &events::AUDIT_SUBJECTS,
        metrics.clone(),
        shutdown.clone(),
        move |e| {
            let identity = auditor.clone();
            async move { identity.append_audit(e).await }
        },
    ));
    let withdrawals = identity.clone();
    let offices_task = tokio::spawn(common::events::consume_forever(
        js,
        events::OFFICES_CONSUMER,
        &events::OFFICES_SUBJECTS,
        metrics.clone(),
        shutdown.clone(),
        move |e| {
            let identity = withdrawals.clone();
            async move { identity.office_withdrawn(e).await }
        },
    ));
    let readiness = common::admin::Readiness {
        check: None,
        database: Some(pool),
        nats: Some(nats),
    };
    let admin = tokio::spawn(common::admin::serve(
        cfg.service.admin_addr,
        readiness,
        metrics,
        shutdown.clone(),
    ));

    tracing::info!(addr = %cfg.service.grpc_addr, "identity gRPC listening");
    tonic::transport::Server::builder()
        .tls_config(common::tls::server_config(&cfg.service.tls)?)?
        .trace_fn(common::grpc::request_span)
        .add_service(proto::identity::identity_server::IdentityServer::new(
            grpc::IdentityGrpc::new(identity),
        ))
        .serve_with_shutdown(cfg.service.grpc_addr, shutdown.clone().cancelled_owned())
        .await?;
    shutdown.cancel();
    let _ = relay_task.await;
    let _ = audit_task.await;
    let _ = offices_task.await;
    admin.await??;
    Ok(())
}

/// Idempotent: the account is created once; each run issues a new device certificate.
async fn bootstrap(vars: &Vars) -> anyhow::Result<()> {
    let (_cfg, _pool, identity) = open(vars).await?;
    let req = service::BootstrapRequest {
        office_id: vars.parse_required("BOOTSTRAP_OFFICE_ID")?,
        office_name: vars.required("BOOTSTRAP_OFFICE_NAME")?,
        login_id: vars.required("BOOTSTRAP_LOGIN_ID")?,
        name: vars
            .get("BOOTSTRAP_NAME")?
            .unwrap_or_else(|| "市 管理者".into()),
        password: vars.required("BOOTSTRAP_PASSWORD")?,
        device_label: vars
            .get("BOOTSTRAP_DEVICE_LABEL")?
            .unwrap_or_else(|| "operator-pc".into()),
        p12_password: vars.required("BOOTSTRAP_P12_PASSWORD")?,
    };
    let out_dir = std::path::PathBuf::from(vars.required("BOOTSTRAP_OUT_DIR")?);
    std::fs::create_dir_all(&out_dir)?;
    let outcome = identity.bootstrap_operator(&req).await?;
    let p12 = out_dir.join("operator.p12");
    let cert = out_dir.join("operator-cert.pem");
    let key = out_dir.join("operator-key.pem");
    std::fs::write(&p12, &outcome.p12)?;
    std::fs::write(&cert, &outcome.cert_pem)?;
    std::fs::write(&key, &outcome.key_pem)?;
    let report = serde_json::json!({
        "user_created": outcome.user_created,
        "serial": outcome.serial,
        "p12": p12,
        "cert_pem": cert,
        "key_pem": key,
    });
    println!("{report}");
    Ok(())
}

/// Prints the device CA's CRL (PEM), for a TLS terminator in front of the gateway.
async fn export_crl(vars: &Vars) -> anyhow::Result<()> {
    let (_cfg, _pool, identity) = open(vars).await?;
    print!("{}", identity.crl().await?);
    Ok(())
}

//! identity: users, sessions, the device CA. `identity` serves; `identity bootstrap-operator`
//! creates the operator account and its first device certificate; `identity rotate-kek`
//! re-seals the CA's key under a new key-encryption key (see the operations guide).

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod grpc;
pub mod offices;
pub mod service;
pub mod store;

use anyhow::Context;
use common::clock::{SharedClock, SystemClock};
use common::config::Vars;
use std::sync::Arc;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Identity over `pool`: its CA loaded (or created once), its rules configured.
async fn identity(
    cfg: &config::Config,
    pool: sqlx::PgPool,
    relay: Arc<tokio::sync::Notify>,
    offices: Option<offices::Offices>,
) -> anyhow::Result<Arc<service::Identity>> {
    let clock: SharedClock = Arc::new(SystemClock);
    let store = store::Store::new(pool, relay);
    let ca = service::load_or_create_ca(&store, &cfg.kek, &clock).await?;
    let identity = service::Identity::new(
        store,
        clock,
        service::Rules {
            session: cfg.session,
            cert_validity: cfg.device_cert_validity,
            code_days: cfg.enrollment_code_days,
        },
        ca,
        cfg.kek.clone(),
        service::CpuPool::new(cfg.cpu_workers),
    );
    Ok(Arc::new(match offices {
        Some(offices) => identity.with_offices(offices),
        None => identity,
    }))
}

/// For the subcommands, which need the database but not NATS.
async fn open(vars: &Vars) -> anyhow::Result<Arc<service::Identity>> {
    let cfg = config::Config::from_vars(vars)?;
    let pool = service_runtime::db::connect(&cfg.service.database_url, 2)
        .await
        .context("database")?;
    service_runtime::db::migrate(&pool, &MIGRATOR)
        .await
        .context("migrations")?;
    // The relay of the serving process publishes what a subcommand enqueues.
    identity(&cfg, pool, Arc::new(tokio::sync::Notify::new()), None).await
}

pub async fn serve(vars: &Vars) -> anyhow::Result<()> {
    let cfg = config::Config::from_vars(vars)?;
    let svc = &cfg.service;
    let mut rt = service_runtime::runtime::Runtime::start(
        "identity",
        &svc.database_url,
        &svc.nats,
        svc.admin_addr,
        &MIGRATOR,
    )
    .await?;
    let offices = offices::Offices::connect(&vars.required("OFFICES_URL")?, &svc.tls, &svc.grpc)?;
    let identity = identity(&cfg, rt.pool.clone(), rt.relay_waker(), Some(offices)).await?;
    let auditor = identity.clone();
    rt.spawn(common::events::consume_forever(
        rt.jetstream(),
        service::audit::CONSUMER,
        &events::AUDIT_SUBJECTS,
        rt.metrics.clone(),
        rt.shutdown.clone(),
        move |e| {
            let identity = auditor.clone();
            async move { identity.append_audit(e).await }
        },
    ));
    let withdrawals = identity.clone();
    rt.spawn(common::events::consume_forever(
        rt.jetstream(),
        events::OFFICES_CONSUMER,
        &events::OFFICES_SUBJECTS,
        rt.metrics.clone(),
        rt.shutdown.clone(),
        move |e| {
            let identity = withdrawals.clone();
            async move { identity.office_event(e).await }
        },
    ));
    let warner = identity.clone();
    let (days, every, stop) = (
        cfg.expiry_warning_days,
        cfg.expiry_check,
        rt.shutdown.clone(),
    );
    rt.spawn(async move {
        loop {
            match warner.warn_expiring(days).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(certificates = n, "expiry warnings raised"),
                Err(e) => tracing::warn!(error = %e, "expiry check failed; trying again later"),
            }
            match warner.forget_expired_mail().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(codes = n, "sealed secrets of expired codes destroyed"),
                Err(e) => {
                    tracing::warn!(error = %e, "expired codes not cleared; trying again later");
                }
            }
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(every) => {},
            }
        }
    });
    let incoming = rt.grpc_listener(svc.grpc_addr, &svc.tls)?;
    svc.grpc
        .server()
        .trace_fn(common::grpc::request_span)
        .layer(common::grpc::metrics::MetricsLayer::new(rt.metrics.clone()))
        .add_service(proto::identity::identity_server::IdentityServer::new(
            grpc::IdentityGrpc::new(
                identity,
                service_runtime::idempotency::Once::new(rt.pool.clone()),
            ),
        ))
        .serve_with_incoming_shutdown(incoming, rt.shutdown.clone().cancelled_owned())
        .await?;
    rt.finish().await?;
    Ok(())
}

/// Idempotent: the account is created once; each run issues a new device certificate. A password
/// not given is generated and written to `BOOTSTRAP_OUT_DIR` (mode 0600) beside the certificate,
/// so that nothing secret is typed into a command line; a generated login password must be
/// changed at the first login, and is written only when the account is created by this run.
pub async fn bootstrap(vars: &Vars) -> anyhow::Result<()> {
    let identity = open(vars).await?;
    let login_id = vars.required("BOOTSTRAP_LOGIN_ID")?;
    let (password, password_generated) = given_or_generated(vars, "BOOTSTRAP_PASSWORD", &login_id)?;
    let (p12_password, p12_password_generated) =
        given_or_generated(vars, "BOOTSTRAP_P12_PASSWORD", "")?;
    let req = service::BootstrapRequest {
        office_id: vars.parse_required("BOOTSTRAP_OFFICE_ID")?,
        office_name: vars.required("BOOTSTRAP_OFFICE_NAME")?,
        login_id: login_id.clone(),
        name: vars
            .get("BOOTSTRAP_NAME")?
            .unwrap_or_else(|| "市 管理者".into()),
        password,
        must_change_password: password_generated,
        device_label: vars
            .get("BOOTSTRAP_DEVICE_LABEL")?
            .unwrap_or_else(|| "operator-pc".into()),
        p12_password,
    };
    let out_dir = std::path::PathBuf::from(vars.required("BOOTSTRAP_OUT_DIR")?);
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let outcome = identity.bootstrap_operator(&req).await?;
    let p12 = out_dir.join("operator.p12");
    let cert = out_dir.join("operator-cert.pem");
    let key = out_dir.join("operator-key.pem");
    write_private(&p12, &outcome.p12)?;
    write_private(&cert, outcome.cert_pem.as_bytes())?;
    write_private(&key, outcome.key_pem.as_bytes())?;
    write_private(&out_dir.join("login_id"), login_id.as_bytes())?;
    // An account made by an earlier run keeps its password: a new one written here would not
    // open it.
    let password_file =
        (password_generated && outcome.user_created).then(|| out_dir.join("password"));
    if let Some(file) = &password_file {
        write_private(file, req.password.as_bytes())?;
    }
    let p12_password_file = p12_password_generated.then(|| out_dir.join("p12_password"));
    if let Some(file) = &p12_password_file {
        write_private(file, req.p12_password.as_bytes())?;
    }
    let report = serde_json::json!({
        "user_created": outcome.user_created,
        "serial": outcome.serial,
        "p12": p12,
        "cert_pem": cert,
        "key_pem": key,
        "password_file": password_file,
        "p12_password_file": p12_password_file,
    });
    println!("{report}");
    Ok(())
}

/// The value of `name`, or a generated passphrase; and whether it was generated.
fn given_or_generated(vars: &Vars, name: &str, login_id: &str) -> anyhow::Result<(String, bool)> {
    Ok(match vars.get(name)? {
        Some(value) => (value, false),
        None => (service::accounts::passphrase_for(login_id), true),
    })
}

/// Writes `bytes` readable by this user only, naming the file when it cannot.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    service_runtime::files::write_private(path, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Prints the device CA's CRL (PEM), for a TLS terminator in front of the gateway.
pub async fn export_crl(vars: &Vars) -> anyhow::Result<()> {
    let identity = open(vars).await?;
    print!("{}", identity.crl().await?);
    Ok(())
}

/// Re-seals the device CA's key under `IDENTITY_CA_KEK_NEW` (see the operations guide). Needs
/// only the database and the two keys, so that it runs as a Job without identity's TLS files.
pub async fn rotate_kek(vars: &Vars) -> anyhow::Result<()> {
    let current = config::current_kek(vars)?;
    let new = config::kek(vars, "IDENTITY_CA_KEK_NEW")?
        .context("IDENTITY_CA_KEK_NEW is not set: the key to seal the CA with")?;
    let pool = service_runtime::db::connect(&vars.required("DATABASE_URL")?, 2)
        .await
        .context("database")?;
    service_runtime::db::migrate(&pool, &MIGRATOR)
        .await
        .context("migrations")?;
    let store = store::Store::new(pool, Arc::new(tokio::sync::Notify::new()));
    service::rotate_kek(&store, &current, &new).await?;
    println!("device CA key re-sealed: start identity with IDENTITY_CA_KEK set to the new key");
    Ok(())
}

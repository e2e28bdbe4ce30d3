//! gateway: TLS with client certificates, sessions, the browser UI and the JSON API. It owns no
//! data; everything it shows comes from the services over gRPC.

mod areas;
mod config;
mod edge;
mod kit;
mod openapi;

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use common::config::Vars;
use edge::state::{AppState, BODY_LIMIT};
use edge::{clients, live, revocation, tls};
use std::time::Duration;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let vars = Vars::from_process();
    let telemetry = common::telemetry::init("gateway", &vars)?;
    let result = serve(&vars).await;
    if let Err(e) = &result {
        tracing::error!(error = format!("{e:#}"), "gateway stopped");
    }
    telemetry.shutdown();
    result
}

async fn serve(vars: &Vars) -> anyhow::Result<()> {
    let cfg = config::Config::from_vars(vars)?;
    let shutdown = common::shutdown::on_signal();
    let metrics = common::metrics::Metrics::new();
    // The admin port first: while identity is awaited the process is alive (its startup probe
    // passes) but not ready.
    let readiness = common::admin::Readiness::starting("waiting for identity");
    let admin = common::admin::start(
        cfg.admin_addr,
        readiness.clone(),
        metrics.clone(),
        shutdown.clone(),
    )
    .await
    .context("admin endpoints")?;
    let clients = clients::Clients::connect(
        &clients::Urls {
            identity: &cfg.identity_url,
            offices: &cfg.offices_url,
            careboard: &cfg.careboard_url,
            notify: &cfg.notify_url,
        },
        &cfg.internal_tls,
        &cfg.grpc,
    )?;

    // Client certificates can only be verified once the device CA is known; wait for identity.
    let device_ca = loop {
        let mut identity = clients.identity.clone();
        match identity
            .get_device_ca(proto::identity::GetDeviceCaRequest {})
            .await
        {
            Ok(r) => break r.into_inner().ca_pem,
            Err(e) => {
                tracing::warn!(error = %e, "identity not reachable yet");
                tokio::select! {
                    () = shutdown.cancelled() => return Ok(()),
                    () = tokio::time::sleep(Duration::from_millis(300)) => {},
                }
            }
        }
    };
    // The browser-facing certificate is renewed in place; the device CA is the one identity holds.
    let tls = {
        let (cert, key) = (cfg.server_cert.clone(), cfg.server_key.clone());
        common::tls::Reloading::new(vec![cert.clone(), key.clone()], move || {
            tls::server_config(&cert, &key, &device_ca)
        })?
    };
    tls.report_expiry(
        cfg.server_cert.clone(),
        metrics
            .tls_not_after
            .get_or_create(&common::metrics::CertificateLabel { purpose: "https" })
            .clone(),
    );
    let revocations = revocation::Revocations::new(cfg.revocation_max_age);
    // Revocations and board events arrive on NATS; while it is away the full revocation list is
    // still re-read from identity, so the gateway stays ready and fails closed only if that ages.
    let nats = cfg.nats.connect("gateway").await?;
    let watcher = tokio::spawn(revocations.clone().run(
        clients.clone(),
        nats.clone(),
        cfg.revocation_refresh,
        shutdown.clone(),
    ));
    let live = live::Live::default();
    let relay = tokio::spawn(live.clone().run(nats, shutdown.clone()));
    let clock: common::clock::SharedClock = std::sync::Arc::new(common::clock::SystemClock);
    let app = app(AppState {
        clients,
        revocations: revocations.clone(),
        clock,
        map_tiles: cfg.map_tiles.clone(),
        contact: cfg.contact.clone(),
        choices: std::sync::Arc::default(),
        live,
        shutdown: shutdown.clone(),
        metrics,
    });

    let listener = tokio::net::TcpListener::bind(cfg.addr)
        .await
        .with_context(|| format!("bind {}", cfg.addr))?;
    tracing::info!(addr = %cfg.addr, "gateway listening");
    let loaded = revocations.clone();
    readiness.serving(
        Some(std::sync::Arc::new(move || {
            if loaded.is_loaded() {
                Ok(())
            } else {
                Err("revocation list not loaded")
            }
        })),
        Vec::new(),
    );
    tls::serve(listener, tls, app, shutdown.clone()).await;
    let _ = watcher.await;
    let _ = relay.await;
    admin.await??;
    Ok(())
}

/// Every area's routes, behind the edge's layers. Public routes work without a certificate;
/// every other route sits behind `auth::require_certificate`.
fn app(state: AppState) -> Router {
    use areas::{
        accounts, announcements, applications, audit, board, certificates, fhir, incidents, mail,
        offices, portal, recipients, report, session, team,
    };
    // `/healthz` is answered by `edge::tls::serve` before these layers.
    let public = Router::new()
        .route("/static/app.css", get(edge::layers::stylesheet))
        .merge(portal::public())
        .merge(certificates::public())
        .merge(applications::public())
        .merge(announcements::public())
        .merge(session::public())
        .merge(board::public());
    let protected = Router::new()
        .route("/api/v1/openapi.json", get(openapi::openapi))
        .merge(session::protected())
        .merge(accounts::protected())
        .merge(certificates::protected())
        .merge(offices::protected())
        .merge(applications::protected())
        .merge(announcements::protected())
        .merge(recipients::protected())
        .merge(team::protected())
        .merge(board::protected())
        .merge(fhir::protected())
        .merge(incidents::protected())
        .merge(report::protected())
        .merge(audit::protected())
        .merge(mail::protected())
        .fallback(edge::layers::not_found)
        .layer(from_fn_with_state(
            state.clone(),
            edge::auth::require_certificate,
        ));
    public
        .merge(protected)
        .layer(from_fn_with_state(state.clone(), edge::csrf::guard))
        .layer(from_fn(edge::idempotency::carry_key))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(edge::forms::strict_uri))
        .layer(from_fn(edge::layers::security_headers))
        .layer(from_fn_with_state(
            state.clone(),
            edge::layers::count_request,
        ))
        .layer(from_fn(edge::layers::trace_request))
        .with_state(state)
}

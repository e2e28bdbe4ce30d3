//! notify: outgoing email caused by events. It consumes JetStream, and serves the gateway the
//! list of undelivered mail over gRPC.

pub mod deliver;
pub mod directory;
pub mod domain;
pub mod enrollment;
pub mod error;
pub mod events;
pub mod grpc;
pub mod mailer;
pub mod schedule;
pub mod store;

use anyhow::Context;
use common::clock::{SharedClock, SystemClock};
use common::config::Vars;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// How notify sends: `NOTIFY_CONCURRENCY` events handled at once, `SMTP_POOL_SIZE` connections
/// kept open to the mail server, `MAIL_MAX_ATTEMPTS` tries of an email the server does not take
/// for a passing reason, the first retry `MAIL_RETRY_SECONDS` later and each next twice as far.
struct Sending {
    concurrency: usize,
    pool: u32,
    retry: domain::delivery::RetryPolicy,
}

impl Sending {
    fn from_vars(vars: &Vars) -> anyhow::Result<Self> {
        let concurrency: usize = vars.parse_or("NOTIFY_CONCURRENCY", 32)?;
        let pool: u32 = vars.parse_or("SMTP_POOL_SIZE", 8)?;
        let max_attempts: u32 = vars.parse_or("MAIL_MAX_ATTEMPTS", 8)?;
        let first: u64 = vars.parse_or("MAIL_RETRY_SECONDS", 60)?;
        anyhow::ensure!(
            (1..=1000).contains(&concurrency),
            "NOTIFY_CONCURRENCY must be 1 to 1000"
        );
        anyhow::ensure!((1..=100).contains(&pool), "SMTP_POOL_SIZE must be 1 to 100");
        anyhow::ensure!(
            (1..=50).contains(&max_attempts),
            "MAIL_MAX_ATTEMPTS must be 1 to 50"
        );
        anyhow::ensure!(first >= 1, "MAIL_RETRY_SECONDS must be at least 1");
        Ok(Self {
            concurrency,
            pool,
            retry: domain::delivery::RetryPolicy {
                max_attempts,
                first: Duration::from_secs(first),
            },
        })
    }
}

pub async fn serve(vars: &Vars) -> anyhow::Result<()> {
    let admin_addr: SocketAddr =
        vars.parse_or("ADMIN_ADDR", SocketAddr::from(([0, 0, 0, 0], 9090)))?;
    let grpc_addr: SocketAddr =
        vars.parse_or("GRPC_ADDR", SocketAddr::from(([0, 0, 0, 0], 50051)))?;
    let nats = common::bus::BusConfig::from_vars(vars)?;
    let grpc = common::grpc::GrpcOptions::from_vars(vars)?;
    let sending = Sending::from_vars(vars)?;
    let mailer = match vars.get("SMTP_URL")? {
        Some(url) => mailer::Mailer::smtp(&url, sending.pool)?,
        None => mailer::Mailer::files(
            vars.get("MAIL_DIR")?
                .unwrap_or_else(|| "var/dev/mail".into())
                .into(),
        )?,
    };
    let from: lettre::message::Mailbox = vars
        .get("MAIL_FROM")?
        .unwrap_or_else(|| "\"電子@連絡帳\" <noreply@renrakucho.invalid>".into())
        .parse()
        .context("MAIL_FROM")?;
    let sender_domain = from.email.domain().to_owned();
    let portal_url = vars
        .get("PUBLIC_BASE_URL")?
        .unwrap_or_else(|| "https://localhost:8443".into());
    let tls = common::config::TlsFiles::from_vars(vars)?;

    let rt = service_runtime::runtime::Runtime::start(
        "notify",
        &vars.required("DATABASE_URL")?,
        &nats,
        admin_addr,
        &MIGRATOR,
    )
    .await?;
    let store = store::Store::new(rt.pool.clone(), rt.relay_waker());
    let identity = directory::Directory::connect(&vars.required("IDENTITY_URL")?, &tls, &grpc)?;
    let clock: SharedClock = Arc::new(SystemClock);
    let notifier = deliver::Notifier {
        store: store.clone(),
        mailer,
        from,
        portal_url,
        operator_email: vars.get("OPERATOR_EMAIL")?,
        clock,
        identity,
        retry: sending.retry,
        fan_out: sending.pool as usize,
        emails: rt
            .metrics
            .result_counter("emails", "Emails handed to the mail server, by result"),
    };
    let incoming = rt.grpc_listener(grpc_addr, &tls)?;
    let server = grpc
        .server()
        .trace_fn(common::grpc::request_span)
        .layer(common::grpc::metrics::MetricsLayer::new(rt.metrics.clone()))
        .add_service(proto::notify::notify_server::NotifyServer::new(
            grpc::NotifyGrpc::new(store, sender_domain),
        ))
        .serve_with_incoming_shutdown(incoming, rt.shutdown.clone().cancelled_owned());
    let consumer = common::events::consume_concurrently_forever(
        rt.jetstream(),
        events::CONSUMER,
        &events::SUBJECTS,
        sending.concurrency,
        rt.metrics.clone(),
        rt.shutdown.clone(),
        |e| notifier.handle(e),
    );
    let schedule = notifier.run_schedule(rt.shutdown.clone());
    let (grpc_result, (), ()) = tokio::join!(server, consumer, schedule);
    grpc_result?;
    rt.finish().await?;
    Ok(())
}

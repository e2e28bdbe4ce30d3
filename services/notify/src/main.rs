//! notify: outgoing email caused by events. No gRPC surface; it consumes JetStream.

mod domain;
mod enrollment;
mod events;
mod mailer;
mod store;

use anyhow::Context;
use common::clock::{SharedClock, SystemClock};
use common::config::Vars;
use std::net::SocketAddr;
use std::sync::Arc;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let vars = Vars::from_process();
    let telemetry = common::telemetry::init("notify", &vars)?;
    let result = serve(&vars).await;
    if let Err(e) = &result {
        tracing::error!(error = format!("{e:#}"), "notify stopped");
    }
    telemetry.shutdown();
    result
}

async fn serve(vars: &Vars) -> anyhow::Result<()> {
    let admin_addr: SocketAddr =
        vars.parse_or("ADMIN_ADDR", SocketAddr::from(([0, 0, 0, 0], 9090)))?;
    let nats_url = vars
        .get("NATS_URL")?
        .unwrap_or_else(|| "nats://127.0.0.1:4222".into());
    let mailer = match vars.get("SMTP_URL")? {
        Some(url) => mailer::Mailer::smtp(&url)?,
        None => mailer::Mailer::files(
            vars.get("MAIL_DIR")?
                .unwrap_or_else(|| "var/dev/mail".into())
                .into(),
        )?,
    };
    let from = vars
        .get("MAIL_FROM")?
        .unwrap_or_else(|| "\"電子@連絡帳\" <noreply@renrakucho.invalid>".into())
        .parse()
        .context("MAIL_FROM")?;
    let portal_url = vars
        .get("PUBLIC_BASE_URL")?
        .unwrap_or_else(|| "https://localhost:8443".into());

    let rt = service_runtime::runtime::Runtime::start(
        &vars.required("DATABASE_URL")?,
        &nats_url,
        admin_addr,
        &MIGRATOR,
    )
    .await?;
    let identity = events::Directory::connect(
        &vars.required("IDENTITY_URL")?,
        &common::config::TlsFiles::from_vars(vars)?,
    )?;
    let clock: SharedClock = Arc::new(SystemClock);
    let notifier = events::Notifier {
        store: store::Store::new(rt.pool.clone()),
        mailer,
        from,
        portal_url,
        operator_email: vars.get("OPERATOR_EMAIL")?,
        clock,
        identity,
        emails: rt
            .metrics
            .result_counter("emails", "Emails handed to the mail server, by result"),
    };
    common::events::consume_forever(
        rt.jetstream(),
        events::CONSUMER,
        &events::SUBJECTS,
        rt.metrics.clone(),
        rt.shutdown.clone(),
        |e| notifier.handle(e),
    )
    .await;
    rt.finish().await?;
    Ok(())
}

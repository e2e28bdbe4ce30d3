//! The whole system on one machine: PostgreSQL, NATS, mail, every binary, and the bootstrap
//! operator. Tests start one in a temporary directory on free ports; `cargo xtask run` starts
//! one under `var/dev/` with the gateway on 8443.
//!
//! `config` writes each binary's environment, `binaries` starts, stops and waits on them,
//! `bootstrap` makes the operator once, and `gateway` holds what tests use to reach the system.

mod binaries;
mod bootstrap;
mod config;
mod gateway;

use crate::free_port;
use crate::nats::Nats;
use crate::otlp::OtlpReceiver;
use crate::pki::DevPki;
use crate::postgres::{Postgres, ServerOptions};
use crate::process::Proc;
use crate::smtp::SmtpSink;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const SERVICES: [&str; 4] = ["identity", "offices", "careboard", "notify"];

pub enum MailMode {
    /// The harness's SMTP server; messages land in `<dir>/mail`.
    Sink,
    /// notify writes `.eml` files into this folder itself.
    Dir(PathBuf),
    /// A real SMTP server.
    Url(String),
}

pub struct StackOptions {
    pub dir: PathBuf,
    /// `None` picks a free port.
    pub gateway_port: Option<u16>,
    pub mail: MailMode,
    pub otlp: bool,
    /// Keep fsync on (a developer's data) or off (a throwaway test cluster).
    pub durable: bool,
    /// Extra environment for every binary (tests tune timeouts with it).
    pub env: Vec<(String, String)>,
    /// Extra settings of the stack's PostgreSQL (WAL archiving, for the point-in-time drill).
    pub postgres: ServerOptions,
}

impl StackOptions {
    /// A throwaway stack for a test: free ports, SMTP sink, OTLP receiver.
    #[must_use]
    pub fn for_test(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
            gateway_port: None,
            mail: MailMode::Sink,
            otlp: true,
            durable: false,
            env: Vec::new(),
            postgres: ServerOptions::default(),
        }
    }

    /// Adds `env` to every binary's environment.
    #[must_use]
    pub fn with_env(mut self, env: &[(&str, &str)]) -> Self {
        self.env
            .extend(env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        self
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Operator {
    pub login_id: String,
    pub password: String,
    pub p12: PathBuf,
    pub p12_password: String,
    pub cert_pem: PathBuf,
    pub key_pem: PathBuf,
}

/// What a newcomer (or a test) needs to reach the running system: `var/dev/bootstrap.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bootstrap {
    pub gateway_url: String,
    pub ca_cert: PathBuf,
    pub mail_dir: PathBuf,
    pub operator: Operator,
}

pub struct Stack {
    pub dir: PathBuf,
    pub bootstrap: Bootstrap,
    pub pki: DevPki,
    pub postgres: Postgres,
    pub nats: Nats,
    pub smtp: Option<SmtpSink>,
    pub otlp: Option<OtlpReceiver>,
    pub(crate) procs: BTreeMap<String, Proc>,
    pub(crate) envs: BTreeMap<String, Vec<(String, String)>>,
    pub(crate) admin_ports: BTreeMap<String, u16>,
    logs: PathBuf,
}

impl Stack {
    pub async fn start(opts: StackOptions) -> anyhow::Result<Self> {
        crate::install_crypto_provider();
        let dir = std::fs::canonicalize(&opts.dir).unwrap_or(opts.dir.clone());
        let logs = dir.join("logs");
        std::fs::create_dir_all(&logs)?;
        let pki = DevPki::ensure(&dir.join("pki"))?;
        let postgres = Postgres::start_with(
            &dir.join("postgres"),
            &logs,
            free_port()?,
            opts.durable,
            opts.postgres.clone(),
        )
        .await?;
        postgres.create_databases(&SERVICES).await?;
        let nats = Nats::start(&dir.join("nats"), &logs, free_port()?, &pki).await?;
        let (smtp, mail_dir, smtp_url) = match &opts.mail {
            MailMode::Sink => {
                let sink = SmtpSink::start(&dir.join("mail"), free_port()?).await?;
                let url = format!("smtp://127.0.0.1:{}", sink.port);
                let mail_dir = sink.dir.clone();
                (Some(sink), mail_dir, Some(url))
            }
            MailMode::Dir(d) => (None, d.clone(), None),
            MailMode::Url(u) => (None, dir.join("mail"), Some(u.clone())),
        };
        let otlp = if opts.otlp {
            Some(OtlpReceiver::start(free_port()?).await?)
        } else {
            None
        };
        let config::Environments {
            gateway_url,
            envs,
            admin_ports,
        } = config::environments(&config::Parts {
            dir: &dir,
            opts: &opts,
            pki: &pki,
            postgres: &postgres,
            nats: &nats,
            otlp: otlp.as_ref(),
            mail_dir: &mail_dir,
            smtp_url,
        })?;

        let operator = bootstrap::operator(&dir, &envs)?;
        let bootstrap = Bootstrap {
            gateway_url,
            ca_cert: pki.ca.clone(),
            mail_dir,
            operator,
        };

        let mut stack = Self {
            dir,
            bootstrap,
            pki,
            postgres,
            nats,
            smtp,
            otlp,
            procs: BTreeMap::new(),
            envs,
            admin_ports,
            logs,
        };
        for name in SERVICES.iter().chain(["gateway"].iter()) {
            stack.start_binary(name)?;
        }
        stack.wait_ready(Duration::from_mins(1)).await?;
        let json = serde_json::to_string_pretty(&stack.bootstrap)?;
        std::fs::write(stack.dir.join("bootstrap.json"), json)?;
        Ok(stack)
    }

    /// A throwaway stack for a test in a new temporary directory named `prefix…`, with
    /// `StackOptions::for_test` changed by `tune`. The directory goes when the `TempDir` does, so
    /// it is returned to be dropped after the stack.
    pub async fn in_temp_dir(
        prefix: &str,
        tune: impl FnOnce(StackOptions) -> StackOptions,
    ) -> anyhow::Result<(tempfile::TempDir, Self)> {
        let dir = tempfile::Builder::new().prefix(prefix).tempdir()?;
        let stack = Self::start(tune(StackOptions::for_test(dir.path()))).await?;
        Ok((dir, stack))
    }
}

/// The binaries stop before the servers they depend on, the gateways first, so nothing logs a
/// lost database on the way down.
impl Drop for Stack {
    fn drop(&mut self) {
        // A failing test shows what the binaries said, before their directory is gone.
        if std::thread::panicking() {
            for (name, p) in &self.procs {
                eprintln!("---- {name} (last lines) ----\n{}", p.log_tail());
            }
        }
        let mut names: Vec<String> = self.procs.keys().cloned().collect();
        names.sort_by_key(|n| !n.starts_with("gateway"));
        for name in names {
            self.stop_binary(&name);
        }
        self.nats.stop();
    }
}

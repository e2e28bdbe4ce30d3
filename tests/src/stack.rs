//! The whole system on one machine: PostgreSQL, NATS, mail, every binary, and the bootstrap
//! operator. Tests start one in a temporary directory on free ports; `cargo xtask run` starts
//! one under `var/dev/` with the gateway on 8443.

use crate::nats::Nats;
use crate::otlp::OtlpReceiver;
use crate::pki::DevPki;
use crate::postgres::{Postgres, ServerOptions};
use crate::process::{Proc, run, wait_for_port};
use crate::secrets::{random_secret, read_or_create_secret};
use crate::smtp::SmtpSink;
use crate::{bin_dir, free_port};
use anyhow::Context;
use base64::Engine;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

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
        let kek = read_or_create_secret(&dir.join("ca-kek"), || {
            let mut key = [0u8; 32];
            rand::rng().fill(&mut key[..]);
            base64::engine::general_purpose::STANDARD.encode(key)
        })?;

        let gateway_port = match opts.gateway_port {
            Some(p) => p,
            None => free_port()?,
        };
        let grpc_ports: BTreeMap<&str, u16> = [
            ("identity", free_port()?),
            ("offices", free_port()?),
            ("careboard", free_port()?),
            ("notify", free_port()?),
        ]
        .into();
        let mut admin_ports = BTreeMap::new();
        for name in SERVICES.iter().chain(["gateway"].iter()) {
            admin_ports.insert((*name).to_owned(), free_port()?);
        }

        let mut common_env: Vec<(String, String)> = vec![
            ("RUST_LOG".into(), "info".into()),
            ("TLS_CA_FILE".into(), pki.ca.display().to_string()),
            ("OTEL_BSP_SCHEDULE_DELAY".into(), "100".into()),
        ];
        if let Some(o) = &otlp {
            common_env.push(("OTEL_EXPORTER_OTLP_ENDPOINT".into(), o.endpoint()));
            common_env.push(("OTEL_METRIC_EXPORT_INTERVAL".into(), "500".into()));
        }
        common_env.extend(opts.env.iter().cloned());
        let gateway_url = format!("https://localhost:{gateway_port}");
        let mut envs: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for name in SERVICES.iter().chain(["gateway"].iter()) {
            let files = pki.files(name);
            let mut env = common_env.clone();
            env.extend(nats.env(name));
            env.push(("TLS_CERT_FILE".into(), files.cert.display().to_string()));
            env.push(("TLS_KEY_FILE".into(), files.key.display().to_string()));
            env.push((
                "ADMIN_ADDR".into(),
                format!("127.0.0.1:{}", admin_ports[*name]),
            ));
            if let Some(port) = grpc_ports.get(name) {
                env.push(("GRPC_ADDR".into(), format!("127.0.0.1:{port}")));
            }
            if *name != "gateway" {
                env.push(("DATABASE_URL".into(), postgres.url(name)));
            }
            envs.insert((*name).to_owned(), env);
        }
        let push =
            |envs: &mut BTreeMap<String, Vec<(String, String)>>, name: &str, k: &str, v: String| {
                if let Some(e) = envs.get_mut(name) {
                    e.push((k.to_owned(), v));
                }
            };
        push(&mut envs, "identity", "IDENTITY_CA_KEK", kek);
        match smtp_url {
            Some(url) => push(&mut envs, "notify", "SMTP_URL", url),
            None => push(
                &mut envs,
                "notify",
                "MAIL_DIR",
                mail_dir.display().to_string(),
            ),
        }
        push(&mut envs, "notify", "PUBLIC_BASE_URL", gateway_url.clone());
        // Board files in the stack's own directory, unless the test names another store.
        if !opts.env.iter().any(|(k, _)| k == "OBJECT_STORE_URL") {
            let objects = std::path::absolute(opts.dir.join("objects"))?;
            push(
                &mut envs,
                "careboard",
                "OBJECT_STORE_URL",
                format!("file://{}", objects.display()),
            );
        }
        let server = pki.files("gateway-server");
        push(
            &mut envs,
            "gateway",
            "GATEWAY_ADDR",
            format!("127.0.0.1:{gateway_port}"),
        );
        push(
            &mut envs,
            "gateway",
            "GATEWAY_TLS_CERT_FILE",
            server.cert.display().to_string(),
        );
        push(
            &mut envs,
            "gateway",
            "GATEWAY_TLS_KEY_FILE",
            server.key.display().to_string(),
        );
        // Who calls whom over gRPC: the gateway everyone; careboard asks identity and offices who
        // people are; notify asks identity where to mail them; identity asks offices for office
        // names and addresses and an approved office's first admin.
        let callers: [(&str, &[&str]); 4] = [
            ("gateway", &["identity", "offices", "careboard", "notify"]),
            ("careboard", &["identity", "offices"]),
            ("notify", &["identity"]),
            ("identity", &["offices"]),
        ];
        for (caller, services) in callers {
            for svc in services {
                push(
                    &mut envs,
                    caller,
                    &format!("{}_URL", svc.to_uppercase()),
                    format!("https://localhost:{}", grpc_ports[svc]),
                );
            }
        }

        let operator = bootstrap_operator(&dir, &envs)?;
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

    /// Starts (or restarts) one binary with its environment.
    pub fn start_binary(&mut self, name: &str) -> anyhow::Result<()> {
        let program = if name.starts_with("gateway") {
            "gateway"
        } else {
            name
        };
        let mut command = Command::new(bin_dir().join(program));
        command.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        command.envs(self.envs.get(name).cloned().unwrap_or_default());
        let proc = Proc::spawn(name, command, &self.logs)?;
        self.procs.insert(name.to_owned(), proc);
        Ok(())
    }

    /// Starts another gateway instance (its own port, same services) and returns its URL.
    pub async fn start_extra_gateway(&mut self, name: &str) -> anyhow::Result<String> {
        let port = free_port()?;
        let admin = free_port()?;
        let mut env = self.envs.get("gateway").cloned().unwrap_or_default();
        env.retain(|(k, _)| k != "GATEWAY_ADDR" && k != "ADMIN_ADDR");
        env.push(("GATEWAY_ADDR".into(), format!("127.0.0.1:{port}")));
        env.push(("ADMIN_ADDR".into(), format!("127.0.0.1:{admin}")));
        let mut command = Command::new(bin_dir().join("gateway"));
        command.env_clear().envs(env.clone());
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        self.procs
            .insert(name.to_owned(), Proc::spawn(name, command, &self.logs)?);
        self.envs.insert(name.to_owned(), env);
        self.admin_ports.insert(name.to_owned(), admin);
        self.wait_ready(Duration::from_secs(30)).await?;
        Ok(format!("https://localhost:{port}"))
    }

    /// Starts a second replica `name` of `service` (its own admin and gRPC ports; the same
    /// database, NATS and mail server), as a deployment with two pods runs it.
    pub async fn start_replica(&mut self, service: &str, name: &str) -> anyhow::Result<()> {
        let admin = free_port()?;
        let mut env = self.envs.get(service).cloned().unwrap_or_default();
        env.retain(|(k, _)| k != "GRPC_ADDR" && k != "ADMIN_ADDR");
        env.push(("ADMIN_ADDR".into(), format!("127.0.0.1:{admin}")));
        env.push(("GRPC_ADDR".into(), format!("127.0.0.1:{}", free_port()?)));
        let mut command = Command::new(bin_dir().join(service));
        command.env_clear().envs(env.clone());
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        self.procs
            .insert(name.to_owned(), Proc::spawn(name, command, &self.logs)?);
        self.envs.insert(name.to_owned(), env);
        self.admin_ports.insert(name.to_owned(), admin);
        self.wait_ready(Duration::from_secs(30)).await
    }

    /// Stops one binary (SIGTERM), as when it crashes or is being redeployed.
    pub fn stop_binary(&mut self, name: &str) {
        if let Some(mut p) = self.procs.remove(name) {
            p.stop();
        }
    }

    /// Waits until every running binary reports ready on its admin port.
    pub async fn wait_ready(&mut self, within: Duration) -> anyhow::Result<()> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()?;
        let deadline = Instant::now() + within;
        let names: Vec<String> = self.procs.keys().cloned().collect();
        for name in names {
            let url = format!("http://127.0.0.1:{}/readyz", self.admin_ports[&name]);
            loop {
                if let Some(p) = self.procs.get_mut(&name)
                    && let Some(status) = p.exited()
                {
                    anyhow::bail!("{name} exited ({status}):\n{}", p.log_tail());
                }
                if http
                    .get(&url)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
                {
                    break;
                }
                if Instant::now() > deadline {
                    let tail = self
                        .procs
                        .get(&name)
                        .map(Proc::log_tail)
                        .unwrap_or_default();
                    anyhow::bail!("{name} not ready within {within:?}:\n{tail}");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        let gateway = self
            .bootstrap
            .gateway_url
            .trim_start_matches("https://")
            .replace("localhost", "127.0.0.1");
        wait_for_port(&gateway, within).await
    }

    /// The process id of a running binary (to read its memory from `/proc`, for instance).
    #[must_use]
    pub fn pid(&self, name: &str) -> Option<u32> {
        self.procs.get(name).and_then(Proc::pid)
    }

    #[must_use]
    pub fn log_dir(&self) -> &Path {
        &self.logs
    }

    /// The messages the SMTP sink has received (tests only).
    #[must_use]
    pub fn mails(&self) -> Vec<String> {
        crate::smtp::read_messages(&self.bootstrap.mail_dir)
    }
}

/// Creates the city's office and the operator with a device certificate, once per data
/// directory; later starts reuse them.
fn bootstrap_operator(
    dir: &Path,
    envs: &BTreeMap<String, Vec<(String, String)>>,
) -> anyhow::Result<Operator> {
    let saved = dir.join("operator").join("operator.json");
    if let Ok(text) = std::fs::read_to_string(&saved) {
        let op: Operator = serde_json::from_str(&text)?;
        if op.p12.exists() {
            return Ok(op);
        }
    }
    let out = dir.join("operator");
    std::fs::create_dir_all(&out)?;
    let mut office = Command::new(bin_dir().join("offices"));
    office
        .arg("bootstrap-operator-office")
        .envs(envs["offices"].iter().cloned())
        .env("BOOTSTRAP_ADMIN_EMAIL", "operator@city.takahagi.invalid");
    let created: serde_json::Value =
        serde_json::from_str(last_line(&run(office)?)).context("offices bootstrap output")?;
    let office_id = created["office_id"]
        .as_str()
        .context("office_id")?
        .to_owned();
    let office_name = created["name"].as_str().unwrap_or("高萩市").to_owned();

    let password = format!("op-{}", random_secret(12));
    let p12_password = random_secret(9);
    let mut identity = Command::new(bin_dir().join("identity"));
    identity
        .arg("bootstrap-operator")
        .envs(envs["identity"].iter().cloned())
        .env("BOOTSTRAP_OFFICE_ID", &office_id)
        .env("BOOTSTRAP_OFFICE_NAME", &office_name)
        .env("BOOTSTRAP_LOGIN_ID", "operator")
        .env("BOOTSTRAP_NAME", "市 運営担当")
        .env("BOOTSTRAP_PASSWORD", &password)
        .env("BOOTSTRAP_P12_PASSWORD", &p12_password)
        .env("BOOTSTRAP_OUT_DIR", &out);
    let issued: serde_json::Value =
        serde_json::from_str(last_line(&run(identity)?)).context("identity bootstrap output")?;
    let path = |k: &str| -> anyhow::Result<PathBuf> {
        Ok(PathBuf::from(
            issued[k].as_str().with_context(|| k.to_owned())?,
        ))
    };
    let op = Operator {
        login_id: "operator".into(),
        password,
        p12: path("p12")?,
        p12_password,
        cert_pem: path("cert_pem")?,
        key_pem: path("key_pem")?,
    };
    std::fs::write(&saved, serde_json::to_string_pretty(&op)?)?;
    Ok(op)
}

/// The bootstrap commands log as they work and print their result as the last line.
fn last_line(stdout: &str) -> &str {
    stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
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

/// Conveniences for tests that talk to the gateway.
impl Stack {
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.bootstrap.gateway_url)
    }

    /// A browser-like client holding the operator's device certificate.
    pub fn operator_client(&self) -> anyhow::Result<reqwest::Client> {
        let op = &self.bootstrap.operator;
        crate::client::https(&self.bootstrap.ca_cert, Some((&op.cert_pem, &op.key_pem)))
    }

    /// A client with no certificate at all.
    pub fn anonymous_client(&self) -> anyhow::Result<reqwest::Client> {
        crate::client::https(&self.bootstrap.ca_cert, None)
    }

    /// Waits until at least `n` messages have arrived (or `within` passes) and returns them all.
    pub async fn wait_for_mails(&self, n: usize, within: Duration) -> Vec<String> {
        let deadline = Instant::now() + within;
        loop {
            let mails = self.mails();
            if mails.len() >= n || Instant::now() > deadline {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The environment a binary runs with (for running one of its subcommands beside it).
    /// Changes one variable of a binary's environment for its next start.
    pub fn set_env(&mut self, name: &str, key: &str, value: &str) {
        if let Some(env) = self.envs.get_mut(name) {
            env.retain(|(k, _)| k != key);
            env.push((key.to_owned(), value.to_owned()));
        }
    }

    #[must_use]
    pub fn service_env(&self, name: &str) -> Vec<(String, String)> {
        self.envs.get(name).cloned().unwrap_or_default()
    }

    /// A direct connection to one service's database, for checking what was (not) stored.
    pub async fn database(&self, service: &str) -> anyhow::Result<sqlx::PgPool> {
        Ok(sqlx::PgPool::connect(&self.postgres.url(service)).await?)
    }
}

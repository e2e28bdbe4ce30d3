//! Starting, stopping and waiting on the stack's binaries, and more of them beside the first
//! (another gateway, a second replica of a service).

use super::Stack;
use crate::process::{Proc, wait_for_port};
use crate::{bin_dir, free_port};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

impl Stack {
    /// Runs `program` as the stack's process `name` with exactly `env` (and the caller's `PATH`),
    /// remembering both, so that it can be stopped, restarted and probed by that name.
    pub(crate) fn spawn_as(
        &mut self,
        name: &str,
        program: &str,
        env: Vec<(String, String)>,
    ) -> anyhow::Result<()> {
        let mut command = Command::new(bin_dir().join(program));
        command.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        command.envs(env.iter().cloned());
        let proc = Proc::spawn(name, command, &self.logs)?;
        self.procs.insert(name.to_owned(), proc);
        self.envs.insert(name.to_owned(), env);
        Ok(())
    }

    /// Starts (or restarts) one binary with its environment.
    pub fn start_binary(&mut self, name: &str) -> anyhow::Result<()> {
        let program = if name.starts_with("gateway") {
            "gateway"
        } else {
            name
        };
        let env = self.envs.get(name).cloned().unwrap_or_default();
        self.spawn_as(name, program, env)
    }

    /// Starts another gateway instance (its own port, same services) and returns its URL.
    pub async fn start_extra_gateway(&mut self, name: &str) -> anyhow::Result<String> {
        let port = free_port()?;
        let admin = free_port()?;
        let mut env = self.envs.get("gateway").cloned().unwrap_or_default();
        env.retain(|(k, _)| k != "GATEWAY_ADDR" && k != "ADMIN_ADDR");
        env.push(("GATEWAY_ADDR".into(), format!("127.0.0.1:{port}")));
        env.push(("ADMIN_ADDR".into(), format!("127.0.0.1:{admin}")));
        self.spawn_as(name, "gateway", env)?;
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
        self.spawn_as(name, service, env)?;
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

    /// Changes one variable of a binary's environment for its next start.
    pub fn set_env(&mut self, name: &str, key: &str, value: &str) {
        if let Some(env) = self.envs.get_mut(name) {
            env.retain(|(k, _)| k != key);
            env.push((key.to_owned(), value.to_owned()));
        }
    }

    /// The environment a binary runs with (for running one of its subcommands beside it).
    #[must_use]
    pub fn service_env(&self, name: &str) -> Vec<(String, String)> {
        self.envs.get(name).cloned().unwrap_or_default()
    }
}

//! What an operator fears, done to a running stack: a binary killed with SIGKILL (a crash, the
//! OOM killer, a node lost) and started again on the same ports, as Kubernetes restarts a pod;
//! and each binary's readiness as its probe sees it.

use crate::Stack;
use std::time::{Duration, Instant};

impl Stack {
    /// SIGKILL to one binary: no shutdown, no flush, in-flight work cut.
    pub fn kill_binary(&mut self, name: &str) {
        if let Some(mut p) = self.procs.remove(name) {
            p.kill();
        }
    }

    /// What `/readyz` on the binary's admin port answers: the status and its text, or `None`
    /// when nothing answers (the process is down).
    pub async fn readiness(&self, name: &str) -> Option<(u16, String)> {
        let port = self.admin_ports.get(name)?;
        readiness_at(*port).await
    }

    /// Whether the binary is still running (it has not exited or crashed).
    pub fn running(&mut self, name: &str) -> bool {
        self.procs
            .get_mut(name)
            .is_some_and(|p| p.exited().is_none())
    }

    /// The admin port of a binary, for probing it from another task.
    #[must_use]
    pub fn admin_port(&self, name: &str) -> Option<u16> {
        self.admin_ports.get(name).copied()
    }

    /// Waits until one binary says it is ready; fails with its log if it exits or stays unready.
    pub async fn wait_binary_ready(&mut self, name: &str, within: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(p) = self.procs.get_mut(name)
                && let Some(status) = p.exited()
            {
                anyhow::bail!("{name} exited ({status}):\n{}", p.log_tail());
            }
            if self.readiness(name).await.is_some_and(|(s, _)| s == 200) {
                return Ok(());
            }
            if Instant::now() > deadline {
                let tail = self
                    .procs
                    .get(name)
                    .map(crate::process::Proc::log_tail)
                    .unwrap_or_default();
                anyhow::bail!("{name} not ready within {within:?}:\n{tail}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// `/readyz` on a local admin port, with a short timeout so a probe loop keeps its pace.
pub async fn readiness_at(port: u16) -> Option<(u16, String)> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .ok()?;
    let answer = http
        .get(format!("http://127.0.0.1:{port}/readyz"))
        .send()
        .await
        .ok()?;
    let status = answer.status().as_u16();
    Some((status, answer.text().await.unwrap_or_default()))
}

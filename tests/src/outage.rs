//! Bad days, set up by hand: a binary started while what it needs is not there yet, a process
//! frozen as on a node that stopped answering (SIGSTOP: its connections stay open, nothing
//! answers), and a TCP balancer that spreads connections over replicas as a Kubernetes Service's
//! address does (kube-proxy picks a backend per connection, never per request).

use crate::Stack;
use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

impl Stack {
    /// Starts another process `name` of `program` with the environment of `like` (a binary
    /// already in the stack), its own admin and gRPC ports and `overrides`; does not wait for it.
    pub fn launch(
        &mut self,
        program: &str,
        like: &str,
        name: &str,
        overrides: &[(&str, String)],
    ) -> anyhow::Result<()> {
        let mut env = self.envs.get(like).cloned().unwrap_or_default();
        let admin = crate::free_port()?;
        let mut set = |key: &str, value: String| {
            env.retain(|(k, _)| k != key);
            env.push((key.to_owned(), value));
        };
        set("ADMIN_ADDR", format!("127.0.0.1:{admin}"));
        if program == "gateway" {
            set("GATEWAY_ADDR", format!("127.0.0.1:{}", crate::free_port()?));
        } else {
            set("GRPC_ADDR", format!("127.0.0.1:{}", crate::free_port()?));
        }
        for (key, value) in overrides {
            set(key, value.clone());
        }
        self.spawn_as(name, program, env)?;
        self.admin_ports.insert(name.to_owned(), admin);
        Ok(())
    }

    /// One variable of a running binary's environment.
    #[must_use]
    pub fn env_of(&self, name: &str, key: &str) -> Option<String> {
        self.envs
            .get(name)?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    /// Where a service's gRPC listener is.
    #[must_use]
    pub fn grpc_addr(&self, name: &str) -> Option<SocketAddr> {
        self.env_of(name, "GRPC_ADDR")?.parse().ok()
    }

    /// `/healthz` on the binary's admin port: its status, or `None` when nothing answers.
    pub async fn health(&self, name: &str) -> Option<u16> {
        let port = self.admin_ports.get(name)?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(3))
            .build()
            .ok()?;
        let answer = http
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .ok()?;
        Some(answer.status().as_u16())
    }

    /// SIGSTOP (`frozen`) or SIGCONT to a binary: stopped, it holds its sockets open and answers
    /// nothing, as a peer on a lost node does.
    pub fn freeze(&self, name: &str, frozen: bool) -> anyhow::Result<()> {
        let pid = self
            .pid(name)
            .ok_or_else(|| anyhow::anyhow!("{name} is not running"))?;
        let signal = if frozen { "-STOP" } else { "-CONT" };
        crate::process::run({
            let mut c = Command::new("kill");
            c.arg(signal).arg(pid.to_string());
            c
        })?;
        Ok(())
    }
}

/// A TCP balancer on `port`: each new connection goes to the next backend in turn.
pub struct Balancer {
    pub port: u16,
    /// How many connections each backend was given, in the order of `backends`.
    pub connections: Arc<Vec<AtomicUsize>>,
    task: tokio::task::JoinHandle<()>,
}

impl Balancer {
    pub async fn start(port: u16, backends: Vec<SocketAddr>) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let connections: Arc<Vec<AtomicUsize>> =
            Arc::new(backends.iter().map(|_| AtomicUsize::new(0)).collect());
        let counts = connections.clone();
        let task = tokio::spawn(async move {
            let mut next = 0usize;
            while let Ok((mut inbound, _)) = listener.accept().await {
                let i = next % backends.len();
                next += 1;
                counts[i].fetch_add(1, Ordering::SeqCst);
                let backend = backends[i];
                tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(backend).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        Ok(Self {
            port,
            connections,
            task,
        })
    }

    #[must_use]
    pub fn given(&self) -> Vec<usize> {
        self.connections
            .iter()
            .map(|c| c.load(Ordering::SeqCst))
            .collect()
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

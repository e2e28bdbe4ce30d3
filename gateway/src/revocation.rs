//! The set of revoked device certificates, checked on every request: rustls does not re-verify a
//! client certificate on a resumed session and a keep-alive connection outlives a revocation.
//! It learns each revocation by event (every gateway instance subscribes, no queue group) and
//! re-reads the full list periodically, so a lost event cannot keep a certificate alive. When the
//! list cannot be had, protected routes fail closed.

use crate::clients::Clients;
use futures::StreamExt;
use std::collections::HashSet;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Good,
    Revoked,
    /// The list is unknown or too old to trust.
    Unknown,
}

struct State {
    serials: HashSet<String>,
    loaded_at: Option<Instant>,
}

#[derive(Clone)]
pub struct Revocations {
    state: Arc<RwLock<State>>,
    max_age: Duration,
}

impl Revocations {
    #[must_use]
    pub fn new(max_age: Duration) -> Self {
        Self {
            state: Arc::new(RwLock::new(State {
                serials: HashSet::new(),
                loaded_at: None,
            })),
            max_age,
        }
    }

    #[must_use]
    pub fn check(&self, serial: &str) -> Verdict {
        let state = self
            .state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match state.loaded_at {
            Some(at) if at.elapsed() <= self.max_age => {
                if state.serials.contains(serial) {
                    Verdict::Revoked
                } else {
                    Verdict::Good
                }
            }
            _ => Verdict::Unknown,
        }
    }

    #[must_use]
    pub fn is_loaded(&self) -> bool {
        let state = self
            .state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state
            .loaded_at
            .is_some_and(|at| at.elapsed() <= self.max_age)
    }

    fn replace(&self, serials: HashSet<String>) {
        let mut state = self
            .state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.serials = serials;
        state.loaded_at = Some(Instant::now());
    }

    fn add(&self, serial: String) {
        let mut state = self
            .state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.serials.insert(serial);
    }

    async fn reload(&self, clients: &Clients) -> Result<usize, tonic::Status> {
        let mut identity = clients.identity.clone();
        let list = identity
            .get_revocations(proto::identity::GetRevocationsRequest {})
            .await?
            .into_inner();
        let n = list.serials.len();
        self.replace(list.serials.into_iter().collect());
        Ok(n)
    }

    /// Keeps the set current until cancelled: full reloads every `refresh`, events in between.
    pub async fn run(
        self,
        clients: Clients,
        nats: async_nats::Client,
        refresh: Duration,
        shutdown: CancellationToken,
    ) {
        let events = {
            let me = self.clone();
            let shutdown = shutdown.clone();
            async move {
                while !shutdown.is_cancelled() {
                    match nats.subscribe("identity.certificate.revoked").await {
                        Ok(mut sub) => loop {
                            tokio::select! {
                                () = shutdown.cancelled() => return,
                                msg = sub.next() => match msg {
                                    Some(msg) => match serde_json::from_slice::<common::events::CloudEvent>(&msg.payload) {
                                        Ok(event) => {
                                            if let Some(serial) = event.data.get("serial").and_then(|s| s.as_str()) {
                                                tracing::info!(serial, "certificate revoked");
                                                me.add(serial.to_owned());
                                            }
                                        }
                                        Err(e) => tracing::warn!(error = %e, "malformed revocation event"),
                                    },
                                    None => break,
                                },
                            }
                        },
                        Err(e) => tracing::warn!(error = %e, "cannot subscribe to revocations"),
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        };
        let reloads = async {
            loop {
                let wait = match self.reload(&clients).await {
                    Ok(n) => {
                        tracing::debug!(revoked = n, "revocation list loaded");
                        refresh
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "revocation list not loaded");
                        Duration::from_millis(500)
                    }
                };
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(wait) => {},
                }
            }
        };
        tokio::join!(events, reloads);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_until_loaded_then_revoked_serials_are_refused() {
        let r = Revocations::new(Duration::from_mins(1));
        assert_eq!(r.check("aa"), Verdict::Unknown);
        r.replace(HashSet::from(["aa".to_owned()]));
        assert_eq!(r.check("aa"), Verdict::Revoked);
        assert_eq!(r.check("bb"), Verdict::Good);
        r.add("bb".into());
        assert_eq!(r.check("bb"), Verdict::Revoked);
    }

    #[test]
    fn a_stale_list_fails_closed() {
        let r = Revocations::new(Duration::from_millis(1));
        r.replace(HashSet::new());
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(r.check("aa"), Verdict::Unknown);
        assert!(!r.is_loaded());
    }
}

//! The set of revoked device certificates, checked on every request: rustls does not re-verify a
//! client certificate on a resumed session and a keep-alive connection outlives a revocation.
//! It learns each revocation by event (every gateway instance subscribes, no queue group) and
//! re-reads the full list periodically, so a lost event cannot keep a certificate alive. When the
//! list cannot be had, protected routes fail closed.
//!
//! A reload must never undo an event: a serial that arrives while identity is answering is not in
//! the list it answers with. So a serial learned by event is kept beside the list until a reload
//! that *started* after it has completed (identity publishes only after its commit, so such a
//! reload's list holds it).

use crate::edge::clients::Clients;
use futures::StreamExt;
use std::collections::{HashMap, HashSet};
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
    /// The list of the last completed reload.
    serials: HashSet<String>,
    /// Serials learned by event, with the step at which each arrived.
    learned: HashMap<String, u64>,
    /// Counts events and reload starts, to order them.
    step: u64,
    loaded_at: Option<Instant>,
}

/// A reload under way: the step at which it asked identity.
#[derive(Debug, Clone, Copy)]
struct Reload {
    started: u64,
}

#[derive(Clone)]
pub struct Revocations {
    state: Arc<RwLock<State>>,
    max_age: Duration,
    /// Bumped whenever the set may have grown, so open streams can look again at once.
    changed: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Revocations {
    #[must_use]
    pub fn new(max_age: Duration) -> Self {
        Self {
            state: Arc::new(RwLock::new(State {
                serials: HashSet::new(),
                learned: HashMap::new(),
                step: 0,
                loaded_at: None,
            })),
            max_age,
            changed: Arc::new(tokio::sync::watch::channel(0).0),
        }
    }

    /// Wakes whenever a serial may have been added.
    #[must_use]
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    #[must_use]
    pub fn check(&self, serial: &str) -> Verdict {
        let state = self
            .state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match state.loaded_at {
            Some(at) if at.elapsed() <= self.max_age => {
                if state.serials.contains(serial) || state.learned.contains_key(serial) {
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

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Marks the moment a reload asks identity for the list.
    fn begin_reload(&self) -> Reload {
        let mut state = self.write();
        state.step += 1;
        Reload {
            started: state.step,
        }
    }

    /// Takes a reload's list. Serials learned by event before the reload started are in it;
    /// those learned since may not be, and stay.
    fn finish_reload(&self, reload: Reload, serials: HashSet<String>) {
        let mut state = self.write();
        state.serials = serials;
        state.learned.retain(|_, at| *at > reload.started);
        state.loaded_at = Some(Instant::now());
        drop(state);
        self.bump();
    }

    fn add(&self, serial: String) {
        let mut state = self.write();
        state.step += 1;
        let at = state.step;
        state.learned.insert(serial, at);
        drop(state);
        self.bump();
    }

    async fn reload(&self, clients: &Clients) -> Result<usize, tonic::Status> {
        let mut identity = clients.identity.clone();
        let reload = self.begin_reload();
        let list = identity
            .get_revocations(proto::identity::GetRevocationsRequest {})
            .await?
            .into_inner();
        let n = list.serials.len();
        self.finish_reload(reload, list.serials.into_iter().collect());
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
                    match nats
                        .subscribe(proto::events::CERTIFICATE_REVOKED.name())
                        .await
                    {
                        Ok(mut sub) => loop {
                            tokio::select! {
                                () = shutdown.cancelled() => return,
                                msg = sub.next() => match msg {
                                    Some(msg) => match revoked_serial(&msg.payload) {
                                        Ok(serial) => {
                                            tracing::info!(serial, "certificate revoked");
                                            me.add(serial);
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

/// The serial a revocation event names.
fn revoked_serial(payload: &[u8]) -> Result<String, serde_json::Error> {
    let event: common::events::CloudEvent = serde_json::from_slice(payload)?;
    let revoked = event.data_of(proto::events::CERTIFICATE_REVOKED)?;
    if revoked.serial.is_empty() {
        return Err(<serde_json::Error as serde::de::Error>::custom("no serial"));
    }
    Ok(revoked.serial)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(r: &Revocations, serials: &[&str]) {
        let reload = r.begin_reload();
        r.finish_reload(reload, serials.iter().map(|s| (*s).to_owned()).collect());
    }

    #[test]
    fn unknown_until_loaded_then_revoked_serials_are_refused() {
        let r = Revocations::new(Duration::from_mins(1));
        assert_eq!(r.check("aa"), Verdict::Unknown);
        load(&r, &["aa"]);
        assert_eq!(r.check("aa"), Verdict::Revoked);
        assert_eq!(r.check("bb"), Verdict::Good);
        r.add("bb".into());
        assert_eq!(r.check("bb"), Verdict::Revoked);
    }

    #[test]
    fn a_stale_list_fails_closed() {
        let r = Revocations::new(Duration::from_millis(1));
        load(&r, &[]);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(r.check("aa"), Verdict::Unknown);
        assert!(!r.is_loaded());
    }

    #[test]
    fn a_revocation_that_arrives_during_a_reload_survives_it() {
        let r = Revocations::new(Duration::from_mins(1));
        load(&r, &["aa"]);
        // The losing order: the reload asks identity, the event arrives, then identity's answer
        // (read before the revocation was committed) lands.
        let reload = r.begin_reload();
        r.add("bb".into());
        r.finish_reload(reload, HashSet::from(["aa".to_owned()]));
        assert_eq!(r.check("bb"), Verdict::Revoked);
        // A reload that started after the event has it in its list; the event's copy can go.
        load(&r, &["aa", "bb"]);
        assert_eq!(r.check("bb"), Verdict::Revoked);
        assert!(r.state.read().unwrap().learned.is_empty());
    }

    #[test]
    fn a_revocation_learned_before_a_reload_is_taken_from_its_list() {
        let r = Revocations::new(Duration::from_mins(1));
        load(&r, &[]);
        r.add("cc".into());
        let reload = r.begin_reload();
        r.finish_reload(reload, HashSet::from(["cc".to_owned()]));
        assert!(r.state.read().unwrap().learned.is_empty());
        assert_eq!(r.check("cc"), Verdict::Revoked);
    }
}

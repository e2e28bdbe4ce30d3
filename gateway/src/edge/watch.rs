//! What ends an open page's live stream, besides the gateway stopping: the reader leaving the team
//! or being suspended (board events), the session ending (identity's `session.ended` event on
//! logout or when identity kills it, and a timer at the session's deadline, idle or absolute,
//! that asks identity again without counting as activity), the certificate being revoked (the
//! revocation set wakes every stream when it grows) or expiring. A periodic re-check also covers
//! an event that never arrived.

use crate::edge::auth::{Principal, cert_message};
use crate::edge::clients::Clients;
use crate::edge::live::BoardEvent;
use crate::edge::revocation::{Revocations, Verdict};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

/// How often a quiet stream asks identity whether its session still stands.
const RECHECK: Duration = Duration::from_secs(30);
/// A re-check never follows the last sooner than this, whatever identity says of the deadline.
const MIN_WAIT: Duration = Duration::from_millis(200);

/// What a page is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    Posted(uuid::Uuid),
    Marked(Vec<uuid::Uuid>),
}

/// One open page's stream and everything that may end it.
pub struct Follow {
    rx: broadcast::Receiver<BoardEvent>,
    shutdown: CancellationToken,
    revocations: Revocations,
    revoked: tokio::sync::watch::Receiver<u64>,
    clients: Clients,
    clock: common::clock::SharedClock,
    reader: Principal,
    session: String,
    user: Option<uuid::Uuid>,
}

impl Follow {
    #[must_use]
    pub fn new(
        rx: broadcast::Receiver<BoardEvent>,
        shutdown: CancellationToken,
        revocations: Revocations,
        clients: Clients,
        clock: common::clock::SharedClock,
        reader: Principal,
    ) -> Self {
        let revoked = revocations.changes();
        Self {
            rx,
            shutdown,
            revocations,
            revoked,
            clients,
            clock,
            session: reader.session_sha256(),
            user: reader.user_id.parse().ok(),
            reader,
        }
    }

    fn now_ms(&self) -> i64 {
        common::clock::Clock::now(self.clock.as_ref()).timestamp_millis()
    }

    fn certificate_good(&self) -> bool {
        self.reader.cert.not_after.saturating_mul(1000) > self.now_ms()
            && self.revocations.check(&self.reader.cert.serial) == Verdict::Good
    }

    /// How long until the next look at the session: its deadline, the certificate's end, or
    /// the periodic re-check, whichever comes first.
    fn wait(&self) -> Duration {
        let now = self.now_ms();
        let until = self
            .reader
            .ends_at_ms
            .min(self.reader.cert.not_after.saturating_mul(1000))
            .saturating_sub(now);
        let until = Duration::from_millis(u64::try_from(until).unwrap_or(0));
        until.min(RECHECK).max(MIN_WAIT)
    }

    /// Asks identity again, without extending the idle timer; false when the session is over.
    async fn session_stands(&mut self) -> bool {
        let mut identity = self.clients.identity.clone();
        match identity
            .authenticate(proto::identity::AuthenticateRequest {
                session_token: self.reader.token.clone(),
                certificate: Some(cert_message(&self.reader.cert)),
                passive: true,
            })
            .await
        {
            Ok(r) => {
                self.reader.ends_at_ms = r.into_inner().ends_at_ms;
                true
            }
            // An identity that cannot answer cannot vouch for the session either: the page
            // reconnects and is asked again.
            Err(_) => false,
        }
    }

    /// The next update for the page, or `None` when the stream must end.
    pub async fn next(&mut self) -> Option<Update> {
        loop {
            if !self.certificate_good() {
                return None;
            }
            let wait = self.wait();
            let next = tokio::select! {
                () = self.shutdown.cancelled() => return None,
                changed = self.revoked.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                    continue;
                }
                () = tokio::time::sleep(wait) => {
                    if !self.certificate_good() || !self.session_stands().await {
                        return None;
                    }
                    continue;
                }
                next = self.rx.recv() => next,
            };
            match next {
                Ok(BoardEvent::Posted(post)) => return Some(Update::Posted(post)),
                Ok(BoardEvent::Marked(posts)) => return Some(Update::Marked(posts)),
                Ok(BoardEvent::Left(who)) if Some(who) == self.user => return None,
                Ok(BoardEvent::SessionEnded(hash)) if hash == self.session => return None,
                Ok(BoardEvent::Left(_) | BoardEvent::SessionEnded(_)) => {}
                // Too far behind to say what changed: the page reloads what it shows.
                Err(RecvError::Lagged(_)) => return Some(Update::Marked(Vec::new())),
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

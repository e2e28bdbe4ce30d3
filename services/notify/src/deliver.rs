//! Handling one event: plan its emails once, then try each on its own. A refusal is recorded and
//! not tried again; a passing failure is tried again after a back-off until its tries are spent;
//! the others go out regardless. The event is acknowledged once its emails are stored and tried:
//! the later tries are the scheduler's (`crate::schedule`), and the event is done once every
//! email is settled.

use crate::directory::Directory;
use crate::domain::delivery::{DeliveryState, Outcome, RetryPolicy, Template};
use crate::events::{self, CONSUMER, DEAD_LETTER, DeadLetter, Planned, Unplanned};
use crate::mailer::{Mailer, SEND_DEADLINE};
use crate::store::{DeliveryRow, NewDelivery, Store};
use common::clock::SharedClock;
use common::events::{CloudEvent, Handled};
use futures::StreamExt;
use lettre::message::Mailbox;
use std::time::Duration;

/// How long one try holds its email against another replica: longer than a send can take, and
/// short, since the lease of a process that crashed mid-send holds its email back until it lapses.
const LEASE: Duration = Duration::from_secs(SEND_DEADLINE.as_secs() + 10);

/// How soon an enrollment mail is tried again while identity is away.
const IDENTITY_AWAY: Duration = Duration::from_secs(2);

pub struct Notifier {
    pub store: Store,
    pub mailer: Mailer,
    pub from: Mailbox,
    pub portal_url: String,
    /// Where the city hears of new applications.
    pub operator_email: Option<String>,
    pub clock: SharedClock,
    pub identity: Directory,
    pub retry: RetryPolicy,
    /// How many of one event's emails are tried at once.
    pub fan_out: usize,
    /// `renrakucho_emails{result="sent"|"failed"}`.
    pub emails: common::metrics::ResultCounter,
}

fn chrono(d: Duration) -> chrono::TimeDelta {
    chrono::TimeDelta::from_std(d).unwrap_or(chrono::TimeDelta::MAX)
}

impl Notifier {
    #[tracing::instrument(skip_all, fields(event_id = %event.id, kind = %event.kind))]
    pub async fn handle(&self, event: CloudEvent) -> Handled {
        match self.store.processed(CONSUMER, event.id).await {
            Ok(true) => {
                tracing::info!("already delivered; skipping");
                return Handled::Done;
            }
            Ok(false) => {}
            Err(e) => return Handled::Retry(e.to_string()),
        }
        let mut rows = match self.store.deliveries(event.id).await {
            Ok(rows) => rows,
            Err(e) => return Handled::Retry(e.to_string()),
        };
        if rows.is_empty() {
            let plan =
                match events::plan(&event, &self.identity, self.operator_email.as_deref()).await {
                    Ok(plan) => plan,
                    Err(Unplanned::Retry(why)) => return Handled::Retry(why),
                    Err(Unplanned::Reject(why)) => return self.dead_event(&event, why).await,
                };
            if plan.is_empty() {
                return self.finish(&event).await;
            }
            rows = match self
                .store
                .plan(event.id, &new_rows(&plan), self.clock.now())
                .await
            {
                Ok(rows) => rows,
                Err(e) => return Handled::Retry(e.to_string()),
            };
        }
        let now = self.clock.now();
        let due: Vec<&DeliveryRow> = rows
            .iter()
            .filter(|r| r.state == DeliveryState::Pending && r.next_attempt_at <= now)
            .collect();
        let tried: Vec<Result<Settled, String>> = futures::stream::iter(due)
            .map(|row| self.try_one(&event, row))
            .buffer_unordered(self.fan_out.max(1))
            .collect()
            .await;
        let mut waiting = rows
            .iter()
            .any(|r| r.state == DeliveryState::Pending && r.next_attempt_at > now);
        for t in tried {
            match t {
                Err(why) => return Handled::Retry(why),
                Ok(Settled::Done) => {}
                Ok(Settled::Later | Settled::Elsewhere) => waiting = true,
            }
        }
        if !waiting {
            return self.finish(&event).await;
        }
        // The later tries are the scheduler's (`crate::schedule`), from the kept event: the
        // message is acknowledged now and holds no place in JetStream while it waits.
        if let Err(e) = self.store.keep(&event, self.clock.now()).await {
            return Handled::Retry(e.to_string());
        }
        // Settled meanwhile by another replica's try: not kept for nothing.
        self.finish(&event).await
    }

    async fn finish(&self, event: &CloudEvent) -> Handled {
        match self.store.settle(CONSUMER, event.id).await {
            Ok(()) => Handled::Done,
            Err(e) => Handled::Retry(e.to_string()),
        }
    }

    /// An event no mail can be made of (malformed): acknowledged, and its dead letter written.
    async fn dead_event(&self, event: &CloudEvent, why: String) -> Handled {
        let letter = DeadLetter {
            event_id: event.id.to_string(),
            event_type: event.kind.clone(),
            template: String::new(),
            user_id: None,
            office_id: None,
            reason: "malformed".into(),
            attempts: 0,
        };
        let result = match self.dead_letter(&letter) {
            Ok(dead) => self.store.dead_event(CONSUMER, &dead, event.id).await,
            Err(e) => return Handled::Retry(e),
        };
        match result {
            Ok(()) => Handled::Reject(why),
            Err(e) => Handled::Retry(e.to_string()),
        }
    }

    fn dead_letter(&self, letter: &DeadLetter) -> Result<CloudEvent, String> {
        CloudEvent::of(
            self.clock.as_ref(),
            "renrakucho/notify",
            DEAD_LETTER,
            Some(letter.event_id.clone()),
            letter,
        )
        .map_err(|e| e.to_string())
    }

    /// One try of one email, settled in the store. `Err` only when the store failed.
    pub(crate) async fn try_one(
        &self,
        event: &CloudEvent,
        row: &DeliveryRow,
    ) -> Result<Settled, String> {
        let now = self.clock.now();
        let store_err = |e: crate::store::StoreError| e.to_string();
        let Some(attempts) = self
            .store
            .lease(event.id, &row.recipient, now, now + chrono(LEASE))
            .await
            .map_err(store_err)?
        else {
            // Another replica is on it, or it was settled meanwhile.
            return Ok(Settled::Elsewhere);
        };
        let template = Template::from_name(&row.template);
        let email = match template {
            Some(Template::EnrollmentCode) => match self.enrollment_mail(event, row).await? {
                Enrollment::Mail(email) => Some(email),
                Enrollment::Nothing => {
                    // Mailed already (the note of it was lost), used or expired: nothing to send.
                    self.store
                        .sent(event.id, &row.recipient, now)
                        .await
                        .map_err(store_err)?;
                    return Ok(Settled::Done);
                }
                Enrollment::Later => return Ok(Settled::Later),
            },
            Some(t) => events::compose(event, t, &row.recipient, &self.portal_url).ok(),
            None => None,
        };
        let outcome = match &email {
            Some(email) => self.mailer.send(&self.from, email, &row.message_id).await,
            // Planned from this very event: it parsed then, so this is not reached; were it
            // reached, trying again would not help.
            None => Outcome::Permanent(crate::domain::delivery::Failure::Refused),
        };
        self.emails
            .get_or_create(&common::metrics::ResultLabel {
                result: if outcome == Outcome::Sent {
                    "sent"
                } else {
                    "failed"
                },
            })
            .inc();
        let now = self.clock.now();
        let template = template.map_or("", Template::name);
        match outcome {
            Outcome::Sent => {
                self.store
                    .sent(event.id, &row.recipient, now)
                    .await
                    .map_err(store_err)?;
                // The sealed secret goes once its mail is out. Should identity not hear of it,
                // the copy still dies with the code (used or expired).
                if template == Template::EnrollmentCode.name()
                    && let Err(why) = self.identity.enrollment_mailed(event).await
                {
                    tracing::warn!(reason = %why, "identity not told that the code was mailed");
                }
                tracing::info!(template, attempts, "email sent");
            }
            Outcome::Permanent(failure) => {
                self.store
                    .refused(event.id, &row.recipient, failure.name(), now)
                    .await
                    .map_err(store_err)?;
                tracing::warn!(template, attempts, failure = failure.name(), user_id = ?row.user_id, "email refused; not tried again");
            }
            Outcome::Transient(failure) => {
                let tries = u32::try_from(attempts).unwrap_or(u32::MAX);
                if let Some(wait) = self.retry.next_wait(tries) {
                    let at = now + chrono(wait);
                    self.store
                        .reschedule(event.id, &row.recipient, failure.name(), at, now)
                        .await
                        .map_err(store_err)?;
                    tracing::warn!(template, attempts, failure = failure.name(), retry_in = ?wait, "email not taken; will try again");
                    return Ok(Settled::Later);
                }
                let letter = DeadLetter {
                    event_id: event.id.to_string(),
                    event_type: event.kind.clone(),
                    template: template.to_owned(),
                    user_id: row.user_id.map(|u| u.to_string()),
                    office_id: row.office_id.map(|o| o.to_string()),
                    reason: failure.name().to_owned(),
                    attempts,
                };
                let dead = self.dead_letter(&letter)?;
                self.store
                    .give_up(event.id, &row.recipient, failure.name(), now, &dead)
                    .await
                    .map_err(store_err)?;
                tracing::error!(template, attempts, failure = failure.name(), user_id = ?row.user_id, "email given up after its tries");
            }
        }
        Ok(Settled::Done)
    }
}

/// What identity said of an enrollment code's mail.
enum Enrollment {
    Mail(crate::domain::Email),
    /// identity no longer holds the secret.
    Nothing,
    /// identity is away: tried again by the scheduler.
    Later,
}

impl Notifier {
    async fn enrollment_mail(
        &self,
        event: &CloudEvent,
        row: &DeliveryRow,
    ) -> Result<Enrollment, String> {
        use crate::enrollment::Unready;
        let waiting = match self.identity.enrollment_mail(event).await {
            Ok(Some(waiting)) => waiting,
            Ok(None) => return Ok(Enrollment::Nothing),
            Err(Unready::Reject(why)) => {
                tracing::error!(reason = %why, "enrollment event unreadable");
                return Ok(Enrollment::Nothing);
            }
            Err(Unready::Retry(why)) => {
                tracing::warn!(reason = %why, "identity away; the enrollment mail waits");
                let at = self.clock.now() + chrono(IDENTITY_AWAY);
                self.store
                    .reschedule(event.id, &row.recipient, "temporary", at, self.clock.now())
                    .await
                    .map_err(|e| e.to_string())?;
                return Ok(Enrollment::Later);
            }
        };
        match waiting.compose(&self.portal_url) {
            Ok(email) => Ok(Enrollment::Mail(email)),
            Err(_) => Ok(Enrollment::Nothing),
        }
    }
}

/// Where one try left its email.
pub(crate) enum Settled {
    /// Sent, refused for good, or given up.
    Done,
    /// Put off: tried again by the scheduler.
    Later,
    /// Held by another replica (or settled by it meanwhile).
    Elsewhere,
}

fn new_rows(plan: &[Planned]) -> Vec<NewDelivery<'_>> {
    plan.iter()
        .map(|p| NewDelivery {
            template: p.template.name(),
            recipient: &p.address,
            user_id: p.user_id,
            office_id: p.office_id,
        })
        .collect()
}

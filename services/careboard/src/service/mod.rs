//! Careboard's use cases. Each one checks the actor's place on the team here, in careboard, and
//! leaves an audit record (through the outbox) for every read and write of a recipient's data.

mod board;
mod consents;
mod corrections;
mod files;
mod incidents;
mod reads;
mod recipients;
mod replies;
mod search;
mod stats;
mod team;
mod write;

pub use board::{NewPost, PostView};
pub use files::{Shelf, sweep_files_forever};
pub use incidents::IncidentView;
pub use recipients::{RecipientView, Registered};
pub use search::{Asked, Found, Period, index_pending_posts};
pub use write::Once;

use crate::directory::{Directory, DirectoryError, Person};
use crate::domain::{Actor, DomainError, Role};
use crate::error::{Error, Result};
use crate::events::SOURCE;
use crate::store::{Access, MemberRow, Store};
use chrono::NaiveDate;
use common::audit::AuditRecord;
use common::clock::SharedClock;
use common::events::CloudEvent;
use common::ids::{CertSerial, RecipientId, UserId};
use std::sync::Arc;
use tokio::sync::Notify;
use uuid::Uuid;

pub struct Careboard {
    store: Store,
    /// Who people are: identity and offices over gRPC in the service.
    directory: Arc<dyn Directory>,
    clock: SharedClock,
    relay: Arc<Notify>,
    /// How long an author may correct or withdraw a post (the city's setting).
    correction_window: chrono::Duration,
    /// Where board files are kept.
    shelf: files::Shelf,
    /// Who may export a record (the city's setting).
    export_by: crate::domain::ExportBy,
}

fn proto_actor(actor: &Actor) -> proto::common::Actor {
    let role = match actor.role {
        Role::Staff => proto::common::Role::Staff,
        Role::OfficeAdmin => proto::common::Role::OfficeAdmin,
        Role::Operator => proto::common::Role::Operator,
    };
    proto::common::Actor {
        user_id: actor.user_id.to_string(),
        office_id: actor.office_id.to_string(),
        role: role.into(),
        cert_serial: actor
            .cert_serial
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    }
}

impl Careboard {
    #[must_use]
    pub fn new(
        store: Store,
        directory: Arc<dyn Directory>,
        clock: SharedClock,
        relay: Arc<Notify>,
        shelf: files::Shelf,
    ) -> Self {
        Self {
            store,
            directory,
            clock,
            relay,
            shelf,
            export_by: crate::domain::ExportBy::default(),
            correction_window: chrono::Duration::hours(
                crate::domain::correction::DEFAULT_WINDOW_HOURS,
            ),
        }
    }

    #[must_use]
    pub fn with_export_by(mut self, by: crate::domain::ExportBy) -> Self {
        self.export_by = by;
        self
    }

    #[must_use]
    pub fn with_correction_window(mut self, window: chrono::Duration) -> Self {
        self.correction_window = window;
        self
    }

    /// Today in Japan, where consent dates and birth dates are written.
    fn today(&self) -> NaiveDate {
        common::japan::today(self.clock.now())
    }

    fn event<E: serde::Serialize>(
        &self,
        kind: proto::events::Subject<E>,
        subject: impl Into<Uuid>,
        data: &E,
    ) -> Result<CloudEvent> {
        CloudEvent::of(
            self.clock.as_ref(),
            SOURCE,
            kind,
            Some(subject.into().to_string()),
            data,
        )
        .map_err(|e| Error::Internal(e.to_string()))
    }

    /// The audit record of `action` on a recipient's data.
    fn audit(
        &self,
        actor: &Actor,
        action: &str,
        outcome: &str,
        recipient: RecipientId,
        details: serde_json::Value,
    ) -> Result<CloudEvent> {
        self.audit_event(
            &record_by(actor, action, outcome)
                .on("recipient", &recipient)
                .with(details),
        )
    }

    /// A record as the event the outbox carries to identity's trail.
    fn audit_event(&self, record: &AuditRecord) -> Result<CloudEvent> {
        record
            .event(self.clock.as_ref(), "careboard")
            .map_err(|e| Error::Internal(e.to_string()))
    }

    /// A read's audit record, written on its own (a read changes nothing else).
    async fn audit_read(
        &self,
        actor: &Actor,
        action: &str,
        recipient: RecipientId,
        details: serde_json::Value,
    ) -> Result<()> {
        let record = self.audit(actor, action, "success", recipient, details)?;
        self.store.record(&[record]).await?;
        self.relay.notify_one();
        Ok(())
    }

    /// The actor's standing on the board, refused (and the refusal recorded) unless `rule`
    /// allows it. An unknown recipient is refused the same way, so ids reveal nothing.
    async fn access(
        &self,
        actor: &Actor,
        recipient: RecipientId,
        action: &str,
        rule: impl Fn(&Actor, Access) -> std::result::Result<(), DomainError>,
    ) -> Result<Access> {
        let access = self.store.access(recipient, actor.user_id).await?;
        self.judge(actor, recipient, action, access, rule).await
    }

    /// The verdict of `rule` on what the store found, a refusal recorded.
    async fn judge(
        &self,
        actor: &Actor,
        recipient: RecipientId,
        action: &str,
        access: Option<Access>,
        rule: impl Fn(&Actor, Access) -> std::result::Result<(), DomainError>,
    ) -> Result<Access> {
        let verdict = match access {
            Some(a) => rule(actor, a).map(|()| a.membership),
            None => Err(DomainError::Forbidden),
        };
        if verdict == Err(DomainError::Forbidden) {
            let record = self.audit(actor, action, "denied", recipient, serde_json::Value::Null)?;
            self.store.record(&[record]).await?;
            self.relay.notify_one();
        }
        let membership = verdict?;
        Ok(Access {
            membership,
            closed: access.is_some_and(|a| a.closed),
        })
    }

    /// The directory's card of a person, as a team member row.
    async fn person(&self, actor: &Actor, user: UserId) -> Result<Person> {
        self.directory
            .person(&proto_actor(actor), user)
            .await
            .map_err(|e| match e {
                DirectoryError::NotFound => Error::Domain(DomainError::NotFound),
                DirectoryError::Unavailable(m) => Error::Directory(m),
            })
    }

    fn member_row(&self, person: Person, is_representative: bool) -> MemberRow {
        MemberRow {
            user_id: person.candidate.user_id,
            name: person.name,
            kana: person.kana,
            profession: person.profession,
            office_id: person.office_id,
            office_name: person.office_name,
            is_representative,
            added_at: self.clock.now(),
            status: person.candidate.status,
        }
    }

    fn wake_relay(&self) {
        self.relay.notify_one();
    }
}

impl Careboard {
    /// Staff and admins in good standing: identity may have suspended the actor since the
    /// gateway let them in.
    async fn ensure_active_staff(&self, actor: &Actor) -> Result<()> {
        crate::domain::may_list_own_boards(actor)?;
        self.ensure_active(actor).await
    }

    /// Refuses anyone identity has suspended or deactivated, whatever the gateway let through:
    /// careboard enforces access itself.
    async fn ensure_active(&self, actor: &Actor) -> Result<()> {
        if self.store.is_inactive(actor.user_id).await? {
            return Err(DomainError::Forbidden.into());
        }
        Ok(())
    }

    pub async fn my_recipients(&self, actor: &Actor) -> Result<Vec<crate::store::SummaryRow>> {
        self.ensure_active_staff(actor).await?;
        let rows = self.store.recipients_of(actor.user_id).await?;
        // The home list names the actor's recipients: a read like any other.
        let record = self.audit_event(
            &record_by(actor, "recipient.list", "success")
                .with(serde_json::json!({ "count": rows.len() })),
        )?;
        self.store.record(&[record]).await?;
        self.wake_relay();
        Ok(rows)
    }
}

/// An audit record by `actor`, to be completed with what it is about.
fn record_by(actor: &Actor, action: &str, outcome: &str) -> AuditRecord {
    AuditRecord::new(action, outcome).by(
        Some(actor.user_id.as_uuid()),
        Some(actor.office_id.as_uuid()),
        actor.cert_serial.as_ref().map(CertSerial::as_str),
    )
}

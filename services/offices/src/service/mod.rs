//! Offices' use cases: the types they share and the helpers every one of them uses.

mod announcements;
mod applications;
pub use applications::ApprovedAdmin;
mod invitations;
mod offices;
mod profile;
mod stats;

use crate::domain::ActorRole;
pub use crate::domain::ApplicationMode;
use crate::error::{Error, Result};
use crate::events::{OFFICE_REGISTERED, OfficeRegistered, SOURCE};
use crate::store::{OfficeRow, Store};
use common::audit::AuditRecord;
use common::clock::SharedClock;
use common::events::CloudEvent;
use common::ids::{OfficeId, UserId};
use std::sync::Arc;
use tokio::sync::Notify;
use uuid::Uuid;

pub struct NewOffice<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub admin_email: &'a str,
}

/// Who asks, as the gateway established it.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user_id: UserId,
    pub office_id: OfficeId,
    pub role: ActorRole,
}

pub struct Offices {
    store: Store,
    clock: SharedClock,
    relay: Arc<Notify>,
    mode: ApplicationMode,
}

impl Offices {
    #[must_use]
    pub fn new(
        store: Store,
        clock: SharedClock,
        relay: Arc<Notify>,
        mode: ApplicationMode,
    ) -> Self {
        Self {
            store,
            clock,
            relay,
            mode,
        }
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

    fn audit(
        &self,
        actor: Option<&Actor>,
        action: &str,
        target: impl Into<Uuid>,
    ) -> Result<CloudEvent> {
        AuditRecord::new(action, "success")
            .by(
                actor.map(|a| a.user_id.as_uuid()),
                actor.map(|a| a.office_id.as_uuid()),
                None,
            )
            .on("office", &target.into())
            .event(self.clock.as_ref(), "offices")
            .map_err(|e| Error::Internal(e.to_string()))
    }

    fn registered(&self, office: &OfficeRow) -> Result<CloudEvent> {
        self.event(
            OFFICE_REGISTERED,
            office.id,
            &OfficeRegistered {
                office_id: office.id.to_string(),
                name: office.name.clone(),
                kind: office.kind.clone(),
                admin_email: office.admin_email.clone(),
            },
        )
    }
}

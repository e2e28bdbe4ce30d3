//! Offices' use cases.

use crate::domain::{ActorRole, DomainError, OfficeKind, OfficeName, may_register_office};
use crate::error::{Error, Result};
use crate::events::{OFFICE_REGISTERED, OfficeRegistered, SOURCE};
use crate::store::{OfficeRow, Store};
use common::clock::SharedClock;
use common::events::CloudEvent;
use common::text::Email;
use std::sync::Arc;
use tokio::sync::Notify;
use uuid::Uuid;

pub struct NewOffice<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub admin_email: &'a str,
}

pub struct Offices {
    store: Store,
    clock: SharedClock,
    relay: Arc<Notify>,
}

impl Offices {
    #[must_use]
    pub fn new(store: Store, clock: SharedClock, relay: Arc<Notify>) -> Self {
        Self {
            store,
            clock,
            relay,
        }
    }

    pub async fn register(&self, role: ActorRole, new: &NewOffice<'_>) -> Result<OfficeRow> {
        may_register_office(role)?;
        self.create(new, false).await
    }

    /// The city's own office, created once at bootstrap; later calls return it unchanged.
    pub async fn ensure_operator_office(&self, new: &NewOffice<'_>) -> Result<OfficeRow> {
        if let Some(existing) = self.store.operator_office().await? {
            return Ok(existing);
        }
        self.create(new, true).await
    }

    async fn create(&self, new: &NewOffice<'_>, operator_office: bool) -> Result<OfficeRow> {
        let name = OfficeName::parse(new.name)?;
        let kind = OfficeKind::parse(new.kind)?;
        let email =
            Email::parse(new.admin_email).map_err(|_| DomainError::Invalid("admin_email"))?;
        let office = OfficeRow {
            id: Uuid::now_v7(),
            name: name.as_str().to_owned(),
            kind: kind.label().to_owned(),
            admin_email: email.as_str().to_owned(),
            status: "active".into(),
            created_at: self.clock.now(),
        };
        let event = CloudEvent::new(
            self.clock.as_ref(),
            SOURCE,
            OFFICE_REGISTERED,
            Some(office.id.to_string()),
            &OfficeRegistered {
                office_id: office.id,
                name: office.name.clone(),
                kind: office.kind.clone(),
                admin_email: office.admin_email.clone(),
            },
        )
        .map_err(|e| Error::Internal(e.to_string()))?;
        self.store
            .insert_office(&office, operator_office, &event)
            .await?;
        self.relay.notify_one();
        tracing::info!(office_id = %office.id, event_id = %event.id, "office registered");
        Ok(office)
    }

    pub async fn get(&self, id: Uuid) -> Result<OfficeRow> {
        self.store
            .office(id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    pub async fn list(&self, role: ActorRole) -> Result<Vec<OfficeRow>> {
        may_register_office(role)?;
        Ok(self.store.list(200).await?)
    }
}

//! Offices registered by the city, found, listed for the directory and the map, withdrawn.

use super::{Actor, NewOffice, Offices};
use crate::domain::{
    ActorRole, DomainError, OfficeKind, OfficeName, OfficeStatus, may_register_office,
};
use crate::error::Result;
use crate::events::{OFFICE_WITHDRAWN, OfficeWithdrawn};
use crate::store::OfficeRow;
use common::ids::OfficeId;
use common::text::Email;

impl Offices {
    pub async fn register(&self, actor: &Actor, new: &NewOffice<'_>) -> Result<OfficeRow> {
        may_register_office(actor.role)?;
        self.create(Some(actor), new, false).await
    }

    /// The city's own office, created once at bootstrap; later calls return it unchanged.
    pub async fn ensure_operator_office(&self, new: &NewOffice<'_>) -> Result<OfficeRow> {
        if let Some(existing) = self.store.operator_office().await? {
            return Ok(existing);
        }
        self.create(None, new, true).await
    }

    async fn create(
        &self,
        actor: Option<&Actor>,
        new: &NewOffice<'_>,
        operator_office: bool,
    ) -> Result<OfficeRow> {
        let name = OfficeName::parse(new.name)?;
        let kind = OfficeKind::parse(new.kind)?;
        let email =
            Email::parse(new.admin_email).map_err(|_| DomainError::Invalid("admin_email"))?;
        let office = OfficeRow {
            id: OfficeId::new_v7(),
            name: name.as_str().to_owned(),
            kana: String::new(),
            kind: kind.label().to_owned(),
            code: None,
            postal_code: String::new(),
            address: String::new(),
            phone: String::new(),
            fax: None,
            latitude: None,
            longitude: None,
            listed: false,
            admin_email: email.as_str().to_owned(),
            status: OfficeStatus::Active,
            created_at: self.clock.now(),
        };
        let events = [
            self.registered(&office)?,
            self.audit(actor, "office.register", office.id)?,
        ];
        self.store
            .insert_office(&office, operator_office, &events)
            .await?;
        self.relay.notify_one();
        tracing::info!(office_id = %office.id, "office registered");
        Ok(office)
    }

    pub async fn get(&self, id: OfficeId) -> Result<OfficeRow> {
        self.store
            .office(id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    pub async fn list(&self, actor: &Actor) -> Result<Vec<OfficeRow>> {
        may_register_office(actor.role)?;
        Ok(self.store.list(500).await?)
    }

    /// Any signed-in actor: building a support team means finding people of other offices.
    pub async fn directory(&self) -> Result<Vec<OfficeRow>> {
        Ok(self.store.directory().await?)
    }

    pub async fn on_map(&self, kind: Option<&str>) -> Result<Vec<OfficeRow>> {
        let kind = match kind.filter(|k| !k.is_empty()) {
            Some(k) => Some(OfficeKind::parse(k)?.label()),
            None => None,
        };
        Ok(self.store.on_map(kind).await?)
    }

    /// 利用廃止, by the operator or the office's own admin. The office's users and certificates are
    /// disabled by identity on the event; its history stays.
    pub async fn withdraw(&self, actor: &Actor, id: OfficeId, reason: &str) -> Result<OfficeRow> {
        let allowed = actor.role == ActorRole::Operator
            || (actor.role == ActorRole::OfficeAdmin && actor.office_id == id);
        if !allowed {
            return Err(DomainError::Forbidden.into());
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(DomainError::Invalid("reason").into());
        }
        let events = [
            self.event(
                OFFICE_WITHDRAWN,
                id,
                &OfficeWithdrawn {
                    office_id: id.to_string(),
                },
            )?,
            self.audit(Some(actor), "office.withdraw", id)?,
        ];
        if !self
            .store
            .withdraw(id, reason, self.clock.now(), &events)
            .await?
        {
            let office = self.get(id).await?;
            if office.status != OfficeStatus::Withdrawn {
                return Err(DomainError::Forbidden.into());
            }
        }
        self.relay.notify_one();
        self.get(id).await
    }
}

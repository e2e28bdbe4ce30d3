//! The office's own profile and map entry.

use super::{Actor, Offices};
use crate::domain::application::{self, ApplicationInput};
use crate::domain::{ActorRole, DomainError, OfficeStatus};
use crate::error::Result;
use crate::store::OfficeRow;
use common::ids::OfficeId;

impl Offices {
    /// The office's profile and map entry. Its admin edits them; a change of kind or code is the
    /// city's to make (it decides which numbers an office holds).
    pub async fn update(
        &self,
        actor: &Actor,
        id: OfficeId,
        input: &ApplicationInput,
    ) -> Result<OfficeRow> {
        let own = actor.role == ActorRole::OfficeAdmin && actor.office_id == id;
        if !(own || actor.role == ActorRole::Operator) {
            return Err(DomainError::Forbidden.into());
        }
        let current = self.get(id).await?;
        if current.status != OfficeStatus::Active {
            return Err(DomainError::Forbidden.into());
        }
        let f = application::validate_office(input, current.code.as_deref())
            .map_err(DomainError::Fields)?;
        if actor.role != ActorRole::Operator
            && (f.kind.label() != current.kind || f.code != current.code)
        {
            return Err(DomainError::Forbidden.into());
        }
        let office = OfficeRow {
            name: f.name,
            kana: f.kana,
            kind: f.kind.label().to_owned(),
            code: f.code,
            postal_code: f.postal_code,
            address: f.address,
            phone: f.phone,
            fax: f.fax,
            latitude: f.location.map(|l| l.0),
            longitude: f.location.map(|l| l.1),
            listed: f.listed,
            ..current
        };
        let events = [self.audit(Some(actor), "office.update", id)?];
        self.store
            .update_office(&office, self.clock.now(), &events)
            .await?;
        self.get(id).await
    }
}

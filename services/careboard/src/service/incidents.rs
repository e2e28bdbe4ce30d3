//! 報告義務 (W10): staff file incident reports; their office admin and the city are told; the
//! city tracks each to 完了, and the reporter sees where it stands.

use super::Careboard;
use super::write::{Once, Started};
use crate::domain::incident::{self, IncidentInput, IncidentStatus};
use crate::domain::{Actor, DomainError, Role, may_see_incident, may_track_incident};
use crate::error::Result;
use crate::events::{INCIDENT_FILED, IncidentFiled};
use crate::store::{IncidentNoteRow, IncidentRow, Store};
use common::ids::IncidentId;

pub struct IncidentView {
    pub incident: IncidentRow,
    pub notes: Vec<IncidentNoteRow>,
}

impl Careboard {
    fn incident_audit(
        &self,
        actor: &Actor,
        action: &str,
        id: IncidentId,
    ) -> Result<common::events::CloudEvent> {
        self.audit_event(&super::record_by(actor, action, "success").on("incident", &id))
    }

    pub async fn file_incident(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        input: &IncidentInput,
    ) -> Result<IncidentView> {
        self.ensure_active_staff(actor).await?;
        let valid = incident::validate(input, self.clock.now()).map_err(DomainError::Invalid)?;
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(id) => return self.incident(actor, id.into()).await,
        };
        let me = self.person(actor, actor.user_id).await?;
        let now = self.clock.now();
        let row = IncidentRow {
            id: IncidentId::new_v7(),
            office_id: actor.office_id,
            office_name: me.office_name,
            reporter_user_id: actor.user_id,
            reporter_name: me.name,
            occurred_at: valid.occurred_at,
            device: valid.device,
            what_happened: valid.what_happened,
            action_taken: valid.action_taken,
            status: incident::FILED,
            filed_at: now,
            updated_at: now,
        };
        let events = [
            self.event(
                INCIDENT_FILED,
                row.id,
                &IncidentFiled {
                    incident_id: row.id.to_string(),
                    office_id: row.office_id.to_string(),
                    office_name: row.office_name.clone(),
                },
            )?,
            self.incident_audit(actor, "incident.file", row.id)?,
        ];
        Store::insert_incident(&mut w.tx, &row, &events).await?;
        self.commit(w, row.id).await?;
        Ok(IncidentView {
            incident: row,
            notes: Vec::new(),
        })
    }

    pub async fn incidents(&self, actor: &Actor) -> Result<Vec<IncidentRow>> {
        self.ensure_active(actor).await?;
        let rows = match actor.role {
            Role::Operator => self.store.incidents(None, None).await?,
            Role::OfficeAdmin => self.store.incidents(Some(actor.office_id), None).await?,
            Role::Staff => self.store.incidents(None, Some(actor.user_id)).await?,
        };
        Ok(rows)
    }

    pub async fn incident(&self, actor: &Actor, id: IncidentId) -> Result<IncidentView> {
        let row = self
            .store
            .incident(id)
            .await?
            .ok_or(DomainError::NotFound)?;
        may_see_incident(actor, row.office_id, row.reporter_user_id)?;
        self.ensure_active(actor).await?;
        Ok(IncidentView {
            notes: self.store.incident_notes(id).await?,
            incident: row,
        })
    }

    pub async fn track_incident(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        id: IncidentId,
        status: IncidentStatus,
        note: &str,
    ) -> Result<IncidentView> {
        may_track_incident(actor)?;
        self.ensure_active(actor).await?;
        let note = incident::status_note(note).map_err(DomainError::Invalid)?;
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(id) => return self.incident(actor, id.into()).await,
        };
        self.store
            .incident(id)
            .await?
            .ok_or(DomainError::NotFound)?;
        let row = IncidentNoteRow {
            at: self.clock.now(),
            // Only the city tracks reports; it answers as the section, not as a person.
            by_name: "市（高齢福祉課）".to_owned(),
            status,
            note,
        };
        let events = [self.incident_audit(actor, "incident.track", id)?];
        Store::track_incident(&mut w.tx, id, actor.user_id, &row, &events).await?;
        self.commit(w, id).await?;
        self.incident(actor, id).await
    }
}

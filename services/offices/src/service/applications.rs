//! 事業所登録申請: an office applies, the city approves or rejects.

use super::{Actor, ApplicationMode, Offices};
use crate::domain::application::{self, ApplicationInput};
use crate::domain::{ApplicationStatus, DomainError, OfficeStatus, may_register_office};
use crate::error::Result;
use crate::events::{
    APPLICATION_APPROVED, APPLICATION_REJECTED, APPLICATION_SUBMITTED, ApplicationApproved,
    ApplicationRejected, ApplicationSubmitted,
};
use crate::store::{ApplicationRow, OfficeRow};
use common::ids::{ApplicationId, OfficeId};

impl Offices {
    /// 事業所登録申請 from the public form. `dry_run` only checks (the confirmation step).
    pub async fn apply(
        &self,
        input: &ApplicationInput,
        invitation: &str,
        dry_run: bool,
    ) -> Result<(ApplicationRow, bool)> {
        if self.mode == ApplicationMode::Closed {
            return Err(DomainError::ApplicationsClosed.into());
        }
        let invitation = match self.mode {
            ApplicationMode::Invitation => {
                let hash = crate::domain::invitation::hash(invitation)
                    .ok_or(DomainError::InvitationInvalid)?;
                if !self.store.invitation_unused(&hash).await? {
                    return Err(DomainError::InvitationInvalid.into());
                }
                Some(hash)
            }
            _ => None,
        };
        let a = application::validate(input).map_err(DomainError::Fields)?;
        let o = a.office;
        let row = ApplicationRow {
            id: ApplicationId::new_v7(),
            status: ApplicationStatus::Pending,
            name: o.name,
            kana: o.kana,
            kind: o.kind.label().to_owned(),
            code: o.code,
            postal_code: o.postal_code,
            address: o.address,
            phone: o.phone,
            fax: o.fax,
            latitude: o.location.map(|l| l.0),
            longitude: o.location.map(|l| l.1),
            listed: o.listed,
            admin_name: a.admin_name,
            admin_kana: a.admin_kana,
            admin_email: a.admin_email,
            admin_phone: a.admin_phone,
            submitted_at: self.clock.now(),
            decided_at: None,
            reason: None,
            office_id: None,
            admin_login_id: None,
        };
        if dry_run {
            return Ok((row, false));
        }
        let submitted = self.event(
            APPLICATION_SUBMITTED,
            row.id,
            &ApplicationSubmitted {
                application_id: row.id.to_string(),
                office_name: row.name.clone(),
                admin_email: row.admin_email.clone(),
            },
        )?;
        match invitation {
            Some(hash) => {
                if !self
                    .store
                    .insert_invited_application(&hash, &row, &[submitted])
                    .await?
                {
                    return Err(DomainError::InvitationInvalid.into());
                }
            }
            None => self.store.insert_application(&row, &[submitted]).await?,
        }
        self.relay.notify_one();
        Ok((row, true))
    }

    pub async fn applications(
        &self,
        actor: &Actor,
        status: Option<ApplicationStatus>,
    ) -> Result<Vec<ApplicationRow>> {
        may_register_office(actor.role)?;
        Ok(self.store.applications(status).await?)
    }

    pub async fn application(&self, actor: &Actor, id: ApplicationId) -> Result<ApplicationRow> {
        may_register_office(actor.role)?;
        self.store
            .application(id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    /// Approves (creating the office; identity opens its first admin account, `admin_login_id`,
    /// from the event) or rejects (with a reason mailed to the applicant). A second decision, by
    /// the same operator or another at the same moment, changes nothing.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: ApplicationId,
        approve: bool,
        reason: &str,
        admin_login_id: &str,
    ) -> Result<(ApplicationRow, Option<OfficeRow>)> {
        may_register_office(actor.role)?;
        // identity owns the rules of a ユーザーID (the gateway asks it first); here only what
        // could not be one at all is refused.
        let admin_login_id = admin_login_id.trim();
        if approve
            && (admin_login_id.is_empty()
                || admin_login_id.chars().count() > 64
                || admin_login_id.chars().any(char::is_control))
        {
            return Err(DomainError::Invalid("admin_login_id").into());
        }
        let app = self
            .store
            .application(id)
            .await?
            .ok_or(DomainError::NotFound)?;
        if app.status != ApplicationStatus::Pending {
            return Err(DomainError::AlreadyDecided.into());
        }
        let now = self.clock.now();
        let reason = reason.trim();
        let (status, office, events) = if approve {
            let office = OfficeRow {
                id: OfficeId::new_v7(),
                name: app.name.clone(),
                kana: app.kana.clone(),
                kind: app.kind.clone(),
                code: app.code.clone(),
                postal_code: app.postal_code.clone(),
                address: app.address.clone(),
                phone: app.phone.clone(),
                fax: app.fax.clone(),
                latitude: app.latitude,
                longitude: app.longitude,
                listed: app.listed,
                admin_email: app.admin_email.clone(),
                status: OfficeStatus::Active,
                created_at: now,
            };
            let approved = self.event(
                APPLICATION_APPROVED,
                id,
                &ApplicationApproved {
                    application_id: id.to_string(),
                    office_id: office.id.to_string(),
                    decided_by_user_id: actor.user_id.to_string(),
                    decided_by_office_id: actor.office_id.to_string(),
                },
            )?;
            let events = vec![
                self.registered(&office)?,
                approved,
                self.audit(Some(actor), "application.approve", office.id)?,
            ];
            (ApplicationStatus::Approved, Some(office), events)
        } else {
            if reason.is_empty() || reason.chars().count() > 500 {
                return Err(DomainError::Invalid("reason").into());
            }
            let rejected = self.event(
                APPLICATION_REJECTED,
                id,
                &ApplicationRejected {
                    application_id: id.to_string(),
                    office_name: app.name.clone(),
                    admin_email: app.admin_email.clone(),
                    reason: reason.to_owned(),
                },
            )?;
            (
                ApplicationStatus::Rejected,
                None,
                vec![rejected, self.audit(Some(actor), "application.reject", id)?],
            )
        };
        let reason = (!reason.is_empty()).then_some(reason);
        if !self
            .store
            .decide(
                id,
                status,
                actor.user_id,
                reason,
                office.as_ref().map(|o| (o, admin_login_id)),
                now,
                &events,
            )
            .await?
        {
            return Err(DomainError::AlreadyDecided.into());
        }
        self.relay.notify_one();
        let app = self
            .store
            .application(id)
            .await?
            .ok_or(DomainError::NotFound)?;
        Ok((app, office))
    }
}

impl Offices {
    /// An approved application's first admin, for identity alone: it is the applicant's name
    /// and address, which offices tells no one else.
    pub async fn approved_admin(
        &self,
        caller: Option<&str>,
        id: ApplicationId,
    ) -> Result<ApprovedAdmin> {
        if caller != Some("identity") {
            return Err(DomainError::Forbidden.into());
        }
        let app = self
            .store
            .application(id)
            .await?
            .ok_or(DomainError::NotFound)?;
        let (Some(office_id), Some(login_id)) = (app.office_id, app.admin_login_id) else {
            return Err(DomainError::NotFound.into());
        };
        Ok(ApprovedAdmin {
            office_id: office_id.into(),
            office_name: app.name,
            login_id,
            name: app.admin_name,
            kana: app.admin_kana,
            email: app.admin_email,
        })
    }
}

/// The first admin of an approved office, as the applicant named them.
#[derive(Debug, Clone)]
pub struct ApprovedAdmin {
    pub office_id: OfficeId,
    pub office_name: String,
    pub login_id: String,
    pub name: String,
    pub kana: String,
    pub email: String,
}

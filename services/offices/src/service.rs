//! Offices' use cases.

use crate::domain::application::{self, ApplicationInput};
use crate::domain::{ActorRole, DomainError, OfficeKind, OfficeName, may_register_office};
use crate::error::{Error, Result};
use crate::events::{
    APPLICATION_REJECTED, APPLICATION_SUBMITTED, ApplicationRejected, ApplicationSubmitted,
    OFFICE_REGISTERED, OFFICE_WITHDRAWN, OfficeRegistered, OfficeWithdrawn, SOURCE,
};
use crate::store::{AnnouncementRow, ApplicationRow, OfficeRow, Store};
use common::audit::AuditRecord;
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

/// Who asks, as the gateway established it.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user_id: Uuid,
    pub office_id: Uuid,
    pub role: ActorRole,
}

/// Whether the public may apply: freely, only with an invitation code from the city (the guide's
/// trial period), or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationMode {
    Open,
    Invitation,
    Closed,
}

impl ApplicationMode {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationMode::Open => "open",
            ApplicationMode::Invitation => "invitation",
            ApplicationMode::Closed => "closed",
        }
    }
}

/// What the operation report needs of offices: counts only.
#[derive(Debug)]
pub struct OfficeStats {
    pub by_kind: Vec<(String, u64)>,
    pub registered: Vec<(String, u64)>,
    pub by_kind_monthly: Vec<(String, Vec<(String, u64)>)>,
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

    fn event(&self, kind: &str, subject: Uuid, data: &impl serde::Serialize) -> Result<CloudEvent> {
        CloudEvent::new(
            self.clock.as_ref(),
            SOURCE,
            kind,
            Some(subject.to_string()),
            data,
        )
        .map_err(|e| Error::Internal(e.to_string()))
    }

    fn audit(&self, actor: Option<&Actor>, action: &str, target: Uuid) -> Result<CloudEvent> {
        AuditRecord::new(action, "success")
            .by(actor.map(|a| a.user_id), actor.map(|a| a.office_id), None)
            .on("office", &target)
            .event(self.clock.as_ref(), "offices")
            .map_err(|e| Error::Internal(e.to_string()))
    }

    fn registered(&self, office: &OfficeRow) -> Result<CloudEvent> {
        self.event(
            OFFICE_REGISTERED,
            office.id,
            &OfficeRegistered {
                office_id: office.id,
                name: office.name.clone(),
                kind: office.kind.clone(),
                admin_email: office.admin_email.clone(),
            },
        )
    }

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
            id: Uuid::now_v7(),
            name: name.as_str().to_owned(),
            kind: kind.label().to_owned(),
            admin_email: email.as_str().to_owned(),
            status: "active".into(),
            created_at: self.clock.now(),
            ..OfficeRow::default()
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

    pub async fn get(&self, id: Uuid) -> Result<OfficeRow> {
        self.store
            .office(id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    pub async fn list(&self, actor: &Actor) -> Result<Vec<OfficeRow>> {
        may_register_office(actor.role)?;
        Ok(self.store.list(500).await?)
    }

    /// 運営状況の報告 (operator): active offices by kind now and at each month's end, and
    /// registrations per month.
    pub async fn stats(&self, actor: &Actor, from: &str, to: &str) -> Result<OfficeStats> {
        may_register_office(actor.role)?;
        let range = common::stats::MonthRange::parse(from, to, self.clock.now())
            .map_err(|_| DomainError::Invalid("period"))?;
        let by_kind = self
            .store
            .by_kind()
            .await?
            .into_iter()
            .map(|(k, n)| (k, u64::try_from(n).unwrap_or(0)))
            .collect();
        let registered = range.fill(&self.store.registered(range.start(), range.end()).await?);
        let (months, ends) = range.month_ends();
        let by_kind_monthly = range.by_label(&self.store.active_by_kind_at(&months, &ends).await?);
        Ok(OfficeStats {
            by_kind,
            registered,
            by_kind_monthly,
        })
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
            id: Uuid::now_v7(),
            status: "pending".into(),
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
        };
        if dry_run {
            return Ok((row, false));
        }
        let submitted = self.event(
            APPLICATION_SUBMITTED,
            row.id,
            &ApplicationSubmitted {
                application_id: row.id,
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
        status: Option<&str>,
    ) -> Result<Vec<ApplicationRow>> {
        may_register_office(actor.role)?;
        Ok(self
            .store
            .applications(status.filter(|s| !s.is_empty()))
            .await?)
    }

    pub async fn application(&self, actor: &Actor, id: Uuid) -> Result<ApplicationRow> {
        may_register_office(actor.role)?;
        self.store
            .application(id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    /// Approves (creating the office) or rejects (with a reason mailed to the applicant). A second
    /// decision, by the same operator or another at the same moment, changes nothing.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: Uuid,
        approve: bool,
        reason: &str,
    ) -> Result<(ApplicationRow, Option<OfficeRow>)> {
        may_register_office(actor.role)?;
        let app = self
            .store
            .application(id)
            .await?
            .ok_or(DomainError::NotFound)?;
        if app.status != "pending" {
            return Err(DomainError::AlreadyDecided.into());
        }
        let now = self.clock.now();
        let reason = reason.trim();
        let (status, office, events) = if approve {
            let office = OfficeRow {
                id: Uuid::now_v7(),
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
                status: "active".into(),
                created_at: now,
            };
            let events = vec![
                self.registered(&office)?,
                self.audit(Some(actor), "application.approve", office.id)?,
            ];
            ("approved", Some(office), events)
        } else {
            if reason.is_empty() || reason.chars().count() > 500 {
                return Err(DomainError::Invalid("reason").into());
            }
            let rejected = self.event(
                APPLICATION_REJECTED,
                id,
                &ApplicationRejected {
                    application_id: id,
                    office_name: app.name.clone(),
                    admin_email: app.admin_email.clone(),
                    reason: reason.to_owned(),
                },
            )?;
            (
                "rejected",
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
                office.as_ref(),
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

    /// 利用廃止, by the operator or the office's own admin. The office's users and certificates are
    /// disabled by identity on the event; its history stays.
    pub async fn withdraw(&self, actor: &Actor, id: Uuid, reason: &str) -> Result<OfficeRow> {
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
            self.event(OFFICE_WITHDRAWN, id, &OfficeWithdrawn { office_id: id })?,
            self.audit(Some(actor), "office.withdraw", id)?,
        ];
        if !self
            .store
            .withdraw(id, reason, self.clock.now(), &events)
            .await?
        {
            let office = self.get(id).await?;
            if office.status != "withdrawn" {
                return Err(DomainError::Forbidden.into());
            }
        }
        self.relay.notify_one();
        self.get(id).await
    }
}

/// お知らせ: the city writes, publishes and withdraws them; the public reads the published ones.
impl Offices {
    pub async fn announcements(
        &self,
        actor: Option<&Actor>,
        drafts: bool,
    ) -> Result<Vec<AnnouncementRow>> {
        let drafts = drafts && actor.is_some_and(|a| a.role == ActorRole::Operator);
        Ok(self.store.announcements(drafts).await?)
    }

    pub async fn announcement(&self, actor: Option<&Actor>, id: Uuid) -> Result<AnnouncementRow> {
        let row = self
            .store
            .announcement(id)
            .await?
            .ok_or(DomainError::NotFound)?;
        let operator = actor.is_some_and(|a| a.role == ActorRole::Operator);
        if row.published_at.is_none() && !operator {
            return Err(DomainError::NotFound.into());
        }
        Ok(row)
    }

    pub async fn save_announcement(
        &self,
        actor: &Actor,
        id: Option<Uuid>,
        title: &str,
        body: &str,
    ) -> Result<AnnouncementRow> {
        may_register_office(actor.role)?;
        let title = title.trim();
        let body = body.trim();
        let mut wrong = Vec::new();
        if title.is_empty() || title.chars().count() > 100 {
            wrong.push("title");
        }
        if body.is_empty() || body.chars().count() > 5000 {
            wrong.push("body");
        }
        if !wrong.is_empty() {
            return Err(DomainError::Fields(wrong).into());
        }
        let id = match id {
            Some(id) => {
                self.store
                    .announcement(id)
                    .await?
                    .ok_or(DomainError::NotFound)?;
                id
            }
            None => Uuid::now_v7(),
        };
        let events = [self.audit(Some(actor), "announcement.save", id)?];
        self.store
            .save_announcement(id, title, body, actor.user_id, self.clock.now(), &events)
            .await?;
        self.announcement(Some(actor), id).await
    }

    pub async fn publish_announcement(
        &self,
        actor: &Actor,
        id: Uuid,
        published: bool,
    ) -> Result<AnnouncementRow> {
        may_register_office(actor.role)?;
        let at = published.then(|| self.clock.now());
        let events = [self.audit(
            Some(actor),
            if published {
                "announcement.publish"
            } else {
                "announcement.unpublish"
            },
            id,
        )?];
        if !self.store.publish_announcement(id, at, &events).await? {
            return Err(DomainError::NotFound.into());
        }
        self.announcement(Some(actor), id).await
    }
}

impl Offices {
    /// The office's profile and map entry. Its admin edits them; a change of kind or code is the
    /// city's to make (it decides which numbers an office holds).
    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &ApplicationInput,
    ) -> Result<OfficeRow> {
        let own = actor.role == ActorRole::OfficeAdmin && actor.office_id == id;
        if !(own || actor.role == ActorRole::Operator) {
            return Err(DomainError::Forbidden.into());
        }
        let current = self.get(id).await?;
        if current.status != "active" {
            return Err(DomainError::Forbidden.into());
        }
        let f = application::validate_office(input).map_err(DomainError::Fields)?;
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

impl Offices {
    #[must_use]
    pub fn mode(&self) -> ApplicationMode {
        self.mode
    }

    /// A single-use invitation code, shown once to the operator who hands it to the office.
    pub async fn issue_invitation(&self, actor: &Actor, note: &str) -> Result<String> {
        may_register_office(actor.role)?;
        let note = note.trim();
        if note.chars().count() > 200 {
            return Err(DomainError::Invalid("note").into());
        }
        let mut random = [0u8; 12];
        rand::Rng::fill(&mut rand::rng(), &mut random[..]);
        let code = crate::domain::invitation::new_code(&random);
        let hash = crate::domain::invitation::hash(&code)
            .ok_or_else(|| Error::Internal("invitation code".into()))?;
        let events = [self.audit(Some(actor), "invitation.issue", actor.office_id)?];
        self.store
            .insert_invitation(&hash, note, actor.user_id, self.clock.now(), &events)
            .await?;
        Ok(code)
    }
}

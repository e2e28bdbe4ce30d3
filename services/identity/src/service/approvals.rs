//! An approved 事業所登録申請 continues here, from offices' event: identity opens the office's
//! first admin account and issues the enrollment code that notify mails to it. Each step looks
//! at what is already there before acting, so a redelivered event (or one redelivered after a
//! crash between the steps) finishes the work without doing any part twice.
//!
//! The account's initial password is known to no one: the operator issues one from the office's
//! page (初期パスワードの発行) and tells it by telephone, as the guide asks, so it never lies in an
//! event, a mail or a page that was not asked for it.

use super::Identity;
use super::accounts::UserInput;
use crate::domain::access::Actor;
use crate::domain::{DomainError, Role};
use crate::error::Error;
use crate::offices::{ApprovedAdmin, OfficesError};
use common::events::{CloudEvent, Handled};
use common::ids::{ApplicationId, OfficeId, UserId};
use proto::events::{APPLICATION_APPROVED, OFFICE_WITHDRAWN};

/// The profession an office's first admin is given until the office says otherwise.
const ADMIN_PROFESSION: &str = "その他";

impl Identity {
    /// Every event identity hears from offices.
    pub async fn office_event(&self, event: CloudEvent) -> Handled {
        if APPLICATION_APPROVED == *event.kind.as_str() {
            self.application_approved(&event).await
        } else if OFFICE_WITHDRAWN == *event.kind.as_str() {
            self.office_withdrawn(event).await
        } else {
            Handled::Reject(format!(
                "{} is not an offices event identity acts on",
                event.kind
            ))
        }
    }

    async fn application_approved(&self, event: &CloudEvent) -> Handled {
        let Ok(approved) = event.data_of(APPLICATION_APPROVED) else {
            return Handled::Reject("not an approval".into());
        };
        let ids = (
            approved.application_id.parse::<ApplicationId>(),
            approved.decided_by_user_id.parse::<UserId>(),
            approved.decided_by_office_id.parse::<OfficeId>(),
        );
        let (Ok(application), Ok(user_id), Ok(office_id)) = ids else {
            return Handled::Reject("an approval without its ids".into());
        };
        // The operator who decided is named in the trail for what follows from it.
        let operator = Actor {
            user_id,
            office_id,
            role: Role::Operator,
            cert_serial: None,
        };
        let admin = match self.approved_admin(application).await {
            Ok(admin) => admin,
            Err(not_now) => return not_now,
        };
        if let Err(e) = self.open_first_admin(&operator, &admin).await {
            return Handled::Retry(e.to_string());
        }
        match self.store.has_code_for(admin.office.id).await {
            Ok(true) => Handled::Done,
            Ok(false) => match self
                .issue_code(
                    &operator,
                    admin.office.id,
                    &admin.office.name,
                    &admin.office.admin_email,
                )
                .await
            {
                Ok(_) => {
                    tracing::info!(office_id = %admin.office.id, "approved office opened");
                    Handled::Done
                }
                Err(e) => Handled::Retry(e.to_string()),
            },
            Err(e) => Handled::Retry(e.to_string()),
        }
    }

    /// The approval's first admin as offices tells it; the event's outcome when it cannot.
    async fn approved_admin(&self, application: ApplicationId) -> Result<ApprovedAdmin, Handled> {
        let offices = self.offices().map_err(|e| Handled::Retry(e.to_string()))?;
        offices
            .approved_admin(application)
            .await
            .map_err(|e| match e {
                OfficesError::NotFound => Handled::Reject("offices knows no such approval".into()),
                e @ OfficesError::Unavailable(_) => Handled::Retry(e.to_string()),
            })
    }

    /// The office's first admin, unless an account of that office already holds the ユーザーID.
    /// An id taken meanwhile by another office (the gateway asked just before the decision) or
    /// refused is left for the operator, who opens the account from the office's page.
    async fn open_first_admin(&self, operator: &Actor, admin: &ApprovedAdmin) -> Result<(), Error> {
        if let Some(existing) = self.store.user_by_login(&admin.login_id).await? {
            if existing.office_id != admin.office.id {
                tracing::warn!(office_id = %admin.office.id, "the first admin's login id was taken meanwhile");
            }
            return Ok(());
        }
        let input = UserInput {
            name: &admin.name,
            kana: &admin.kana,
            profession: ADMIN_PROFESSION,
            email: &admin.office.admin_email,
            office_admin: true,
        };
        match self
            .create_user(operator, Some(admin.office.id), &admin.login_id, &input)
            .await
        {
            Ok(_) => Ok(()),
            Err(Error::Domain(
                e @ (DomainError::LoginIdTaken
                | DomainError::InvalidLoginId
                | DomainError::Invalid(_)),
            )) => {
                tracing::warn!(office_id = %admin.office.id, error = %e, "the first admin was not opened");
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

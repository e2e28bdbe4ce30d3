//! The city's consent register (同意書の受付): metadata only, never a board.

use super::Careboard;
use super::write::{Once, Started};
use crate::domain::{Actor, DomainError, may_administer_consent};
use crate::error::Result;
use crate::store::{ConsentRow, Store};
use common::ids::RecipientId;

/// Consents on one page of the register.
pub const CONSENT_PAGE: usize = 200;

#[derive(Debug)]
pub struct ConsentPage {
    pub rows: Vec<ConsentRow>,
    /// Where the next (older) page starts; `None` on the last one.
    pub next_cursor: Option<RecipientId>,
}

impl Careboard {
    pub async fn consents(
        &self,
        actor: &Actor,
        fax_pending_only: bool,
        cursor: Option<RecipientId>,
    ) -> Result<ConsentPage> {
        may_administer_consent(actor)?;
        self.ensure_active(actor).await?;
        // One more than a page tells whether another page follows.
        let mut rows = self
            .store
            .consents(fax_pending_only, cursor, CONSENT_PAGE + 1)
            .await?;
        let more = rows.len() > CONSENT_PAGE;
        rows.truncate(CONSENT_PAGE);
        let next_cursor = more.then(|| rows.last().map(|r| r.recipient_id)).flatten();
        let record = self.audit_event(
            &super::record_by(actor, "consent.list", "success")
                .with(serde_json::json!({ "count": rows.len(), "cursor": cursor })),
        )?;
        self.store.record(&[record]).await?;
        self.wake_relay();
        Ok(ConsentPage { rows, next_cursor })
    }

    pub async fn confirm_fax(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        recipient: RecipientId,
    ) -> Result<ConsentRow> {
        may_administer_consent(actor)?;
        self.ensure_active(actor).await?;
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(_) => {
                return Ok(self
                    .store
                    .consent(recipient)
                    .await?
                    .ok_or(DomainError::NotFound)?);
            }
        };
        self.store
            .consent(recipient)
            .await?
            .ok_or(DomainError::NotFound)?;
        let events = [self.audit(
            actor,
            "consent.fax_confirm",
            "success",
            recipient,
            serde_json::Value::Null,
        )?];
        Store::confirm_fax(
            &mut w.tx,
            recipient,
            actor.user_id,
            self.clock.now(),
            &events,
        )
        .await?;
        self.commit(w, recipient).await?;
        Ok(self
            .store
            .consent(recipient)
            .await?
            .ok_or(DomainError::NotFound)?)
    }
}

//! 招待コード: when applications are by invitation only, the city issues single-use codes.

use super::{Actor, ApplicationMode, Offices};
use crate::domain::{DomainError, may_register_office};
use crate::error::{Error, Result};

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

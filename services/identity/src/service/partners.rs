//! 連携事業所: the city may let an office's people also sign in on the devices of named partner
//! offices (a visiting nurse who also works from a partner clinic's PC). By default none.

use super::Identity;
use crate::domain::access::{self, Actor};
use crate::error::Result;
use common::ids::OfficeId;

impl Identity {
    pub async fn partners(&self, actor: &Actor, office: OfficeId) -> Result<Vec<OfficeId>> {
        access::may_manage_partners(actor)?;
        Ok(self.store.partners_of(office).await?)
    }

    /// Replaces the list; takes effect at each person's next sign-in.
    pub async fn set_partners(
        &self,
        actor: &Actor,
        office: OfficeId,
        partners: &[OfficeId],
    ) -> Result<Vec<OfficeId>> {
        access::may_manage_partners(actor)?;
        let list = access::partner_list(office, partners)?;
        let record = Self::audit_by(actor, "office.partners_set", "success")
            .on("office", &office)
            .with(serde_json::json!({"partner_office_ids": list}));
        self.store
            .set_partners(
                office,
                &list,
                actor.user_id,
                self.clock.now(),
                &[self.audit(&record)?],
            )
            .await?;
        Ok(list)
    }
}

//! Notify's rows as the contract's messages (its refusals are mapped in `crate::error`).

use crate::store::UndeliveredRow;
use proto::notify as pb;

fn id(v: Option<uuid::Uuid>) -> String {
    v.map(|u| u.to_string()).unwrap_or_default()
}

pub(super) fn mail(r: UndeliveredRow) -> pb::UndeliveredMail {
    pb::UndeliveredMail {
        event_id: r.event_id.to_string(),
        template: r.template,
        address: r.recipient,
        user_id: id(r.user_id),
        office_id: id(r.office_id),
        state: r.state,
        failure: r.last_error.unwrap_or_default(),
        attempts: u32::try_from(r.attempts).unwrap_or_default(),
        due_at: r.created_at.to_rfc3339(),
        failed_at: r.updated_at.to_rfc3339(),
        failures: u32::try_from(r.failures).unwrap_or(u32::MAX),
    }
}

//! What offices publishes. Events are written to the outbox with the change that causes them and
//! relayed by `common::outbox::OutboxRelay` (started in `main.rs`).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SOURCE: &str = "renrakucho/offices";
pub const OFFICE_REGISTERED: &str = "offices.office.registered";

/// Carries the admin address because notify owns no office data and must write to it.
#[derive(Debug, Serialize, Deserialize)]
pub struct OfficeRegistered {
    pub office_id: Uuid,
    pub name: String,
    pub kind: String,
    pub admin_email: String,
}

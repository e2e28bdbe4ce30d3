//! What offices publishes. Events are written to the outbox with the change that causes them and
//! relayed by `service_runtime::outbox::OutboxRelay` (started in `main.rs`).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SOURCE: &str = "renrakucho/offices";
/// notify welcomes the office's admin.
pub const OFFICE_REGISTERED: &str = "offices.office.registered";
/// identity disables the office's users and revokes its certificates.
pub const OFFICE_WITHDRAWN: &str = "offices.office.withdrawn";
/// notify sends the applicant a receipt and the city a notice.
pub const APPLICATION_SUBMITTED: &str = "offices.application.submitted";
/// notify tells the applicant why.
pub const APPLICATION_REJECTED: &str = "offices.application.rejected";

/// Carries the admin address because notify owns no office data and must write to it.
#[derive(Debug, Serialize, Deserialize)]
pub struct OfficeRegistered {
    pub office_id: Uuid,
    pub name: String,
    pub kind: String,
    pub admin_email: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OfficeWithdrawn {
    pub office_id: Uuid,
}

/// The applicant's address for the receipt; the city's notice names only the office.
#[derive(Debug, Serialize, Deserialize)]
pub struct ApplicationSubmitted {
    pub application_id: Uuid,
    pub office_name: String,
    pub admin_email: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ApplicationRejected {
    pub application_id: Uuid,
    pub office_name: String,
    pub admin_email: String,
    pub reason: String,
}

//! What identity publishes (through its outbox) and consumes. Audit records of every service
//! arrive on `audit.>` and are appended to the hash-chained trail (`service::audit`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SOURCE: &str = "renrakucho/identity";

/// Gateways drop the serial into their revocation set on this event.
pub const CERTIFICATE_REVOKED: &str = "identity.certificate.revoked";
/// notify mails the 証明書取得用No/パスワード to the office admin, asking identity for them.
pub const CODE_ISSUED: &str = "identity.enrollment_code.issued";
pub const USER_STATUS_CHANGED: &str = "identity.user.status_changed";
/// Gateways end the live streams of a session that ended (logout, expiry, another certificate).
pub const SESSION_ENDED: &str = "identity.session.ended";
/// notify warns the office's admins to ask for a new certificate.
pub const CERTIFICATE_EXPIRING: &str = "identity.certificate.expiring";

/// The device's label and its office, never who uses it.
#[derive(Debug, Serialize, Deserialize)]
pub struct CertificateExpiring {
    pub serial: String,
    pub office_id: Uuid,
    pub office_name: String,
    pub label: String,
    pub not_after: DateTime<Utc>,
}

pub const AUDIT_SUBJECTS: [&str; 1] = ["audit.>"];

/// What identity must act on from offices: a withdrawal disables the office's people and devices.
pub const OFFICES_CONSUMER: &str = "identity-offices";
pub const OFFICES_SUBJECTS: [&str; 1] = ["offices.office.withdrawn"];

#[derive(Debug, Serialize, Deserialize)]
pub struct CertificateRevoked {
    pub serial: String,
    pub office_id: Uuid,
}

/// The code's id only: notify asks identity for the secret and the address
/// (`GetEnrollmentMail`), so neither lies in the outbox or the stream.
#[derive(Debug, Serialize, Deserialize)]
pub struct CodeIssued {
    pub code_id: Uuid,
    pub office_id: Uuid,
}

/// The SHA-256 of the session's token (hex), which the gateways holding the token can compute;
/// never the token itself.
#[derive(Debug, Serialize, Deserialize)]
pub struct SessionEnded {
    pub session_sha256: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct UserStatusChanged {
    pub user_id: Uuid,
    pub status: String,
}

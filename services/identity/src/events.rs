//! What identity publishes (through its outbox) and consumes, as `proto::events` defines them.
//! Audit records of every service arrive on `audit.>` and are appended to the hash-chained trail
//! (`service::audit`).

pub use proto::events::{
    CERTIFICATE_EXPIRING, CERTIFICATE_REVOKED, CODE_ISSUED, CertificateExpiring,
    CertificateRevoked, CodeIssued, SESSION_ENDED, SessionEnded, USER_STATUS_CHANGED,
    UserStatusChanged,
};

pub const SOURCE: &str = "renrakucho/identity";

pub const AUDIT_SUBJECTS: [&str; 1] = proto::events::heard::IDENTITY_AUDIT;

/// What identity must act on from offices: an approval opens the office's first admin account, a
/// withdrawal disables the office's people and devices.
pub const OFFICES_CONSUMER: &str = "identity-offices";
pub const OFFICES_SUBJECTS: [&str; 2] = proto::events::heard::IDENTITY_OFFICES;

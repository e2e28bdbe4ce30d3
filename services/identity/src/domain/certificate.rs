//! What a device certificate and a request for one are now: worked out from their rows (a
//! revocation, the certificate's end, a code issued since), never stored as a state of their own.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateStatus {
    /// The device may sign in with it.
    Active,
    Revoked,
    /// Past its end without being revoked.
    Expired,
}

impl CertificateStatus {
    pub const ALL: [Self; 3] = [Self::Active, Self::Revoked, Self::Expired];

    /// A revocation outlasts the end: a revoked certificate stays revoked once expired too.
    #[must_use]
    pub fn of(revoked: bool, not_after: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        if revoked {
            Self::Revoked
        } else if not_after <= now {
            Self::Expired
        } else {
            Self::Active
        }
    }
}

/// An office's request for another certificate (追加発行申請).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    /// Waiting for the city to issue a code.
    Open,
    /// A code was issued for the office since.
    Done,
}

impl RequestStatus {
    pub const ALL: [Self; 2] = [Self::Open, Self::Done];

    #[must_use]
    pub fn of(done: bool) -> Self {
        if done { Self::Done } else { Self::Open }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_is_revoked_expired_or_active_in_that_order() {
        let now = DateTime::parse_from_rfc3339("2026-12-01T09:00:00+09:00")
            .unwrap()
            .with_timezone(&Utc);
        let later = now + chrono::Duration::days(1);
        let earlier = now - chrono::Duration::days(1);
        assert_eq!(
            CertificateStatus::of(false, later, now),
            CertificateStatus::Active
        );
        assert_eq!(
            CertificateStatus::of(false, now, now),
            CertificateStatus::Expired
        );
        assert_eq!(
            CertificateStatus::of(false, earlier, now),
            CertificateStatus::Expired
        );
        assert_eq!(
            CertificateStatus::of(true, earlier, now),
            CertificateStatus::Revoked
        );
        assert_eq!(
            CertificateStatus::of(true, later, now),
            CertificateStatus::Revoked
        );
        assert_eq!(RequestStatus::of(false), RequestStatus::Open);
        assert_eq!(RequestStatus::of(true), RequestStatus::Done);
    }
}

//! Session rules: a session is bound to the certificate it was opened with, dies when idle too
//! long or when it reaches its absolute lifetime; failed logins lock the account with back-off.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

#[derive(Debug, Clone)]
pub struct SessionState {
    pub cert_serial: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SessionVerdict {
    Valid,
    /// Presented with another certificate: the session is killed, not just refused.
    WrongCertificate,
    Expired,
}

#[must_use]
pub fn judge(
    state: &SessionState,
    serial: &str,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> SessionVerdict {
    if state.cert_serial != serial {
        SessionVerdict::WrongCertificate
    } else if now >= state.expires_at || now - state.last_seen_at >= policy.idle {
        SessionVerdict::Expired
    } else {
        SessionVerdict::Valid
    }
}

pub const MAX_FAILED_LOGINS: i32 = 5;

/// After the fifth consecutive failure the account locks for 1 minute, doubling with each further
/// failure up to a day.
#[must_use]
pub fn lockout_after(failed_logins: i32) -> Option<Duration> {
    if failed_logins < MAX_FAILED_LOGINS {
        return None;
    }
    let exponent = u32::try_from(failed_logins - MAX_FAILED_LOGINS)
        .unwrap_or(0)
        .min(11);
    Some(Duration::minutes(1 << exponent).min(Duration::days(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().into()
    }

    #[test]
    fn session_dies_on_other_certificate_idle_or_lifetime() {
        let policy = SessionPolicy {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
        };
        let state = SessionState {
            cert_serial: "aa".into(),
            last_seen_at: at("2026-01-01T09:00:00Z"),
            expires_at: at("2026-01-01T21:00:00Z"),
        };
        assert_eq!(
            judge(&state, "aa", policy, at("2026-01-01T09:29:59Z")),
            SessionVerdict::Valid
        );
        assert_eq!(
            judge(&state, "bb", policy, at("2026-01-01T09:01:00Z")),
            SessionVerdict::WrongCertificate
        );
        assert_eq!(
            judge(&state, "aa", policy, at("2026-01-01T09:30:00Z")),
            SessionVerdict::Expired
        );
        let busy = SessionState {
            last_seen_at: at("2026-01-01T20:59:00Z"),
            ..state
        };
        assert_eq!(
            judge(&busy, "aa", policy, at("2026-01-01T21:00:00Z")),
            SessionVerdict::Expired
        );
    }

    #[test]
    fn lockout_starts_at_five_and_backs_off() {
        assert_eq!(lockout_after(4), None);
        assert_eq!(lockout_after(5), Some(Duration::minutes(1)));
        assert_eq!(lockout_after(6), Some(Duration::minutes(2)));
        assert_eq!(lockout_after(40), Some(Duration::days(1)));
    }
}

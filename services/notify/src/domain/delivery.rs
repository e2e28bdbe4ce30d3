//! One email's way to its reader: which mail it is, what a mail server's answer means for it,
//! and when a passing failure is tried again.

use std::time::Duration;

/// Which mail a delivery is; stored by name, so the mail can be written again from its event
/// for each try instead of being kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    OfficeWelcome,
    EnrollmentCode,
    ApplicationReceipt,
    ApplicationNotice,
    ApplicationRejected,
    UrgentPost,
    IncidentFiled,
    CertificateExpiring,
}

impl Template {
    pub const ALL: [Self; 8] = [
        Self::OfficeWelcome,
        Self::EnrollmentCode,
        Self::ApplicationReceipt,
        Self::ApplicationNotice,
        Self::ApplicationRejected,
        Self::UrgentPost,
        Self::IncidentFiled,
        Self::CertificateExpiring,
    ];

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::OfficeWelcome => "office_welcome",
            Self::EnrollmentCode => "enrollment_code",
            Self::ApplicationReceipt => "application_receipt",
            Self::ApplicationNotice => "application_notice",
            Self::ApplicationRejected => "application_rejected",
            Self::UrgentPost => "urgent_post",
            Self::IncidentFiled => "incident_filed",
            Self::CertificateExpiring => "certificate_expiring",
        }
    }

    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Where an email stands, stored as the word `as_str` gives: waiting for a (first or next) try,
/// or settled as sent, refused for good, or given up after its tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Sent,
    /// Refused by the receiving side in a way that will not change: never tried again.
    FailedPermanent,
    /// Given up: its tries are spent.
    Dead,
}

/// A stored state this release does not know (a later release's row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a known delivery state")]
pub struct UnknownState(pub String);

impl DeliveryState {
    pub const ALL: [Self; 4] = [Self::Pending, Self::Sent, Self::FailedPermanent, Self::Dead];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::FailedPermanent => "failed_permanent",
            Self::Dead => "dead",
        }
    }
}

impl std::str::FromStr for DeliveryState {
    type Err = UnknownState;

    fn from_str(s: &str) -> Result<Self, UnknownState> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

/// How a row reads its `state` column.
impl TryFrom<String> for DeliveryState {
    type Error = UnknownState;

    fn try_from(s: String) -> Result<Self, UnknownState> {
        s.parse()
    }
}

/// Why an email did not arrive, as a stable name; the gateway says it in Japanese.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The receiving server does not know the mailbox (5.1.x): 宛先不明.
    UnknownRecipient,
    /// The receiving server refuses the mail (policy, spam filter, blocked sender): 受信拒否.
    Refused,
    /// The mailbox is full (x.2.2).
    MailboxFull,
    /// The server said "later", or could not be reached: 一時的な障害.
    Temporary,
    /// The address cannot be written as an SMTP address.
    InvalidAddress,
}

impl Failure {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::UnknownRecipient => "unknown_recipient",
            Self::Refused => "refused",
            Self::MailboxFull => "mailbox_full",
            Self::Temporary => "temporary",
            Self::InvalidAddress => "invalid_address",
        }
    }
}

/// What one try came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Never tried again: the answer will not change.
    Permanent(Failure),
    /// Tried again later, while tries remain.
    Transient(Failure),
}

/// A mail server's refusal: its reply code and, when it gave one, the enhanced status code
/// (RFC 3463, `5.1.1`) from its text.
#[must_use]
pub fn classify_reply(code: u16, text: &str) -> Outcome {
    let enhanced = text
        .split(|c: char| c.is_whitespace() || c == ':' || c == '(' || c == ')')
        .find(|w| {
            let parts: Vec<&str> = w.split('.').collect();
            parts.len() == 3
                && matches!(parts[0], "2" | "4" | "5")
                && parts[1..]
                    .iter()
                    .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        })
        .unwrap_or("");
    let subject = enhanced.get(2..).unwrap_or("");
    let full = subject == "2.2" || matches!(code, 452 | 552);
    if (500..600).contains(&code) {
        let failure = if full {
            Failure::MailboxFull
        } else if subject.starts_with("1.") || matches!(code, 551 | 553) {
            Failure::UnknownRecipient
        } else {
            Failure::Refused
        };
        Outcome::Permanent(failure)
    } else if full {
        Outcome::Transient(Failure::MailboxFull)
    } else {
        Outcome::Transient(Failure::Temporary)
    }
}

/// How often and how far apart a passing failure is tried again (`MAIL_MAX_ATTEMPTS`,
/// `MAIL_RETRY_SECONDS`): the first retry after `first`, each later one twice as long after
/// the last, never more than an hour apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub first: Duration,
}

/// The longest wait between two tries.
const LONGEST_WAIT: Duration = Duration::from_hours(1);

impl RetryPolicy {
    /// After try number `attempts` (from 1) failed for a passing reason: when to try again, or
    /// `None` when the tries are spent.
    #[must_use]
    pub fn next_wait(&self, attempts: u32) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let doubled = self
            .first
            .checked_mul(1_u32 << attempts.saturating_sub(1).min(20))
            .unwrap_or(LONGEST_WAIT);
        Some(doubled.min(LONGEST_WAIT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_told_apart_by_their_codes() {
        let cases = [
            (
                550,
                "5.1.1 <address> Recipient address rejected: User unknown",
                Outcome::Permanent(Failure::UnknownRecipient),
            ),
            (
                550,
                "Mailbox unavailable",
                Outcome::Permanent(Failure::Refused),
            ),
            (
                554,
                "5.7.1 Message rejected as spam",
                Outcome::Permanent(Failure::Refused),
            ),
            (
                553,
                "mailbox name not allowed",
                Outcome::Permanent(Failure::UnknownRecipient),
            ),
            (
                552,
                "5.2.2 Mailbox full",
                Outcome::Permanent(Failure::MailboxFull),
            ),
            (
                451,
                "4.3.0 Try again later",
                Outcome::Transient(Failure::Temporary),
            ),
            (
                421,
                "Service not available",
                Outcome::Transient(Failure::Temporary),
            ),
            (
                452,
                "4.2.2 Over quota",
                Outcome::Transient(Failure::MailboxFull),
            ),
        ];
        for (code, text, expected) in cases {
            assert_eq!(classify_reply(code, text), expected, "{code} {text}");
        }
    }

    #[test]
    fn retries_back_off_and_end() {
        let policy = RetryPolicy {
            max_attempts: 4,
            first: Duration::from_mins(1),
        };
        let waits: Vec<_> = (1..=4).map(|n| policy.next_wait(n)).collect();
        assert_eq!(
            waits,
            vec![
                Some(Duration::from_mins(1)),
                Some(Duration::from_mins(2)),
                Some(Duration::from_mins(4)),
                None
            ]
        );
        let long = RetryPolicy {
            max_attempts: 40,
            first: Duration::from_mins(1),
        };
        assert_eq!(long.next_wait(30), Some(LONGEST_WAIT));
    }

    #[test]
    fn states_are_stored_as_the_words_the_table_allows() {
        let words: Vec<&str> = DeliveryState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(words, ["pending", "sent", "failed_permanent", "dead"]);
        for state in DeliveryState::ALL {
            assert_eq!(state.as_str().parse(), Ok(state));
        }
        assert_eq!(
            DeliveryState::try_from("failed".to_owned()),
            Err(UnknownState("failed".into()))
        );
    }

    #[test]
    fn templates_are_stored_by_a_name_read_back_as_the_same() {
        for t in Template::ALL {
            assert_eq!(Template::from_name(t.name()), Some(t));
        }
        assert_eq!(Template::from_name("application_submitted"), None);
    }
}

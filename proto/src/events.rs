//! Every event on the bus, defined once: its message (`renrakucho/events.proto`) and its subject,
//! a typed constant beside it, so an event is published and read only as the message its subject
//! names. Who hears what is written here too (each consumer's filter is one of the `heard` lists),
//! which lets the test below refuse a subject published to no one or heard from no one.

use std::marker::PhantomData;

pub use crate::renrakucho::events::v1::*;

/// The NATS subject of events whose data is an `E`: `<service>.<entity>.<verb>`.
pub struct Subject<E> {
    name: &'static str,
    data: PhantomData<fn() -> E>,
}

impl<E> Subject<E> {
    const fn new(name: &'static str) -> Self {
        Self {
            name,
            data: PhantomData,
        }
    }

    pub const fn name(&self) -> &'static str {
        self.name
    }
}

// A subject is a name and a type: copied freely whatever `E` is.
impl<E> Clone for Subject<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E> Copy for Subject<E> {}

impl<E> std::fmt::Debug for Subject<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl<E> PartialEq<str> for Subject<E> {
    fn eq(&self, other: &str) -> bool {
        self.name == other
    }
}

pub const CERTIFICATE_REVOKED: Subject<CertificateRevoked> =
    Subject::new("identity.certificate.revoked");
pub const CODE_ISSUED: Subject<CodeIssued> = Subject::new("identity.enrollment_code.issued");
pub const USER_STATUS_CHANGED: Subject<UserStatusChanged> =
    Subject::new("identity.user.status_changed");
pub const SESSION_ENDED: Subject<SessionEnded> = Subject::new("identity.session.ended");
pub const CERTIFICATE_EXPIRING: Subject<CertificateExpiring> =
    Subject::new("identity.certificate.expiring");

pub const OFFICE_REGISTERED: Subject<OfficeRegistered> = Subject::new("offices.office.registered");
pub const OFFICE_WITHDRAWN: Subject<OfficeWithdrawn> = Subject::new("offices.office.withdrawn");
pub const APPLICATION_SUBMITTED: Subject<ApplicationSubmitted> =
    Subject::new("offices.application.submitted");
pub const APPLICATION_APPROVED: Subject<ApplicationApproved> =
    Subject::new("offices.application.approved");
pub const APPLICATION_REJECTED: Subject<ApplicationRejected> =
    Subject::new("offices.application.rejected");

pub const POST_CREATED: Subject<PostCreated> = Subject::new("careboard.post.created");
pub const POST_URGENT: Subject<PostUrgent> = Subject::new("careboard.post.urgent");
pub const POSTS_READ: Subject<PostsMarked> = Subject::new("careboard.post.read");
pub const POST_ACKNOWLEDGED: Subject<PostsMarked> = Subject::new("careboard.post.acknowledged");
/// A post was replied to, corrected or withdrawn: open pages fetch it again.
pub const POST_CHANGED: Subject<PostsMarked> = Subject::new("careboard.post.changed");
pub const MEMBER_REMOVED: Subject<MemberRemoved> = Subject::new("careboard.team.member_removed");
pub const INCIDENT_FILED: Subject<IncidentFiled> = Subject::new("careboard.incident.filed");

pub const DEAD_LETTER: Subject<DeadLetter> = Subject::new("notify.delivery.dead");

/// Audit records (`common::audit::AuditRecord`) travel as `audit.<service>.<action>`.
pub const AUDIT_PREFIX: &str = "audit.";
/// Every audit record, whichever service wrote it.
pub const AUDIT_ALL: &str = "audit.>";

/// Every subject some service publishes.
pub const PUBLISHED: [&str; 18] = [
    CERTIFICATE_REVOKED.name(),
    CODE_ISSUED.name(),
    USER_STATUS_CHANGED.name(),
    SESSION_ENDED.name(),
    CERTIFICATE_EXPIRING.name(),
    OFFICE_REGISTERED.name(),
    OFFICE_WITHDRAWN.name(),
    APPLICATION_SUBMITTED.name(),
    APPLICATION_APPROVED.name(),
    APPLICATION_REJECTED.name(),
    POST_CREATED.name(),
    POST_URGENT.name(),
    POSTS_READ.name(),
    POST_ACKNOWLEDGED.name(),
    POST_CHANGED.name(),
    MEMBER_REMOVED.name(),
    INCIDENT_FILED.name(),
    DEAD_LETTER.name(),
];

/// Published for whoever watches the stream (an operator's tooling), heard by no service.
pub const UNHEARD: [&str; 1] = [DEAD_LETTER.name()];

/// What each consumer listens to: the filters of the durable consumers and the gateways' plain
/// subscriptions.
pub mod heard {
    use super::*;

    /// notify: the events that cause email.
    pub const NOTIFY: [&str; 7] = [
        OFFICE_REGISTERED.name(),
        CODE_ISSUED.name(),
        APPLICATION_SUBMITTED.name(),
        APPLICATION_REJECTED.name(),
        POST_URGENT.name(),
        INCIDENT_FILED.name(),
        CERTIFICATE_EXPIRING.name(),
    ];
    /// identity: an approval opens the office's first admin account; a withdrawal disables the
    /// office's people and devices.
    pub const IDENTITY_OFFICES: [&str; 2] = [APPLICATION_APPROVED.name(), OFFICE_WITHDRAWN.name()];
    /// identity: every service's audit records, appended to the hash-chained trail.
    pub const IDENTITY_AUDIT: [&str; 1] = [AUDIT_ALL];
    /// careboard: suspended and deactivated people are refused there too.
    pub const CAREBOARD_IDENTITY: [&str; 1] = [USER_STATUS_CHANGED.name()];
    /// Each gateway: the board's live updates, and what ends a page's stream.
    pub const GATEWAY_LIVE: [&str; 4] = [
        "careboard.post.>",
        MEMBER_REMOVED.name(),
        USER_STATUS_CHANGED.name(),
        SESSION_ENDED.name(),
    ];
    /// Each gateway: serials for its revocation set.
    pub const GATEWAY_REVOCATION: [&str; 1] = [CERTIFICATE_REVOKED.name()];

    /// Every list above, named by its consumer.
    pub const ALL: [(&str, &[&str]); 6] = [
        ("notify", &NOTIFY),
        ("identity-offices", &IDENTITY_OFFICES),
        ("identity-audit", &IDENTITY_AUDIT),
        ("careboard-identity", &CAREBOARD_IDENTITY),
        ("gateway-live", &GATEWAY_LIVE),
        ("gateway-revocation", &GATEWAY_REVOCATION),
    ];
}

/// A `UserStatus` in an event's JSON: the lowercase word events carried before the enum, so an
/// event of the previous release is read and an older consumer reads a new one. An unknown word
/// reads as UNSPECIFIED, which consumers refuse as they refuse a malformed event.
pub mod user_status_word {
    use crate::common::UserStatus;
    use serde::{Deserialize, Deserializer, Serializer};

    #[must_use]
    pub fn word(status: UserStatus) -> &'static str {
        match status {
            UserStatus::Active => "active",
            UserStatus::Suspended => "suspended",
            UserStatus::Deactivated => "deactivated",
            UserStatus::Unspecified => "",
        }
    }

    #[must_use]
    pub fn from_word(word: &str) -> UserStatus {
        match word {
            "active" => UserStatus::Active,
            "suspended" => UserStatus::Suspended,
            "deactivated" => UserStatus::Deactivated,
            _ => UserStatus::Unspecified,
        }
    }

    pub fn serialize<S: Serializer>(status: &i32, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(UserStatus::try_from(*status).map_or("", word))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
        Ok(from_word(&String::deserialize(d)?).into())
    }
}

/// Whether the NATS filter `filter` (tokens separated by `.`, `*` one token, `>` the rest)
/// matches `subject`.
pub fn matches(filter: &str, subject: &str) -> bool {
    let mut subject = subject.split('.');
    for token in filter.split('.') {
        match (token, subject.next()) {
            (">", Some(_)) => return true,
            ("*", Some(_)) => {}
            (t, Some(s)) if t == s => {}
            _ => return false,
        }
    }
    subject.next().is_none()
}

/// Whether some consumer hears `subject`.
pub fn is_heard(subject: &str) -> bool {
    heard::ALL
        .iter()
        .flat_map(|(_, filters)| filters.iter())
        .any(|f| matches(f, subject))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An audit record as the services write them; each service's records share the family.
    const AUDIT_SAMPLE: &str = "audit.offices.office.register";

    #[test]
    fn every_published_subject_is_heard_or_said_to_be_unheard() {
        for subject in PUBLISHED {
            let heard = is_heard(subject);
            let unheard = UNHEARD.contains(&subject);
            assert!(
                heard != unheard,
                "{subject}: heard by a consumer {heard}, listed as unheard {unheard}"
            );
        }
        assert!(is_heard(AUDIT_SAMPLE));
    }

    #[test]
    fn every_consumed_subject_is_published_by_someone() {
        for (consumer, filters) in heard::ALL {
            for filter in filters {
                let published =
                    PUBLISHED.iter().any(|s| matches(filter, s)) || matches(filter, AUDIT_SAMPLE);
                assert!(
                    published,
                    "{consumer} listens to {filter}, which nobody publishes"
                );
            }
        }
    }

    #[test]
    fn subjects_are_unique_and_in_the_stream_families() {
        let mut seen = std::collections::HashSet::new();
        for subject in PUBLISHED {
            assert!(seen.insert(subject), "{subject} twice");
            let family = subject.split('.').next().unwrap_or_default();
            assert!(
                ["identity", "offices", "careboard", "notify"].contains(&family),
                "{subject}"
            );
            assert_eq!(subject.split('.').count(), 3, "{subject}");
        }
    }

    #[test]
    fn a_user_status_travels_as_the_word_it_always_was() {
        use crate::common::UserStatus;
        for (status, word) in [
            (UserStatus::Active, "active"),
            (UserStatus::Suspended, "suspended"),
            (UserStatus::Deactivated, "deactivated"),
        ] {
            let event = UserStatusChanged {
                user_id: "u".into(),
                status: status.into(),
            };
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(json, serde_json::json!({ "user_id": "u", "status": word }));
            let back: UserStatusChanged = serde_json::from_value(json).unwrap();
            assert_eq!(back.status(), status);
        }
        let unknown: UserStatusChanged =
            serde_json::from_value(serde_json::json!({ "user_id": "u", "status": "asleep" }))
                .unwrap();
        assert_eq!(unknown.status(), UserStatus::Unspecified);
        let missing: UserStatusChanged =
            serde_json::from_value(serde_json::json!({ "user_id": "u" })).unwrap();
        assert_eq!(missing.status(), UserStatus::Unspecified);
        assert!(
            serde_json::from_value::<UserStatusChanged>(
                serde_json::json!({ "user_id": "u", "status": 2 })
            )
            .is_err(),
            "a number is no word"
        );
    }

    #[test]
    fn filters_match_as_nats_does() {
        assert!(matches("careboard.post.>", "careboard.post.read"));
        assert!(!matches("careboard.post.>", "careboard.post"));
        assert!(matches("audit.>", AUDIT_SAMPLE));
        assert!(matches("careboard.*.read", "careboard.post.read"));
        assert!(!matches("careboard.post.read", "careboard.post.read.more"));
        assert!(!matches("identity.user.status_changed", "identity.user"));
    }
}

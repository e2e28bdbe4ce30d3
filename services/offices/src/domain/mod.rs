//! Offices' rules: what an office is and who may register one. Plain Rust, no I/O.

pub mod application;
pub mod invitation;
mod kind;
mod states;

pub use kind::OfficeKind;
pub use states::{ApplicationMode, ApplicationStatus, OfficeStatus, UnknownState};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DomainError {
    #[error("field {0} is invalid")]
    Invalid(&'static str),
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("fields {0:?} are invalid")]
    Fields(Vec<&'static str>),
    #[error("already decided")]
    AlreadyDecided,
    #[error("applications are not accepted")]
    ApplicationsClosed,
    #[error("invitation code missing, unknown or used")]
    InvitationInvalid,
}

/// An office name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeName(String);

impl OfficeName {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        let len = s.chars().count();
        if len == 0 || len > 100 || s.chars().any(char::is_control) {
            return Err(DomainError::Invalid("name"));
        }
        Ok(Self(s.to_owned()))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorRole {
    Staff,
    OfficeAdmin,
    Operator,
}

/// Registering an office directly, bypassing the public application, is the city's act.
pub fn may_register_office(role: ActorRole) -> Result<(), DomainError> {
    if role == ActorRole::Operator {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            OfficeName::parse("  高萩クリニック ").unwrap().as_str(),
            "高萩クリニック"
        );
        assert!(OfficeName::parse("   ").is_err());
        assert!(OfficeName::parse(&"あ".repeat(101)).is_err());
        assert!(OfficeName::parse("改行\n入り").is_err());
    }

    #[test]
    fn only_the_operator_registers_offices_directly() {
        assert!(may_register_office(ActorRole::Operator).is_ok());
        assert_eq!(
            may_register_office(ActorRole::OfficeAdmin),
            Err(DomainError::Forbidden)
        );
        assert_eq!(
            may_register_office(ActorRole::Staff),
            Err(DomainError::Forbidden)
        );
    }
}

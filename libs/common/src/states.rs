//! States that travel between services, typed once: one service decides each (identity a user's
//! status) and the others keep what it told them. Each is stored as the same text in every
//! database that holds it (`as_str`, read back with `FromStr` or `TryFrom<String>`), and crosses a
//! process boundary as the contract's enum (`From` each way, UNSPECIFIED refused).
//!
//! No database driver here, as for `ids`: stores read with `#[sqlx(try_from = "String")]`.

use std::fmt;
use std::str::FromStr;

/// Why a text or a contract's value is not a state of the kind asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0}: not one of its values")]
pub struct StateError(pub &'static str);

/// A person's account as identity decides it. Read from JSON as its stored text (a row read as
/// part of a JSON aggregate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum UserStatus {
    Active,
    /// Stopped at once by the operator; every session ends.
    Suspended,
    /// Taken out of use by the office; every session ends.
    Deactivated,
}

impl UserStatus {
    pub const ALL: [Self; 3] = [Self::Active, Self::Suspended, Self::Deactivated];

    /// The text stored for it (identity's `users.status`, careboard's `inactive_users.status`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Deactivated => "deactivated",
        }
    }

    /// Whether the person may sign in and counts as a current member.
    #[must_use]
    pub const fn is_active(self) -> bool {
        matches!(self, Self::Active)
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UserStatus {
    type Err = StateError;

    fn from_str(text: &str) -> Result<Self, StateError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or(StateError("user status"))
    }
}

impl TryFrom<String> for UserStatus {
    type Error = StateError;

    fn try_from(text: String) -> Result<Self, StateError> {
        text.parse()
    }
}

impl From<UserStatus> for proto::common::UserStatus {
    fn from(status: UserStatus) -> Self {
        match status {
            UserStatus::Active => Self::Active,
            UserStatus::Suspended => Self::Suspended,
            UserStatus::Deactivated => Self::Deactivated,
        }
    }
}

impl TryFrom<proto::common::UserStatus> for UserStatus {
    type Error = StateError;

    fn try_from(status: proto::common::UserStatus) -> Result<Self, StateError> {
        match status {
            proto::common::UserStatus::Active => Ok(Self::Active),
            proto::common::UserStatus::Suspended => Ok(Self::Suspended),
            proto::common::UserStatus::Deactivated => Ok(Self::Deactivated),
            proto::common::UserStatus::Unspecified => Err(StateError("user status")),
        }
    }
}

/// A contract's field as sent (`i32`): an unknown number is no status, as UNSPECIFIED is not.
impl TryFrom<i32> for UserStatus {
    type Error = StateError;

    fn try_from(number: i32) -> Result<Self, StateError> {
        proto::common::UserStatus::try_from(number)
            .map_err(|_| StateError("user status"))?
            .try_into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proto::common::UserStatus as Pb;

    #[test]
    fn every_user_status_round_trips_through_the_contract_and_its_stored_text() {
        for status in UserStatus::ALL {
            let pb = Pb::from(status);
            assert_eq!(UserStatus::try_from(pb), Ok(status));
            assert_eq!(UserStatus::try_from(i32::from(pb)), Ok(status));
            assert_eq!(status.as_str().parse::<UserStatus>(), Ok(status));
            assert_eq!(UserStatus::try_from(status.as_str().to_owned()), Ok(status));
            // Events carry the same word as the databases.
            assert_eq!(proto::events::user_status_word::word(pb), status.as_str());
        }
        assert_eq!(
            ["active", "suspended", "deactivated"],
            UserStatus::ALL.map(UserStatus::as_str)
        );
    }

    #[test]
    fn what_is_no_user_status_is_refused() {
        let refused = Err(StateError("user status"));
        assert_eq!(UserStatus::try_from(Pb::Unspecified), refused);
        assert_eq!(UserStatus::try_from(0), refused);
        assert_eq!(UserStatus::try_from(99), refused);
        assert_eq!("".parse::<UserStatus>(), refused);
        assert_eq!("Active".parse::<UserStatus>(), refused);
        assert_eq!("closed".parse::<UserStatus>(), refused);
        assert!(UserStatus::Active.is_active());
        assert!(!UserStatus::Suspended.is_active());
        assert!(!UserStatus::Deactivated.is_active());
    }
}

//! The states offices keeps: an office's, an application's, and how applications are accepted.
//! Each is stored (or configured) as the lowercase word `as_str` gives; that word is the one
//! the database holds today, so no row changes.

use std::str::FromStr;

/// A word that names none of a state's values: a row written by a later release, or a mistyped
/// setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a known {what}")]
pub struct UnknownState {
    pub what: &'static str,
    pub text: String,
}

/// The word each value is stored as, and the way back; `TryFrom<String>` is how a row reads it.
macro_rules! stored_as {
    ($name:ident, $what:literal, { $($value:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$value),+];

            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$value => $text),+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownState;

            fn from_str(s: &str) -> Result<Self, UnknownState> {
                match s {
                    $($text => Ok($name::$value),)+
                    other => Err(UnknownState { what: $what, text: other.to_owned() }),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownState;

            fn try_from(s: String) -> Result<Self, UnknownState> {
                s.parse()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// An office in use, or withdrawn (利用廃止: kept for its history, its people disabled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeStatus {
    Active,
    Withdrawn,
}

stored_as!(OfficeStatus, "office status", {
    Active => "active",
    Withdrawn => "withdrawn",
});

/// A 事業所登録申請 waiting for the city, or decided once and for all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Rejected,
}

stored_as!(ApplicationStatus, "application status", {
    Pending => "pending",
    Approved => "approved",
    Rejected => "rejected",
});

/// Whether the public may apply: freely, only with an invitation code from the city (the guide's
/// trial period), or not at all. Configured as `APPLICATION_MODE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationMode {
    Open,
    Invitation,
    Closed,
}

stored_as!(ApplicationMode, "application mode", {
    Open => "open",
    Invitation => "invitation",
    Closed => "closed",
});

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T>(all: &[T])
    where
        T: Copy + PartialEq + std::fmt::Debug + FromStr<Err = UnknownState> + ToString,
    {
        for &value in all {
            assert_eq!(value.to_string().parse::<T>(), Ok(value));
        }
    }

    #[test]
    fn every_state_reads_back_from_the_word_it_is_stored_as() {
        round_trips(OfficeStatus::ALL);
        round_trips(ApplicationStatus::ALL);
        round_trips(ApplicationMode::ALL);
    }

    #[test]
    fn the_stored_words_are_the_ones_the_database_holds() {
        let words: Vec<&str> = ApplicationStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(words, ["pending", "approved", "rejected"]);
        let words: Vec<&str> = OfficeStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(words, ["active", "withdrawn"]);
        let words: Vec<&str> = ApplicationMode::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(words, ["open", "invitation", "closed"]);
    }

    #[test]
    fn an_unknown_word_is_refused_by_name() {
        assert_eq!(
            OfficeStatus::try_from("Active".to_owned()),
            Err(UnknownState {
                what: "office status",
                text: "Active".into()
            })
        );
        assert!("".parse::<ApplicationStatus>().is_err());
        assert!("invite".parse::<ApplicationMode>().is_err());
    }
}

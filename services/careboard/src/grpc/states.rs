//! Careboard's states as the contract's enums, one conversion each way. UNSPECIFIED is no
//! state (a request carrying it is refused by its field, in `decode`).

use crate::domain::states::{IncidentStatus, RecipientStatus, RevisionKind, UnknownState};
use proto::careboard as pb;

impl From<RecipientStatus> for pb::RecipientStatus {
    fn from(s: RecipientStatus) -> Self {
        match s {
            RecipientStatus::Active => Self::Active,
            RecipientStatus::Closed => Self::Closed,
        }
    }
}

impl TryFrom<pb::RecipientStatus> for RecipientStatus {
    type Error = UnknownState;

    fn try_from(s: pb::RecipientStatus) -> Result<Self, UnknownState> {
        match s {
            pb::RecipientStatus::Active => Ok(Self::Active),
            pb::RecipientStatus::Closed => Ok(Self::Closed),
            pb::RecipientStatus::Unspecified => Err(UnknownState("recipient status")),
        }
    }
}

impl From<IncidentStatus> for pb::IncidentStatus {
    fn from(s: IncidentStatus) -> Self {
        match s {
            IncidentStatus::Received => Self::Received,
            IncidentStatus::InProgress => Self::InProgress,
            IncidentStatus::Done => Self::Done,
        }
    }
}

impl TryFrom<pb::IncidentStatus> for IncidentStatus {
    type Error = UnknownState;

    fn try_from(s: pb::IncidentStatus) -> Result<Self, UnknownState> {
        match s {
            pb::IncidentStatus::Received => Ok(Self::Received),
            pb::IncidentStatus::InProgress => Ok(Self::InProgress),
            pb::IncidentStatus::Done => Ok(Self::Done),
            pb::IncidentStatus::Unspecified => Err(UnknownState("incident status")),
        }
    }
}

impl From<RevisionKind> for pb::RevisionKind {
    fn from(k: RevisionKind) -> Self {
        match k {
            RevisionKind::Edited => Self::Edited,
            RevisionKind::Withdrawn => Self::Withdrawn,
        }
    }
}

impl TryFrom<pb::RevisionKind> for RevisionKind {
    type Error = UnknownState;

    fn try_from(k: pb::RevisionKind) -> Result<Self, UnknownState> {
        match k {
            pb::RevisionKind::Edited => Ok(Self::Edited),
            pb::RevisionKind::Withdrawn => Ok(Self::Withdrawn),
            pb::RevisionKind::Unspecified => Err(UnknownState("revision kind")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Domain → contract → domain, and the text it is stored as back to the same value.
    fn round_trips<D, P>(all: &[D], text: fn(D) -> &'static str, parse: fn(&str) -> Option<D>)
    where
        D: Copy + PartialEq + std::fmt::Debug + TryFrom<P>,
        P: From<D> + Copy + Into<i32>,
    {
        let mut numbers: Vec<i32> = Vec::new();
        for d in all {
            let sent = P::from(*d);
            numbers.push(sent.into());
            assert!(
                D::try_from(sent).ok() == Some(*d),
                "{d:?} through the contract"
            );
            assert_eq!(parse(text(*d)), Some(*d), "{d:?} through its stored text");
        }
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), all.len(), "one number each");
        assert!(!numbers.contains(&0), "none is UNSPECIFIED");
    }

    #[test]
    fn every_state_round_trips_through_the_contract_and_its_text() {
        round_trips::<RecipientStatus, pb::RecipientStatus>(
            RecipientStatus::ALL,
            RecipientStatus::as_str,
            |t| t.parse().ok(),
        );
        round_trips::<IncidentStatus, pb::IncidentStatus>(
            IncidentStatus::ALL,
            IncidentStatus::as_str,
            |t| t.parse().ok(),
        );
        round_trips::<RevisionKind, pb::RevisionKind>(
            RevisionKind::ALL,
            RevisionKind::as_str,
            |t| t.parse().ok(),
        );
        assert!(RecipientStatus::try_from(pb::RecipientStatus::Unspecified).is_err());
        assert!(RevisionKind::try_from(pb::RevisionKind::Unspecified).is_err());
    }
}

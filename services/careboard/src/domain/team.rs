//! 支援チーム: members come from any office; one representative (代表者) at a time.

use super::DomainError;
use common::ids::UserId;
use common::states::UserStatus;

/// A rule of the team that a change would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TeamRule {
    /// Only active people join.
    #[error("inactive user")]
    InactiveUser,
    #[error("already a member")]
    AlreadyMember,
    /// A team is never without its representative.
    #[error("representative must hand over first")]
    RepresentativeMustHandOver,
    #[error("already the representative")]
    AlreadyRepresentative,
}

/// What careboard needs to know of a person joining a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub user_id: UserId,
    /// As identity reports it: only active people join.
    pub status: UserStatus,
}

/// A person can join when active and not already a current member.
pub fn may_join(candidate: &Candidate, already_member: bool) -> Result<(), DomainError> {
    if !candidate.status.is_active() {
        return Err(DomainError::Team(TeamRule::InactiveUser));
    }
    if already_member {
        return Err(DomainError::Team(TeamRule::AlreadyMember));
    }
    Ok(())
}

/// The representative hands over before leaving, so a team is never without one.
pub fn may_remove(
    actor: UserId,
    target: UserId,
    target_is_member: bool,
) -> Result<(), DomainError> {
    if !target_is_member {
        return Err(DomainError::NotFound);
    }
    if actor == target {
        return Err(DomainError::Team(TeamRule::RepresentativeMustHandOver));
    }
    Ok(())
}

/// The role goes to another current member.
pub fn may_hand_over(
    actor: UserId,
    target: UserId,
    target_is_member: bool,
) -> Result<(), DomainError> {
    if !target_is_member {
        return Err(DomainError::NotFound);
    }
    if actor == target {
        return Err(DomainError::Team(TeamRule::AlreadyRepresentative));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_active_newcomers_join() {
        let active = Candidate {
            user_id: UserId::new_v7(),
            status: UserStatus::Active,
        };
        assert!(may_join(&active, false).is_ok());
        assert_eq!(
            may_join(&active, true),
            Err(DomainError::Team(TeamRule::AlreadyMember))
        );
        let suspended = Candidate {
            status: UserStatus::Suspended,
            ..active
        };
        assert_eq!(
            may_join(&suspended, false),
            Err(DomainError::Team(TeamRule::InactiveUser))
        );
    }

    #[test]
    fn the_representative_hands_over_before_leaving() {
        let me = UserId::new_v7();
        let other = UserId::new_v7();
        assert_eq!(
            may_remove(me, me, true),
            Err(DomainError::Team(TeamRule::RepresentativeMustHandOver))
        );
        assert!(may_remove(me, other, true).is_ok());
        assert_eq!(may_remove(me, other, false), Err(DomainError::NotFound));
        assert!(may_hand_over(me, other, true).is_ok());
        assert_eq!(
            may_hand_over(me, me, true),
            Err(DomainError::Team(TeamRule::AlreadyRepresentative))
        );
    }
}

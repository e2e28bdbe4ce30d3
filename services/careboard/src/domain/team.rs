//! 支援チーム: members come from any office; one representative (代表者) at a time.

use super::DomainError;
use uuid::Uuid;

/// What careboard needs to know of a person joining a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub user_id: Uuid,
    /// As identity reports it: only `active` people join.
    pub status: String,
}

/// A person can join when active and not already a current member.
pub fn may_join(candidate: &Candidate, already_member: bool) -> Result<(), DomainError> {
    if candidate.status != "active" {
        return Err(DomainError::Team("inactive_user"));
    }
    if already_member {
        return Err(DomainError::Team("already_member"));
    }
    Ok(())
}

/// The representative hands over before leaving, so a team is never without one.
pub fn may_remove(actor: Uuid, target: Uuid, target_is_member: bool) -> Result<(), DomainError> {
    if !target_is_member {
        return Err(DomainError::NotFound);
    }
    if actor == target {
        return Err(DomainError::Team("representative_must_hand_over"));
    }
    Ok(())
}

/// The role goes to another current member.
pub fn may_hand_over(actor: Uuid, target: Uuid, target_is_member: bool) -> Result<(), DomainError> {
    if !target_is_member {
        return Err(DomainError::NotFound);
    }
    if actor == target {
        return Err(DomainError::Team("already_representative"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_active_newcomers_join() {
        let active = Candidate {
            user_id: Uuid::now_v7(),
            status: "active".into(),
        };
        assert!(may_join(&active, false).is_ok());
        assert_eq!(
            may_join(&active, true),
            Err(DomainError::Team("already_member"))
        );
        let suspended = Candidate {
            status: "suspended".into(),
            ..active
        };
        assert_eq!(
            may_join(&suspended, false),
            Err(DomainError::Team("inactive_user"))
        );
    }

    #[test]
    fn the_representative_hands_over_before_leaving() {
        let me = Uuid::now_v7();
        let other = Uuid::now_v7();
        assert_eq!(
            may_remove(me, me, true),
            Err(DomainError::Team("representative_must_hand_over"))
        );
        assert!(may_remove(me, other, true).is_ok());
        assert_eq!(may_remove(me, other, false), Err(DomainError::NotFound));
        assert!(may_hand_over(me, other, true).is_ok());
        assert_eq!(
            may_hand_over(me, me, true),
            Err(DomainError::Team("already_representative"))
        );
    }
}

//! Careboard's rules. The first one: a recipient's data is for the current members of their team.

// The recipient, consent and post rules are ready for the board's use cases, which come next.
#[allow(dead_code)]
pub mod consent;
#[allow(dead_code)]
pub mod post;
#[allow(dead_code)]
pub mod recipient;

use uuid::Uuid;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DomainError {
    #[error("not allowed")]
    Forbidden,
}

/// Who is asking, as the gateway established it.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user_id: Uuid,
    pub is_operator: bool,
}

/// The operator administers consent but never reads boards: its home has no recipients.
pub fn may_list_own_boards(actor: &Actor) -> Result<(), DomainError> {
    if actor.is_operator {
        Err(DomainError::Forbidden)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_has_no_boards_of_its_own() {
        let staff = Actor {
            user_id: Uuid::nil(),
            is_operator: false,
        };
        assert!(may_list_own_boards(&staff).is_ok());
        let operator = Actor {
            is_operator: true,
            ..staff
        };
        assert_eq!(may_list_own_boards(&operator), Err(DomainError::Forbidden));
    }
}

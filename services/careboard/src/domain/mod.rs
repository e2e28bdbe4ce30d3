//! Careboard's rules. The first one: a recipient's data is for the current members of their team,
//! and the operator administers consent without ever reading a board.

pub mod consent;
pub mod correction;
pub mod incident;
pub mod post;
pub mod recipient;
pub mod search;
pub mod states;
pub mod team;

use common::ids::{CertSerial, OfficeId, UserId};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DomainError {
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The named fields are wrong; all of them at once.
    #[error("invalid: {}", .0.join(","))]
    Invalid(Vec<&'static str>),
    /// The board was closed (共有の終了): read-only.
    #[error("board closed")]
    Closed,
    /// A team rule, e.g. the representative cannot leave without handing over.
    #[error("team rule: {0}")]
    Team(team::TeamRule),
    /// Someone else's post: only its author corrects or withdraws it.
    #[error("not the author")]
    NotAuthor,
    /// A rule of writing on the board refused the change.
    #[error(transparent)]
    Rule(#[from] correction::BoardRule),
}

impl DomainError {
    #[must_use]
    pub fn invalid(field: &'static str) -> Self {
        DomainError::Invalid(vec![field])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Staff,
    OfficeAdmin,
    Operator,
}

/// Who is asking, as the gateway established it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: UserId,
    pub office_id: OfficeId,
    pub role: Role,
    /// The device certificate the request came through; none when a service calls for itself.
    pub cert_serial: Option<CertSerial>,
}

impl Actor {
    #[must_use]
    pub fn is_operator(&self) -> bool {
        self.role == Role::Operator
    }
}

/// The actor's place on one recipient's team, as the store found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    /// Never on the team, or removed: nothing of the recipient is visible.
    None,
    Member,
    Representative,
}

/// The operator administers consent but never reads boards: its home has no recipients.
pub fn may_list_own_boards(actor: &Actor) -> Result<(), DomainError> {
    if actor.is_operator() {
        Err(DomainError::Forbidden)
    } else {
        Ok(())
    }
}

/// Reading anything of a recipient: current members only. The operator is never a member.
pub fn may_read(actor: &Actor, membership: Membership) -> Result<(), DomainError> {
    if actor.is_operator() || membership == Membership::None {
        return Err(DomainError::Forbidden);
    }
    Ok(())
}

/// Who may export a recipient's record to another system (the FHIR export): the city's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportBy {
    /// Every current member of the team, as for reading.
    #[default]
    Team,
    /// Only the team's representative (代表者).
    Representative,
}

/// Exporting the whole record: as reading, or only the representative if the city says so.
pub fn may_export(actor: &Actor, membership: Membership, by: ExportBy) -> Result<(), DomainError> {
    may_read(actor, membership)?;
    if by == ExportBy::Representative && membership != Membership::Representative {
        return Err(DomainError::Forbidden);
    }
    Ok(())
}

/// Writing (posting, marking, updating info): current members of an open board.
pub fn may_write(actor: &Actor, membership: Membership, closed: bool) -> Result<(), DomainError> {
    may_read(actor, membership)?;
    if closed {
        return Err(DomainError::Closed);
    }
    Ok(())
}

/// Managing the team and closing the board: the representative (代表者) of an open board.
pub fn may_manage(actor: &Actor, membership: Membership, closed: bool) -> Result<(), DomainError> {
    may_write(actor, membership, closed)?;
    if membership != Membership::Representative {
        return Err(DomainError::Forbidden);
    }
    Ok(())
}

/// Registering a recipient: staff and office admins, never the operator.
pub fn may_register(actor: &Actor) -> Result<(), DomainError> {
    may_list_own_boards(actor)
}

/// The consent register (同意書の受付): the operator only.
pub fn may_administer_consent(actor: &Actor) -> Result<(), DomainError> {
    if actor.is_operator() {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

/// Who may read an incident report: the city, the reporter's office admin, the reporter.
pub fn may_see_incident(
    actor: &Actor,
    office: OfficeId,
    reporter: UserId,
) -> Result<(), DomainError> {
    let ok = actor.is_operator()
        || (actor.role == Role::OfficeAdmin && actor.office_id == office)
        || actor.user_id == reporter;
    if ok {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

/// Moving a report through 受付 → 対応中 → 完了 is the city's.
pub fn may_track_incident(actor: &Actor) -> Result<(), DomainError> {
    may_administer_consent(actor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: UserId::from(uuid::Uuid::nil()),
            office_id: OfficeId::from(uuid::Uuid::nil()),
            role,
            cert_serial: None,
        }
    }

    #[test]
    fn operator_has_no_boards_of_its_own() {
        assert!(may_list_own_boards(&actor(Role::Staff)).is_ok());
        assert_eq!(
            may_list_own_boards(&actor(Role::Operator)),
            Err(DomainError::Forbidden)
        );
    }

    #[test]
    fn only_current_members_read_and_only_the_representative_manages() {
        let staff = actor(Role::Staff);
        assert_eq!(
            may_read(&staff, Membership::None),
            Err(DomainError::Forbidden)
        );
        assert!(may_read(&staff, Membership::Member).is_ok());
        assert!(may_export(&staff, Membership::Member, ExportBy::Team).is_ok());
        assert_eq!(
            may_export(&staff, Membership::Member, ExportBy::Representative),
            Err(DomainError::Forbidden)
        );
        assert!(may_export(&staff, Membership::Representative, ExportBy::Representative).is_ok());
        assert_eq!(
            may_export(&actor(Role::Operator), Membership::None, ExportBy::Team),
            Err(DomainError::Forbidden)
        );
        assert_eq!(
            may_read(&actor(Role::Operator), Membership::Representative),
            Err(DomainError::Forbidden)
        );
        assert_eq!(
            may_manage(&staff, Membership::Member, false),
            Err(DomainError::Forbidden)
        );
        assert!(may_manage(&staff, Membership::Representative, false).is_ok());
    }

    #[test]
    fn a_closed_board_is_read_only() {
        let staff = actor(Role::OfficeAdmin);
        assert!(may_read(&staff, Membership::Member).is_ok());
        assert!(may_export(&staff, Membership::Member, ExportBy::Team).is_ok());
        assert_eq!(
            may_export(&staff, Membership::Member, ExportBy::Representative),
            Err(DomainError::Forbidden)
        );
        assert!(may_export(&staff, Membership::Representative, ExportBy::Representative).is_ok());
        assert_eq!(
            may_export(&actor(Role::Operator), Membership::None, ExportBy::Team),
            Err(DomainError::Forbidden)
        );
        assert_eq!(
            may_write(&staff, Membership::Member, true),
            Err(DomainError::Closed)
        );
        assert_eq!(
            may_manage(&staff, Membership::Representative, true),
            Err(DomainError::Closed)
        );
    }

    #[test]
    fn incidents_are_for_the_reporter_their_admin_and_the_city() {
        let office = OfficeId::new_v7();
        let reporter = UserId::new_v7();
        let mut staff = actor(Role::Staff);
        staff.user_id = reporter;
        assert!(may_see_incident(&staff, office, reporter).is_ok());
        let mut colleague = actor(Role::Staff);
        colleague.office_id = office;
        assert!(may_see_incident(&colleague, office, reporter).is_err());
        let mut admin = actor(Role::OfficeAdmin);
        admin.office_id = office;
        assert!(may_see_incident(&admin, office, reporter).is_ok());
        assert!(may_see_incident(&actor(Role::OfficeAdmin), office, reporter).is_err());
        assert!(may_see_incident(&actor(Role::Operator), office, reporter).is_ok());
        assert!(may_track_incident(&admin).is_err());
    }

    #[test]
    fn only_the_operator_keeps_the_consent_register() {
        assert!(may_administer_consent(&actor(Role::Operator)).is_ok());
        assert_eq!(
            may_administer_consent(&actor(Role::OfficeAdmin)),
            Err(DomainError::Forbidden)
        );
    }
}

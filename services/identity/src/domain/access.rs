//! Who may do what in identity: least privilege per role. The operator administers every office;
//! an office admin only their own office's people and devices; staff only themselves.

use super::{DomainError, Role};
use common::ids::{CertSerial, OfficeId, UserId};

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

fn allow(ok: bool) -> Result<(), DomainError> {
    if ok {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

/// Create, edit, reset, deactivate people of `office`.
pub fn may_manage_users_of(actor: &Actor, office: OfficeId) -> Result<(), DomainError> {
    allow(actor.is_operator() || (actor.role == Role::OfficeAdmin && actor.office_id == office))
}

/// See one person's account.
pub fn may_view_user(actor: &Actor, office: OfficeId, user: UserId) -> Result<(), DomainError> {
    allow(actor.user_id == user || may_manage_users_of(actor, office).is_ok())
}

/// Nobody locks themselves out by accident.
pub fn may_change_status_of(
    actor: &Actor,
    office: OfficeId,
    user: UserId,
) -> Result<(), DomainError> {
    may_manage_users_of(actor, office)?;
    allow(actor.user_id != user)
}

/// Suspension (了解なく一時停止) is the city's act.
pub fn may_suspend(actor: &Actor, user: UserId) -> Result<(), DomainError> {
    allow(actor.is_operator() && actor.user_id != user)
}

/// See and revoke the device certificates of `office`.
pub fn may_manage_certificates_of(actor: &Actor, office: OfficeId) -> Result<(), DomainError> {
    may_manage_users_of(actor, office)
}

/// Issue enrollment codes, and see the office admins' requests for them.
pub fn may_issue_enrollment_codes(actor: &Actor) -> Result<(), DomainError> {
    allow(actor.is_operator())
}

/// Read and verify the audit trail.
pub fn may_read_audit(actor: &Actor) -> Result<(), DomainError> {
    allow(actor.is_operator())
}

/// Ask the city for another device certificate.
pub fn may_request_certificate(actor: &Actor) -> Result<(), DomainError> {
    allow(actor.role == Role::OfficeAdmin)
}

/// The staff directory, for building support teams across offices: staff and office admins.
/// The city administers; it does not join teams.
pub fn may_search_staff(actor: &Actor) -> Result<(), DomainError> {
    allow(!actor.is_operator())
}

/// Where people are mailed is for the notify service only, known by its service certificate.
pub fn may_read_mail_addresses(peer_common_name: Option<&str>) -> Result<(), DomainError> {
    allow(peer_common_name == Some("notify"))
}

/// Which offices' devices an office's people may also sign in on is the city's decision.
pub fn may_manage_partners(actor: &Actor) -> Result<(), DomainError> {
    allow(actor.is_operator())
}

/// At most this many partner offices per office: a partnership is an exception, not a habit.
pub const MAX_PARTNERS: usize = 50;

/// A partner list as the city set it: each office once, never the office itself.
pub fn partner_list(office: OfficeId, partners: &[OfficeId]) -> Result<Vec<OfficeId>, DomainError> {
    let mut list: Vec<OfficeId> = partners.to_vec();
    list.sort_unstable();
    list.dedup();
    if list.contains(&office) || list.len() > MAX_PARTNERS {
        return Err(DomainError::Invalid("partner_office_ids"));
    }
    Ok(list)
}

/// Sign-in is bound to the device's office: people sign in on their own office's devices (the
/// city's operators on the city's, their office being one of kind 市町村), or on a partner
/// office's when the city allowed it.
#[must_use]
pub fn may_sign_in_on(home: OfficeId, device_office: OfficeId, partner: bool) -> bool {
    home == device_office || partner
}

/// The role a new account gets: people of the city's own office are operators.
#[must_use]
pub fn role_for_new_user(actor: &Actor, office: OfficeId, office_admin: bool) -> Role {
    if actor.is_operator() && office == actor.office_id {
        Role::Operator
    } else if office_admin {
        Role::OfficeAdmin
    } else {
        Role::Staff
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn office(n: u128) -> OfficeId {
        OfficeId::from(Uuid::from_u128(n))
    }

    fn user(n: u128) -> UserId {
        UserId::from(Uuid::from_u128(n))
    }

    fn actor(role: Role, office: u128, user: u128) -> Actor {
        Actor {
            user_id: self::user(user),
            office_id: self::office(office),
            role,
            cert_serial: "5e".parse().ok(),
        }
    }

    #[test]
    fn office_admins_manage_only_their_own_office() {
        let admin = actor(Role::OfficeAdmin, 1, 10);
        assert!(may_manage_users_of(&admin, office(1)).is_ok());
        assert_eq!(
            may_manage_users_of(&admin, office(2)),
            Err(DomainError::Forbidden)
        );
        assert!(may_manage_users_of(&actor(Role::Staff, 1, 11), office(1)).is_err());
        assert!(may_manage_users_of(&actor(Role::Operator, 9, 12), office(2)).is_ok());
    }

    #[test]
    fn staff_see_only_themselves_and_nobody_suspends_themselves() {
        let staff = actor(Role::Staff, 1, 11);
        assert!(may_view_user(&staff, office(1), user(11)).is_ok());
        assert!(may_view_user(&staff, office(1), user(12)).is_err());
        let operator = actor(Role::Operator, 9, 12);
        assert!(may_suspend(&operator, user(11)).is_ok());
        assert!(may_suspend(&operator, user(12)).is_err());
        assert!(may_suspend(&actor(Role::OfficeAdmin, 1, 10), user(11)).is_err());
        assert!(
            may_change_status_of(&actor(Role::OfficeAdmin, 1, 10), office(1), user(10)).is_err()
        );
    }

    #[test]
    fn the_directory_is_for_staff_and_addresses_for_notify() {
        assert!(may_search_staff(&actor(Role::Staff, 1, 11)).is_ok());
        assert!(may_search_staff(&actor(Role::OfficeAdmin, 1, 10)).is_ok());
        assert!(may_search_staff(&actor(Role::Operator, 9, 12)).is_err());
        assert!(may_read_mail_addresses(Some("notify")).is_ok());
        assert!(may_read_mail_addresses(Some("gateway")).is_err());
        assert!(may_read_mail_addresses(None).is_err());
    }

    #[test]
    fn people_sign_in_on_their_own_office_devices_or_a_partner_office() {
        let (a, b) = (office(1), office(2));
        assert!(may_sign_in_on(a, a, false));
        assert!(!may_sign_in_on(a, b, false));
        assert!(may_sign_in_on(a, b, true));
        assert!(may_manage_partners(&actor(Role::Operator, 9, 12)).is_ok());
        assert!(may_manage_partners(&actor(Role::OfficeAdmin, 1, 10)).is_err());
        assert_eq!(partner_list(a, &[b, b]).unwrap(), vec![b]);
        assert!(partner_list(a, &[b, a]).is_err(), "not itself");
        let many: Vec<OfficeId> = (10..=10 + MAX_PARTNERS as u128).map(office).collect();
        assert!(partner_list(a, &many).is_err());
    }

    #[test]
    fn people_of_the_city_office_are_operators() {
        let operator = actor(Role::Operator, 9, 12);
        assert_eq!(
            role_for_new_user(&operator, office(9), false),
            Role::Operator
        );
        assert_eq!(
            role_for_new_user(&operator, office(1), true),
            Role::OfficeAdmin
        );
        assert_eq!(
            role_for_new_user(&actor(Role::OfficeAdmin, 1, 10), office(1), false),
            Role::Staff
        );
    }
}

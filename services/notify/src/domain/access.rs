//! Who may read undelivered mail: only through the gateway, the operator every office's, an
//! office admin their own office's.

use common::ids::OfficeId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Staff,
    OfficeAdmin,
    Operator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    pub office_id: OfficeId,
    pub role: Role,
}

/// Whose undelivered mail `reader` sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everyone,
    Office(OfficeId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The caller's certificate is not the gateway's.
    #[error("caller is not the gateway")]
    NotGateway,
    #[error("forbidden")]
    Forbidden,
}

/// `peer`: the common name of the caller's service certificate.
pub fn scope(peer: Option<&str>, reader: Reader) -> Result<Scope, Refused> {
    if peer != Some("gateway") {
        return Err(Refused::NotGateway);
    }
    match reader.role {
        Role::Operator => Ok(Scope::Everyone),
        Role::OfficeAdmin => Ok(Scope::Office(reader.office_id)),
        Role::Staff => Err(Refused::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_gateway_asks_and_each_reader_sees_their_share() {
        let office = OfficeId::from(uuid::Uuid::from_u128(7));
        let reader = |role| Reader {
            office_id: office,
            role,
        };
        assert_eq!(
            scope(Some("gateway"), reader(Role::Operator)),
            Ok(Scope::Everyone)
        );
        assert_eq!(
            scope(Some("gateway"), reader(Role::OfficeAdmin)),
            Ok(Scope::Office(office))
        );
        assert_eq!(
            scope(Some("gateway"), reader(Role::Staff)),
            Err(Refused::Forbidden)
        );
        for peer in [Some("careboard"), Some("notify"), None] {
            assert_eq!(
                scope(peer, reader(Role::Operator)),
                Err(Refused::NotGateway)
            );
        }
    }
}

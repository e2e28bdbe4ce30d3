//! Notify's rows as the contract's messages (its refusals are mapped in `crate::error`).

use crate::domain::delivery::DeliveryState;
use crate::store::UndeliveredRow;
use proto::notify as pb;

fn id(v: Option<uuid::Uuid>) -> String {
    v.map(|u| u.to_string()).unwrap_or_default()
}

/// An undelivered mail's state in the contract's terms. The undelivered lists read only the two
/// settled-as-undelivered states: a mail still on its way, or sent, has no undelivered state.
fn state(s: DeliveryState) -> pb::UndeliveredState {
    match s {
        DeliveryState::FailedPermanent => pb::UndeliveredState::FailedPermanent,
        DeliveryState::Dead => pb::UndeliveredState::Dead,
        DeliveryState::Pending | DeliveryState::Sent => pb::UndeliveredState::Unspecified,
    }
}

pub(super) fn mail(r: UndeliveredRow) -> pb::UndeliveredMail {
    pb::UndeliveredMail {
        event_id: r.event_id.to_string(),
        template: r.template,
        address: r.recipient,
        user_id: id(r.user_id),
        office_id: id(r.office_id),
        state: state(r.state).into(),
        failure: r.last_error.unwrap_or_default(),
        attempts: u32::try_from(r.attempts).unwrap_or_default(),
        due_at: r.created_at.to_rfc3339(),
        failed_at: r.updated_at.to_rfc3339(),
        failures: u32::try_from(r.failures).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The undelivered state the contract gives back as notify's own.
    fn back(s: pb::UndeliveredState) -> Option<DeliveryState> {
        match s {
            pb::UndeliveredState::FailedPermanent => Some(DeliveryState::FailedPermanent),
            pb::UndeliveredState::Dead => Some(DeliveryState::Dead),
            pb::UndeliveredState::Unspecified => None,
        }
    }

    #[test]
    fn every_undelivered_state_round_trips_through_the_contract_and_its_stored_word() {
        for s in [DeliveryState::FailedPermanent, DeliveryState::Dead] {
            let number: i32 = state(s).into();
            let sent = pb::UndeliveredState::try_from(number).expect("a number of the contract");
            assert_eq!(back(sent), Some(s));
            assert_eq!(s.as_str().parse(), Ok(s));
        }
        for s in [DeliveryState::Pending, DeliveryState::Sent] {
            assert_eq!(state(s), pb::UndeliveredState::Unspecified, "{s:?}");
        }
    }
}

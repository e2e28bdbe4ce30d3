//! Notify's refusals to its callers in the contract's terms, mapped once.

use crate::domain::access::Refused;
use crate::store::StoreError;
use proto::common::ErrorReason as Common;
use proto::errors::{Domain, Refusal};
use proto::notify::ErrorReason as Own;
use tonic::Status;

impl From<Refused> for Refusal {
    fn from(e: Refused) -> Self {
        match e {
            Refused::NotGateway => Refusal::new(Domain::Notify, Own::NotGateway),
            Refused::Forbidden => Refusal::new(Domain::Notify, Common::Forbidden),
        }
    }
}

impl From<Refused> for Status {
    fn from(e: Refused) -> Self {
        Refusal::from(e).into_status()
    }
}

impl From<StoreError> for Status {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "store failure");
        Refusal::new(Domain::Notify, Common::Unavailable).into_status()
    }
}

/// The request names no actor the gateway could have signed in.
#[must_use]
pub fn no_actor() -> Status {
    Refusal::new(Domain::Notify, Common::NoActor).into_status()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    #[test]
    fn a_caller_other_than_the_gateway_is_told_so() {
        let status = Status::from(Refused::NotGateway);
        assert_eq!(status.code(), Code::PermissionDenied);
        let r = Refusal::from_status(&status).expect("a refusal");
        assert_eq!(
            (r.domain, r.reason),
            (Domain::Notify, Own::NotGateway.into())
        );
        let r = Refusal::from_status(&Status::from(Refused::Forbidden)).expect("a refusal");
        assert_eq!(r.reason, Common::Forbidden.into());
        let r = Refusal::from_status(&no_actor()).expect("a refusal");
        assert_eq!(r.reason, Common::NoActor.into());
    }
}

use crate::domain::DomainError;
use crate::store::StoreError;
use proto::common::ErrorReason as Common;
use proto::errors::{Domain, Refusal};
use proto::offices::ErrorReason as Own;
use service_runtime::idempotency::IdempotencyError;
use tonic::Status;

/// Everything offices can fail with; mapped to the contract's refusals once, below.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An idempotency key repeated while its first request runs, or reused elsewhere.
    #[error(transparent)]
    Idempotency(#[from] IdempotencyError),
    /// The request names no actor the gateway could have signed in.
    #[error("no actor")]
    NoActor,
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

fn refusal(reason: impl Into<proto::errors::Reason>) -> Refusal {
    Refusal::new(Domain::Offices, reason)
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        match e {
            Error::Domain(DomainError::Invalid(field)) => {
                Refusal::invalid(Domain::Offices, [field])
            }
            Error::Domain(DomainError::Fields(fields)) => Refusal::invalid(Domain::Offices, fields),
            Error::Domain(DomainError::Forbidden) => refusal(Common::Forbidden),
            Error::Domain(DomainError::NotFound) => refusal(Common::NotFound),
            Error::Domain(DomainError::AlreadyDecided) => refusal(Own::AlreadyDecided),
            // Shown beside the code's box, like any wrong field.
            Error::Domain(DomainError::InvitationInvalid) => {
                refusal(Own::InvitationInvalid).field("invitation_code")
            }
            Error::Domain(DomainError::ApplicationsClosed) => refusal(Own::ApplicationsClosed),
            Error::Idempotency(e) => match e {
                IdempotencyError::InProgress => refusal(Common::IdempotencyInProgress),
                IdempotencyError::Reused => refusal(Common::IdempotencyKeyReused),
                IdempotencyError::AnswerNotKept => refusal(Common::IdempotencyAnswered),
                IdempotencyError::Database(e) => {
                    tracing::error!(error = %e, "idempotency record failed");
                    refusal(Common::Unavailable)
                }
            },
            Error::NoActor => refusal(Common::NoActor),
            Error::Store(e) => {
                tracing::error!(error = %e, "store failure");
                refusal(Common::Unavailable)
            }
            Error::Internal(e) => {
                tracing::error!(error = %e, "internal failure");
                refusal(Common::Internal)
            }
        }
    }
}

impl From<Error> for Status {
    fn from(e: Error) -> Self {
        Refusal::from(e).into_status()
    }
}

/// A wrong field of a request, before any use case runs.
#[must_use]
pub fn invalid(field: &'static str) -> Status {
    Error::Domain(DomainError::Invalid(field)).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    fn sent(e: impl Into<Error>) -> (Code, Refusal) {
        let status = Status::from(e.into());
        let refusal = Refusal::from_status(&status).expect("every error is a refusal");
        assert_eq!(refusal.domain, Domain::Offices);
        (status.code(), refusal)
    }

    #[test]
    fn every_wrong_field_of_a_form_is_named_at_once() {
        let (code, r) = sent(DomainError::Fields(vec!["name", "postal_code"]));
        assert_eq!(code, Code::InvalidArgument);
        assert_eq!(r.reason, Common::InvalidField.into());
        assert_eq!(r.fields, ["name", "postal_code"]);
    }

    #[test]
    fn an_invitation_refusal_names_its_box() {
        let (code, r) = sent(DomainError::InvitationInvalid);
        assert_eq!(code, Code::PermissionDenied);
        assert_eq!(r.reason, Own::InvitationInvalid.into());
        assert_eq!(r.fields, ["invitation_code"]);
    }

    #[test]
    fn decisions_and_closed_applications_have_their_own_reasons() {
        let (code, r) = sent(DomainError::AlreadyDecided);
        assert_eq!(
            (code, r.reason),
            (Code::FailedPrecondition, Own::AlreadyDecided.into())
        );
        let (code, r) = sent(DomainError::ApplicationsClosed);
        assert_eq!(
            (code, r.reason),
            (Code::FailedPrecondition, Own::ApplicationsClosed.into())
        );
        let (code, r) = sent(Error::NoActor);
        assert_eq!(
            (code, r.reason),
            (Code::Unauthenticated, Common::NoActor.into())
        );
    }

    #[test]
    fn a_failure_of_offices_itself_tells_no_cause() {
        let status = Status::from(Error::Internal("pool closed".into()));
        assert_eq!(status.code(), Code::Internal);
        assert_eq!(status.message(), "internal");
    }
}

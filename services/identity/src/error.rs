use crate::domain::DomainError;
use crate::domain::password::Weakness;
use crate::store::StoreError;
use proto::common::ErrorReason as Common;
use proto::errors::{DEVICE_OFFICE_NAME, Domain, Refusal};
use proto::identity::ErrorReason as Own;
use service_runtime::idempotency::IdempotencyError;
use tonic::Status;

/// Everything identity can fail with; mapped to the contract's refusals once, below.
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
    /// offices, which owns office names and addresses, did not answer.
    #[error(transparent)]
    Offices(#[from] crate::offices::OfficesError),
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

fn refusal(reason: impl Into<proto::errors::Reason>) -> Refusal {
    Refusal::new(Domain::Identity, reason)
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        match e {
            Error::Domain(d) => match d {
                DomainError::BadCredentials => refusal(Own::BadCredentials),
                DomainError::SessionInvalid => refusal(Own::SessionInvalid),
                DomainError::Locked => refusal(Own::Locked),
                DomainError::Suspended => refusal(Own::Suspended),
                DomainError::Certificate(why) => {
                    tracing::warn!(reason = %why, "certificate refused");
                    refusal(Own::DeviceNotRegistered)
                }
                DomainError::WeakPassword(w) => refusal(match w {
                    Weakness::TooShort => Own::WeakPasswordTooShort,
                    Weakness::TooLong => Own::WeakPasswordTooLong,
                    Weakness::Common => Own::WeakPasswordCommon,
                    Weakness::Reused => Own::WeakPasswordReused,
                }),
                DomainError::InvalidLoginId => Refusal::invalid(Domain::Identity, ["login_id"]),
                DomainError::Invalid(field) => Refusal::invalid(Domain::Identity, [field]),
                DomainError::Forbidden => refusal(Common::Forbidden),
                DomainError::NotFound => refusal(Common::NotFound),
                DomainError::LoginIdTaken => refusal(Own::LoginIdTaken),
                DomainError::RateLimited => refusal(Own::RateLimited),
                DomainError::EnrollmentRefused => refusal(Own::EnrollmentRefused),
                DomainError::WrongCurrentPassword => refusal(Own::WrongCurrentPassword),
                DomainError::OtherOfficeDevice(office) => {
                    refusal(Own::OtherOfficeDevice).with(DEVICE_OFFICE_NAME, office)
                }
            },
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
            Error::Offices(crate::offices::OfficesError::NotFound) => refusal(Common::NotFound),
            Error::Offices(e @ crate::offices::OfficesError::Unavailable(_)) => {
                tracing::error!(error = %e, "offices failure");
                refusal(Common::Unavailable)
            }
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
        assert_eq!(refusal.domain, Domain::Identity);
        (status.code(), refusal)
    }

    #[test]
    fn each_error_is_sent_with_its_reason_and_code() {
        let cases: [(Error, Code, proto::errors::Reason); 6] = [
            (
                DomainError::BadCredentials.into(),
                Code::Unauthenticated,
                Own::BadCredentials.into(),
            ),
            (
                DomainError::WeakPassword(Weakness::Reused).into(),
                Code::InvalidArgument,
                Own::WeakPasswordReused.into(),
            ),
            (
                DomainError::Certificate("revoked".into()).into(),
                Code::PermissionDenied,
                Own::DeviceNotRegistered.into(),
            ),
            (
                Error::NoActor,
                Code::Unauthenticated,
                Common::NoActor.into(),
            ),
            (
                Error::Internal("CA PEM".into()),
                Code::Internal,
                Common::Internal.into(),
            ),
            (
                DomainError::LoginIdTaken.into(),
                Code::AlreadyExists,
                Own::LoginIdTaken.into(),
            ),
        ];
        for (error, code, reason) in cases {
            let (c, r) = sent(error);
            assert_eq!((c, r.reason), (code, reason));
            assert!(r.fields.is_empty());
        }
    }

    #[test]
    fn a_wrong_field_is_named_in_the_bad_request() {
        let (code, r) = sent(DomainError::InvalidLoginId);
        assert_eq!(code, Code::InvalidArgument);
        assert_eq!(r.reason, Common::InvalidField.into());
        assert_eq!(r.fields, ["login_id"]);
        let status = invalid("office_id");
        assert_eq!(status.message(), "invalid:office_id");
        assert_eq!(
            Refusal::from_status(&status).map(|r| r.fields),
            Some(vec!["office_id".into()])
        );
    }

    #[test]
    fn another_offices_device_names_that_office_and_nothing_else() {
        let (code, r) = sent(DomainError::OtherOfficeDevice(
            "高萩訪問看護ステーション".into(),
        ));
        assert_eq!(code, Code::PermissionDenied);
        assert_eq!(r.reason, Own::OtherOfficeDevice.into());
        assert_eq!(r.fact(DEVICE_OFFICE_NAME), Some("高萩訪問看護ステーション"));
        assert_eq!(r.metadata.len(), 1);
    }

    #[test]
    fn a_store_failure_is_unavailable_without_its_cause() {
        let status = Status::from(Error::Store(StoreError::Conflict(
            "users_login_id_key".into(),
        )));
        assert_eq!(status.code(), Code::Unavailable);
        assert_eq!(status.message(), "unavailable");
    }
}

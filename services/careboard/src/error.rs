use crate::domain::DomainError;
use crate::domain::correction::BoardRule;
use crate::domain::team::TeamRule;
use crate::files::FileRefusal;
use crate::files::objects::ObjectsError;
use crate::store::StoreError;
use proto::careboard::ErrorReason as Own;
use proto::common::ErrorReason as Common;
use proto::errors::{Domain, MAX_FILE_MB, MAX_FILES, Refusal};
use service_runtime::idempotency::IdempotencyError;
use tonic::Status;

/// Everything careboard can fail with; mapped to the contract's refusals once, below.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// identity or offices could not say who someone is.
    #[error("directory: {0}")]
    Directory(String),
    /// An idempotency key repeated while its first request runs, or reused elsewhere.
    #[error(transparent)]
    Idempotency(#[from] IdempotencyError),
    /// An upload the uploader must change (its kind, size or contents).
    #[error("file refused: {0}")]
    File(#[from] FileRefusal),
    /// An upload larger than the city's limit per file.
    #[error("file larger than {max_mb} MB")]
    FileTooLarge { max_mb: u64 },
    /// The object store failed.
    #[error(transparent)]
    Objects(#[from] ObjectsError),
    /// The request names no actor the gateway could have signed in.
    #[error("no actor")]
    NoActor,
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

fn refusal(reason: impl Into<proto::errors::Reason>) -> Refusal {
    Refusal::new(Domain::Careboard, reason)
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        match e {
            Error::Domain(DomainError::Forbidden) => refusal(Common::Forbidden),
            Error::Domain(DomainError::NotFound) => refusal(Common::NotFound),
            Error::Domain(DomainError::Invalid(fields)) => {
                Refusal::invalid(Domain::Careboard, fields)
            }
            Error::Domain(DomainError::Closed) => refusal(Own::BoardClosed),
            Error::Domain(DomainError::NotAuthor) => refusal(Own::NotAuthor),
            Error::Domain(DomainError::Rule(rule)) => refusal(match rule {
                BoardRule::ReplyToReply => Own::ReplyToReply,
                BoardRule::PostWithdrawn => Own::PostWithdrawn,
                BoardRule::CorrectionWindowPassed => Own::CorrectionWindowPassed,
            }),
            Error::Domain(DomainError::Team(rule)) => refusal(match rule {
                TeamRule::InactiveUser => Own::InactiveUser,
                TeamRule::AlreadyMember => Own::AlreadyMember,
                TeamRule::RepresentativeMustHandOver => Own::RepresentativeMustHandOver,
                TeamRule::AlreadyRepresentative => Own::AlreadyRepresentative,
            }),
            Error::Idempotency(e) => match e {
                IdempotencyError::InProgress => refusal(Common::IdempotencyInProgress),
                IdempotencyError::Reused => refusal(Common::IdempotencyKeyReused),
                IdempotencyError::AnswerNotKept => refusal(Common::IdempotencyAnswered),
                IdempotencyError::Database(e) => {
                    tracing::error!(error = %e, "idempotency record failed");
                    refusal(Common::Unavailable)
                }
            },
            Error::File(r) => match r {
                FileRefusal::Unsupported => refusal(Own::FileUnsupported),
                FileRefusal::Heic => refusal(Own::FileHeic),
                // Only a rebuild finds it so; the caller's limit is said where it is known.
                FileRefusal::TooLarge => refusal(Own::FileTooLarge),
                FileRefusal::TooManyPixels => refusal(Own::FileTooManyPixels),
                FileRefusal::Corrupt | FileRefusal::PdfCorrupt => refusal(Own::FileCorrupt),
                FileRefusal::TooMany => refusal(Own::TooManyFiles)
                    .with(MAX_FILES, crate::files::MAX_FILES_PER_POST.to_string()),
            },
            Error::FileTooLarge { max_mb } => {
                refusal(Own::FileTooLarge).with(MAX_FILE_MB, max_mb.to_string())
            }
            Error::Objects(e) => {
                tracing::error!(error = %e, "object store failure");
                refusal(Common::Unavailable)
            }
            Error::NoActor => refusal(Common::NoActor),
            Error::Store(e) => {
                tracing::error!(error = %e, "store failure");
                refusal(Common::Unavailable)
            }
            Error::Directory(e) => {
                tracing::error!(error = %e, "directory failure");
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
    Error::Domain(DomainError::invalid(field)).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    fn sent(e: impl Into<Error>) -> (Code, Refusal) {
        let status = Status::from(e.into());
        let refusal = Refusal::from_status(&status).expect("every error is a refusal");
        assert_eq!(refusal.domain, Domain::Careboard);
        (status.code(), refusal)
    }

    #[test]
    fn each_team_rule_has_its_reason() {
        for (rule, reason) in [
            (TeamRule::InactiveUser, Own::InactiveUser),
            (TeamRule::AlreadyMember, Own::AlreadyMember),
            (
                TeamRule::RepresentativeMustHandOver,
                Own::RepresentativeMustHandOver,
            ),
            (TeamRule::AlreadyRepresentative, Own::AlreadyRepresentative),
        ] {
            let (code, r) = sent(DomainError::Team(rule));
            assert_eq!((code, r.reason), (Code::FailedPrecondition, reason.into()));
        }
    }

    #[test]
    fn a_closed_board_is_said_as_such_and_logged_by_name() {
        let status = Status::from(Error::from(DomainError::Closed));
        assert_eq!(status.message(), "board_closed");
        let (code, r) = sent(DomainError::Closed);
        assert_eq!(
            (code, r.reason),
            (Code::FailedPrecondition, Own::BoardClosed.into())
        );
    }

    #[test]
    fn every_wrong_field_is_named() {
        let (code, r) = sent(DomainError::Invalid(vec!["name", "birth_date"]));
        assert_eq!(code, Code::InvalidArgument);
        assert_eq!(r.fields, ["name", "birth_date"]);
    }

    #[test]
    fn idempotency_refusals_keep_their_codes() {
        for (e, code, reason) in [
            (
                IdempotencyError::InProgress,
                Code::Aborted,
                Common::IdempotencyInProgress,
            ),
            (
                IdempotencyError::Reused,
                Code::FailedPrecondition,
                Common::IdempotencyKeyReused,
            ),
            (
                IdempotencyError::AnswerNotKept,
                Code::FailedPrecondition,
                Common::IdempotencyAnswered,
            ),
        ] {
            let (c, r) = sent(e);
            assert_eq!((c, r.reason), (code, reason.into()));
        }
    }

    #[test]
    fn a_directory_failure_is_unavailable_without_its_cause() {
        let status = Status::from(Error::Directory("identity: connection refused".into()));
        assert_eq!(status.code(), Code::Unavailable);
        assert_eq!(status.message(), "unavailable");
    }
}

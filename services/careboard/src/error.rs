use crate::domain::DomainError;
use crate::store::StoreError;

/// Everything careboard can fail with; mapped to a gRPC status once, in `grpc.rs`.
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
    Idempotency(#[from] service_runtime::idempotency::IdempotencyError),
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

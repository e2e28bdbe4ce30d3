use crate::domain::DomainError;
use crate::store::StoreError;

/// Everything identity can fail with; mapped to a gRPC status once, in `grpc.rs`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

use crate::domain::DomainError;
use crate::store::StoreError;

/// Everything careboard can fail with; mapped to a gRPC status once, in `grpc.rs`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T> = std::result::Result<T, Error>;

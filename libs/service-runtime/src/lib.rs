//! The database half of the shared mechanisms, in a crate of its own so that the gateway, which
//! owns no data, cannot link a database driver even when the whole workspace builds together
//! (cargo unifies a crate's features across the binaries built at once).

pub mod config;
pub mod db;
pub mod files;
pub mod idempotency;
pub mod outbox;
pub mod prune;
pub mod runtime;

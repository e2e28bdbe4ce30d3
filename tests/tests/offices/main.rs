//! Offices: the public application, the operator's review, the public map, withdrawal, who may
//! do what, and writes retried with their idempotency key made once.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

mod applications;
mod authz;
mod claim;
mod once;
mod portal;
mod shared_tables;
mod withdrawal;
mod world;

//! Offices: the public application, the operator's review, the public map, withdrawal, and who
//! may do what.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

mod applications;
mod authz;
mod portal;
mod withdrawal;
mod world;

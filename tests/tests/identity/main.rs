//! Identity and the front door: enrollment from the mailed code, device certificates and their
//! revocation, accounts, suspension, the audit trail, and who may do what.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

mod accounts;
mod audit;
mod authz;
mod csrf;
mod enrollment;
mod revocation;
mod secrets;
mod world;

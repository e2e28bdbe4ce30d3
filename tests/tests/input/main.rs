//! How input enters: bytes no field may hold are refused at the gateway and again by every
//! service, field errors speak the words of their form, and the whole API and every HTML form
//! are fuzzed for a 5xx.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

mod field_errors;
mod forms_fuzz;
mod labels;
mod refusals;
mod schemathesis;
mod world;

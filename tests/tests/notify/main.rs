//! Urgent mail that must reach people: each recipient on their own (a refused address holds
//! nobody back and is not tried again, a passing failure is retried, tries are bounded and end
//! on the dead-letter subject), undelivered mail shown to the operator and to the office's
//! admin only, a burst of urgent posts mailed exactly once each by two notify replicas, and
//! emails waiting for their next try holding no place in JetStream.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

mod backlog;
mod burst;
mod refusals;
mod world;

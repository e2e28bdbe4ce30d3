//! What careboard publishes. Its outbox is relayed by `common::outbox::OutboxRelay` (started in
//! `main.rs`); board events join it with the use cases that cause them.

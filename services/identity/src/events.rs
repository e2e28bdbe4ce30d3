//! What identity publishes and consumes. Its outbox is relayed by `common::outbox::OutboxRelay`
//! (started in `main.rs`); account, certificate and audit events join it with the use cases
//! that cause them.

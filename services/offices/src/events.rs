//! What offices publishes, as `proto::events` defines it. Events are written to the outbox with
//! the change that causes them and relayed by `service_runtime::outbox::OutboxRelay` (started in
//! `main.rs`): notify welcomes a registered office's admin and answers applications; identity
//! opens an approved office's first admin account and disables a withdrawn office's users and revokes its certificates.

pub use proto::events::{
    APPLICATION_APPROVED, APPLICATION_REJECTED, APPLICATION_SUBMITTED, ApplicationApproved,
    ApplicationRejected, ApplicationSubmitted, OFFICE_REGISTERED, OFFICE_WITHDRAWN,
    OfficeRegistered, OfficeWithdrawn,
};

pub const SOURCE: &str = "renrakucho/offices";
